"""The CloudTrail filter box: Tab completes an event name or user, Enter applies, Esc
closes."""

from __future__ import annotations

from textual.binding import Binding
from textual.message import Message
from textual.suggester import Suggester
from textual.widgets import Input

from mwaa_tui.core.trail import completions


class TrailSuggestions(Suggester):
    """The grey completion after what is typed: Tab's first choice."""

    def __init__(self, box: TrailFilterInput) -> None:
        super().__init__(use_cache=False, case_sensitive=True)
        self.box = box

    async def get_suggestion(self, value: str) -> str | None:
        options = completions(value, self.box.names, self.box.users)
        return options[0] if value and options else None


class TrailFilterInput(Input):
    """The filter box. Keys type here while it is open; Tab completes an event name or
    user (again: the next one), Enter applies, Esc closes, and it closes when focus
    leaves it, so no stale box stays on screen."""

    BINDINGS = [
        Binding(
            "tab",
            "complete",
            "Complete",
            id="trail.complete",
            tooltip="In the filter box: complete an event name, a user, event: or user: "
            "(again: the next match)",
        ),
        Binding(
            "escape",
            "close",
            "Cancel",
            id="trail.filter-cancel",
            tooltip="In the filter box: close it, keeping the filter as it was",
        ),
    ]

    class Closed(Message):
        """The box closed without applying: Esc (`by_key`), or focus moved away."""

        def __init__(self, *, by_key: bool) -> None:
            super().__init__()
            self.by_key = by_key

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.names: list[str] = []
        self.users: list[str] = []
        self._stem = ""
        """What the user typed, which Tab completes from."""
        self._completed: str | None = None
        self.suggester = TrailSuggestions(self)

    def action_complete(self) -> None:
        if self.value != self._completed:
            self._stem = self.value  # typed since the last Tab: complete that
        options = completions(self._stem, self.names, self.users)
        if not options:
            self.app.bell()
            return
        at = options.index(self.value) + 1 if self.value in options else 0
        self._completed = self.value = options[at % len(options)]
        self.cursor_position = len(self.value)

    def action_close(self, by_key: bool = True) -> None:
        if self.display:
            self.display = False
            self.post_message(self.Closed(by_key=by_key))

    def on_input_blurred(self, event: Input.Blurred) -> None:
        # The terminal losing focus is not the user leaving the box.
        if self.app.app_focus:
            self.action_close(by_key=False)
