"""Sparkline panels for the discovered metrics."""

from __future__ import annotations

from itertools import pairwise

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.message import Message

from mwaa_tui.core.alarms import breaching
from mwaa_tui.core.pane_note import METRICS_EMPTY, why_empty
from mwaa_tui.core.snapshots import Alarm, MetricSeries, MetricsSnapshot, SourceHealth
from mwaa_tui.ui.widgets.metric_row import MetricRow, complete_series, row_id
from mwaa_tui.ui.widgets.note import EmptyNote

RANGES = ((900, "15m"), (3600, "1h"), (10800, "3h"), (43200, "12h"), (86400, "24h"), (604800, "7d"))


class MetricsPanel(VerticalScroll):
    """Draws a `MetricsSnapshot`; colours a value that crosses an alarm threshold."""

    HELP_TITLE = "Metrics"

    BINDINGS = [
        Binding("up,k", "move(-1)", "Up", show=False, id="metrics.up"),
        Binding("down,j", "move(1)", "Down", show=False, id="metrics.down"),
        Binding(
            "enter",
            "chart",
            "Chart",
            id="metrics.chart",
            tooltip="A large chart of the highlighted metric, with alarm thresholds",
        ),
        Binding(
            "t",
            "range",
            "Range",
            id="metrics.range",
            tooltip="Cycle the time range: 15m, 1h, 3h, 12h, 24h, 7d",
        ),
    ]

    class ChartRequested(Message):
        def __init__(self, series: MetricSeries) -> None:
            super().__init__()
            self.series = series

    class VisibleChanged(Message):
        """Which panels are on screen: only those are fetched."""

        def __init__(self, keys: set[str]) -> None:
            super().__init__()
            self.keys = keys

    class RangeChanged(Message):
        def __init__(self, seconds: int, label: str) -> None:
            super().__init__()
            self.seconds = seconds
            self.label = label

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.cursor = 0
        self.range_index = 1
        self._visible: set[str] | None = None
        self._requested: set[str] = set()
        self.health: SourceHealth | None = None
        """The metrics source's health, for the body of an empty panel."""
        self._health_at = 0.0
        self._shown_series = 0
        """Keys the poller has been asked to fetch since the range was set: an empty
        series of any other key is not fetched yet, rather than without data."""

    def visible_keys(self) -> set[str]:
        top, height = self.scroll_y, self.size.height
        return {
            row.series.key
            for row in self.query(MetricRow)
            if row.virtual_region.bottom > top and row.virtual_region.y < top + height
        }

    def _report_visible(self) -> None:
        keys = self.visible_keys()
        if keys and keys != self._visible:
            self._visible = keys
            self._requested |= keys
            self.post_message(self.VisibleChanged(keys))

    def watch_scroll_y(self, old: float, new: float) -> None:
        super().watch_scroll_y(old, new)
        self.call_after_refresh(self._report_visible)

    def on_resize(self) -> None:
        self.call_after_refresh(self._report_visible)

    def rows(self) -> list[MetricRow]:
        return list(self.query(MetricRow))

    def action_move(self, step: int) -> None:
        rows = self.rows()
        if not rows:
            return
        self.cursor = max(0, min(len(rows) - 1, self.cursor + step))
        self._highlight(rows)
        self.scroll_to_widget(rows[self.cursor], animate=False)

    def _highlight(self, rows: list[MetricRow]) -> None:
        for i, row in enumerate(rows):
            row.set_class(i == self.cursor and self.has_focus, "-cursor")

    def on_focus(self) -> None:
        self._highlight(self.rows())

    def on_blur(self) -> None:
        self._highlight(self.rows())

    def action_chart(self) -> None:
        rows = self.rows()
        if rows:
            self.post_message(self.ChartRequested(rows[min(self.cursor, len(rows) - 1)].series))

    def action_range(self) -> None:
        self.range_index = (self.range_index + 1) % len(RANGES)
        # The poller drops the old range's data and fetches what is on screen.
        self._requested = set(self._visible or ())
        seconds, label = RANGES[self.range_index]
        self.post_message(self.RangeChanged(seconds, label))

    def compose(self) -> ComposeResult:
        yield EmptyNote(id="metrics-empty")

    def set_health(self, health: SourceHealth | None, now: float) -> None:
        """The metrics source's health: an empty panel says why it is empty."""
        self.health, self._health_at = health, now
        self._note()

    def _note(self) -> None:
        empty = self._shown_series == 0
        note = why_empty(self.health, self._health_at, METRICS_EMPTY) if empty else None
        self.query_one(EmptyNote).show(note)

    def show(self, snapshot: MetricsSnapshot, alarms: tuple[Alarm, ...] = ()) -> None:
        """Draw the snapshot; a value that crosses one of `alarms`' thresholds is coloured."""
        self._shown_series = len(snapshot.series)
        self._note()
        if self._visible is None:
            # Nothing reported on screen yet: the poller fetched every panel.
            self._requested |= {s.key for s in snapshot.series}
        existing = {row.id: row for row in self.query(MetricRow)}
        rows: list[MetricRow] = []
        for series in snapshot.series:
            row = existing.pop(row_id(series.key), None)
            period, start, now = snapshot.period, snapshot.start, snapshot.end
            fetched = series.key in self._requested
            series = complete_series(series, start, now, period)
            alarm = breaching(series, alarms)
            if row is None:
                row = MetricRow(series, alarm, period=period, start=start, now=now, fetched=fetched)
                self.mount(row)
            else:
                row.show(series, alarm, period=period, start=start, now=now, fetched=fetched)
            rows.append(row)
        # The snapshot's order, whatever order discovery found the panels in.
        shown = [child for child in self.children if isinstance(child, MetricRow)]
        if [r for r in shown if r.id not in existing] != rows:
            for before, row in pairwise(rows):
                self.move_child(row, after=before)
        for stale in existing.values():
            stale.remove()
        self.call_after_refresh(self._report_visible)
