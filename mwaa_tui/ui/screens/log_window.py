"""The logs of every component around one moment (a CloudTrail event, an alarm change)."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Footer, Static

from mwaa_tui.aws.clients import AwsGateway
from mwaa_tui.core.format import stamp
from mwaa_tui.core.logview import event_rows
from mwaa_tui.core.snapshots import LogConfig, LogEvent
from mwaa_tui.pollers.logs import fetch_window
from mwaa_tui.ui.keys import HELP
from mwaa_tui.ui.text import LevelHighlighter
from mwaa_tui.ui.widgets.logview import LogView


class LogWindow(ModalScreen[None]):
    HELP_TITLE = "Logs around a moment"
    BINDINGS = [Binding("escape,q", "dismiss", "Close", id="logwindow.close"), HELP]

    def __init__(self, title: str, start: float, end: float, events: list[LogEvent]) -> None:
        super().__init__()
        self.heading = title
        self.start = start
        self.end = end
        self.events = events
        # Formatted here, in the request that fetched them, not as the screen mounts.
        self.rows = event_rows(events, tag=True)

    @classmethod
    async def around(
        cls,
        gateway: AwsGateway,
        logging: tuple[LogConfig, ...],
        moment: float,
        title: str,
        *,
        redact: bool,
        before: float = 120,
        after: float = 120,
    ) -> LogWindow:
        """The screen of every enabled component's logs from `before` seconds before
        `moment` to `after` seconds after it."""
        start, end = moment - before, moment + after
        events = await fetch_window(
            gateway, logging, int(start * 1000), int(end * 1000), redact=redact
        )
        return cls(title, start, end, events)

    def compose(self) -> ComposeResult:
        with Vertical(id="log-window"):
            head = Text(self.heading, style="bold")
            head.append(
                f"\n{stamp(self.start)} – {stamp(self.end)}, {len(self.events)} lines, "
                "every component",
                style="dim",
            )
            yield Static(head)
            yield LogView(highlighter=LevelHighlighter(), id="log-window-lines")
        yield Footer()

    def on_mount(self) -> None:
        log = self.query_one(LogView)
        if self.rows:
            log.write_rows(self.rows)
        else:
            log.write_lines(["no log lines in this window"])
        log.scroll_home(animate=False)
        log.focus()
