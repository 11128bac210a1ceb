"""Log panes: one per component and a merged view, switched by number keys."""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterable

from rich.highlighter import Highlighter
from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.timer import Timer
from textual.widgets import ContentSwitcher, Input, Static

from mwaa_tui.core.format import clock_time, stamp
from mwaa_tui.core.logstate import RingBuffer
from mwaa_tui.core.logview import (
    LogFilter,
    compile_matcher,
    compile_search,
    next_threshold,
    row_shown,
)
from mwaa_tui.core.snapshots import COMPONENTS, LogBatch, LogConfig, LogEvent, LogRow
from mwaa_tui.ui.widgets.logview import LogView

TAGS = {
    "All": "All",
    "DAGProcessing": "DAG",
    "Scheduler": "Sched",
    "Task": "Task",
    "WebServer": "Web",
    "Worker": "Worker",
}
TAG_STYLE = {"DAG": "magenta", "Sched": "cyan", "Task": "blue", "Web": "green", "Worker": "yellow"}
VIEWS: tuple[str, ...] = ("All", *COMPONENTS)
FLUSH_DELAY = 0.1
"""Seconds between a batch arriving and the views drawing it: batches that arrive
together are drawn in one repaint."""
REPAINT_SPACING = 1.0
"""At most one repaint of the tail a second: a scrolled pane is redrawn whole, and on a
slow link those bytes, not the log volume, are the cost."""


class LevelHighlighter(Highlighter):
    """Colours time, component tag and level in lines this module formats."""

    _time = re.compile(r"^\d\d:\d\d:\d\d")
    _tag = re.compile(r"^(?:\d\d:\d\d:\d\d )?(?:late )?(DAG|Sched|Task|Web|Worker) ")
    _late = re.compile(r"^(?:\d\d:\d\d:\d\d )?(late) ")
    _error = re.compile(
        r"\b(ERROR|CRITICAL|FATAL)\b|\[(?:ERROR|CRITICAL)\]|\"level\": ?\"(?:error|critical)\"",
        re.I,
    )
    _warning = re.compile(r"\b(WARNING|WARN)\b|\[WARNING\]|\"level\": ?\"warn(?:ing)?\"", re.I)
    _debug = re.compile(r"\bDEBUG\b")

    def highlight(self, text: Text) -> None:
        plain = text.plain
        if plain.lstrip(" ").startswith("│ "):
            text.stylize("dim")
            return
        if m := self._time.match(plain):
            text.stylize("dim", 0, m.end())
        if m := self._late.match(plain):
            text.stylize("bold yellow", m.start(1), m.end(1))
        if m := self._tag.match(plain):
            text.stylize(TAG_STYLE.get(m.group(1), ""), m.start(1), m.end(1))
        if m := self._error.search(plain):
            text.stylize("bold red", m.start(), m.end())
            text.stylize("red", m.end())
        elif m := self._warning.search(plain):
            text.stylize("bold yellow", m.start(), m.end())
        elif m := self._debug.search(plain):
            text.stylize("dim", m.start(), m.end())


# Airflow's own `[2026-11-25T11:53:11.000+0000] ` prefix repeats the event time shown first.
_AIRFLOW_TS = re.compile(r"^\[\d{4}-\d\d-\d\d[T ][\d:.,]+(?:[+-]\d{2}:?\d{2}|Z)?\] ")


def format_row(row: LogRow, *, tag: bool, times: str = "utc") -> list[str]:
    """Display lines for one event kept as a `LogRow`: time (`utc`, `local` or `off`),
    `late`, an optional component tag, the message, and its continuation lines."""
    component, timestamp, message, late = row[0], row[1], row[2], row[7]
    parts = [] if times == "off" else [clock_time(timestamp / 1000, utc=times == "utc")]
    if late:
        parts.append("late")
    if tag:
        parts.append(f"{TAGS.get(component, component):<6}")
    head = " ".join(parts) + " " if parts else ""
    if message.startswith("["):
        message = _AIRFLOW_TS.sub("", message, count=1)
    if "\n" not in message:
        return [head + message]
    indent = "" if times == "off" else " " * 9
    lines = message.split("\n")
    return [head + lines[0], *(f"{indent}│ {extra}" for extra in lines[1:])]


def event_rows(events: Iterable[LogEvent], *, tag: bool) -> list[tuple[str, LogRow]]:
    """The display lines of whole events (task log, Insights, a window), each with its row."""
    return [(line, row) for row in (e.row() for e in events) for line in format_row(row, tag=tag)]


TIMES = ("utc", "local", "off")
TIMES_NOTE = {"local": "times are local (T: none)", "off": "no times (T: UTC)"}


class ComponentLog(Vertical):
    """One component's tail (or the merged one), or its disabled state.

    Every event is kept in a ring buffer so a new filter can redraw the view; while
    paused, new events wait and are counted.
    """

    def __init__(self, view: str, capacity: int, **kwargs: object) -> None:
        super().__init__(id=f"log-{view}", **kwargs)  # type: ignore[arg-type]
        self.view = view
        self.capacity = capacity
        self.events: RingBuffer[LogRow] = RingBuffer(capacity)
        self._pending: list[LogRow] = []
        self._dropped_waiting = 0
        """Events that arrived while paused and passed the filter, beyond what is kept."""
        self.paused = False
        self.filter = LogFilter()
        self.matcher: Callable[[str], bool] | None = None
        self.times = "utc"

    def compose(self) -> ComposeResult:
        yield LogView(
            max_lines=self.capacity, highlighter=LevelHighlighter(), id=f"log-view-{self.view}"
        )
        yield Static("", classes="log-state", id=f"log-state-{self.view}")

    def set_config(self, config: LogConfig | None) -> None:
        state = self.query_one(f"#log-state-{self.view}", Static)
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

    def _lines(self, rows: Iterable[LogRow]) -> list[tuple[str, LogRow]]:
        tag = self.view == "All"
        flt, matcher, times = self.filter, self.matcher, self.times
        return [
            (line, r)
            for r in rows
            if row_shown(r, flt, matcher)
            for line in format_row(r, tag=tag, times=times)
        ]

    def queue(self, rows: Iterable[LogRow]) -> None:
        rows = list(rows)
        self.events.extend(rows)
        self._pending.extend(rows)
        excess = len(self._pending) - self.capacity
        if excess > 0:  # a long pause: only the newest `capacity` can be shown anyway
            gone, self._pending = self._pending[:excess], self._pending[excess:]
            self._dropped_waiting += sum(1 for r in gone if row_shown(r, self.filter, self.matcher))

    @property
    def waiting(self) -> int:
        """Events that arrived while paused and pass the filter."""
        kept = sum(1 for r in self._pending if row_shown(r, self.filter, self.matcher))
        return kept + self._dropped_waiting

    def flush(self) -> None:
        if self._pending and not self.paused:
            batch, self._pending = self._pending, []
            self._dropped_waiting = 0
            log = self.query_one(LogView)
            # Components are polled at different moments: in the merged view an older
            # line is no news, and goes in its place. Lateness is the follower's verdict.
            batch.sort(key=lambda r: r[1])
            lines = self._lines(batch)
            if lines:
                log.write_in_order(lines)

    def set_filter(self, flt: LogFilter, matcher: Callable[[str], bool] | None) -> None:
        self.filter, self.matcher = flt, matcher
        self.redraw()

    def set_paused(self, paused: bool) -> None:
        self.paused = paused
        if not paused:
            self.flush()
            self.query_one(LogView).action_follow()

    def redraw(self) -> None:
        log = self.query_one(LogView)
        log.clear()
        held = {id(e) for e in self._pending} if self.paused else set()
        kept = sorted((r for r in self.events if id(r) not in held), key=lambda r: r[1])
        lines = self._lines(kept)
        if not self.paused:
            self._pending = []
            self._dropped_waiting = 0
        log.write_rows(lines)

    def reset(self) -> None:
        """Forget every event: a new backfill is on its way."""
        self.events = RingBuffer(self.capacity)
        self._pending = []
        self._dropped_waiting = 0
        self.query_one(LogView).clear()


class LogPanes(Vertical):
    """The switcher of log views, their shared filter and search, and coalesced writes."""

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
            tooltip="Show only lines containing text (re:PATTERN for a regular expression)",
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

    def show(self, view: str) -> None:
        self.current = view
        self.query_one(ContentSwitcher).current = f"log-{view}"
        self.found = ""
        self._status()

    def current_log(self) -> LogView:
        return self.query_one(f"#log-view-{self.current}", LogView)

    def set_config(self, config: LogConfig) -> None:
        self.configs[config.component] = config
        self.query_one(f"#log-{config.component}", ComponentLog).set_config(config)

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
            "filter", self.filter.text, "filter: text, or re:PATTERN; Enter applies, Esc cancels"
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
        lines = [
            f"{stamp(r[1] / 1000)} {r[0]} {r[3]} {line}"
            for r in view.events
            if row_shown(r, self.filter, view.matcher)
            for line in r[2].split("\n")
        ]
        self.post_message(self.Save(self.current, "\n".join(lines) + "\n"))

    def action_clock(self) -> None:
        for view in self.views():
            view.times = TIMES[(TIMES.index(view.times) + 1) % len(TIMES)]
            view.redraw()
        self._status()
