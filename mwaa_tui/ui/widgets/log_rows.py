"""Log rows as the line view lays them out: time order, tabs, cell widths and where a
line wraps. Pure functions of the text."""

from __future__ import annotations

from rich.cells import cell_len, chop_cells

from mwaa_tui.core.snapshots import ROW_TIME, LogRow


def row_time(source: LogRow | None) -> int:
    """The time a row sorts by; a line without an event sorts as the newest."""
    return source[ROW_TIME] if source is not None else 2**63


def untab(text: str) -> str:
    return text.expandtabs(4) if "\t" in text else text


def text_width(text: str) -> int:
    return len(text) if text.isascii() else cell_len(text)


def wrap_line(row: int, text: str, width: int, hang: int = 0) -> list[tuple[int, int, int]]:
    """Display rows of one line wrapped at `width` cells, as character offsets; the rows
    after the first are `hang` cells narrower (they are drawn indented)."""
    if len(text) <= width and (text.isascii() or cell_len(text) <= width):
        return [(row, 0, len(text))]
    rest = max(1, width - hang)
    if text.isascii():
        out = [(row, 0, width)]
        out.extend((row, i, min(i + rest, len(text))) for i in range(width, len(text), rest))
        return out
    first = chop_cells(text, width)[0]
    out, start = [(row, 0, len(first))], len(first)
    for chunk in chop_cells(text[start:], rest):
        out.append((row, start, start + len(chunk)))
        start += len(chunk)
    return out
