"""Log panes: one per component and a merged view, switched by number keys."""

from __future__ import annotations

import re
from collections.abc import Iterable

from rich.highlighter import Highlighter
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import ContentSwitcher, Log, Static

from mwaa_tui.core.format import clock_time
from mwaa_tui.core.logstate import Interleaver
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
    """One component's tail, or its disabled state."""

    def __init__(self, view: str, capacity: int, **kwargs: object) -> None:
        super().__init__(id=f"log-{view}", **kwargs)  # type: ignore[arg-type]
        self.view = view
        self.capacity = capacity
        self._pending: list[str] = []

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

    def queue(self, lines: Iterable[str]) -> None:
        self._pending.extend(lines)

    def flush(self) -> None:
        if self._pending:
            batch, self._pending = self._pending, []
            self.query_one(Log).write_lines(batch)


class LogPanes(Vertical):
    """The switcher of log views and the coalescing of writes."""

    def __init__(self, capacity: int, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.capacity = capacity
        self.current = "All"
        self.configs: dict[str, LogConfig] = {}
        self.interleaver = Interleaver()

    def compose(self) -> ComposeResult:
        with ContentSwitcher(initial="log-All"):
            for view in VIEWS:
                yield ComponentLog(view, self.capacity)

    def on_mount(self) -> None:
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
        own = self.query_one(f"#log-{batch.component}", ComponentLog)
        for event in batch.events:
            own.queue(format_event(event, tag=False))
        merged = self.query_one("#log-All", ComponentLog)
        for event in self.interleaver.add(batch.component, batch.events, batch.polled_to):
            merged.queue(format_event(event, tag=True))

    def flush(self) -> None:
        for pane in self.query(ComponentLog):
            pane.flush()
