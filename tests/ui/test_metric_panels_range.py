"""Metric panels span their whole range and invent no data, read from the screen: one
datapoint in 7 days is one cell, two in 24 hours are two cells in their places, a flat
series is the same low line at 1h and 7d, the minute in progress is left out, and the
chart's x axis covers the range asked for."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from textual.app import App, ComposeResult

import mwaa_tui.ui
from mwaa_tui.core.snapshots import MetricSeries, MetricsSnapshot
from mwaa_tui.core.sparkline import BARS
from mwaa_tui.ui.screens.chart import MetricChart, render_chart
from mwaa_tui.ui.widgets.metric_row import SparkCells
from mwaa_tui.ui.widgets.metrics import RANGES, MetricsPanel
from tests.conftest import FIXED_NOW

STYLES = Path(mwaa_tui.ui.__file__).parent / "app.tcss"
HOUR, DAY = 3600, 86400
RANGE = dict((label, seconds) for seconds, label in RANGES)


pytestmark = pytest.mark.usefixtures("utc")


class Panel(App[None]):
    """The panel alone, the whole width, with the monitor's styles."""

    CSS_PATH = str(STYLES)
    CSS = "#metrics { width: 1fr; }"

    def compose(self) -> ComposeResult:
        yield MetricsPanel(id="metrics")


def series(stamps: list[float], values: list[float], label: str = "Queued") -> MetricSeries:
    return MetricSeries(
        "k", label, "AmazonMWAA", "QueuedTasks", "Sum", "Count", (), tuple(stamps), tuple(values)
    )


def snapshot(
    s: MetricSeries, range_label: str, period: int, end: float = FIXED_NOW
) -> MetricsSnapshot:
    """As the poller gives it: the range ends at `end`, aligned or (a replay, a panel of
    the config file) not."""
    return MetricsSnapshot((s,), period, end - RANGE[range_label], end)


def screen_lines(app: App[Any]) -> list[str]:
    return [strip.text for strip in app.screen._compositor.render_strips()]


async def drawn(snap: MetricsSnapshot, size: tuple[int, int] = (90, 6)) -> tuple[str, str]:
    """(the panel's row as on screen, its sparkline's cells as on screen)."""
    app = Panel()
    async with app.run_test(size=size) as pilot:
        app.query_one(MetricsPanel).show(snap)
        await pilot.pause()
        await pilot.pause()
        spark = app.query_one(SparkCells)
        row = next(line for line in screen_lines(app) if snap.series[0].label in line)
        x, width = spark.region.x, spark.region.width
        assert width >= 20, "the sparkline has room to draw"
        return row, row[x : x + width]


def bars(cells: str) -> list[int]:
    return [i for i, c in enumerate(cells) if c in BARS]


async def test_7d_with_one_datapoint_is_one_low_cell_not_a_row() -> None:
    point = FIXED_NOW - 3 * DAY
    row, cells = await drawn(snapshot(series([point], [4.0]), "7d", 3 * HOUR))
    # Its 3-hour period is under a cell of 7 days / 50 or so: one cell, low.
    assert len(cells) * 3 * HOUR < 7 * DAY
    assert len(bars(cells)) == 1, row
    assert cells.strip() == BARS[0] and BARS[-1] not in row
    # Where it happened: 4 of the 7 days in.
    assert abs(bars(cells)[0] / len(cells) - 4 / 7) < 0.05


async def test_24h_with_two_points_puts_each_in_its_place() -> None:
    early, late = FIXED_NOW - 20 * HOUR, FIXED_NOW - 2 * HOUR
    row, cells = await drawn(snapshot(series([early, late], [1.0, 3.0]), "24h", 1800))
    at = bars(cells)
    assert len(at) == 2, row
    assert abs(at[0] / len(cells) - 4 / 24) < 0.05 and abs(at[1] / len(cells) - 22 / 24) < 0.05
    assert cells[at[0]] == BARS[0] and cells[at[1]] == BARS[-1]
    assert set(cells) - set(BARS) == {" "}


async def test_a_flat_series_is_the_same_low_line_at_1h_and_7d() -> None:
    # 1h of minutes at exactly 12; 7d of 3-hour averages at 12 give or take rounding,
    # which a min-to-max scale would blow up into full bars.
    minutes = [FIXED_NOW - HOUR + 60 * i for i in range(60)]
    hours = [FIXED_NOW - 7 * DAY + 3 * HOUR * i for i in range(56)]
    noisy = [12.0 + (1e-12 if i % 2 else 0.0) for i in range(56)]
    short_row, short = await drawn(snapshot(series(minutes, [12.0] * 60), "1h", 60))
    long_row, long = await drawn(snapshot(series(hours, noisy), "7d", 3 * HOUR))
    assert short == long == BARS[0] * len(short), (short_row, long_row)


async def test_the_minute_in_progress_is_left_out_not_drawn_as_a_dip() -> None:
    end = FIXED_NOW + 37  # 37 s into a minute
    minutes = [FIXED_NOW - HOUR + 60 * i for i in range(60)]
    values = [5.0 + 5.0 * i / 59 for i in range(60)]  # rising to 10 at the last whole minute
    row, cells = await drawn(
        snapshot(series([*minutes, FIXED_NOW], [*values, 1.0]), "1h", 60, end=end)
    )
    assert cells[-1] == BARS[-1], row  # the last whole minute, at the top: no dip
    assert re.search(r"5–10\s+10\s*$", row.rstrip("▁▂▃▄▅▆▇█ │")), row  # nor a 1 in its values


async def test_missing_data_is_blank_never_a_full_bar() -> None:
    # Two stretches of data with an hour-long hole: the hole is blank.
    stamps = [FIXED_NOW - 3 * HOUR + 60 * i for i in range(30)] + [
        FIXED_NOW - HOUR + 60 * i for i in range(60)
    ]
    row, cells = await drawn(snapshot(series(stamps, [float(i % 7) for i in stamps]), "3h", 300))
    hole = cells[round(len(cells) * 0.25) : round(len(cells) * 0.6)]
    assert hole.strip() == "", row
    assert bars(cells), row


def axis_times(plot: str) -> list[str]:
    return re.findall(r"\d\d-\d\d \d\d:\d\d", plot)


async def test_the_chart_axis_spans_the_range_asked_for() -> None:
    end = FIXED_NOW
    two = series([end - 3600, end - 1800], [1.0, 3.0], label="OpFail S3KeySensor")
    app = Panel()
    async with app.run_test(size=(120, 40)) as pilot:
        app.push_screen(MetricChart([two], [], span=(end - DAY, end, 1800)))
        await pilot.pause()
        await pilot.pause(0.2)
        shown = axis_times("\n".join(screen_lines(app)))
    first, last = (datetime.strptime(t, "%m-%d %H:%M") for t in (shown[0], shown[-1]))
    assert (last - first).total_seconds() == pytest.approx(DAY, abs=60), shown
    assert shown[-1] == datetime.fromtimestamp(end, UTC).strftime("%m-%d %H:%M")


async def test_an_empty_panel_at_7d_says_where_its_range_ends() -> None:
    # At 7d the range ends at the last whole 3-hour period: the hours since are not drawn
    # yet, and the panel says so rather than only `no data`.
    app = Panel()
    async with app.run_test(size=(90, 6)) as pilot:
        panel = app.query_one(MetricsPanel)
        panel.show(snapshot(series([], []), "7d", 3 * HOUR))
        await pilot.pause()
        await pilot.pause()
        assert "Queued      no data to 12:00" in "\n".join(screen_lines(app))
        panel.show(snapshot(series([], []), "1h", 60))
        await pilot.pause()
        assert "Queued      no data " in "\n".join(screen_lines(app))
        assert "no data to" not in "\n".join(screen_lines(app))


def test_a_chart_without_datapoints_says_which_range_it_looked_at() -> None:
    empty = series([], [])
    # Only a point in the 3-hour period still in progress: left out, as the panel leaves it.
    partial = series([FIXED_NOW + 60], [4.0])
    for s in (empty, partial):
        text = render_chart([s], [], 100, 20, span=(FIXED_NOW - 7 * DAY, FIXED_NOW + 600, 10800))
        assert (
            text.plain
            == "AmazonMWAA QueuedTasks (Sum): no datapoints from 11-18 12:00 to 11-25 12:10 (local time)"
        )
