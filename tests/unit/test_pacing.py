"""The adaptive pace of one operation: cut by throttles, won back by successes."""

from __future__ import annotations

from mwaa_tui.core.pacing import DECREASE, FLOOR_SHARE, AdaptiveRate


def test_a_throttle_cuts_the_pace_once_per_second_and_never_below_the_floor() -> None:
    pace = AdaptiveRate(quota=5.0)
    pace.throttled(100.0)
    pace.throttled(100.5)  # the same burst: one signal
    assert pace.rate == 5.0 * DECREASE
    for t in range(101, 160):
        pace.throttled(float(t))
    assert pace.rate == 5.0 * FLOOR_SHARE  # slowed down, never silenced


def test_successes_win_the_pace_back_up_to_the_quota() -> None:
    pace = AdaptiveRate(quota=5.0)
    for t in range(10):
        pace.throttled(100.0 + t)
    low = pace.rate
    for t in range(5):
        pace.succeeded(120.0 + t)
    assert low < pace.rate < 5.0
    for t in range(100):
        pace.succeeded(130.0 + t)
    assert pace.rate == 5.0


def test_the_throttled_share_is_measured_over_the_last_minute() -> None:
    pace = AdaptiveRate(quota=2.0)
    pace.throttled(10.0)
    pace.succeeded(50.0)
    pace.answered(55.0)
    assert pace.window(60.0) == (3, 1)
    assert pace.window(100.0) == (2, 0)  # the throttle at 10 s has aged out


def test_the_pause_before_a_throttled_retry_stretches_with_the_throttled_share() -> None:
    import random

    from mwaa_tui.core.backoff import THROTTLE_PAUSE, throttle_pause

    rng = random.Random(5)
    calm = [throttle_pause(0.3, rng) for _ in range(200)]
    busy = [throttle_pause(0.95, rng) for _ in range(200)]
    assert THROTTLE_PAUSE[0] <= min(calm) and max(calm) <= THROTTLE_PAUSE[1]
    assert sum(busy) / len(busy) > 1.7 * sum(calm) / len(calm)
    assert max(busy) <= THROTTLE_PAUSE[1] * 2.0
