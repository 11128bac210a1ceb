"""What the user sees in one region of the screen, row by row, from Textual's own
screenshot (the same picture the snapshots compare)."""

from __future__ import annotations

import html
import re

from textual.app import App
from textual.widget import Widget

_TEXT = re.compile(
    r'<text class="[^"]*" x="([\d.]+)" y="[\d.]+" textLength="[\d.]+" '
    r'clip-path="url\(#terminal-[\w-]*line-(\d+)\)">(.*?)</text>'
)
CELL_WIDTH = 12.2
"""Textual's SVG export draws a cell 12.2 units wide."""


def screen_rows(app: App[object]) -> list[str]:
    """Every row of the screen as drawn, padded to the screen's width."""
    width, height = app.size
    grid = [[" "] * width for _ in range(height)]
    for x, line, text in _TEXT.findall(app.export_screenshot()):
        row, col = int(line), round(float(x) / CELL_WIDTH)
        for i, char in enumerate(html.unescape(text).replace("\xa0", " ")):
            if row < height and col + i < width:
                grid[row][col + i] = char
    return ["".join(r) for r in grid]


def region_rows(app: App[object], widget: Widget) -> list[str]:
    """The rows of the screen inside `widget`'s region (its border included)."""
    region = widget.region
    rows = screen_rows(app)[region.y : region.bottom]
    return [r[region.x : region.right] for r in rows]


def body_rows(app: App[object], widget: Widget) -> list[str]:
    """What `widget` shows within its border: each row without the border, stripped."""
    return [r[1:-1].strip() for r in region_rows(app, widget)[1:-1]]
