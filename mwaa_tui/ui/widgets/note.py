"""The body of an empty pane: why it is empty (core/pane_note.py words it)."""

from __future__ import annotations

from rich.text import Text
from textual.widget import Widget
from textual.widgets import Static

from mwaa_tui.core.pane_note import PaneNote
from mwaa_tui.core.sanitize import sanitize
from mwaa_tui.ui.text import SEVERITY_STYLE

NOTE_STYLE = {**SEVERITY_STYLE, "ok": "dim", "error": "red"}
"""An error in a body reads in red, not bold: the border already shouts."""


class EmptyNote(Static):
    """Shows a `PaneNote` wrapped to the pane's width (a long IAM action folds, never is
    cut), or nothing; repaints only when the note changes."""

    DEFAULT_CSS = """
    EmptyNote {
        height: auto;
        padding: 0 1;
        display: none;
    }
    """

    def __init__(self, **kwargs: object) -> None:
        super().__init__("", **kwargs)  # type: ignore[arg-type]
        self.note: PaneNote | None = None

    def show(self, note: PaneNote | None) -> None:
        if note == self.note:
            return
        self.note = note
        self.display = note is not None
        if note is not None:
            # The text carries AWS's error message: sanitised again on the way in.
            text = sanitize(note.text, multiline=True)
            self.update(Text(text, style=NOTE_STYLE.get(note.severity, ""), overflow="fold"))


def hug(table: Widget, empty: bool) -> None:
    """An empty table shrinks to its header (no scrollbar under it), so the note under
    it sits right below the column names; with rows, the stylesheet's rules again."""
    if empty:
        table.styles.height = "auto"
        table.styles.overflow_x = "hidden"
    else:
        table.styles.clear_rule("height")
        table.styles.clear_rule("overflow_x")
