"""Keyed row diffs: what a table must remove, add, change and reorder to show new rows,
instead of clearing and refilling (which redraws and re-measures every row)."""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


@dataclass(frozen=True, slots=True)
class RowDiff(Generic[K]):
    """The steps, in this order: remove `removed`, update each (key, column) in `changed`,
    append `added` at the end, then, if `reorder`, put the rows in `order`."""

    removed: tuple[K, ...] = ()
    changed: tuple[tuple[K, int], ...] = ()
    """(row key, column index) of cells whose value differs."""
    added: tuple[K, ...] = ()
    order: tuple[K, ...] = ()
    """Every key wanted, in the order wanted."""
    reorder: bool = False
    """Appending the added rows does not give `order`: the table must be reordered."""

    @property
    def empty(self) -> bool:
        return not (self.removed or self.changed or self.added or self.reorder)


def diff_rows(
    shown_order: Sequence[K],
    shown: Mapping[K, Sequence[V]],
    wanted: Sequence[tuple[K, Sequence[V]]],
) -> RowDiff[K]:
    """Compare the rows on screen (`shown_order`, and each key's cell values in `shown`)
    with the rows `wanted` (key and cell values, in order). Keys are unique."""
    wanted_keys = tuple(key for key, _ in wanted)
    keep = set(wanted_keys)
    removed = tuple(key for key in shown_order if key not in keep)
    changed = tuple(
        (key, column)
        for key, cells in wanted
        if (before := shown.get(key)) is not None
        for column, value in enumerate(cells)
        if column >= len(before) or before[column] != value
    )
    added = tuple(key for key in wanted_keys if key not in shown)
    staying = [key for key in shown_order if key in keep]
    return RowDiff(
        removed=removed,
        changed=changed,
        added=added,
        order=wanted_keys,
        reorder=[*staying, *added] != list(wanted_keys),
    )
