"""The lines of a log view: a ring of sanitised, formatted lines, each with the event it
came from, laid out one row each or wrapped at the view's width, and drawn row by row
(the cursor row, level colours and search matches styled)."""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable

from rich.highlighter import Highlighter
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.cache import LRUCache
from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.strip import Strip

from mwaa_tui.core.snapshots import ROW_TIME, LogEvent, LogRow
from mwaa_tui.ui.widgets.log_rows import row_time, text_width, untab, wrap_line

MATCH_STYLE = Style(color="black", bgcolor="yellow")
WRAP_INDENT = 2
"""Cells a wrapped line's further rows are indented by, unless the view is told more."""


class LogLines(ScrollView):
    """Log lines in a ring of `max_lines`, as display rows; `LogView` adds the cursor keys,
    search and keeping the reader's place."""

    def __init__(
        self,
        *,
        max_lines: int = 10_000,
        highlighter: Highlighter | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(id=id, classes=classes)
        self.max_lines = max_lines
        self.highlighter = highlighter
        self._texts: list[str] = []
        self._events: list[LogRow | None] = []
        self._base = 0
        """Absolute number of `_texts[0]`: rows keep their number while older ones go."""
        self._width = 0
        self.wrap = False
        self._segments: list[tuple[int, int, int]] = []
        """When wrapping: (absolute row, start, end) for each display row."""
        self._wrap_width = 0
        self.wrap_indent = WRAP_INDENT
        """Cells a wrapped line's further rows start in by (the owner sets the width of
        its time and tag columns, so a wrapped message lines up under itself)."""
        self.cursor: int | None = None
        """Absolute row under the cursor, or None while following."""
        self.search: re.Pattern[str] | None = None
        self._cache: LRUCache[tuple[int, int, bool], Strip] = LRUCache(256)
        self._cursor_style: Style | None = None

    # -- content -----------------------------------------------------------------------------

    @property
    def lines(self) -> list[str]:
        return list(self._texts)

    @property
    def line_count(self) -> int:
        return len(self._texts)

    @property
    def first_row(self) -> int:
        """The absolute number of `lines[0]`: a line keeps its number while older ones go."""
        return self._base

    def screen_row(self, row: int) -> int | None:
        """Where absolute row `row` is drawn (its first part when wrapped), counted from
        the view's top; None when it is scrolled out of sight."""
        y = self._display_y(row) - int(self.scroll_y)
        return y if 0 <= y < self.scrollable_content_region.height else None

    def scroll_to_row(self, row: int) -> None:
        """Scroll so that absolute row `row` is the top line."""
        self.scroll_to(y=self._display_y(max(row, self._base)), animate=False, immediate=True)

    def event_at(self, row: int) -> LogEvent | None:
        source = self._events[row - self._base]
        return LogEvent.from_row(source) if source is not None else None

    def text_at(self, row: int) -> str:
        return self._texts[row - self._base]

    def clear(self) -> None:
        self._texts.clear()
        self._events.clear()
        self._segments.clear()
        self._base = 0
        self._width = 0
        self.cursor = None
        self._cache.clear()
        self.virtual_size = Size(0, 0)
        self.scroll_to(0, 0, animate=False, immediate=True)
        self.refresh()

    def write_rows(self, rows: Iterable[tuple[str, LogRow | None]]) -> None:
        """Append lines (text, source event); older lines go once past `max_lines`."""
        following = self.cursor is None and self.is_vertical_scroll_end
        start = len(self._texts)
        for text, event in rows:
            self._texts.append(untab(text))
            self._events.append(event)
        added = self._texts[start:]
        if not added:
            return
        self._width = max(self._width, max(map(text_width, added)))
        if self.wrap and self._wrap_width:
            for i, text in enumerate(added):
                self._segments.extend(
                    wrap_line(self._base + start + i, text, self._wrap_width, self._hang())
                )
        removed = self._trim()
        self._resize()
        if following:
            self.scroll_end(animate=False, immediate=True, x_axis=False)
        else:
            if removed:
                self.scroll_to(y=max(0, self.scroll_y - removed), animate=False, immediate=True)
            self.refresh()

    @property
    def last_timestamp(self) -> int | None:
        """Timestamp of the newest event shown, if the last line has one."""
        last = self._events[-1] if self._events else None
        return last[ROW_TIME] if last is not None else None

    def write_in_order(self, rows: Iterable[tuple[str, LogRow | None]]) -> None:
        """Add rows in time order (rows without an event count as newest): rows older than
        the last one shown are merged into place after lines of equal or older time."""
        new = sorted(rows, key=lambda r: row_time(r[1]))
        last = self.last_timestamp
        if not new or last is None or row_time(new[0][1]) >= last:
            self.write_rows(new)
            return
        following = self.cursor is None and self.is_vertical_scroll_end
        top = self._top_row()
        at = bisect_right(self._events, row_time(new[0][1]), key=row_time)
        tail = list(zip(self._texts[at:], self._events[at:], strict=True))
        new_times = [row_time(e) for _, e in new]

        def moved(row: int | None) -> int | None:
            """Where absolute row `row` goes once the new rows are merged in."""
            if row is None or row < self._base + at:
                return row
            k = row - self._base - at
            return row + bisect_left(new_times, row_time(tail[k][1]))

        cursor, top = moved(self.cursor), moved(top)
        # Two sorted runs: Timsort merges them in C; stable, so old rows stay first on ties.
        merged = tail + new
        merged.sort(key=lambda r: row_time(r[1]))
        self._texts[at:] = [untab(t) for t, _ in merged]
        self._events[at:] = [e for _, e in merged]
        self._width = max(self._width, max(text_width(t) for t, _ in new))
        self.cursor = cursor
        self._cache.clear()
        if self.wrap:
            self._rewrap()
        self._trim()
        self._resize()
        if following:
            self.scroll_end(animate=False, immediate=True, x_axis=False)
        elif top is not None:
            self.scroll_to(y=self._display_y(max(top, self._base)), animate=False, immediate=True)
        self.refresh()

    def write_lines(self, lines: Iterable[str]) -> None:
        self.write_rows((line, None) for line in lines)

    def _trim(self) -> int:
        """Drop the oldest rows past `max_lines`; returns how many display rows went."""
        excess = len(self._texts) - self.max_lines
        if excess <= 0:
            return 0
        del self._texts[:excess]
        del self._events[:excess]
        self._base += excess
        self._cache.clear()
        if self.cursor is not None and self.cursor < self._base:
            self.cursor = self._base
        if not self.wrap:
            return excess
        cut = bisect_left(self._segments, self._base, key=lambda s: s[0])
        del self._segments[:cut]
        return cut

    def _resize(self) -> None:
        if self.wrap:
            self.virtual_size = Size(self._wrap_width, len(self._segments))
        else:
            self.virtual_size = Size(self._width, len(self._texts))

    def _rewrap(self) -> None:
        width = max(1, self.scrollable_content_region.width)
        self._wrap_width = width
        hang = self._hang()
        self._segments = [
            seg
            for i, text in enumerate(self._texts)
            for seg in wrap_line(self._base + i, text, width, hang)
        ]
        self._cache.clear()
        self._resize()

    def _hang(self) -> int:
        """The indent of a wrapped line's further rows: none when it would leave them
        less than half the width."""
        width = self._wrap_width
        return self.wrap_indent if 0 < self.wrap_indent <= width // 2 else 0

    # -- rows and display rows ---------------------------------------------------------------

    def _display_count(self) -> int:
        return len(self._segments) if self.wrap else len(self._texts)

    def _locate(self, y: int) -> tuple[int, int, int]:
        if self.wrap:
            return self._segments[y]
        row = self._base + y
        return row, 0, -1

    def _display_y(self, row: int) -> int:
        if not self.wrap:
            return row - self._base
        return bisect_left(self._segments, row, key=lambda s: s[0])

    def _top_row(self) -> int | None:
        if not self._texts:
            return None
        y = min(int(self.scroll_y), self._display_count() - 1)
        return self._locate(y)[0]

    def _bottom_row(self) -> int | None:
        if not self._texts:
            return None
        y = min(
            int(self.scroll_y) + self.scrollable_content_region.height - 1,
            self._display_count() - 1,
        )
        return self._locate(max(0, y))[0]

    # -- drawing -----------------------------------------------------------------------------

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._cursor_style = None
        self._cache.clear()

    @property
    def cursor_style(self) -> Style:
        """The cursor row's style, from the `logview--cursor` component class."""
        if self._cursor_style is None:
            self._cursor_style = self.get_component_rich_style("logview--cursor", partial=True)
        return self._cursor_style

    def render_line(self, y: int) -> Strip:
        scroll_x, scroll_y = self.scroll_offset
        width = self.scrollable_content_region.width
        dy = scroll_y + y
        base_style = self.rich_style
        if dy >= self._display_count():
            return Strip.blank(width, base_style)
        row, start, end = self._locate(dy)
        on_cursor = row == self.cursor
        key = (row, start, on_cursor)
        pad = base_style + self.cursor_style if on_cursor else base_style
        strip = self._cache.get(key)
        if strip is None:
            text = self._styled(row, base_style, on_cursor)
            if end >= 0:
                text = text[start:end]
            segments = list(text.render(self.app.console))
            length = text.cell_len
            if start > 0 and (hang := self._hang()):
                # A wrapped line's further rows start indented, under the line they continue.
                segments.insert(0, Segment(" " * hang, pad))
                length += hang
            strip = Strip(segments, length)
            self._cache[key] = strip
        if self.wrap:
            return strip.crop_extend(0, width, pad)
        return strip.crop_extend(scroll_x, scroll_x + width, pad)

    def _styled(self, row: int, base: Style, on_cursor: bool = False) -> Text:
        text = Text(self._texts[row - self._base], no_wrap=True, end="")
        text.stylize(base)
        if self.highlighter is not None:
            self.highlighter.highlight(text)
        if on_cursor:
            text.stylize(self.cursor_style)
        if self.search is not None:
            for m in self.search.finditer(text.plain):
                if m.end() > m.start():
                    text.stylize(MATCH_STYLE, m.start(), m.end())
        return text
