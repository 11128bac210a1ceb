"""mwaa-tui: a terminal monitor for Amazon MWAA."""

__version__ = "0.1.0"
