"""A large plotext chart of one metric: its breakdown series and alarm thresholds."""

from __future__ import annotations

from datetime import datetime

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


def render_chart(series: list[MetricSeries], limits: list[Alarm], width: int, height: int) -> Text:
    """Draw with plotext into ANSI text; the labels were sanitised upstream."""
    import plotext as plt

    plt.clf()
    plt.plotsize(max(20, width), max(8, height))
    plt.theme("dark")
    labels, form = time_labels([t for s in series for t in s.timestamps])
    plt.date_form(form)
    for s in series:
        if not s.values:
            continue
        stamps = [datetime.fromtimestamp(t).strftime(labels) for t in s.timestamps]
        plt.plot(stamps, list(s.values), label=s.label[:30], marker="braille")
    for alarm in limits:
        plt.hline(float(alarm.threshold or 0.0), "red")
    unit = series[0].unit if series else ""
    plt.title(f"{series[0].namespace} {series[0].metric} ({series[0].stat})" if series else "")
    plt.xlabel("local time")
    plt.ylabel(unit)
    text = Text.from_ansi(plt.build())
    text.no_wrap = True
    text.overflow = "crop"
    return text


class MetricChart(ModalScreen[None]):
    HELP_TITLE = "Chart"
    BINDINGS = [Binding("escape,q,enter", "dismiss", "Close", id="chart.close"), HELP]

    def __init__(self, series: list[MetricSeries], limits: list[Alarm]) -> None:
        super().__init__()
        self.series = series
        self.limits = limits
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
        box.update(render_chart(self.series, self.limits, max(20, width - 1), max(8, height)))

    def _broken(self, _: BaseException) -> None:
        self.failed = True
        self.query_one("#chart-plot", Static).update(
            Text("this chart could not be drawn (see the notification)", style="red")
        )
