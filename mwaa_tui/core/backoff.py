"""The one retry policy, by error class, the same for AWS and for any other endpoint.

Two levels:
- inside one call (`AwsGateway.call`): a throttled request is tried again within about a
  second, with jitter, until THROTTLE_BUDGET seconds of waiting; a connection error or a
  5xx a couple of times quickly. The poll keeps what it fetched before.
- between polls (`retry_delay`): a source that still failed tries again soon. Throttling is
  a rate signal, not an outage, so it never pushes a poll out beyond twice its interval;
  an unreachable endpoint is tried every few seconds; denied and not found slowly;
  expired credentials every 10-15 s, since a fresh login should be picked up quickly.
"""

from __future__ import annotations

import random

from mwaa_tui.core.snapshots import ErrorKind

THROTTLE_BUDGET = 15.0
"""Seconds one call may spend waiting between throttled attempts before it gives up."""
THROTTLE_PAUSE = (0.2, 0.6)
NETWORK_ATTEMPTS = 3
"""Attempts of one call on a connection error, a timeout or a 5xx."""
NETWORK_CAP = 10.0
"""An unreachable endpoint is tried at least this often."""
SLOW_RETRY = 120.0
"""Denied and not found will not fix themselves soon: retry slowly."""
EXPIRED_RETRY = (10.0, 15.0)
FIRST_DATA_CAP = 5.0
"""A source that has never answered, or whose poll got part of the way, retries a throttle
at least this often: the pane is empty, or behind, until it does."""


def throttle_pause(throttled_share: float, rng: random.Random) -> float:
    """Seconds before re-sending a throttled request, jittered so that callers spread out.
    Short while the operation mostly gets through, up to about a second as its last
    minute's throttled share nears 1: measured, 0.2-0.6 s kept plain --follow within
    interval + 3 s at 50 % throttled, but at 90 % sent more requests than awslogs does.
    Not growing with the attempt: the pacer already spaces the operation's calls, and a
    growing pause only leaves the pane behind (five throttles in a row cost 9 s)."""
    low, high = THROTTLE_PAUSE
    stretch = 1.0 + 2.0 * max(0.0, min(1.0, throttled_share) - 0.5)
    return rng.uniform(low, high) * stretch


def network_pause(attempt: int, rng: random.Random) -> float:
    """Seconds before re-sending after a connection error: quick, the pane waits."""
    return rng.uniform(0.2, 0.5) * 2.0 ** (max(1, attempt) - 1)


def retry_delay(
    kind: ErrorKind,
    failures: int,
    interval: float,
    rng: random.Random | None = None,
    *,
    soon: bool = False,
) -> float:
    """Seconds before a source's next poll after `failures` consecutive failed polls.
    `soon`: the source has no data yet, or its poll made progress: come back quickly."""
    rng = rng or random.Random()
    n = max(1, failures)
    if kind in (ErrorKind.DENIED, ErrorKind.NOT_FOUND):
        return max(interval, SLOW_RETRY)
    if kind is ErrorKind.EXPIRED:
        return rng.uniform(*EXPIRED_RETRY)
    if kind is ErrorKind.THROTTLED:
        # Each call already retried for up to THROTTLE_BUDGET: come back within an interval
        # or two, never further out.
        delay = rng.uniform(0.5, 1.0) * min(2.0, 0.5 * 2.0**n) * max(interval, 1.0)
        return min(delay, FIRST_DATA_CAP) if soon else max(1.0, delay)
    ceiling = min(NETWORK_CAP, max(1.0, interval) * 2.0 ** (n - 1))
    return rng.uniform(ceiling / 2, ceiling)
