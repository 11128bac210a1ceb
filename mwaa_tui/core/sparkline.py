"""Sparkline cells that never invent data: a metric series laid over a fixed time range.

    cells = sparkline.cells(series.timestamps, series.values, start=snap.start,
                            end=snap.end, period=snap.period, width=40,
                            combine=sparkline.combine_for(series.stat))
    text = sparkline.draw(cells)       # None: no data at all, say so instead

- The cells span the whole range, so a point is drawn where it happened: one datapoint
  in a 7-day panel is one cell, not a row, and a gap in the data is a gap on screen.
- The period still in progress at `end` is left out: its partial value would read as a dip.
- Levels run from the series' own minimum to its maximum. A flat series (or a single
  point) is the lowest bar at every range, never a full one; a cell without data is blank.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Literal

Combine = Literal["max", "min", "mean", "last"]
BARS = "▁▂▃▄▅▆▇█"
GAP = " "


def combine_for(statistic: str) -> Combine:
    """How the points that share a cell are combined, from the series' statistic.

    Counts (Sum, SampleCount) and Maximum take the largest: a spike of failures is never
    averaged away, and a flat series stays flat however many points share a cell (a sum
    would grow with the cell's span). Minimum takes the smallest, for the same reason in the
    other direction. Average and percentiles take the mean, which is what a longer period
    would have given."""
    if statistic in ("Sum", "SampleCount", "Maximum"):
        return "max"
    if statistic == "Minimum":
        return "min"
    return "mean"


def cells(
    timestamps: Sequence[float],
    values: Sequence[float],
    *,
    start: float,
    end: float,
    period: float,
    width: int,
    combine: Combine = "max",
) -> tuple[float | None, ...]:
    """One value or None per cell, `width` cells covering `start` to `end` (epoch seconds).

    A point stands for the period that starts at its timestamp. The span runs from the
    period `start` falls in to the start of the period in progress at `end`, which is left
    out with any point inside it, as are points outside the range. A point whose period
    is longer than a cell fills every cell whose middle it covers; shorter ones share the
    cell their middle falls in, combined by `combine`."""
    if period <= 0:
        raise ValueError("period must be positive")
    if width <= 0:
        return ()
    first = math.floor(start / period) * period
    last = math.floor(end / period) * period
    if last <= first:
        return (None,) * width
    cell = (last - first) / width
    shares: list[list[float]] = [[] for _ in range(width)]
    for t, v in zip(timestamps, values, strict=False):
        if not first <= t < last or not math.isfinite(v):
            continue
        offset = (t - first) / cell
        # The cells whose middle lies within [t, t + period), or else the one holding its middle.
        low = max(0, math.ceil(offset - 0.5))
        high = min(width - 1, math.ceil(offset + period / cell - 0.5) - 1)
        if high < low:
            low = high = min(width - 1, int(offset + period / cell / 2))
        for i in range(low, high + 1):
            shares[i].append(v)
    return tuple(_combine(s, combine) if s else None for s in shares)


def _combine(points: list[float], how: Combine) -> float:
    if how == "max":
        return max(points)
    if how == "min":
        return min(points)
    if how == "last":
        return points[-1]
    return math.fsum(points) / len(points)


def levels(values: Sequence[float | None], steps: int = len(BARS)) -> tuple[int | None, ...]:
    """Each cell's bar, 0 (lowest) to steps - 1, scaled from the minimum to the maximum of
    the cells with data; None stays None. Flat data is all 0, whatever its value."""
    present = [v for v in values if v is not None]
    if not present:
        return tuple(None for _ in values)
    lo, hi = min(present), max(present)
    spread = hi - lo
    if spread <= 1e-9 * max(abs(lo), abs(hi), 1.0):
        return tuple(None if v is None else 0 for v in values)
    top = steps - 1
    return tuple(
        None if v is None else min(top, max(0, round((v - lo) / spread * top))) for v in values
    )


def draw(values: Sequence[float | None]) -> str | None:
    """The cells as bar characters, blank where there is no data; None when no cell has any
    (the widget then says `no data` rather than drawing an empty or a full row)."""
    bars = levels(values)
    if all(b is None for b in bars):
        return None
    return "".join(GAP if b is None else BARS[b] for b in bars)


def complete(
    timestamps: Sequence[float], values: Sequence[float], *, end: float, period: float
) -> tuple[tuple[float, ...], tuple[float, ...]]:
    """The points of the periods that ended by `end`: the period in progress (partial, it
    reads as a drop) and anything later is left out, as `cells` leaves it out of the row,
    so a panel's latest value and range agree with what it draws."""
    if period <= 0:
        raise ValueError("period must be positive")
    last = math.floor(end / period) * period
    kept = [(t, v) for t, v in zip(timestamps, values, strict=False) if t < last]
    return tuple(t for t, _ in kept), tuple(v for _, v in kept)
