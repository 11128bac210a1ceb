"""The session's recording, or the replay it is: what `R`, `m`, `'` and the replay's keys
act on. No widgets here; the main screen draws what this says.

Live, a `Recorder` (from `--record FILE`, or `R`) is handed every update the app receives,
with its receive time, and the client layer's call records every few seconds. A recording
whose file fails (a full disk, an unwritable path) stops with one message and monitoring
goes on. In a replay, a `ReplaySource` stands where the pollers stand: it emits through
the app's `emit`, and its clock is the app's clock.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Iterable
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from mwaa_tui.core.format import human_bytes
from mwaa_tui.core.recording import Bookmark, Mark
from mwaa_tui.core.sanitize import sanitize
from mwaa_tui.core.snapshots import (
    CallRecord,
    HealthUpdate,
    TrailBatch,
    Update,
)
from mwaa_tui.core.state import MonitorState
from mwaa_tui.settings import AppConfig
from mwaa_tui.ui.replay import Notify, ReplayCapture

if TYPE_CHECKING:
    from mwaa_tui.capture import Recorder

log = logging.getLogger(__name__)

CALLS_EVERY = 5.0
"""Seconds between handing the client layer's call records to a live recording."""
NOT_IN_REPLAY = "not available in a replay: it would call AWS, and a replay makes no AWS call"


def not_in_replay(what: str) -> str:
    """What a key that needs AWS says in a replay."""
    return f"{what}: {NOT_IN_REPLAY}"


def state_updates(state: MonitorState) -> list[Update]:
    """What the monitor shows now, as updates: the start of a recording begun with `R`,
    so that its replay does not open on empty panes (log lines come with the next polls)."""
    out: list[Update] = []
    if state.environment is not None:
        out.append(state.environment)
    out += [HealthUpdate(h) for h in state.health.values()]
    if state.metrics is not None:
        out.append(state.metrics)
    if state.alarms is not None:
        out.append(state.alarms)
    if state.trail.events:
        out.append(TrailBatch(tuple(state.trail.events), exhausted=state.trail.exhausted))
    if state.airflow is not None:
        out.append(state.airflow)
    return out


class LiveCapture:
    """A live session's recording: none, or one at a time, from `--record` or `R`."""

    replaying = False

    def __init__(
        self,
        environment: Callable[[], str | None],
        *,
        region: str,
        redact: bool,
        directory: Path,
        clock: Callable[[], float],
        notify: Notify,
    ) -> None:
        self._environment = environment
        self.region = region
        self.redact = redact
        self.directory = directory
        """Where `R` puts recordings (`<directory>/recordings/…`)."""
        self.clock = clock
        self.notify = notify
        self.recorder: Recorder | None = None
        self.bookmarks: list[Bookmark] = []
        """This recording's bookmarks, for `'`."""
        self._closing: set[asyncio.Task[None]] = set()

    @property
    def recording(self) -> bool:
        return self.recorder is not None and self.recorder.active

    def start(self, path: Path | None = None, seed: Iterable[Update] = ()) -> Path | None:
        """Start recording to `path` (by default a new file in the data directory), with
        `seed` as its first updates. Returns the path, or None after saying why not."""
        if self.recorder is not None:
            return self.recorder.path
        name = self._environment()
        if not name:
            self.notify("pick an environment first: there is nothing to record yet", "warning")
            return None
        # Loaded when a recording starts: a session that never records need not import it.
        from mwaa_tui.capture import Recorder, RecordingError, default_recording_path

        try:
            if path is None:
                path = default_recording_path(name, now=self.clock(), base=self.directory)
            recorder = Recorder(
                path,
                name,
                redact=self.redact,
                region=self.region,
                started=self.clock(),
                on_stop=self._stopped,
                clock=self.clock,
            )
        except RecordingError as exc:
            self.notify(sanitize(str(exc)), "error")
            return None
        self.recorder = recorder
        self.bookmarks = []
        now = self.clock()
        for update in seed:
            recorder.record(update, now)
        return recorder.path

    def _stopped(self, message: str) -> None:
        """The recorder gave up (once): say so; the monitor goes on without it."""
        recorder, self.recorder = self.recorder, None
        self.notify(sanitize(message) + "; monitoring goes on", "error")
        if recorder is not None:
            self._close_later(recorder)

    def stop(self, calls: Iterable[CallRecord] = ()) -> Path | None:
        """Stop recording (the file is closed off the event loop). Returns its path."""
        recorder, self.recorder = self.recorder, None
        if recorder is None:
            return None
        recorder.record_calls(calls, self.clock())
        self._close_later(recorder)
        return recorder.path

    def _close_later(self, recorder: Recorder) -> None:
        try:
            task = asyncio.get_running_loop().create_task(asyncio.to_thread(recorder.close))
        except RuntimeError:  # no loop (a test, or the app already gone): close here
            recorder.close()
            return
        self._closing.add(task)
        task.add_done_callback(self._closing.discard)

    async def close(self, calls: Iterable[CallRecord] = ()) -> None:
        """At exit: stop, and wait for every recording to be written and closed."""
        self.stop(calls)
        if self._closing:
            await asyncio.gather(*self._closing, return_exceptions=True)

    def record(self, update: Update, at: float) -> None:
        if self.recorder is not None:
            self.recorder.record(update, at)

    def record_calls(self, records: Iterable[CallRecord], at: float) -> None:
        if self.recorder is not None:
            self.recorder.record_calls(records, at)

    def badge(self) -> str:
        """`● REC 1.2 MB` while recording, else ""."""
        recorder = self.recorder
        if recorder is None:
            return ""
        size = recorder.size_bytes()  # may tell of a failure, and clear `recorder`
        return f"● REC {human_bytes(size)}" if self.recorder is not None else ""

    def bookmark(self, at: float, mark: Mark, note: str) -> Bookmark | None:
        """Add a bookmark to the running recording; None (after saying why) if none runs."""
        recorder = self.recorder
        if recorder is None:
            self.notify("no recording is running: R starts one, then m marks", "warning")
            return None
        recorder.bookmark(at, mark.kind, mark.target, note, mark.text)
        if self.recorder is None:  # the recording had just stopped, and has said so
            return None
        bookmark = Bookmark(at, mark.kind, mark.target, note, mark.text, self.clock())
        self.bookmarks.append(bookmark)
        return bookmark

    def list_bookmarks(self) -> list[Bookmark]:
        return sorted(self.bookmarks, key=lambda b: b.at)


Capture = LiveCapture | ReplayCapture


def open_capture(
    config: AppConfig,
    emit: Callable[[Update], None],
    environment: Callable[[], str | None],
    notify: Notify,
) -> tuple[Capture, AppConfig]:
    """The session's capture, and the config the app runs with: in a replay, the replay's
    clock is the app's clock. `--record FILE` is started by the app once it runs."""
    if config.replay is not None:
        replay = ReplayCapture(
            config.replay,
            emit,
            clock=config.replay_clock,
            buffer_lines=config.buffer_lines,
            notify=notify,
        )
        return replay, replace(config, clock=replay.now)
    live = LiveCapture(
        environment,
        region=config.aws.region or "",
        redact=config.redact,
        directory=config.save_dir,
        clock=config.clock,
        notify=notify,
    )
    return live, config
