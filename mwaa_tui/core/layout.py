"""What fits on one line of a given width: each part in the fullest form that fits, the
least important given up first, and never one cut in half. The header's lines and the
footer's keys are chosen this way, so what a narrow terminal drops is decided here, in one
table of ranks, rather than by where an ellipsis happens to fall."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

NEVER = 0
"""The rank of a form that is never given up (what must be seen at any width)."""


@dataclass(frozen=True, slots=True)
class Part:
    """One part of a line, in the order it is drawn."""

    key: str
    widths: tuple[int, ...]
    """Each form's width in cells (its leading separator included), fullest first."""
    ranks: tuple[int, ...]
    """For each form, how soon it is given up for the next form (or, after the last form,
    for nothing): the highest rank first; `NEVER` keeps it."""

    def __post_init__(self) -> None:
        if not self.widths or len(self.widths) != len(self.ranks):
            raise ValueError(f"part {self.key}: one rank per form")


def fit(parts: Sequence[Part], width: int) -> dict[str, int]:
    """The form each part is drawn in (an index into its `widths`) so that the line is at
    most `width` cells; a part left out of the answer is dropped. Forms are given up by
    rank (the highest first; between equal ranks, the rightmost part), then, most
    important first, each one given up is taken back if the line still fits: the width
    there is gets used. If even the forms that are never given up are too wide, they are
    all kept (the line's end is cut)."""
    form = [0] * len(parts)
    total = sum(p.widths[0] for p in parts)
    given_up: list[int] = []
    while total > width:
        ranked = [
            (part.ranks[form[i]], i)
            for i, part in enumerate(parts)
            if form[i] < len(part.widths) and part.ranks[form[i]] != NEVER
        ]
        if not ranked:
            break
        _, i = max(ranked)
        total -= _width(parts[i], form[i]) - _width(parts[i], form[i] + 1)
        form[i] += 1
        given_up.append(i)
    for i in reversed(given_up):
        back = _width(parts[i], form[i] - 1) - _width(parts[i], form[i])
        if total + back <= width:
            total += back
            form[i] -= 1
    return {part.key: form[i] for i, part in enumerate(parts) if form[i] < len(part.widths)}


def _width(part: Part, form: int) -> int:
    return part.widths[form] if form < len(part.widths) else 0
