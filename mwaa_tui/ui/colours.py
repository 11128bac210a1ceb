"""The colours a terminal gets.

Textual picks its colour system as Rich does, from the environment (`TEXTUAL_COLOR_SYSTEM`
overrides): truecolour with `COLORTERM=truecolor`, 256 colours for `TERM=*-256color`, 16
for any other `TERM` (screen, xterm, linux), none for `TERM=dumb` or `unknown`. Two cases
need the app's help:

- 16 colours: the default theme's colours are rounded to the nearest of the 16, and its
  orange accent (the focused border) comes out bright red, as an error would. There the
  app uses the terminal's own ANSI colours (`ANSI_THEME`): focus in bright cyan, errors
  in red, the rest as the terminal's palette draws them.
- No colour system: Textual renders in truecolour regardless. There the app sends no
  colour at all, as with `NO_COLOR` (bold, dim and reverse remain), and the `:nocolor`
  rules in app.tcss tell the focused pane by the shape of its border.

With `NO_COLOR` Textual greys every colour; the header's badges stand out by reverse and
bold instead (`ui.text.without_colour`).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from rich.color import ColorSystem
from textual.app import App
from textual.filter import NoColor
from textual.theme import BUILTIN_THEMES

ANSI_THEME = replace(BUILTIN_THEMES["ansi-dark"], name="mwaa-ansi", accent="ansi_bright_cyan")
"""Textual's ANSI theme with a focus colour that is not taken for success or failure."""


def fit_colours(app: App[Any]) -> None:
    """Before the first frame: no colour where the terminal has none, the terminal's ANSI
    colours where it has 16 (unless NO_COLOR asks for none)."""
    system = app.console.color_system
    if system is None:
        # Rich would send nothing; Textual's strips fall back to truecolour without a
        # colour system, so give them the plainest one and remove every colour.
        app.console._color_system = ColorSystem.STANDARD
        app.no_color = True
        app._filters.append(NoColor())
    elif system == "standard" and not app.no_color:
        app.register_theme(ANSI_THEME)
        app.theme = ANSI_THEME.name
