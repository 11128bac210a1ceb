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
        self.granted: dict[str, deque[float]] = {}
        """When each paced operation was let through (monotonic), the last 1,000."""

    def reserve(self, operation: str) -> float:
        """Book the next slot for `operation`; returns how long to wait for it."""
        rate = self.rates.get(operation)
        if not rate:
            return 0.0
        now = self._clock()
        slot = max(now, self._next.get(operation, now))
        self._next[operation] = slot + HEADROOM / rate
        return slot - now

    async def acquire(self, operation: str) -> None:
        delay = self.reserve(operation)
        if delay > 0:
            await asyncio.sleep(delay)
        if operation in self.rates:
            self.granted.setdefault(operation, deque(maxlen=1000)).append(self._clock())
