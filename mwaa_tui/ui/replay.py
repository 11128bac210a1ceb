"""A replay session's capture: the recording, and the `ReplaySource` that plays it where
the pollers would stand, through the app's `emit`, on the app's clock."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from textual.notifications import SeverityLevel

from mwaa_tui.core.recording import Bookmark, Mark
from mwaa_tui.core.sanitize import sanitize
from mwaa_tui.core.snapshots import Update
from mwaa_tui.core.timeline import Marker, seek_target

if TYPE_CHECKING:
    # The capture package is loaded by a replay (or a recording) only: a live session that
    # never records does not import it (start-up).
    from mwaa_tui.capture import Recording
    from mwaa_tui.capture.replay import ReplayStatus

Notify = Callable[[str, SeverityLevel], None]
"""(message, severity): one notification, plain text."""


class ReplayCapture:
    """A replay: the recording, and the source that plays it through the app's `emit`."""

    replaying = True

    def __init__(
        self,
        recording: Recording,
        emit: Callable[[Update], None],
        *,
        clock: Callable[[], float],
        buffer_lines: int,
        notify: Notify,
    ) -> None:
        self.recording = recording
        self.notify = notify
        from mwaa_tui.capture import ReplaySource

        self.source = ReplaySource(recording, emit, clock=clock, buffer_lines=buffer_lines)

    @property
    def name(self) -> str:
        return self.recording.path.name

    def now(self) -> float:
        """The recorded moment on screen: the app's clock in a replay."""
        return self.source.now()

    def status(self) -> ReplayStatus:
        return self.source.status()

    def markers(self) -> tuple[Marker, ...]:
        return self.recording.markers()

    async def run(self) -> None:
        if self.recording.damaged:
            self.notify(sanitize(self.recording.damaged), "warning")
        await self.source.run()

    # -- the keys ------------------------------------------------------------------------------

    def toggle(self) -> None:
        source = self.source
        if source.finished:
            source.seek(self.recording.start)  # Space at the end plays it again
            source.resume()
            return
        source.toggle()

    def faster(self) -> float:
        return self.source.faster()

    def slower(self) -> float:
        from mwaa_tui.capture import SPEEDS

        earlier = [s for s in SPEEDS if s < self.source.speed]
        self.source.set_speed(earlier[-1] if earlier else SPEEDS[-1])
        return self.source.speed

    def next_marker(self) -> Marker | None:
        return self.source.next_marker()

    def previous_marker(self) -> Marker | None:
        return self.source.previous_marker()

    def seek(self, at: float) -> None:
        self.source.seek(at)

    def seek_text(self, text: str) -> str:
        """Seek to what the user typed; "" when done, else why not (for the user)."""
        recording = self.recording
        try:
            at = seek_target(
                text, start=recording.start, end=self.source.end, position=self.source.now()
            )
        except ValueError as exc:
            return str(exc)
        self.seek(at)
        return ""

    def bookmark(self, at: float, mark: Mark, note: str) -> Bookmark | None:
        """Store a bookmark in the file; None (after saying why) if it cannot be."""
        from mwaa_tui.capture import RecordingError

        try:
            return self.recording.add_bookmark(at, mark.kind, mark.target, note, mark.text)
        except RecordingError as exc:
            self.notify(sanitize(str(exc)), "error")
            return None

    def list_bookmarks(self) -> list[Bookmark]:
        return self.recording.bookmarks()  # a damaged file lists what it can still read

    def close(self) -> None:
        self.recording.close()
