"""Log panes: one per component and a merged view, switched by number keys."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from rich.highlighter import Highlighter
from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import ContentSwitcher, Input, Log, Static

from mwaa_tui.core.format import clock_time, stamp
from mwaa_tui.core.logstate import Interleaver, RingBuffer
from mwaa_tui.core.logview import LogFilter, compile_matcher, next_threshold, shown
from mwaa_tui.core.snapshots import COMPONENTS, LogBatch, LogConfig, LogEvent

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
CONTINUATION = "  │ "


class LevelHighlighter(Highlighter):
    """Colours time, component tag and level in lines this module formats."""

    _time = re.compile(r"^\d\d:\d\d:\d\d")
    _tag = re.compile(r"^\d\d:\d\d:\d\d (?:late )?(DAG|Sched|Task|Web|Worker) ")
    _late = re.compile(r"^\d\d:\d\d:\d\d (late) ")
    _error = re.compile(
        r"\b(ERROR|CRITICAL|FATAL)\b|\[(?:ERROR|CRITICAL)\]|\"level\": ?\"(?:error|critical)\"",
        re.I,
    )
    _warning = re.compile(r"\b(WARNING|WARN)\b|\[WARNING\]|\"level\": ?\"warn(?:ing)?\"", re.I)
    _debug = re.compile(r"\bDEBUG\b")

    def highlight(self, text: Text) -> None:
        plain = text.plain
        if plain.startswith(" " * 9 + CONTINUATION.strip()) or plain.startswith(" " * 9 + "│"):
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


def format_event(event: LogEvent, *, tag: bool, utc: bool = True) -> list[str]:
    """Display lines for one event: time, optional component tag, message, continuations."""
    head = clock_time(event.timestamp / 1000, utc=utc)
    if event.late:
        head += " late"
    if tag:
        head += f" {TAGS.get(event.component, event.component):<6}"
    lines = _AIRFLOW_TS.sub("", event.message, count=1).split("\n")
    out = [f"{head} {lines[0]}"]
    out.extend(" " * 9 + "│ " + extra for extra in lines[1:])
    return out


class ComponentLog(Vertical):
    """One component's tail (or the merged one), or its disabled state.

    Every event is kept in a ring buffer so a new filter can redraw the view; while
    paused, new events wait and are counted.
    """

    def __init__(self, view: str, capacity: int, **kwargs: object) -> None:
        super().__init__(id=f"log-{view}", **kwargs)  # type: ignore[arg-type]
        self.view = view
        self.capacity = capacity
        self.events: RingBuffer[LogEvent] = RingBuffer(capacity)
        self._pending: list[LogEvent] = []
        self.paused = False
        self.filter = LogFilter()
        self.matcher: Callable[[str], bool] | None = None
        self.utc = True

    def compose(self) -> ComposeResult:
        log = Log(highlight=True, max_lines=self.capacity, id=f"log-view-{self.view}")
        log.highlighter = LevelHighlighter()
        log.can_focus = True
        yield log
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

    def _lines(self, events: Iterable[LogEvent]) -> list[str]:
        tag = self.view == "All"
        return [
            line
            for e in events
            if shown(e, self.filter, self.matcher)
            for line in format_event(e, tag=tag, utc=self.utc)
        ]

    def queue(self, events: Iterable[LogEvent]) -> None:
        events = list(events)
        self.events.extend(events)
        self._pending.extend(events)

    @property
    def waiting(self) -> int:
        """Events that arrived while paused and pass the filter."""
        return sum(1 for e in self._pending if shown(e, self.filter, self.matcher))

    def flush(self) -> None:
        if self._pending and not self.paused:
            batch, self._pending = self._pending, []
            lines = self._lines(batch)
            if lines:
                self.query_one(Log).write_lines(lines)

    def set_filter(self, flt: LogFilter, matcher: Callable[[str], bool] | None) -> None:
        self.filter, self.matcher = flt, matcher
        self.redraw()

    def set_paused(self, paused: bool) -> None:
        self.paused = paused
        if not paused:
            self.flush()
            self.query_one(Log).scroll_end(animate=False)

    def redraw(self) -> None:
        log = self.query_one(Log)
        log.clear()
        held = {id(e) for e in self._pending} if self.paused else set()
        lines = self._lines(e for e in self.events if id(e) not in held)
        if not self.paused:
            self._pending = []
        log.write_lines(lines)


class LogPanes(Vertical):
    """The switcher of log views and the coalescing of writes."""

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
            "L",
            "level",
            "Level",
            id="logs.level",
            tooltip="Cycle the level threshold: all, WARNING and above, ERROR and above",
        ),
        Binding("c", "clear", "Clear", id="logs.clear", tooltip="Clear the filter and threshold"),
        Binding(
            "s",
            "save",
            "Save",
            id="logs.save",
            tooltip="Save this view's buffer (as filtered) to a private file",
        ),
        Binding(
            "T", "clock", "UTC/local", id="logs.clock", tooltip="Show times in UTC or local time"
        ),
    ]

    class Save(Message):
        """Save these lines of one view."""

        def __init__(self, view: str, text: str) -> None:
            super().__init__()
            self.view = view
            self.text = text

    def __init__(self, capacity: int, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.capacity = capacity
        self.current = "All"
        self.configs: dict[str, LogConfig] = {}
        self.interleaver = Interleaver()
        self.filter = LogFilter()
        self.paused = False

    def compose(self) -> ComposeResult:
        yield Input(placeholder="text, or re:PATTERN; Enter applies, Esc cancels", id="log-filter")
        with ContentSwitcher(initial="log-All"):
            for view in VIEWS:
                yield ComponentLog(view, self.capacity)
        yield Static("", id="log-status")

    def on_mount(self) -> None:
        self.query_one("#log-filter", Input).display = False
        self.query_one("#log-status", Static).display = False
        # Coalesce writes: repaints, not log volume, decide what crosses a slow link.
        self.set_interval(1.0, self.flush)
        for view in VIEWS[1:]:
            self.query_one(f"#log-{view}", ComponentLog).set_config(None)
        self.query_one("#log-All", ComponentLog).set_config(
            LogConfig("All", enabled=True, level="")
        )

    def show(self, view: str) -> None:
        self.current = view
        self.query_one(ContentSwitcher).current = f"log-{view}"

    def current_log(self) -> Log:
        return self.query_one(f"#log-view-{self.current}", Log)

    def set_config(self, config: LogConfig) -> None:
        self.configs[config.component] = config
        self.query_one(f"#log-{config.component}", ComponentLog).set_config(config)
        self.interleaver.set_components(
            c.component for c in self.configs.values() if c.enabled and c.group_name
        )

    def add(self, batch: LogBatch) -> None:
        self.query_one(f"#log-{batch.component}", ComponentLog).queue(batch.events)
        merged = self.interleaver.add(batch.component, batch.events, batch.polled_to)
        self.query_one("#log-All", ComponentLog).queue(merged)

    def flush(self) -> None:
        for pane in self.query(ComponentLog):
            pane.flush()
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
        views = self.views()
        if views and not views[0].utc:
            parts.append("times are local (T: UTC)")
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

    def action_pause(self) -> None:
        self.paused = not self.paused
        for view in self.views():
            view.set_paused(self.paused)
        self._status()

    def action_filter(self) -> None:
        box = self.query_one("#log-filter", Input)
        box.value = self.filter.text
        box.display = True
        box.focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        event.input.display = False
        self.current_log().focus()
        error = self.apply_filter(LogFilter(event.value.strip(), self.filter.level))
        if error:
            self.notify(error, title="Filter", severity="error", markup=False)

    def on_key(self, event: events.Key) -> None:
        box = self.query_one("#log-filter", Input)
        if event.key == "escape" and box.has_focus:
            box.display = False
            self.current_log().focus()
            event.stop()

    def action_level(self) -> None:
        self.apply_filter(LogFilter(self.filter.text, next_threshold(self.filter.level)))

    def action_clear(self) -> None:
        self.apply_filter(LogFilter())

    def action_save(self) -> None:
        view = self.query_one(f"#log-{self.current}", ComponentLog)
        lines = [
            f"{stamp(e.timestamp / 1000)} {e.component} {e.stream} {line}"
            for e in view.events
            if shown(e, self.filter, view.matcher)
            for line in e.message.split("\n")
        ]
        self.post_message(self.Save(self.current, "\n".join(lines) + "\n"))

    def action_clock(self) -> None:
        for view in self.views():
            view.utc = not view.utc
            view.redraw()
        self._status()
