"""Sparkline panels for the discovered metrics."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Label, Sparkline, Static

from mwaa_tui.core.alarms import breaching
from mwaa_tui.core.catalogue import format_value
from mwaa_tui.core.snapshots import Alarm, MetricSeries, MetricsSnapshot


def _key_id(key: str) -> str:
    return "m-" + "".join(c if c.isalnum() else "_" for c in key)


class MetricRow(Horizontal):
    """Label, sparkline and current value of one series."""

    def __init__(self, series: MetricSeries, breaching: bool = False) -> None:
        super().__init__(id=_key_id(series.key), classes="metric-row")
        self.series = series
        self._breaching = breaching
        self._ready = False

    def on_mount(self) -> None:
        self._ready = True
        self.show(self.series, self._breaching)

    def compose(self) -> ComposeResult:
        yield Label(
            Text(self.series.label, no_wrap=True, overflow="ellipsis"), classes="metric-label"
        )
        yield Sparkline(list(self.series.values) or [0.0], classes="metric-spark")
        yield Label("", classes="metric-value")

    def show(self, series: MetricSeries, breaching: bool) -> None:
        self.series = series
        self._breaching = breaching
        if not self._ready:
            return  # still mounting: on_mount draws the newest data
        self.query_one(Sparkline).data = list(series.values) or [0.0]
        value = format_value(series.latest, series.unit)
        lo = format_value(min(series.values), series.unit) if series.values else "–"
        hi = format_value(max(series.values), series.unit) if series.values else "–"
        label = self.query_one(".metric-value", Label)
        label.update(Text(value, style="bold red" if breaching else "bold"))
        self.tooltip = f"{series.namespace} {series.metric} ({series.stat})  min {lo}  max {hi}"
        self.set_class(breaching, "-breaching")


class MetricsPanel(VerticalScroll):
    """Draws a `MetricsSnapshot`; colours a value that crosses an alarm threshold."""

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.snapshot: MetricsSnapshot | None = None
        self.alarms: tuple[Alarm, ...] = ()

    def compose(self) -> ComposeResult:
        yield Static(Text("loading…", style="dim"), id="metrics-empty")

    def set_alarms(self, alarms: tuple[Alarm, ...]) -> None:
        self.alarms = alarms
        if self.snapshot:
            self.show(self.snapshot)

    def breaching(self, series: MetricSeries) -> bool:
        return breaching(series, self.alarms)

    def show(self, snapshot: MetricsSnapshot) -> None:
        self.snapshot = snapshot
        empty = self.query_one("#metrics-empty", Static)
        empty.display = not snapshot.series
        if not snapshot.series:
            empty.update(
                Text(
                    "no MWAA metrics found for this environment in the last two weeks", style="dim"
                )
            )
        existing = {row.id: row for row in self.query(MetricRow)}
        wanted = []
        for series in snapshot.series:
            row_id = _key_id(series.key)
            row = existing.pop(row_id, None)
            if row is None:
                row = MetricRow(series, self.breaching(series))
                self.mount(row)
            else:
                row.show(series, self.breaching(series))
            wanted.append(row)
        for stale in existing.values():
            stale.remove()
