"""A table of keyed rows, brought up to date by a keyed row diff rather than refilled."""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual.widgets import DataTable

from mwaa_tui.core.diff import diff_rows

Columns = tuple[tuple[str, str, int], ...]
"""(key, label, width) of each column. Explicit widths: auto-sized columns come out
differently from run to run."""


def signature(cell: Text) -> str:
    """What tells two cells apart on screen: their text and their style."""
    return f"{cell.plain}\x00{cell.style}\x00{cell.spans}"


class KeyedTable(DataTable[Text]):
    """Rows keyed by id. `show_rows` removes, updates, adds and reorders only what changed;
    the row under the cursor stays under it. New column widths rebuild the table (rare)."""

    def __init__(self, **kwargs: object) -> None:
        super().__init__(cursor_type="row", zebra_stripes=False, **kwargs)  # type: ignore[arg-type]
        self._columns: Columns = ()
        self._order: list[str] = []
        self._shown: dict[str, tuple[str, ...]] = {}

    @property
    def keys(self) -> list[str]:
        """The row keys, top to bottom."""
        return list(self._order)

    def cursor_key(self) -> str | None:
        if not self._order or not 0 <= self.cursor_row < len(self._order):
            return None
        return self._order[self.cursor_row]

    def show_rows(self, columns: Columns, rows: Sequence[tuple[str, Sequence[Text]]]) -> None:
        selected = self.cursor_key()
        if columns != self._columns:
            self._rebuild(columns, rows)
        else:
            self._apply(rows)
        if selected in self._shown:
            at = self._order.index(selected)
            if at != self.cursor_row:
                self.move_cursor(row=at, animate=False)

    def set_cell(self, key: str, column: int, cell: Text) -> None:
        """Change one cell in place (the relative times that age)."""
        shown = self._shown.get(key)
        if shown is None or shown[column] == signature(cell):
            return
        self._shown[key] = (*shown[:column], signature(cell), *shown[column + 1 :])
        self.update_cell(key, self._columns[column][0], cell)

    def _rebuild(self, columns: Columns, rows: Sequence[tuple[str, Sequence[Text]]]) -> None:
        self.clear(columns=True)
        for key, label, width in columns:
            self.add_column(label, key=key, width=width)
        for key, cells in rows:
            self.add_row(*cells, key=key)
        self._columns = columns
        self._order = [key for key, _ in rows]
        self._shown = {key: tuple(map(signature, cells)) for key, cells in rows}

    def _apply(self, rows: Sequence[tuple[str, Sequence[Text]]]) -> None:
        cells = dict(rows)
        wanted = [(key, tuple(map(signature, row))) for key, row in rows]
        diff = diff_rows(self._order, self._shown, wanted)
        if diff.empty:
            return
        for key in diff.removed:
            self.remove_row(key)
        for key, column in diff.changed:
            self.update_cell(key, self._columns[column][0], cells[key][column])
        for key in diff.added:
            self.add_row(*cells[key], key=key)
        if diff.reorder:
            # `sort` hands the key function cells, not row keys: rank each row by the
            # identity of its first cell, which the table holds for as long as it shows it.
            first = self._columns[0][0]
            rank = {id(self.get_cell(key, first)): i for i, key in enumerate(diff.order)}
            self.sort(first, key=lambda cell: rank[id(cell)])
        self._order = list(diff.order)
        self._shown = dict(wanted)
