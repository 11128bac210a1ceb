"""Incident capture on the main screen: its keys, the note and seek prompts, and the list
of bookmarks (`'`). The main screen's actions for `R`, `m`, `'` and the replay's keys
land in `CaptureKeys`, which asks `ui/capture.py` to act and says what happened."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.notifications import SeverityLevel
from textual.screen import ModalScreen
from textual.widgets import Footer, Input, OptionList, Static
from textual.widgets.option_list import Option

from mwaa_tui.core.format import stamp
from mwaa_tui.core.recording import Bookmark, log_target
from mwaa_tui.core.sanitize import sanitize
from mwaa_tui.core.timeline import MARKER_GLYPHS
from mwaa_tui.ui.capture import LiveCapture, Mark, ReplayCapture, state_updates
from mwaa_tui.ui.keys import HELP
from mwaa_tui.ui.widgets.alarms import AlarmTable
from mwaa_tui.ui.widgets.logview import LogView
from mwaa_tui.ui.widgets.trail_table import TrailTable

if TYPE_CHECKING:
    from mwaa_tui.ui.screens.main import MainScreen

REPLAY_ACTIONS = frozenset({"replay_pause", "replay_speed", "replay_marker", "replay_seek"})
"""The main screen's actions that only a replay has: hidden and inert while live."""

CAPTURE_BINDINGS: list[BindingType] = [
    Binding(
        "R",
        "record",
        "Record",
        show=False,
        id="capture.record",
        tooltip="Start or stop recording everything received to a new file in the data "
        "directory (the status line shows ● REC; mwaa-tui replay FILE plays it)",
    ),
    Binding(
        "m",
        "bookmark",
        "Mark",
        show=False,
        id="capture.bookmark",
        tooltip="Bookmark the log line, alarm or CloudTrail event under the cursor (else "
        "this moment), with an optional note, in the recording",
    ),
    Binding(
        "apostrophe",
        "bookmarks",
        "Marks",
        show=False,
        id="capture.bookmarks",
        tooltip="The recording's bookmarks; Enter jumps to one in a replay",
    ),
    Binding("space", "replay_pause", "Play", id="replay.pause", tooltip="Replay: pause or play"),
    Binding(
        "greater_than_sign",
        "replay_speed(1)",
        "Faster",
        show=False,
        id="replay.faster",
        tooltip="Replay: faster (1×, 10×, 60×, then 1× again)",
    ),
    Binding(
        "less_than_sign",
        "replay_speed(-1)",
        "Slower",
        show=False,
        id="replay.slower",
        tooltip="Replay: slower",
    ),
    Binding(
        "right_square_bracket",
        "replay_marker(1)",
        "Next",
        id="replay.next",
        tooltip="Replay: jump to the next marker (alarm change, CloudTrail error, bookmark, "
        "ERROR lines)",
    ),
    Binding(
        "left_square_bracket",
        "replay_marker(-1)",
        "Previous mark",
        show=False,
        id="replay.previous",
        tooltip="Replay: jump to the previous marker",
    ),
    Binding(
        "at",
        "replay_seek",
        "Seek",
        id="replay.seek",
        tooltip="Replay: go to a time (HH:MM, an ISO time, -5m or +5m from here)",
    ),
]
"""Spliced into the main screen's bindings."""


class TextPrompt(ModalScreen[str | None]):
    """One line of text; Esc cancels. Enter hands it to `accept`, which acts on it and
    returns "" (the prompt closes with the text) or what is wrong (shown; it stays open)."""

    DEFAULT_CSS = """
    TextPrompt { align: center middle; }
    #capture-prompt {
        width: 90%; max-width: 90; height: auto;
        border: round $accent; background: $surface; padding: 0 1;
    }
    #capture-input { margin: 1 0 0 0; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="prompt.cancel"),
        Binding("enter", "submit", "OK", id="prompt.ok", show=True),
        HELP,
    ]

    def __init__(
        self,
        title: str,
        *,
        placeholder: str = "",
        value: str = "",
        detail: str = "",
        accept: Callable[[str], str] | None = None,
    ) -> None:
        super().__init__()
        self.heading = title
        self.placeholder = placeholder
        self.value = value
        self.detail = detail
        self.accept = accept

    def compose(self) -> ComposeResult:
        with Vertical(id="capture-prompt"):
            yield Static(Text(self.heading, style="bold"))
            if self.detail:
                yield Static(Text(self.detail, style="dim"), id="capture-prompt-detail")
            yield Input(value=self.value, placeholder=self.placeholder, id="capture-input")
            yield Static("", id="capture-prompt-error")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#capture-prompt-error", Static).display = False

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_submit()

    def action_submit(self) -> None:
        value = self.query_one("#capture-input", Input).value.strip()
        problem = self.accept(value) if self.accept is not None else ""
        if problem:
            error = self.query_one("#capture-prompt-error", Static)
            error.update(Text(problem, style="bold red"))
            error.display = True
            return
        self.dismiss(value)

    def action_cancel(self) -> None:
        self.dismiss(None)


LISTED_CHARS = 60
"""How much of a bookmark's marked line its row in the list shows."""


def bookmark_line(b: Bookmark) -> Text:
    """One bookmark as the list shows it: when, what, the note, the marked text."""
    out = Text(no_wrap=True, overflow="ellipsis")
    out.append(f"{stamp(b.at)} ", style="dim")
    out.append(f"{MARKER_GLYPHS['bookmark']} ", style="bold yellow")
    out.append(sanitize(b.note) or "(no note)", style="bold" if b.note else "dim italic")
    what = sanitize(b.text) or sanitize(f"{b.kind} {b.target}".strip())
    if len(what) > LISTED_CHARS:  # one row a bookmark: the line is in the file whole
        what = what[: LISTED_CHARS - 1] + "…"
    if what:
        out.append(f"  {what}", style="dim")
    return out


class BookmarkList(ModalScreen[Bookmark | None]):
    """`'`: the bookmarks, oldest first; Enter picks one (a replay jumps to it)."""

    DEFAULT_CSS = """
    BookmarkList { align: center middle; }
    #bookmarks {
        width: 90%; max-width: 120; height: auto; max-height: 80%;
        border: round $accent; background: $surface; padding: 0 1;
    }
    #bookmark-list { height: auto; max-height: 30; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,apostrophe", "cancel", "Close", id="bookmarks.close"),
        HELP,
    ]

    def __init__(self, bookmarks: list[Bookmark], *, replaying: bool) -> None:
        super().__init__()
        self.bookmarks = bookmarks
        self.replaying = replaying

    def compose(self) -> ComposeResult:
        with Vertical(id="bookmarks"):
            count = len(self.bookmarks)
            head = Text(f"Bookmarks ({count})", style="bold")
            head.append(
                "   Enter jumps to one" if self.replaying else "   Enter jumps in a replay",
                style="dim",
            )
            yield Static(head)
            if self.bookmarks:
                yield OptionList(
                    *[Option(bookmark_line(b), id=str(i)) for i, b in enumerate(self.bookmarks)],
                    id="bookmark-list",
                )
            else:
                yield Static(
                    Text(
                        "none yet: m marks the log line, alarm or CloudTrail event under the "
                        "cursor",
                        style="dim",
                    )
                )
        yield Footer()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        if event.option.id is not None:
            self.dismiss(self.bookmarks[int(event.option.id)])

    def on_key(self, event: events.Key) -> None:
        if event.key == "enter" and not self.bookmarks:
            self.dismiss(None)

    def action_cancel(self) -> None:
        self.dismiss(None)


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
