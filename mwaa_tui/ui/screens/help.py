"""`?`: every key binding, built from the bindings themselves so it cannot drift."""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Footer, Static

from mwaa_tui.ui.keys import Section

NOTES = (
    "Panes: Tab / Shift+Tab move focus; arrows and PgUp/PgDn scroll the focused pane.",
    "Each pane's border shows its source's health: age of the last good poll, STALE, or the "
    "last error in plain words (for a denied call, the IAM action that is missing).",
    "The status line counts every AWS call of the last minute, by operation and outcome, and "
    "estimates what the polling costs per hour from public CloudWatch prices: GetMetricData "
    "at USD 0.01 per 1,000 metrics requested, other CloudWatch requests at USD 0.01 per 1,000; "
    "Logs reads, GetEnvironment and LookupEvents are not billed per request. The free tier is "
    "ignored, so the estimate errs high (prices: mwaa_tui/core/cost.py).",
    "Polling stays inside account quotas shared by all panes: FilterLogEvents 5/s, "
    "LookupEvents 2/s, DescribeAlarms 9/s.",
    "Remap a key in config.toml's [keys] table by the binding's id, which the command "
    'palette (Ctrl+P) shows: "logs.pause" = "space". [intervals] sets how often each '
    'source is polled: logs = "5s", metrics = 120.',
)


class HelpScreen(ModalScreen[None]):
    HELP_TITLE = "Keys"
    BINDINGS = [
        Binding("escape,q,question_mark", "dismiss", "Close", id="help.close"),
    ]

    def __init__(self, sections: list[Section]) -> None:
        super().__init__()
        self.sections = sections

    @staticmethod
    def _title(section: Section) -> str:
        return f"{section.title} (focused)" if section.focused else section.title

    @property
    def text(self) -> str:
        """Every line of the help as plain text, scrolled into view or not."""
        return "\n".join(
            f"{self._title(section)}\n"
            + "\n".join(f"{line.keys}  {line.what}" for line in section.lines)
            for section in self.sections
        )

    def compose(self) -> ComposeResult:
        # One Static for the whole text: a widget per section cost more to mount and lay
        # out than the tables cost to render, and `?` should answer at once under load.
        parts: list[RenderableType] = [Text("mwaa-tui keys", style="bold")]
        for section in self.sections:
            table = Table(
                box=None,
                show_header=False,
                padding=(0, 2, 0, 0),
                title=Text(self._title(section), style="bold underline"),
                title_justify="left",
            )
            table.add_column(style="bold cyan", no_wrap=True, width=16)
            table.add_column(ratio=1)
            for line in section.lines:
                table.add_row(line.keys, Text(line.what))
            parts.append(table)
        parts.append(Text("\n".join(NOTES), style="dim"))
        parts.append(Text("Esc, q or ? closes this.", style="italic dim"))
        with VerticalScroll(id="help-body"):
            yield Static(Group(*parts), id="help-text")
        yield Footer()
