"""Log panes: one per component and a merged view, switched by number keys."""

from __future__ import annotations

import time

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.timer import Timer
from textual.widgets import ContentSwitcher, Input, Static

from mwaa_tui.core.format import stamp
from mwaa_tui.core.logstate import by_time
from mwaa_tui.core.logview import (
    TIMES,
    VIEWS,
    LogFilter,
    compile_matcher,
    compile_search,
    filter_rows,
    next_threshold,
)
from mwaa_tui.core.snapshots import (
    ROW_COMPONENT,
    ROW_MESSAGE,
    ROW_STREAM,
    ROW_TIME,
    LogBatch,
    LogConfig,
    SourceHealth,
)
from mwaa_tui.ui.widgets.component_log import ComponentLog
from mwaa_tui.ui.widgets.log_keys import PANE_BINDINGS
from mwaa_tui.ui.widgets.log_tabs import view_tabs
from mwaa_tui.ui.widgets.logview import LogView
from mwaa_tui.ui.widgets.prompt import PromptLine

FLUSH_DELAY = 0.1
"""Seconds between a batch arriving and the views drawing it: batches that arrive
together are drawn in one repaint."""
REPAINT_SPACING = 1.0
"""At most one repaint of the tail a second: a scrolled pane is redrawn whole, and on a
slow link those bytes, not the log volume, are the cost."""
TIMES_NOTE = {"local": "times are local (T: none)", "off": "no times (T: UTC)"}


class LogPanes(Vertical):
    """The switcher of log views, their shared filter and search, and coalesced writes."""

    HELP_TITLE = "Logs"

    BINDINGS = PANE_BINDINGS

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
        self._flush_timer: Timer | None = None
        self._settling = False
        """Reset, and waiting for `settle` to draw the backfill at once."""
        self._flushed_at = 0.0

    def compose(self) -> ComposeResult:
        yield PromptLine(id="log-prompt")
        with ContentSwitcher(initial="log-All"):
            for view in VIEWS:
                yield ComponentLog(view, self.capacity)
        yield Static("", id="log-status")

    def on_mount(self) -> None:
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
        """The views' tabs, in the border title."""
        self.border_title = view_tabs(self.current, self.configs, self.size.width)

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
        if self._flush_timer is None and batch.events and not self._settling:
            since = time.monotonic() - self._flushed_at
            delay = max(FLUSH_DELAY, REPAINT_SPACING - since)
            self._flush_timer = self.set_timer(delay, self._flush_due)

    def _flush_due(self) -> None:
        self._flush_timer = None
        self._flushed_at = time.monotonic()
        self.flush()

    def reset(self, *, hold: bool = False) -> None:
        """Empty every view before a new backfill; `hold` (a replay's seek, whose updates
        are all queued already) draws nothing until `settle`."""
        for view in self.views():
            view.reset()
        if hold:
            if self._flush_timer is not None:
                self._flush_timer.stop()
            self._flush_timer = None
            self._settling = True

    def settle(self) -> None:
        """Draw what the reset's backfill brought, at once."""
        self._settling = False
        self._flush_due()

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

    def action_filter(self) -> None:
        self.query_one(PromptLine).ask(
            "filter",
            self.filter.text,
            "filter: text, re:PATTERN or level:error; Enter applies, Esc cancels",
        )

    def action_find(self) -> None:
        self.query_one(PromptLine).ask(
            "find", self.search_text, "find: text, or re:PATTERN; Enter finds, Esc cancels"
        )

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
        value, mode = event.value.strip(), self.query_one(PromptLine).mode
        if mode == "find":
            error = self.apply_search(value)
        else:
            error = self.apply_filter(LogFilter(value, self.filter.level))
        if error:
            self.notify(error, title=mode.title(), severity="error", markup=False)

    def on_key(self, event: events.Key) -> None:
        box = self.query_one(PromptLine)
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
