"""How fast one AWS operation may be called: additive increase, multiplicative decrease.

Account quotas are shared with every other client of the account, so the quota is an upper
bound, not a promise. A throttle cuts the pace; each success wins a little of it back. The
pace never falls below a floor: throttling slows the monitor down, it never silences it.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field

DECREASE = 0.75
"""A throttle multiplies the pace by this."""
DECREASE_SPACING = 1.0
"""Seconds between two cuts: a burst of throttles from calls already in flight is one signal."""
INCREASE_SHARE = 0.05
"""Each success adds this share of the quota back."""
FLOOR_SHARE = 0.4
"""The pace never drops below this share of the quota."""
WINDOW = 60.0
"""Seconds of attempts the throttled share is measured over."""


@dataclass
class AdaptiveRate:
    """The pace of one operation. Pure: every method is given the time."""

    quota: float
    rate: float = 0.0
    _last_cut: float = float("-inf")
    _attempts: deque[tuple[float, bool]] = field(default_factory=lambda: deque(maxlen=2000))

    def __post_init__(self) -> None:
        if self.rate <= 0:
            self.rate = self.quota

    @property
    def floor(self) -> float:
        return self.quota * FLOOR_SHARE

    def succeeded(self, now: float) -> None:
        self._attempts.append((now, False))
        self.rate = min(self.quota, self.rate + self.quota * INCREASE_SHARE)

    def answered(self, now: float) -> None:
        """An attempt that failed for another reason: counted, the pace unchanged."""
        self._attempts.append((now, False))

    def throttled(self, now: float) -> None:
        self._attempts.append((now, True))
        if now - self._last_cut >= DECREASE_SPACING:
            self._last_cut = now
            self.rate = max(self.floor, self.rate * DECREASE)

    def window(self, now: float) -> tuple[int, int]:
        """Attempts and throttles in the last WINDOW seconds."""
        while self._attempts and self._attempts[0][0] < now - WINDOW:
            self._attempts.popleft()
        throttles = sum(1 for _, t in self._attempts if t)
        return len(self._attempts), throttles
