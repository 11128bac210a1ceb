"""A large plotext chart of one metric: its breakdown series and alarm thresholds."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from itertools import pairwise

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Footer, Static

from mwaa_tui.core.alarms import describe_condition, watches
from mwaa_tui.core.snapshots import Alarm, MetricSeries
from mwaa_tui.ui.keys import HELP
from mwaa_tui.ui.oneoff import run_oneoff

MAX_SERIES = 5


def chart_series(target: MetricSeries, all_series: tuple[MetricSeries, ...]) -> list[MetricSeries]:
    """The target first, then up to four siblings of the same metric (the breakdown)."""
    siblings = [
        s
        for s in all_series
        if (s.namespace, s.metric) == (target.namespace, target.metric) and s.key != target.key
    ]
    siblings.sort(key=lambda s: max(s.values, default=0.0), reverse=True)
    return [target, *siblings[: MAX_SERIES - 1]]


def thresholds(target: MetricSeries, alarms: tuple[Alarm, ...]) -> list[Alarm]:
    """The alarms on `target` that have a threshold to draw."""
    return [a for a in alarms if watches(a, target) and a.threshold is not None]


def time_labels(timestamps: list[float]) -> tuple[str, str]:
    """How the x axis names a point: (strftime format, plotext's date form). The time of
    day while every point falls on one local day; with the date once they span more (the
    24h and 7d ranges), or days would fold onto one another."""
    days = {datetime.fromtimestamp(t).date() for t in timestamps}
    return ("%H:%M", "H:M") if len(days) <= 1 else ("%m-%d %H:%M", "m-d H:M")


COLOURS = ("blue+", "green+", "cyan+", "magenta+", "yellow")
"""One colour per series, however many runs its gaps cut it into (plotext would give each
run the next colour)."""
TICKS = 5


def runs(
    timestamps: tuple[float, ...], values: tuple[float, ...], period: float
) -> list[tuple[list[float], list[float]]]:
    """The series cut where a period or more has no datapoint: a line is drawn only
    between neighbouring periods, never across missing data."""
    out: list[tuple[list[float], list[float]]] = []
    previous: float | None = None
    for t, v in zip(timestamps, values, strict=False):
        if previous is None or t - previous > period * 1.5:
            out.append(([], []))
        out[-1][0].append(t)
        out[-1][1].append(v)
        previous = t
    return out


def render_chart(
    series: list[MetricSeries],
    limits: list[Alarm],
    width: int,
    height: int,
    *,
    span: tuple[float, float, int] | None = None,
) -> Text:
    """Draw with plotext into ANSI text; the labels were sanitised upstream. `span` is the
    range asked for (start, end, period): the x axis covers all of it, however little of
    it has data, and the period in progress at its end is left out like the panel leaves
    it out. Without one, the axis covers the points."""
    import plotext as plt

    plt.clf()
    plt.plotsize(max(20, width), max(8, height))
    plt.theme("dark")
    stamps = [t for s in series for t in s.timestamps]
    period: float
    if span is not None:
        start, end, period = span
        last = end // period * period
        series = [_within(s, start // period * period, last) for s in series]
        left, right = float(start), float(end)
    else:
        period = _period(stamps)
        left, right = (min(stamps), max(stamps)) if stamps else (0.0, 1.0)
    if right <= left:
        right = left + 60.0
    labels, _ = time_labels([left, right])
    if not any(s.values for s in series):
        # plotext draws an empty frame without an axis: say what was looked at instead.
        when = " to ".join(datetime.fromtimestamp(t).strftime(labels) for t in (left, right))
        title = f"{series[0].namespace} {series[0].metric} ({series[0].stat}): " if series else ""
        return Text(f"{title}no datapoints from {when} (local time)", style="dim")
    for index, s in enumerate(series):
        colour = COLOURS[index % len(COLOURS)]
        for i, (xs, ys) in enumerate(runs(s.timestamps, s.values, period)):
            label = s.label[:30] if i == 0 else None
            plt.plot(xs, ys, label=label, marker="braille", color=colour)
    for alarm in limits:
        plt.hline(float(alarm.threshold or 0.0), "red")
    plt.xlim(left, right)
    ticks = [left + (right - left) * i / (TICKS - 1) for i in range(TICKS)]
    plt.xticks(ticks, [datetime.fromtimestamp(t).strftime(labels) for t in ticks])
    unit = series[0].unit if series else ""
    plt.title(f"{series[0].namespace} {series[0].metric} ({series[0].stat})" if series else "")
    plt.xlabel("local time")
    plt.ylabel(unit)
    text = Text.from_ansi(plt.build())
    text.no_wrap = True
    text.overflow = "crop"
    return text


def _within(series: MetricSeries, first: float, last: float) -> MetricSeries:
    keep = [i for i, t in enumerate(series.timestamps) if first <= t < last]
    return replace(
        series,
        timestamps=tuple(series.timestamps[i] for i in keep),
        values=tuple(series.values[i] for i in keep),
    )


def _period(stamps: list[float]) -> float:
    """The smallest step between points, for a chart given no range (60 s without two)."""
    ordered = sorted(set(stamps))
    return min((b - a for a, b in pairwise(ordered)), default=60.0)


class MetricChart(ModalScreen[None]):
    HELP_TITLE = "Chart"
    BINDINGS = [Binding("escape,q,enter", "dismiss", "Close", id="chart.close"), HELP]

    def __init__(
        self,
        series: list[MetricSeries],
        limits: list[Alarm],
        *,
        span: tuple[float, float, int] | None = None,
    ) -> None:
        """`span`: the range the metrics pane shows (start, end, period), which the x
        axis covers."""
        super().__init__()
        self.series = series
        self.limits = limits
        self.span = span
        self.failed = False

    def compose(self) -> ComposeResult:
        with Vertical(id="chart-box"):
            yield Static(id="chart-plot")
            legend = Text()
            for alarm in self.limits:
                legend.append("── ", style="red")
                legend.append(f"threshold of {alarm.name}: {describe_condition(alarm)}\n")
            if not self.limits:
                legend.append("no alarm watches this series", style="dim")
            yield Static(legend, id="chart-legend")
        yield Footer()

    def on_resize(self) -> None:
        self.call_after_refresh(self._redraw)

    def on_mount(self) -> None:
        self.call_after_refresh(self._redraw)

    def _redraw(self) -> None:
        if self.failed:
            return  # said once; a resize would only say it again
        run_oneoff(
            self, self._draw, "chart", group="chart-draw", exclusive=True, on_error=self._broken
        )

    async def _draw(self) -> None:
        box = self.query_one("#chart-plot", Static)
        width, height = box.content_size
        size = max(20, width - 1), max(8, height)
        box.update(render_chart(self.series, self.limits, *size, span=self.span))

    def _broken(self, _: BaseException) -> None:
        self.failed = True
        self.query_one("#chart-plot", Static).update(
            Text("this chart could not be drawn (see the notification)", style="red")
        )
