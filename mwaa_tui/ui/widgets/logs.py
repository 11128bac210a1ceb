"""Log panes: one per component and a merged view, switched by number keys."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.timer import Timer
from textual.widgets import ContentSwitcher, Input, Static

from mwaa_tui.core.format import stamp
from mwaa_tui.core.logstate import LogBuffer, by_time
from mwaa_tui.core.logview import (
    TAGS,
    TIMES,
    VIEWS,
    LogFilter,
    RowFilter,
    compile_matcher,
    compile_search,
    filter_rows,
    format_row,
    message_column,
    next_threshold,
)
from mwaa_tui.core.pane_note import LOGS_EMPTY, why_empty
from mwaa_tui.core.snapshots import (
    ROW_COMPONENT,
    ROW_MESSAGE,
    ROW_STREAM,
    ROW_TIME,
    LogBatch,
    LogConfig,
    LogRow,
    SourceHealth,
)
from mwaa_tui.ui.text import LevelHighlighter
from mwaa_tui.ui.widgets.logview import WRAP_INDENT, LogView
from mwaa_tui.ui.widgets.note import EmptyNote

FLUSH_DELAY = 0.1
"""Seconds between a batch arriving and the views drawing it: batches that arrive
together are drawn in one repaint."""
REPAINT_SPACING = 1.0
"""At most one repaint of the tail a second: a scrolled pane is redrawn whole, and on a
slow link those bytes, not the log volume, are the cost."""
TIMES_NOTE = {"local": "times are local (T: none)", "off": "no times (T: UTC)"}


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


class LogPanes(Vertical):
    """The switcher of log views, their shared filter and search, and coalesced writes."""

    HELP_TITLE = "Logs"

    BINDINGS = [
        Binding(
            "p",
            "pause",
            "Pause",
            id="logs.pause",
            tooltip="Pause the tail (new lines are counted); again to follow from the end",
        ),
        Binding(
            "slash",
            "filter",
            "Filter",
            id="logs.filter",
            tooltip="Show only lines containing text (re:PATTERN for a regular expression; "
            "level:error or logger:airflow.task for a field of Airflow 3's JSON lines)",
        ),
        Binding(
            "f",
            "find",
            "Find",
            id="logs.find",
            tooltip="Highlight text (or re:PATTERN) in this view and jump to the newest match",
        ),
        Binding(
            "n", "find_next(True)", "Next", show=False, id="logs.next", tooltip="Next match (newer)"
        ),
        Binding(
            "N",
            "find_next(False)",
            "Previous",
            show=False,
            id="logs.previous",
            tooltip="Previous match (older)",
        ),
        Binding(
            "L",
            "level",
            "Level",
            show=False,
            id="logs.level",
            tooltip="Cycle the level threshold: all, WARNING and above, ERROR and above",
        ),
        Binding(
            "c",
            "clear",
            "Clear",
            show=False,
            id="logs.clear",
            tooltip="Clear the filter, the threshold and the search",
        ),
        Binding(
            "t",
            "tasks",
            "Tasks",
            id="logs.tasks",
            tooltip="Browse task logs by DAG, run, task and attempt",
        ),
        Binding(
            "i",
            "insights",
            "Insights",
            show=False,
            id="logs.insights",
            tooltip="Search further back than the buffer with a CloudWatch Logs Insights query",
        ),
        Binding(
            "b",
            "since",
            "Backfill",
            show=False,
            id="logs.since",
            tooltip="Choose how far back the tail starts (reloads every view)",
        ),
        Binding(
            "s",
            "save",
            "Save",
            show=False,
            id="logs.save",
            tooltip="Save this view's buffer (as filtered) to a private file",
        ),
        Binding(
            "T",
            "clock",
            "Times",
            show=False,
            id="logs.clock",
            tooltip="Times in UTC, in local time, or none",
        ),
    ]

    class Save(Message):
        """Save these lines of one view."""

        def __init__(self, view: str, text: str) -> None:
            super().__init__()
            self.view = view
            self.text = text

    class TasksRequested(Message):
        """Open the task-log browser."""

    class InsightsRequested(Message):
        """Search further back than the buffer, in one view's groups."""

        def __init__(self, view: str, text: str) -> None:
            super().__init__()
            self.view = view
            self.text = text

    class BackfillRequested(Message):
        """Choose how far back the tail starts."""

    def __init__(self, capacity: int, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.capacity = capacity
        self.current = "All"
        self.configs: dict[str, LogConfig] = {}
        self.filter = LogFilter()
        self.search_text = ""
        self.found = ""
        """Where the last search landed, e.g. `3 of 17`."""
        self.paused = False
        self._prompt = "filter"
        self._flush_timer: Timer | None = None
        self._flushed_at = 0.0

    def compose(self) -> ComposeResult:
        yield Input(id="log-prompt")
        with ContentSwitcher(initial="log-All"):
            for view in VIEWS:
                yield ComponentLog(view, self.capacity)
        yield Static("", id="log-status")

    def on_mount(self) -> None:
        self.query_one("#log-prompt", Input).display = False
        self.query_one("#log-status", Static).display = False
        # While paused, the "N new" count moves once a second.
        self.set_interval(1.0, self._count_waiting)
        for view in VIEWS[1:]:
            self.query_one(f"#log-{view}", ComponentLog).set_config(None)
        self.query_one("#log-All", ComponentLog).set_config(
            LogConfig("All", enabled=True, level="")
        )
        self._title()

    def show(self, view: str) -> None:
        self.current = view
        self.query_one(ContentSwitcher).current = f"log-{view}"
        self.found = ""
        self._status()
        self._title()

    def on_resize(self, event: events.Resize) -> None:
        self._title()

    def _title(self) -> None:
        """The views by number: the one shown reversed, a disabled component struck out.
        Where they do not fit with two spaces between (80 columns), one: all six whole."""
        full, tight = Text(), Text()
        for i, view in enumerate(VIEWS):
            cfg = self.configs.get(view)
            style = "dim strike" if cfg is not None and not cfg.enabled else ""
            label = f"{i + 1} {TAGS[view]}"
            if view == self.current:
                full.append(f" {label} ", style="bold reverse")
                tight.append(f" {label} ", style="bold reverse")
                continue
            full.append(f" {label} ", style=style)
            if tight and not tight.plain.endswith(" "):
                tight.append(" ")
            tight.append(label, style=style)
        # The border keeps a corner, a rule and a space on each side of the title.
        room = self.size.width - 6 if self.size.width else full.cell_len
        self.border_title = full if full.cell_len <= room else tight

    def current_log(self) -> LogView:
        return self.query_one(f"#log-view-{self.current}", LogView)

    def set_config(self, config: LogConfig) -> None:
        self.configs[config.component] = config
        self.query_one(f"#log-{config.component}", ComponentLog).set_config(config)
        self._title()

    def set_health(self, healths: dict[str, SourceHealth | None], now: float) -> None:
        """Each view's source's health (the merged view: the worst log's)."""
        for view in self.views():
            view.set_health(healths.get(view.view), now)

    def add(self, batch: LogBatch) -> None:
        rows = [e.row() for e in batch.events]
        self.query_one(f"#log-{batch.component}", ComponentLog).queue(rows)
        # The merged view shows events at once and keeps itself in time order.
        self.query_one("#log-All", ComponentLog).queue(rows)
        # Draw soon, once for the batches of several components arriving together.
        if self._flush_timer is None and batch.events:
            since = time.monotonic() - self._flushed_at
            delay = max(FLUSH_DELAY, REPAINT_SPACING - since)
            self._flush_timer = self.set_timer(delay, self._flush_due)

    def _flush_due(self) -> None:
        self._flush_timer = None
        self._flushed_at = time.monotonic()
        self.flush()

    def reset(self) -> None:
        """Empty every view before a new backfill."""
        for view in self.views():
            view.reset()

    def flush(self) -> None:
        for pane in self.query(ComponentLog):
            pane.flush()
        if self.paused:
            self._status()

    def _count_waiting(self) -> None:
        if self.paused:
            self._status()

    def views(self) -> list[ComponentLog]:
        return list(self.query(ComponentLog))

    def _status(self) -> None:
        status = self.query_one("#log-status", Static)
        parts = []
        if self.paused:
            waiting = self.query_one(f"#log-{self.current}", ComponentLog).waiting
            parts.append(f"PAUSED · {waiting} new · p follows")
        if self.filter.describe():
            parts.append(f"showing {self.filter.describe()} · c clears")
        if self.search_text:
            where = f" {self.found}" if self.found else ""
            parts.append(f"find {self.search_text!r}{where} · n/N")
        views = self.views()
        if views and views[0].times in TIMES_NOTE:
            parts.append(TIMES_NOTE[views[0].times])
        status.update(Text("   ".join(parts), style="bold yellow" if self.paused else "bold"))
        status.display = bool(parts)

    def apply_filter(self, flt: LogFilter) -> str:
        """Filter every view; returns an error message for an invalid pattern."""
        matcher, error = compile_matcher(flt.text)
        if error:
            return error
        self.filter = flt
        for view in self.views():
            view.set_filter(flt, matcher)
        self._status()
        return ""

    def apply_search(self, text: str) -> str:
        """Highlight `text` in every view and jump to the newest match in this one."""
        pattern, error = compile_search(text)
        if error:
            return error
        self.search_text = text
        for view in self.views():
            view.query_one(LogView).set_search(pattern)
        self.found = ""
        if pattern is not None:
            self._jump(forward=False, from_end=True)
        self._status()
        return ""

    def _jump(self, *, forward: bool, from_end: bool = False) -> None:
        log = self.current_log()
        position = log.find(forward, from_end=from_end)
        if position is None:
            self.notify(
                f"no {'newer' if forward else 'older'} match in the buffer"
                + ("" if forward else "; i searches further back with Logs Insights"),
                title="Find",
                timeout=4,
                markup=False,
            )
        else:
            self.found = f"{position} of {log.matches()}"
        self._status()

    def action_pause(self) -> None:
        self.paused = not self.paused
        for view in self.views():
            view.set_paused(self.paused)
        self._status()

    def _ask(self, mode: str, value: str, placeholder: str) -> None:
        self._prompt = mode
        box = self.query_one("#log-prompt", Input)
        box.placeholder = placeholder
        box.value = value
        box.display = True
        box.focus()

    def action_filter(self) -> None:
        self._ask(
            "filter",
            self.filter.text,
            "filter: text, re:PATTERN or level:error; Enter applies, Esc cancels",
        )

    def action_find(self) -> None:
        self._ask("find", self.search_text, "find: text, or re:PATTERN; Enter finds, Esc cancels")

    def action_insights(self) -> None:
        self.post_message(self.InsightsRequested(self.current, self.search_text))

    def action_find_next(self, forward: bool) -> None:
        if not self.search_text:
            self.action_find()
            return
        self._jump(forward=forward)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        event.input.display = False
        self.current_log().focus()
        value = event.value.strip()
        if self._prompt == "find":
            error = self.apply_search(value)
        else:
            error = self.apply_filter(LogFilter(value, self.filter.level))
        if error:
            self.notify(error, title=self._prompt.title(), severity="error", markup=False)

    def on_key(self, event: events.Key) -> None:
        box = self.query_one("#log-prompt", Input)
        if event.key == "escape" and box.has_focus:
            box.display = False
            self.current_log().focus()
            event.stop()

    def action_level(self) -> None:
        self.apply_filter(LogFilter(self.filter.text, next_threshold(self.filter.level)))

    def action_clear(self) -> None:
        self.apply_search("")
        self.apply_filter(LogFilter())

    def action_tasks(self) -> None:
        self.post_message(self.TasksRequested())

    def action_since(self) -> None:
        self.post_message(self.BackfillRequested())

    def action_save(self) -> None:
        view = self.query_one(f"#log-{self.current}", ComponentLog)
        rows = filter_rows(sorted(view.buffer.kept, key=by_time), view.filter, view.matcher)
        lines = [
            f"{stamp(r[ROW_TIME] / 1000)} {r[ROW_COMPONENT]} {r[ROW_STREAM]} {line}"
            for r in rows
            for line in r[ROW_MESSAGE].split("\n")
        ]
        self.post_message(self.Save(self.current, "\n".join(lines) + "\n"))

    def action_clock(self) -> None:
        for view in self.views():
            view.times = TIMES[(TIMES.index(view.times) + 1) % len(TIMES)]
            view.redraw()
        self._status()
