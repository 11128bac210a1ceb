"""Sparkline cells: the whole range, gaps where there is no data, no invented bars."""

from __future__ import annotations

import pytest

from mwaa_tui.core import sparkline
from mwaa_tui.core.sparkline import BARS, cells, combine_for, draw, levels

NOW = 1_764_072_000.0 + 37  # 37 s into a minute: the current period is incomplete
HOUR, DAY = 3600.0, 86400.0
WIDTH = 40


def minute_series(seconds: float, value: float, period: float) -> tuple[list[float], list[float]]:
    """A datapoint every period over the last `seconds`, up to the last complete period."""
    last = NOW // period * period - period
    times = [last - i * period for i in range(int(seconds // period))][::-1]
    return times, [value] * len(times)


def test_7d_with_one_datapoint_is_one_cell_not_a_row() -> None:
    point = NOW - 3 * DAY
    out = cells([point], [4.0], start=NOW - 7 * DAY, end=NOW, period=HOUR, width=WIDTH)
    assert len(out) == WIDTH
    assert [i for i, v in enumerate(out) if v is not None] == [WIDTH * 4 // 7]
    line = draw(out)
    assert line is not None and line.count(BARS[0]) == 1 and BARS[-1] not in line
    assert line.strip() == BARS[0] and len(line) == WIDTH


def test_24h_with_two_points_puts_each_in_its_place() -> None:
    start = NOW - DAY
    early, late = NOW - 20 * HOUR, NOW - 2 * HOUR
    out = cells([early, late], [1.0, 3.0], start=start, end=NOW, period=300, width=48)
    filled = [i for i, v in enumerate(out) if v is not None]
    # 48 cells of 30 minutes: 4 h in is cell 8, 22 h in is cell 44. Not stretched over the row.
    assert filled == [8, 44]
    assert out[8] == 1.0 and out[44] == 3.0
    line = draw(out)
    assert line is not None and line[8] == BARS[0] and line[44] == BARS[-1]
    assert {c for i, c in enumerate(line) if i not in (8, 44)} == {" "}


@pytest.mark.parametrize("value", [0.0, 1.0, 250.0])
def test_a_flat_series_draws_the_same_at_1h_and_7d(value: float) -> None:
    short = cells(
        *minute_series(HOUR, value, 60), start=NOW - HOUR, end=NOW, period=60, width=WIDTH
    )
    long = cells(
        *minute_series(7 * DAY, value, HOUR),
        start=NOW - 7 * DAY,
        end=NOW,
        period=HOUR,
        width=WIDTH,
    )
    assert draw(short) == draw(long) == BARS[0] * WIDTH  # a low flat line, never a full bar


def test_the_partial_current_minute_is_left_out() -> None:
    times, values = minute_series(HOUR, 10.0, 60)
    # The minute in progress has only part of its count so far: it must not draw as a dip.
    times.append(NOW // 60 * 60)
    values.append(1.0)
    out = cells(times, values, start=NOW - HOUR, end=NOW, period=60, width=60)
    assert 1.0 not in out
    assert draw(out) == BARS[0] * 60
    # The same minute once complete is drawn (as the last cell).
    later = cells(times, values, start=NOW - HOUR + 60, end=NOW + 60, period=60, width=60)
    assert later[-1] == 1.0


def test_missing_data_is_never_a_full_bar() -> None:
    assert draw(cells([], [], start=NOW - HOUR, end=NOW, period=60, width=WIDTH)) is None
    assert draw([None] * WIDTH) is None
    assert levels([None, None]) == (None, None)
    # Points outside the range, or not numbers, are no data either.
    outside = cells(
        [NOW - 3 * HOUR, NOW + 600], [5.0, 5.0], start=NOW - HOUR, end=NOW, period=60, width=8
    )
    assert outside == (None,) * 8
    nan = cells([NOW - 600], [float("nan")], start=NOW - HOUR, end=NOW, period=60, width=8)
    assert draw(nan) is None
    # A gap between data is blank, whatever the neighbours.
    times = [NOW // 60 * 60 - 60 * k for k in (50, 49, 2, 1)]
    gappy = draw(cells(times, [2.0, 8.0, 8.0, 2.0], start=NOW - HOUR, end=NOW, period=60, width=60))
    assert gappy is not None
    assert gappy[15:55] == " " * 40 and BARS[-1] in gappy


def test_points_sharing_a_cell_keep_their_peak_or_their_mean() -> None:
    base = NOW // 60 * 60 - 600
    times = [base + 60 * i for i in range(10)]
    values = [0.0, 0.0, 9.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 3.0]
    start = base
    peaks = cells(times, values, start=start, end=base + 600, period=60, width=2)
    assert peaks == (9.0, 3.0)  # a spike of failures survives a wide cell
    means = cells(times, values, start=start, end=base + 600, period=60, width=2, combine="mean")
    assert means == (pytest.approx(1.8), pytest.approx(0.6))
    assert cells(
        times, values, start=start, end=base + 600, period=60, width=2, combine="last"
    ) == (
        0.0,
        3.0,
    )
    assert combine_for("Sum") == combine_for("Maximum") == "max"
    assert combine_for("Minimum") == "min"
    assert combine_for("Average") == combine_for("p90") == "mean"


def test_a_period_longer_than_a_cell_fills_the_cells_it_covers() -> None:
    # 1 h of 5-minute points drawn 60 cells wide: each point covers 5 cells, no holes between.
    times, values = minute_series(HOUR, 1.0, 300)
    values = [float(i) for i in range(len(values))]
    out = cells(times, values, start=NOW - HOUR, end=NOW, period=300, width=60)
    assert None not in out
    assert out[:5] == (0.0,) * 5 and out[-5:] == (float(len(values) - 1),) * 5


def test_levels_scale_from_the_minimum_and_bad_input_is_refused() -> None:
    assert levels([10.0, 15.0, 20.0, None]) == (0, 4, 7, None)
    assert levels([1e12, 1e12 + 1e-3]) == (0, 0)  # flat within rounding
    assert cells([1.0], [1.0], start=0, end=60, period=60, width=0) == ()
    assert cells([1.0], [1.0], start=60, end=60, period=60, width=3) == (None,) * 3
    with pytest.raises(ValueError):
        sparkline.cells([], [], start=0, end=60, period=0, width=3)


def test_complete_keeps_only_the_periods_that_ended() -> None:
    minute = NOW // 60 * 60
    times, values = [minute - 120, minute - 60, minute, minute + 60], [1.0, 2.0, 0.5, 0.1]
    assert sparkline.complete(times, values, end=NOW, period=60) == (
        (minute - 120, minute - 60),
        (1.0, 2.0),
    )
    assert sparkline.complete(times, values, end=minute, period=60)[1] == (1.0, 2.0)
    with pytest.raises(ValueError):
        sparkline.complete(times, values, end=NOW, period=0)
