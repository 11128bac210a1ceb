"""Per-operation request pacing shared by every poller of one client layer."""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Callable, Mapping

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
"""Spacing 10 % wider than the quota, so network jitter cannot push two calls closer
together than the service allows."""


class RateLimiter:
    """Spaces calls of each operation at least HEADROOM/rate seconds apart."""

    def __init__(
        self,
        rates: Mapping[str, float] = DEFAULT_RATES,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.rates = dict(rates)
        self._clock = clock
        self._next: dict[str, float] = {}
        self._locks: dict[str, asyncio.Lock] = {}
        self.granted: dict[str, deque[float]] = {}
        """When each paced operation was let through (monotonic), the last 1,000."""

    async def acquire(self, operation: str) -> None:
        """Wait for `operation`'s next slot. Callers queue one at a time, and the next slot
        counts from when this one was really granted, so a late wake-up cannot bunch calls."""
        rate = self.rates.get(operation)
        if not rate:
            return
        lock = self._locks.setdefault(operation, asyncio.Lock())
        async with lock:
            delay = self._next.get(operation, 0.0) - self._clock()
            if delay > 0:
                await asyncio.sleep(delay)
            now = self._clock()
            self._next[operation] = now + HEADROOM / rate
            self.granted.setdefault(operation, deque(maxlen=1000)).append(now)
