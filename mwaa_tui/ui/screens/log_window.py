"""The logs of every component around one moment (a CloudTrail event, an alarm change),
opened at the moment, with the live views' filter, find, wrap and line detail."""

from __future__ import annotations

from collections.abc import Callable

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Footer, Input, Static

from mwaa_tui.aws.clients import AwsGateway
from mwaa_tui.core.format import clock_time, stamp
from mwaa_tui.core.logview import (
    LogFilter,
    compile_matcher,
    compile_search,
    filter_rows,
    format_row,
    message_column,
)
from mwaa_tui.core.snapshots import LogConfig, LogEvent, LogRow
from mwaa_tui.pollers.logs import fetch_window
from mwaa_tui.ui.keys import HELP
from mwaa_tui.ui.screens.line_detail import LineDetail
from mwaa_tui.ui.text import LevelHighlighter
from mwaa_tui.ui.widgets.logview import LogView
from mwaa_tui.ui.widgets.prompt import PromptLine


class LogWindow(ModalScreen[None]):
    HELP_TITLE = "Logs around a moment"
    BINDINGS = [
        Binding("escape,q", "dismiss", "Close", id="logwindow.close"),
        Binding(
            "slash",
            "filter",
            "Filter",
            id="logwindow.filter",
            tooltip="Show only lines containing text (re:PATTERN for a regular expression)",
        ),
        Binding(
            "f",
            "find",
            "Find",
            id="logwindow.find",
            tooltip="Highlight text (or re:PATTERN) and jump to the newest match",
        ),
        Binding("n", "find_next(True)", "Next", id="logwindow.next", tooltip="Next match (newer)"),
        Binding(
            "N",
            "find_next(False)",
            "Previous",
            show=False,
            id="logwindow.previous",
            tooltip="Previous match (older)",
        ),
        Binding(
            "w",
            "wrap",
            "Wrap",
            id="logwindow.wrap",
            tooltip="One row per line, scrolled sideways (again: wrap long lines)",
            priority=True,  # over the line view's own `w`, so the footer shows it
        ),
        Binding(
            "m",
            "moment",
            "Moment",
            show=False,
            id="logwindow.moment",
            tooltip="Back to the line at the moment",
        ),
        HELP,
    ]

    def __init__(
        self,
        title: str,
        start: float,
        end: float,
        events: list[LogEvent],
        moment: float | None = None,
    ) -> None:
        super().__init__()
        self.heading = title
        self.start = start
        self.end = end
        self.moment = (start + end) / 2 if moment is None else moment
        self.events = events
        # Formatted here, in the request that fetched them, not as the screen mounts; the
        # same rows drawn again under a filter, so the cursor finds its line.
        self.kept: list[LogRow] = [e.row() for e in events]
        self.rows = [(line, r) for r in self.kept for line in format_row(r, tag=True)]
        self.filter = LogFilter()
        self.matcher: Callable[[str], bool] | None = None
        self.search_text = ""
        self.found = ""

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
        return cls(title, start, end, events, moment)

    def compose(self) -> ComposeResult:
        with Vertical(id="log-window"):
            head = Text(self.heading, style="bold")
            head.append(
                f"\n{stamp(self.start)} – {stamp(self.end)}, {len(self.events)} lines, "
                f"every component; the cursor at {clock_time(self.moment)}",
                style="dim",
            )
            yield Static(head)
            yield PromptLine(id="log-window-prompt")
            log = LogView(highlighter=LevelHighlighter(), id="log-window-lines")
            log.wrap_indent = message_column(tag=True)
            yield log
            yield Static("", id="log-window-status")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#log-window-status", Static).display = False
        log = self.query_one(LogView)
        if self.rows:
            log.write_rows(self.rows)
        else:
            log.write_lines(["no log lines in this window"])
        log.focus()
        # Wrapped, and at the moment, once the view knows its size.
        self.call_after_refresh(self._open)

    def _open(self) -> None:
        log = self.query_one(LogView)
        log.set_wrap(True)
        self.action_moment()

    @property
    def view(self) -> LogView:
        return self.query_one(LogView)

    def action_moment(self) -> None:
        self.view.cursor_to_time(int(self.moment * 1000))

    def action_wrap(self) -> None:
        self.view.action_wrap()

    # -- filter and find -----------------------------------------------------------------------

    def _draw(self) -> None:
        """The lines again under the filter, the cursor kept on its line."""
        log = self.view
        place = log.place()
        log.clear()
        rows = filter_rows(self.kept, self.filter, self.matcher)
        log.write_rows((line, r) for r in rows for line in format_row(r, tag=True))
        log.restore(place)

    def _status(self) -> None:
        parts = []
        if self.filter.describe():
            parts.append(f"showing {self.filter.describe()}")
        if self.search_text:
            where = f" {self.found}" if self.found else ""
            parts.append(f"find {self.search_text!r}{where} · n/N")
        status = self.query_one("#log-window-status", Static)
        status.update(Text("   ".join(parts), style="bold"))
        status.display = bool(parts)

    def action_filter(self) -> None:
        self.query_one(PromptLine).ask(
            "filter", self.filter.text, "filter: text or re:PATTERN; Enter, Esc cancels"
        )

    def action_find(self) -> None:
        self.query_one(PromptLine).ask(
            "find", self.search_text, "find: text or re:PATTERN; Enter, Esc cancels"
        )

    def action_find_next(self, forward: bool) -> None:
        if not self.search_text:
            self.action_find()
        else:
            self._jump(forward=forward)

    def _jump(self, *, forward: bool, from_end: bool = False) -> None:
        log = self.view
        position = log.find(forward, from_end=from_end)
        if position is None:
            self.notify(
                f"no {'newer' if forward else 'older'} match in this window",
                title="Find",
                timeout=3,
                markup=False,
            )
        else:
            self.found = f"{position} of {log.matches()}"
        self._status()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        event.input.display = False
        self.view.focus()
        value, mode = event.value.strip(), self.query_one(PromptLine).mode
        if mode == "find":
            pattern, error = compile_search(value)
            if not error:
                self.search_text, self.found = value, ""
                self.view.set_search(pattern)
                if pattern is not None:
                    self._jump(forward=False, from_end=True)
        else:
            matcher, error = compile_matcher(value)
            if not error:
                self.filter, self.matcher = LogFilter(value), matcher
                self._draw()
        if error:
            self.notify(error, title=mode.title(), severity="error", markup=False)
        self._status()

    def on_key(self, event: events.Key) -> None:
        box = self.query_one(PromptLine)
        if event.key == "escape" and box.has_focus:
            box.display = False
            self.view.focus()
            event.stop()

    def on_log_view_line_chosen(self, message: LogView.LineChosen) -> None:
        """Enter on a line: the line in full."""
        message.stop()
        self.app.push_screen(LineDetail(message.event, message.text))
