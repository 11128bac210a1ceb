"""Replaying a recording through the pollers' `emit` callback.

A `ReplaySource` stands where the pollers stand: the app hands it the same `emit` and
draws what comes out with the same code as live data; no second UI. It plays in receive
order at 1x, 10x or 60x of the recorded time, pauses, and seeks. A seek emits a
`ReplayReset` and then, at once, what rebuilds the screen at that moment (see
`Recording.state_entries`), and plays on from there; the next and previous markers are
seeks too. The clock is injectable: tests drive `step()` on a fake one.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from mwaa_tui.capture.reader import Damaged, Recording
from mwaa_tui.core.format import stamp
from mwaa_tui.core.recording import CallBatch, ReplayReset
from mwaa_tui.core.snapshots import CallRecord
from mwaa_tui.core.timeline import Marker, next_marker, previous_marker

Emit = Callable[[Any], None]
"""The pollers' emit (typed for their updates) takes what a replay emits: the recorded
updates, and `ReplayReset` and `CallBatch`, which the app's routing has to know."""

SPEEDS = (1.0, 10.0, 60.0)
CALL_WINDOW = 3600.0
"""Seconds of API calls a seek hands over: what the status line's cost estimate looks at."""
IDLE_WAIT = 0.25
"""The longest `run()` sleeps between steps (paused, or nothing due)."""


@dataclass(frozen=True, slots=True)
class ReplayStatus:
    """Where a replay stands, for the timeline in the status line."""

    position: float
    start: float
    end: float
    speed: float
    paused: bool
    finished: bool
    stopped: str = ""
    """Why the replay ended before the recording's end (a damaged file)."""


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """No cyclic garbage collection for a while: a seek makes tens of thousands of log
    events, none in a cycle, and the collections they would set off cost a quarter of it."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


class ReplaySource:
    source = "replay"

    def __init__(
        self,
        recording: Recording,
        emit: Emit,
        *,
        clock: Callable[[], float] = time.monotonic,
        buffer_lines: int = 10_000,
        speed: float = 1.0,
    ) -> None:
        self.recording = recording
        self.emit = emit
        self.clock = clock
        self.buffer_lines = buffer_lines
        self.speed = speed
        self.cursor = 0
        """Entries emitted so far: `recording.entries[:cursor]`."""
        self.end = recording.end
        self.stopped = recording.damaged
        self._position = recording.start
        self._anchor = clock()
        self._paused = False
        self._wake: asyncio.Event | None = None

    # -- where it is -------------------------------------------------------------------------

    def now(self) -> float:
        """The recorded time being shown: the app's clock in a replay."""
        if self._paused:
            return self._position
        return min(self._position + (self.clock() - self._anchor) * self.speed, self.end)

    @property
    def paused(self) -> bool:
        return self._paused

    @property
    def finished(self) -> bool:
        return self.cursor >= len(self.recording.entries) and self.now() >= self.end

    def status(self) -> ReplayStatus:
        return ReplayStatus(
            self.now(),
            self.recording.start,
            self.end,
            self.speed,
            self._paused,
            self.finished,
            self.stopped,
        )

    # -- controls ----------------------------------------------------------------------------

    def _reanchor(self) -> None:
        self._position = self.now()
        self._anchor = self.clock()

    def pause(self) -> None:
        self._reanchor()
        self._paused = True

    def resume(self) -> None:
        self._anchor = self.clock()
        self._paused = False
        self._poke()

    def toggle(self) -> None:
        """Space: pause or resume."""
        if self._paused:
            self.resume()
        else:
            self.pause()

    def set_speed(self, speed: float) -> None:
        self._reanchor()
        self.speed = speed
        self._poke()

    def faster(self) -> float:
        """The next of `SPEEDS` (after 60x comes 1x again)."""
        later = [s for s in SPEEDS if s > self.speed]
        self.set_speed(later[0] if later else SPEEDS[0])
        return self.speed

    def seek(self, at: float) -> int:
        """Show the moment `at`: emit a `ReplayReset` and the state at `at` at once, then
        play on from there (paused stays paused). Returns how many updates it emitted."""
        at = min(max(at, self.recording.start), self.end)
        self.emit(ReplayReset(at))
        emitted = 1
        try:
            with _collector_paused():
                for entry, keep in self.recording.state_entries(at, self.buffer_lines):
                    update = self.recording.update(entry, last_events=keep)
                    if update is not None:
                        self.emit(update)
                        emitted += 1
        except Damaged as exc:
            self._stop(exc)
        calls = self.recording.calls_between(at - CALL_WINDOW, at)
        if calls:
            self.emit(CallBatch(tuple(calls)))
            emitted += 1
        self.cursor = self.recording.position(at)
        self._position = at
        self._anchor = self.clock()
        self._poke()
        return emitted

    def next_marker(self) -> Marker | None:
        """Seek to the next alarm change, CloudTrail error, bookmark or ERROR burst."""
        marker = next_marker(self.recording.markers(), self.now())
        if marker is not None:
            self.seek(marker.at)
        return marker

    def previous_marker(self) -> Marker | None:
        marker = previous_marker(self.recording.markers(), self.now())
        if marker is not None:
            self.seek(marker.at)
        return marker

    # -- playing -----------------------------------------------------------------------------

    def step(self) -> int:
        """Emit every update due by now, in recorded order; returns how many."""
        entries = self.recording.entries
        if self.cursor >= len(entries):
            return 0
        due = self.recording.position(self.now())
        emitted = 0
        calls: list[CallRecord] = []
        try:
            while self.cursor < due:
                entry = entries[self.cursor]
                update = self.recording.update(entry)
                self.cursor += 1
                if isinstance(update, CallRecord):
                    calls.append(update)
                elif update is not None:
                    self.emit(update)
                    emitted += 1
        except Damaged as exc:
            self._stop(exc)
        if calls:
            self.emit(CallBatch(tuple(calls)))
            emitted += 1
        if self.cursor >= len(entries) and not self._paused and self.now() >= self.end:
            self.pause()
        return emitted

    def _stop(self, exc: Damaged) -> None:
        """A damaged file: the replay ends where the file stops being readable."""
        self.end = min(self.end, exc.at)
        self.cursor = len(self.recording.entries)
        self.stopped = f"{self.recording.path} is damaged: the replay ends at {stamp(exc.at)}"
        self.pause()

    def _delay(self) -> float:
        if self._paused or self.cursor >= len(self.recording.entries):
            return IDLE_WAIT
        ahead = self.recording.entries[self.cursor].at - self.now()
        return min(max(ahead / self.speed, 0.0), IDLE_WAIT)

    def _poke(self) -> None:
        if self._wake is not None:
            self._wake.set()

    async def run(self) -> None:
        """Play until cancelled (a worker, as a poller's `run`)."""
        self._wake = asyncio.Event()
        while True:
            self.step()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout=self._delay())
            self._wake.clear()
