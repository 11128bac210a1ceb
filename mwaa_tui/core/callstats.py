"""Counting every AWS call: per operation, by outcome, with latency."""

from __future__ import annotations

import statistics
from collections import Counter, deque
from collections.abc import Iterable

from mwaa_tui.core.cost import estimate
from mwaa_tui.core.snapshots import CallRecord, CallSummary, OperationPace

COST_WARMUP = 180.0
"""Seconds of calls before the cost per hour is estimated."""


class CallStats:
    """A sliding record of calls, bounded in memory.

    Totals are kept for the whole run; the per-minute view looks at a window.
    """

    def __init__(self, window: float = 60.0, max_records: int = 20_000) -> None:
        self.window = window
        self.started: float | None = None
        self._records: deque[CallRecord] = deque(maxlen=max_records)
        self.totals: Counter[tuple[str, str]] = Counter()
        """(Operation, outcome) to count, over the whole run."""

    def record(self, rec: CallRecord) -> None:
        if self.started is None:
            self.started = rec.at
        self._records.append(rec)
        self.totals[(rec.operation, rec.outcome)] += 1

    def recent(self, now: float) -> list[CallRecord]:
        horizon = now - self.window
        return [r for r in self._records if r.at >= horizon]

    def summary(self, now: float) -> CallSummary:
        recent = self.recent(now)
        by_op = Counter(r.operation for r in recent)
        latencies = [r.latency for r in recent if r.outcome == "ok"]
        # Cost over the last hour of calls (or since start), so it does not swing per poll.
        hour = [r for r in self._records if r.at >= now - 3600]
        started = now if self.started is None else self.started
        span = now - max(started, now - 3600)
        # The first minutes hold discovery and first fetches: no rate to extrapolate yet.
        cost = estimate(hour, span) if span >= COST_WARMUP else None
        return CallSummary(
            per_minute=round(len(recent) * 60.0 / self.window),
            errors=sum(1 for r in recent if r.outcome != "ok"),
            throttled=sum(1 for r in recent if r.outcome == "throttled"),
            denied=sum(1 for r in recent if r.outcome == "denied"),
            by_operation=tuple(sorted(by_op.items(), key=lambda kv: (-kv[1], kv[0]))),
            total=sum(self.totals.values()),
            median_latency_ms=statistics.median(latencies) * 1000 if latencies else None,
            metrics_per_hour=cost.metrics_per_hour if cost else 0.0,
            usd_per_hour=cost.usd_per_hour if cost else None,
        )


def worst_pace(paces: Iterable[OperationPace]) -> OperationPace | None:
    """The operation held back the most: paced furthest below its quota, then the most
    throttled. None when every operation runs at its quota without throttling."""
    held = [p for p in paces if p.paced or p.throttled_share > 0]
    return min(
        held,
        key=lambda p: (min(1.0, p.rate / p.quota) if p.quota > 0 else 1.0, -p.throttled_share),
        default=None,
    )


def rate_text(rate: float) -> str:
    """`2.1/s`, `0.05/s`."""
    return f"{rate:.1f}/s" if rate >= 0.1 else f"{rate:.2f}/s"


def share_text(share: float) -> str:
    """`31 %`; a share too small to round to 1 % still shows."""
    percent = round(share * 100)
    return "<1 %" if share > 0 and percent == 0 else f"{percent} %"


def pace_warning(pace: OperationPace) -> str:
    """`FilterLogEvents paced 2.1/s · 31 % throttled` for the status line."""
    throttled = f"{share_text(pace.throttled_share)} throttled" if pace.throttled_share else ""
    if pace.paced:
        paced = f"{pace.operation} paced {rate_text(pace.rate)}"
        return f"{paced} · {throttled}" if throttled else paced
    return f"{pace.operation} {throttled}".rstrip()
