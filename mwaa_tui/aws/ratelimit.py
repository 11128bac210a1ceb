"""Per-operation request pacing shared by every poller of one client layer."""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Callable, Mapping

from mwaa_tui.core.pacing import AdaptiveRate
from mwaa_tui.core.snapshots import OperationPace

# Account-wide API quotas (requests per second) from the service quota pages;
# all panes share them, so they are enforced here and not per poller.
DEFAULT_RATES: Mapping[str, float] = {
    "FilterLogEvents": 5.0,
    "GetLogEvents": 25.0,
    "DescribeLogStreams": 5.0,
    "StartQuery": 5.0,
    "GetQueryResults": 5.0,
    "LookupEvents": 2.0,
    "DescribeAlarms": 9.0,
    "DescribeAlarmHistory": 3.0,
    "GetMetricData": 50.0,
    "ListMetrics": 25.0,
}


HEADROOM = 1.1
"""Spacing 10 % wider than the pace, so network jitter cannot push two calls closer
together than the service allows."""
OTHER_RATE = 10.0
"""Operations without a published quota (GetEnvironment, DescribeLogGroups, ...) still adapt
to throttling, from this pace."""


class RateLimiter:
    """Spaces calls of each operation HEADROOM/pace seconds apart. The pace starts at the
    account quota and adapts (`core.pacing.AdaptiveRate`): every attempt, retries included,
    is reported back through `succeeded` or `throttled`."""

    def __init__(
        self,
        rates: Mapping[str, float] = DEFAULT_RATES,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.rates = dict(rates)
        self._clock = clock
        self._pace: dict[str, AdaptiveRate] = {}
        self._next: dict[str, float] = {}
        self._locks: dict[str, asyncio.Lock] = {}
        self.granted: dict[str, deque[float]] = {}
        """When each paced operation was let through (monotonic), the last 1,000."""

    def pace(self, operation: str) -> AdaptiveRate:
        found = self._pace.get(operation)
        if found is None:
            found = self._pace[operation] = AdaptiveRate(self.rates.get(operation, OTHER_RATE))
        return found

    async def acquire(self, operation: str) -> None:
        """Wait for `operation`'s next slot. Callers queue one at a time, and the next slot
        counts from when this one was really granted, so a late wake-up cannot bunch calls."""
        lock = self._locks.setdefault(operation, asyncio.Lock())
        async with lock:
            delay = self._next.get(operation, 0.0) - self._clock()
            if delay > 0:
                await asyncio.sleep(delay)
            now = self._clock()
            self._next[operation] = now + HEADROOM / self.pace(operation).rate
            self.granted.setdefault(operation, deque(maxlen=1000)).append(now)

    def succeeded(self, operation: str) -> None:
        self.pace(operation).succeeded(self._clock())

    def answered(self, operation: str) -> None:
        self.pace(operation).answered(self._clock())

    def throttled(self, operation: str) -> None:
        self.pace(operation).throttled(self._clock())

    def throttled_share(self, operation: str) -> float:
        """Share of `operation`'s attempts in the last minute that were throttled."""
        attempts, throttles = self.pace(operation).window(self._clock())
        return throttles / attempts if attempts else 0.0

    def paces(self) -> tuple[OperationPace, ...]:
        """Every operation tried in the last minute, the most held back first."""
        now = self._clock()
        out = []
        for op, pace in self._pace.items():
            attempts, throttles = pace.window(now)
            if attempts:
                share = throttles / attempts
                out.append(OperationPace(op, pace.rate, pace.quota, share, attempts))
        out.sort(key=lambda p: (p.rate / p.quota, -p.throttled_share, p.operation))
        return tuple(out)
