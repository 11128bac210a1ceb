"""Incident capture on the main screen: the main screen's actions for `R`, `m`, `'` and the
replay's keys land in `CaptureKeys`, which asks `ui/capture.py` to act and says what
happened (its prompts and the bookmark list are in `screens/bookmarks.py`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.notifications import SeverityLevel

from mwaa_tui.core.format import stamp
from mwaa_tui.core.recording import Bookmark, Mark, log_target
from mwaa_tui.core.sanitize import sanitize
from mwaa_tui.core.timeline import MARKER_GLYPHS
from mwaa_tui.ui.capture import LiveCapture, state_updates
from mwaa_tui.ui.replay import ReplayCapture
from mwaa_tui.ui.screens.bookmarks import BookmarkList, TextPrompt
from mwaa_tui.ui.screens.main_keys import REPLAY_ACTIONS
from mwaa_tui.ui.widgets.alarms import AlarmTable
from mwaa_tui.ui.widgets.logview import LogView
from mwaa_tui.ui.widgets.trail_table import TrailTable

if TYPE_CHECKING:
    from mwaa_tui.ui.screens.main import MainScreen


def mark_under_cursor(screen: MainScreen) -> Mark:
    """What `m` marks: the log line under the cursor, the highlighted alarm or CloudTrail
    event, or (anywhere else, or a log view that follows its tail) the moment."""
    focused = screen.focused
    if isinstance(focused, LogView) and focused.cursor is not None:
        event = focused.event_at(focused.cursor)
        text = focused.text_at(focused.cursor)
        if event is not None:
            return Mark("log", log_target(event), text)
        return Mark("moment", text=text)
    if isinstance(focused, AlarmTable) and (alarm := focused.highlighted()) is not None:
        return Mark("alarm", alarm.name, f"{alarm.name}: {alarm.state} {alarm.reason}".strip())
    if isinstance(focused, TrailTable) and (trail := focused.selected()) is not None:
        what = " ".join(p for p in (trail.name, trail.error_code, trail.user) if p)
        return Mark("trail", trail.event_id, what)
    return Mark("moment")


class CaptureKeys:
    """The main screen's keys for recording, bookmarks and the replay."""

    def __init__(self, screen: MainScreen, capture: LiveCapture | ReplayCapture) -> None:
        self.screen = screen
        self.capture = capture

    def _say(
        self, message: str, severity: SeverityLevel = "information", timeout: float = 4
    ) -> None:
        self.screen.notify(
            message, title="Capture", severity=severity, timeout=timeout, markup=False
        )

    def allows(self, action: str) -> bool:
        """Replay keys act only in a replay (live they are hidden and pass by)."""
        return action not in REPLAY_ACTIONS or self.capture.replaying

    # -- live and replay -------------------------------------------------------------------

    def record(self) -> None:
        capture, screen = self.capture, self.screen
        if isinstance(capture, ReplayCapture):
            self._say("a replay records nothing: it plays a recording", "warning")
            return
        if capture.recorder is not None:
            gateway = screen.pollers.gateway
            calls = gateway.stats.recent(screen.now) if gateway is not None else []
            path = capture.stop(calls)
            self._say(f"recording stopped: {sanitize(path)}", timeout=8)
        else:
            path = capture.start(seed=state_updates(screen.state))
            if path is not None:
                self._say(f"recording to {sanitize(path)}", timeout=8)
        screen.show_status()

    def bookmark(self) -> None:
        capture, screen = self.capture, self.screen
        if isinstance(capture, LiveCapture) and not capture.recording:
            self._say("no recording is running: R starts one, then m marks", "warning")
            return
        mark, at = mark_under_cursor(screen), screen.now

        def add(note: str | None) -> None:
            if note is None:
                return
            if capture.bookmark(at, mark, note) is not None:
                self._say(f"bookmarked {mark.label} at {stamp(at)}")
                screen.show_status()

        screen.app.push_screen(
            TextPrompt(
                f"Bookmark {mark.label}",
                placeholder="a note (optional); Enter adds the bookmark, Esc cancels",
                detail=sanitize(mark.text) if mark.text else f"at {stamp(at)}",
            ),
            add,
        )

    def bookmarks(self) -> None:
        capture = self.capture
        listing = BookmarkList(capture.list_bookmarks(), replaying=capture.replaying)
        self.screen.app.push_screen(listing, self._jump)

    def _jump(self, bookmark: Bookmark | None) -> None:
        if bookmark is None:
            return
        if isinstance(self.capture, ReplayCapture):
            self.capture.seek(bookmark.at)
            self._say(f"at the bookmark of {stamp(bookmark.at)}")
            self.screen.show_status()
        else:
            self._say("a bookmark is jumped to in a replay: mwaa-tui replay FILE")

    # -- replay only (live, the keys pass by; the command palette can still ask) ------------

    def _replay(self) -> ReplayCapture | None:
        if isinstance(self.capture, ReplayCapture):
            return self.capture
        self._say("only in a replay: mwaa-tui replay FILE", "warning")
        return None

    def pause(self) -> None:
        if (capture := self._replay()) is not None:
            capture.toggle()
            self.screen.show_status()

    def speed(self, step: int) -> None:
        if (capture := self._replay()) is not None:
            speed = capture.faster() if step > 0 else capture.slower()
            self._say(f"replaying at {speed:g}×", timeout=2)
            self.screen.show_status()

    def marker(self, step: int) -> None:
        if (capture := self._replay()) is None:
            return
        marker = capture.next_marker() if step > 0 else capture.previous_marker()
        if marker is None:
            self._say(f"no {'later' if step > 0 else 'earlier'} marker", timeout=3)
        else:
            glyph = MARKER_GLYPHS.get(marker.kind, "·")
            self._say(f"{glyph} {stamp(marker.at)}  {sanitize(marker.label)}", timeout=5)
        self.screen.show_status()

    def seek(self) -> None:
        if (capture := self._replay()) is None:
            return
        status = capture.status()

        def done(text: str | None) -> None:
            if text:
                self.screen.show_status()

        self.screen.app.push_screen(
            TextPrompt(
                "Go to a time in the recording",
                placeholder="14:05, 2025-11-25T14:05Z, 30m, -5m or +5m; Enter goes, Esc cancels",
                detail=f"from {stamp(status.start)} to {stamp(status.end)}: a time of day "
                "(UTC), an ISO time, a duration before the end, or -5m / +5m from here",
                accept=capture.seek_text,
            ),
            done,
        )
