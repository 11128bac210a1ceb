"""One log pane: a component's tail (or the merged one), its filter, times and pause."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Static

from mwaa_tui.core.logstate import LogBuffer
from mwaa_tui.core.logview import LogFilter, RowFilter, format_row, message_column
from mwaa_tui.core.pane_note import LOGS_EMPTY, why_empty
from mwaa_tui.core.snapshots import LogConfig, LogRow, SourceHealth
from mwaa_tui.ui.text import LevelHighlighter
from mwaa_tui.ui.widgets.log_lines import WRAP_INDENT
from mwaa_tui.ui.widgets.logview import LogView
from mwaa_tui.ui.widgets.note import EmptyNote


class ComponentLog(Vertical):
    """One component's tail (or the merged one), or its disabled state. Its events are
    kept in a `LogBuffer`, so a new filter can draw them again and a pause can hold them."""

    def __init__(self, view: str, capacity: int, **kwargs: object) -> None:
        super().__init__(id=f"log-{view}", **kwargs)  # type: ignore[arg-type]
        self.view = view
        self.capacity = capacity
        self.buffer = LogBuffer(capacity)
        self.filter = LogFilter()
        self.matcher: Callable[[str], bool] | None = None
        self.keep = RowFilter(self.filter)
        """The filter as it goes: which stream last showed which level."""
        self.times = "utc"
        self.enabled = False
        """The component logs to CloudWatch (the merged view: always)."""
        self.health: SourceHealth | None = None
        self._health_at = 0.0

    def compose(self) -> ComposeResult:
        yield EmptyNote(id=f"log-note-{self.view}")
        log = LogView(
            max_lines=self.capacity, highlighter=LevelHighlighter(), id=f"log-view-{self.view}"
        )
        log.wrap_indent = self.hanging_indent()
        yield log
        yield Static("", classes="log-state", id=f"log-state-{self.view}")

    def hanging_indent(self) -> int:
        """Where a wrapped line's further rows start: under its message, past the time
        (`HH:MM:SS `) and the merged view's tag."""
        return message_column(tag=self.view == "All", times=self.times) or WRAP_INDENT

    def set_health(self, health: SourceHealth | None, now: float) -> None:
        """This view's source's health: an empty view says why it is empty."""
        self.health, self._health_at = health, now
        self._note()

    def _note(self) -> None:
        empty = self.enabled and not len(self.buffer.kept) and not self.buffer.pending
        note = why_empty(self.health, self._health_at, LOGS_EMPTY) if empty else None
        self.query_one(EmptyNote).show(note)

    def set_config(self, config: LogConfig | None) -> None:
        state = self.query_one(f"#log-state-{self.view}", Static)
        self.enabled = config is not None and config.enabled
        self._note()
        if config is None:
            state.update(Text("waiting for the environment…", style="dim"))
            state.display = True
        elif not config.enabled:
            state.update(
                Text(f"{config.component}: disabled (level {config.level or '?'})", style="dim")
            )
            state.display = True
        else:
            state.display = False

    def shown(self, row: LogRow) -> bool:
        """Whether the view would show `row` now (for counting what waits)."""
        return self.keep.peek(row)

    def _lines(self, rows: Iterable[LogRow]) -> list[tuple[str, LogRow]]:
        """The display lines of `rows`, the next ones in time, that the filter passes."""
        tag = self.view == "All"
        keep, times = self.keep, self.times
        return [(line, r) for r in rows if keep(r) for line in format_row(r, tag=tag, times=times)]

    def queue(self, rows: Iterable[LogRow]) -> None:
        self.buffer.add(rows, self.shown)

    @property
    def waiting(self) -> int:
        """Events that arrived while paused and pass the filter."""
        return self.buffer.waiting(self.shown)

    def flush(self) -> None:
        lines = self._lines(self.buffer.take())
        if lines:
            self.query_one(LogView).write_in_order(lines)
        self._note()

    def set_filter(self, flt: LogFilter, matcher: Callable[[str], bool] | None) -> None:
        self.filter, self.matcher = flt, matcher
        self.redraw()

    def set_paused(self, paused: bool) -> None:
        self.buffer.paused = paused
        if not paused:
            self.flush()
            self.query_one(LogView).action_follow()

    def redraw(self) -> None:
        """Draw every kept event again (a new filter, times shown another way), keeping
        the cursor on its line and that line on its screen row."""
        log = self.query_one(LogView)
        place = log.place()
        self.keep = RowFilter(self.filter, self.matcher)
        log.clear()
        log.wrap_indent = self.hanging_indent()
        log.write_rows(self._lines(self.buffer.everything()))
        log.restore(place)

    def reset(self) -> None:
        """Forget every event: a new backfill is on its way."""
        self.buffer.clear()
        self.keep = RowFilter(self.filter, self.matcher)
        self.query_one(LogView).clear()
