"""One metric's row in the metrics pane: its label, sparkline, latest value and range."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import ClassVar

from rich.style import Style
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widget import Widget
from textual.widgets import Label

from mwaa_tui.core import sparkline
from mwaa_tui.core.catalogue import format_value
from mwaa_tui.core.format import relative
from mwaa_tui.core.snapshots import MetricSeries


def row_id(key: str) -> str:
    return "m-" + "".join(c if c.isalnum() else "_" for c in key)


STALE_AFTER_PERIODS = 2
"""A latest value older than this many periods is shown with its age."""


def complete_series(series: MetricSeries, start: float, end: float, period: int) -> MetricSeries:
    """The series' points inside the range, without the period in progress at `end`: what
    the panel draws, and so what its latest value, range and threshold colour come from."""
    first = start // period * period
    stamps, values = sparkline.complete(series.timestamps, series.values, end=end, period=period)
    keep = [i for i, t in enumerate(stamps) if t >= first]
    if len(keep) == len(series.timestamps):
        return series
    return replace(
        series,
        timestamps=tuple(stamps[i] for i in keep),
        values=tuple(values[i] for i in keep),
    )


class SparkCells(Widget):
    """One series laid over the whole time range, a cell per slice of it
    (`core.sparkline`): a datapoint is drawn where it happened, a gap in the data is a gap
    on screen, and a flat series is the lowest bar at every range."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {"spark--min", "spark--max"}
    DEFAULT_CSS = """
    SparkCells { height: 1; }
    SparkCells > .spark--max { color: $primary; }
    SparkCells > .spark--min { color: $primary 30%; }
    """

    def __init__(self, **kwargs: str | None) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self._series: MetricSeries | None = None
        self._range = (0.0, 0.0, 60)

    def show(self, series: MetricSeries, start: float, end: float, period: int) -> None:
        self._series, self._range = series, (start, end, period)
        self.refresh()

    def line(self, width: int) -> str | None:
        """The row's bars `width` cells wide; None when no cell has data."""
        if self._series is None or width <= 0:
            return None
        start, end, period = self._range
        series = self._series
        cells = sparkline.cells(
            series.timestamps,
            series.values,
            start=start,
            end=end,
            period=period,
            width=width,
            combine=sparkline.combine_for(series.stat),
        )
        return sparkline.draw(cells)

    def render(self) -> Text:
        line = self.line(self.content_size.width)
        if line is None:
            return Text("no data in this range", style="dim", no_wrap=True)
        _, base = self.background_colors
        low = base + self.get_component_styles("spark--min").color
        high = base + self.get_component_styles("spark--max").color
        top = len(sparkline.BARS) - 1
        text = Text(no_wrap=True, end="")
        styles = [Style(color=low.blend(high, level / top).rich_color) for level in range(top + 1)]
        for char in line:
            level = sparkline.BARS.find(char)
            text.append(char, styles[level] if level >= 0 else None)
        return text


def no_data(period: int, end: float | None) -> str:
    """What an empty panel says. With hour-long periods or longer, the range ends at the
    last whole one, hours before now at 7d: `no data to 21:00` says why the last hours'
    data is not there yet."""
    if end is None or period < 3600:
        return "no data"
    return f"no data to {datetime.fromtimestamp(end):%H:%M}"


def value_age(series: MetricSeries, period: int, now: float) -> float | None:
    """Seconds since the latest datapoint, when that is more than STALE_AFTER_PERIODS
    periods; None when it is recent (or there is none)."""
    if not series.timestamps:
        return None
    age = now - series.timestamps[-1]
    return age if age > STALE_AFTER_PERIODS * period else None


class MetricRow(Horizontal):
    """Label, sparkline and current value of one series; `no data` when it has none."""

    def __init__(
        self,
        series: MetricSeries,
        breaching: bool = False,
        *,
        period: int = 60,
        start: float | None = None,
        now: float | None = None,
        fetched: bool = True,
    ) -> None:
        super().__init__(id=row_id(series.key), classes="metric-row")
        self.series = series
        self._breaching = breaching
        self._period = period
        self._start = start
        self._now = now
        self._fetched = fetched
        self._ready = False

    def on_mount(self) -> None:
        self._ready = True
        self.show(
            self.series,
            self._breaching,
            period=self._period,
            start=self._start,
            now=self._now,
            fetched=self._fetched,
        )

    def compose(self) -> ComposeResult:
        yield Label(
            Text(self.series.label, no_wrap=True, overflow="ellipsis"), classes="metric-label"
        )
        yield SparkCells(classes="metric-spark")
        yield Label("", classes="metric-range")
        yield Label("", classes="metric-value")
        yield Label("", classes="metric-nodata")

    def show(
        self,
        series: MetricSeries,
        breaching: bool,
        *,
        period: int = 60,
        start: float | None = None,
        now: float | None = None,
        fetched: bool = True,
    ) -> None:
        """`start` and `now` are the snapshot's range, which the sparkline spans whatever
        the data covers; `fetched` is False for a panel not requested yet (scrolled into
        view since the last fetch)."""
        self.series = series
        self._breaching = breaching
        self._period, self._start, self._now, self._fetched = period, start, now, fetched
        if not self._ready:
            return  # still mounting: on_mount draws the newest data
        empty = not series.values
        self.set_class(empty, "-nodata")
        self.set_class(breaching and not empty, "-breaching")
        lo = format_value(min(series.values), series.unit) if series.values else "–"
        hi = format_value(max(series.values), series.unit) if series.values else "–"
        self.tooltip = f"{series.namespace} {series.metric} ({series.stat})  min {lo}  max {hi}"
        if empty:
            self.set_class(False, "-old")
            self.query_one(".metric-nodata", Label).update(
                Text(no_data(period, now) if fetched else "loading…", style="dim")
            )
            return
        end = series.timestamps[-1] + period if now is None else now
        begin = series.timestamps[0] if start is None else start
        self.query_one(SparkCells).show(series, begin, end, period)
        value = format_value(series.latest, series.unit)
        age = value_age(series, period, now) if now is not None else None
        self.set_class(age is not None, "-old")
        label = self.query_one(".metric-value", Label)
        if age is not None:
            old = Text(f"{value} · {relative(age)} ago", style="dim red" if breaching else "dim")
            label.update(old)
        else:
            label.update(Text(value, style="bold red" if breaching else "bold"))
        self.query_one(".metric-range", Label).update(Text(f"{lo}–{hi}", style="dim"))
