"""The capture keys' modal screens: a one-line prompt (a bookmark's note, a time to seek
to) and the list of bookmarks (`'`)."""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Footer, Input, OptionList, Static
from textual.widgets.option_list import Option

from mwaa_tui.core.format import stamp
from mwaa_tui.core.recording import Bookmark
from mwaa_tui.core.sanitize import sanitize
from mwaa_tui.core.timeline import MARKER_GLYPHS
from mwaa_tui.ui.keys import HELP


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
