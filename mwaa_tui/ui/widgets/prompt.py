"""The one-line question above a log view (a filter, a find): hidden until asked, and
hidden again on Enter or Esc by the view that asked."""

from __future__ import annotations

from textual.widgets import Input


class PromptLine(Input):
    """An `Input` that remembers what it was asked for (`mode`: "filter" or "find")."""

    def __init__(self, *, id: str) -> None:
        super().__init__(id=id)
        self.mode = "filter"

    def on_mount(self) -> None:
        self.display = False

    def ask(self, mode: str, value: str, placeholder: str) -> None:
        self.mode = mode
        self.placeholder = placeholder
        self.value = value
        self.display = True
        self.focus()
