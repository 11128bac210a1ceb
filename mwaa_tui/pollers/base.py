"""The poller loop: interval, backoff, health. A poller never dies from one failure."""

from __future__ import annotations

import asyncio
import contextlib
import random
import time
from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence

from mwaa_tui.aws.clients import AwsError, AwsGateway
from mwaa_tui.core.backoff import retry_delay
from mwaa_tui.core.sanitize import sanitize
from mwaa_tui.core.snapshots import Emit, ErrorInfo, ErrorKind, HealthUpdate, SourceHealth, Update

__all__ = ["Emit", "PartialPoll", "Poller"]


class PartialPoll(Exception):
    """A poll that fetched some data before an AWS error: what it got is emitted, then the
    error counts as a failure (and backs off) as usual."""

    def __init__(self, updates: Sequence[Update], error: AwsError) -> None:
        super().__init__(str(error))
        self.updates = updates
        self.error = error


class Poller(ABC):
    """One source polled on its own interval.

    `poll()` returns the snapshots or deltas to emit; `run()` loops, emitting them and a
    `HealthUpdate` after every attempt, until the poller is cancelled or sets `finished`
    (a source with nothing more to give: a task attempt that ended, a completed query).
    """

    source: str = "poller"

    def __init__(
        self,
        gateway: AwsGateway,
        *,
        interval: float,
        clock: Callable[[], float] = time.time,
        rng: random.Random | None = None,
    ) -> None:
        self.gateway = gateway
        self.interval = interval
        self.base_interval = interval
        self.clock = clock
        self.rng = rng or random.Random()
        self.health = SourceHealth(self.source, interval=interval)
        self.finished = False
        self._wake = asyncio.Event()

    @abstractmethod
    async def poll(self) -> Sequence[Update]:
        """Fetch once; return what to emit."""

    def wake(self) -> None:
        """Poll now instead of waiting for the interval."""
        self._wake.set()

    async def step(self, emit: Emit) -> float:
        """One attempt: emit its results and health; return the delay before the next."""
        try:
            updates = await self.poll()
        except PartialPoll as partial:
            for update in partial.updates:
                emit(update)
            # It made progress: report the error, but do not let the back-off grow.
            return self._failed(partial.error.info, emit, progressed=True)
        except AwsError as exc:
            return self._failed(exc.info, emit)
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # a bug in one source must not stop it for good
            info = ErrorInfo(ErrorKind.OTHER, f"{type(exc).__name__}: {sanitize(exc)}")
            return self._failed(info, emit)
        self.health = SourceHealth(self.source, self.clock(), None, 0, self.interval)
        for update in updates:
            emit(update)
        emit(HealthUpdate(self.health))
        return self.interval

    def _failed(self, info: ErrorInfo, emit: Emit, *, progressed: bool = False) -> float:
        failures = 1 if progressed else self.health.failures + 1
        delay = retry_delay(
            info.kind,
            failures,
            self.interval,
            self.rng,
            soon=self.health.last_ok is None or progressed,
        )
        self.health = SourceHealth(
            self.source, self.health.last_ok, info, failures, self.interval, self.clock() + delay
        )
        emit(HealthUpdate(self.health))
        return delay

    async def run(self, emit: Emit) -> None:
        while True:
            delay = await self.step(emit)
            if self.finished:
                return
            await self._sleep(delay)

    async def _sleep(self, delay: float) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._wake.wait(), timeout=delay)
        self._wake.clear()
