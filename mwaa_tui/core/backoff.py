"""When a poller tries again after a failure."""

from __future__ import annotations

import random

from mwaa_tui.core.snapshots import ErrorKind

THROTTLE_CAP = 120.0
NETWORK_CAP = 60.0
SLOW_RETRY = 120.0
"""Denied, expired and not-found will not fix themselves soon: retry slowly."""


def retry_delay(
    kind: ErrorKind, failures: int, interval: float, rng: random.Random | None = None
) -> float:
    """Seconds to wait before the next attempt after `failures` consecutive failures."""
    rng = rng or random.Random()
    n = max(1, failures)
    if kind in (ErrorKind.DENIED, ErrorKind.EXPIRED, ErrorKind.NOT_FOUND):
        return max(interval, SLOW_RETRY)
    if kind is ErrorKind.THROTTLED:
        # Full jitter on an exponential ceiling, never below the normal interval.
        ceiling = min(THROTTLE_CAP, interval * 2**n)
        return max(interval, rng.uniform(ceiling / 2, ceiling))
    ceiling = min(NETWORK_CAP, max(1.0, interval) * 2 ** (n - 1))
    return rng.uniform(ceiling / 2, ceiling)
