"""A scrolling view of log lines: a line cursor, search highlights, optional wrapping.

Lines arrive already sanitised and formatted; each keeps the event it came from, so
the line under the cursor can be shown in full.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from dataclasses import dataclass
from typing import ClassVar

from rich.cells import cell_len, chop_cells
from rich.highlighter import Highlighter
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.binding import Binding, BindingType
from textual.cache import LRUCache
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from mwaa_tui.core.snapshots import ROW_TIME, LogEvent, LogRow

MATCH_STYLE = Style(color="black", bgcolor="yellow")
WRAP_INDENT = 2
"""Cells a wrapped line's further rows are indented by, unless the view is told more."""


@dataclass(frozen=True, slots=True)
class Place:
    """Where a reader is in a view, kept across a redraw: the line under the cursor (or
    the top line), by the event it shows and which of its lines, and its screen row."""

    event: LogRow | None
    nth: int
    """Which of the event's display lines (0: its first)."""
    index: int
    """The line's position among the lines, when it has no event."""
    screen_y: int
    """Its screen row, counted from the view's top (negative when its first part is above)."""
    cursor: bool
    following: bool
    scroll_x: float


class LogView(ScrollView, can_focus=True):
    """Log lines in a ring of `max_lines`, following the end unless scrolled away."""

    HELP_TITLE = "Log lines"

    COMPONENT_CLASSES: ClassVar[set[str]] = {"logview--cursor"}

    # Reverse video marks the cursor row in every theme, in 16 colours and without colour
    # (NO_COLOR drops backgrounds, not attributes).
    DEFAULT_CSS = """
    LogView {
        background: $surface;
        color: $text;
        overflow: scroll;
        &:focus { background-tint: $foreground 5%; }
        & > .logview--cursor { text-style: reverse bold; }
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "up,k",
            "cursor(-1)",
            "Up",
            show=False,
            id="lines.up",
            tooltip="Line cursor up; the view stops following (End follows again)",
        ),
        Binding(
            "down,j", "cursor(1)", "Down", show=False, id="lines.down", tooltip="Line cursor down"
        ),
        Binding(
            "pageup",
            "cursor_page(-1)",
            "Page up",
            show=False,
            id="lines.page-up",
            tooltip="A page up",
        ),
        Binding(
            "pagedown",
            "cursor_page(1)",
            "Page down",
            show=False,
            id="lines.page-down",
            tooltip="A page down",
        ),
        Binding(
            "home",
            "first",
            "First line",
            show=False,
            id="lines.first",
            tooltip="The oldest line kept",
        ),
        Binding(
            "end,G",
            "follow",
            "Follow",
            show=False,
            id="logs.end",
            tooltip="Drop the cursor and follow the newest line",
        ),
        Binding(
            "left",
            "scroll_left",
            "Left",
            show=False,
            id="lines.left",
            tooltip="Scroll sideways (when not wrapped)",
        ),
        Binding(
            "right",
            "scroll_right",
            "Right",
            show=False,
            id="lines.right",
            tooltip="Scroll sideways",
        ),
        Binding(
            "enter",
            "detail",
            "Line",
            show=False,
            id="logs.detail",
            tooltip="Show the line under the cursor in full, with its stream and ingestion delay "
            "(↑/↓ move the cursor)",
        ),
        Binding(
            "w",
            "wrap",
            "Wrap",
            show=False,
            id="logs.wrap",
            tooltip="Wrap long lines (again: one row each, scroll sideways)",
        ),
    ]

    class LineChosen(Message):
        """Enter on a line: show it in full."""

        def __init__(self, view: LogView, event: LogEvent | None, text: str) -> None:
            super().__init__()
            self.view = view
            self.event = event
            self.text = text

        @property
        def control(self) -> LogView:
            return self.view

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
            self._texts.append(_untab(text))
            self._events.append(event)
        added = self._texts[start:]
        if not added:
            return
        self._width = max(self._width, max(map(_width, added)))
        if self.wrap and self._wrap_width:
            for i, text in enumerate(added):
                self._segments.extend(
                    _wrap(self._base + start + i, text, self._wrap_width, self._hang())
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
        new = sorted(rows, key=lambda r: _when(r[1]))
        last = self.last_timestamp
        if not new or last is None or _when(new[0][1]) >= last:
            self.write_rows(new)
            return
        following = self.cursor is None and self.is_vertical_scroll_end
        top = self._top_row()
        at = bisect_right(self._events, _when(new[0][1]), key=_when)
        tail = list(zip(self._texts[at:], self._events[at:], strict=True))
        new_times = [_when(e) for _, e in new]

        def moved(row: int | None) -> int | None:
            """Where absolute row `row` goes once the new rows are merged in."""
            if row is None or row < self._base + at:
                return row
            k = row - self._base - at
            return row + bisect_left(new_times, _when(tail[k][1]))

        cursor, top = moved(self.cursor), moved(top)
        # Two sorted runs: Timsort merges them in C; stable, so old rows stay first on ties.
        merged = tail + new
        merged.sort(key=lambda r: _when(r[1]))
        self._texts[at:] = [_untab(t) for t, _ in merged]
        self._events[at:] = [e for _, e in merged]
        self._width = max(self._width, max(_width(t) for t, _ in new))
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
            for seg in _wrap(self._base + i, text, width, hang)
        ]
        self._cache.clear()
        self._resize()

    def on_resize(self) -> None:
        if self.wrap and self.scrollable_content_region.width != self._wrap_width:
            self._rewrap()
            self._scroll_to_cursor()

    def _hang(self) -> int:
        """The indent of a wrapped line's further rows: none when it would leave them
        less than half the width."""
        width = self._wrap_width
        return self.wrap_indent if 0 < self.wrap_indent <= width // 2 else 0

    def set_wrap(self, wrap: bool) -> None:
        place = self.place()
        self.wrap = wrap
        if wrap:
            self._rewrap()
        else:
            self._segments = []
            self._cache.clear()
            self._resize()
        self.restore(place)

    # -- keeping the reader's place ----------------------------------------------------------

    def place(self) -> Place:
        """The cursor's line (or the top line), to find again after a redraw."""
        following = self.cursor is None and self.is_vertical_scroll_end
        row = self.cursor if self.cursor is not None else self._top_row()
        if row is None:
            return Place(None, 0, 0, 0, cursor=False, following=True, scroll_x=0)
        i = row - self._base
        event = self._events[i]
        nth = 0
        while event is not None and i - nth > 0 and self._events[i - nth - 1] is event:
            nth += 1
        return Place(
            event,
            nth,
            i,
            self._display_y(row) - int(self.scroll_y),
            cursor=self.cursor is not None,
            following=following,
            scroll_x=self.scroll_x,
        )

    def restore(self, place: Place) -> None:
        """Put the cursor back on `place`'s line (the nearest in time when it is no longer
        shown) at the same screen row; or follow the end, if the view was following."""
        self._cache.clear()
        if place.following or not self._texts:
            self.cursor = None
            self.scroll_end(animate=False, immediate=True, x_axis=False)
            self.refresh()
            return
        row = self._base + self._find(place)
        if place.cursor:
            self.cursor = row
        y = max(0, self._display_y(row) - place.screen_y)
        x = 0 if self.wrap else place.scroll_x
        self.scroll_to(x=x, y=y, animate=False, immediate=True)
        self.refresh()

    def _find(self, place: Place) -> int:
        """The position of `place`'s line among the lines now held."""
        last = len(self._texts) - 1
        event = place.event
        if event is None:
            return min(place.index, last)
        when = _when(event)
        i = bisect_left(self._events, when, key=_when)
        j = i
        while j <= last and _when(self._events[j]) == when:
            if self._events[j] is event:
                n = 0
                while n < place.nth and j + n < last and self._events[j + n + 1] is event:
                    n += 1
                return j + n
            j += 1
        return min(i, last)  # gone (filtered out): the next line in time

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

    # -- search ------------------------------------------------------------------------------

    def set_search(self, pattern: re.Pattern[str] | None) -> None:
        self.search = pattern
        self._cache.clear()
        self.refresh()

    def matches(self) -> int:
        if self.search is None:
            return 0
        find = self.search.search
        return sum(1 for text in self._texts if find(text))

    def find(self, forward: bool, *, from_end: bool = False) -> int | None:
        """Move the cursor to the next (or previous) matching row; returns its position
        among the matches (1-based), or None when there is no further match."""
        if self.search is None or not self._texts:
            return None
        find = self.search.search
        last = len(self._texts) - 1
        if from_end or self.cursor is None:
            here = last + 1 if not forward or from_end else -1
        else:
            here = self.cursor - self._base
        order = range(here + 1, last + 1) if forward else range(here - 1, -1, -1)
        for i in order:
            if m := find(self._texts[i]):
                self._move_cursor(self._base + i, center=True)
                self._show_column(self._base + i, m.start(), m.end())
                return sum(1 for text in self._texts[: i + 1] if find(text))
        return None

    def _show_column(self, row: int, start: int, end: int) -> None:
        """Scroll so that characters `start`-`end` of `row` are on screen."""
        width = self.scrollable_content_region.width
        text = self.text_at(row)
        if self.wrap:
            y = self._display_y(row)
            while y + 1 < len(self._segments) and self._segments[y + 1][0] == row:
                if self._segments[y + 1][1] > start:
                    break
                y += 1
            if not self.scroll_y <= y < self.scroll_y + self.scrollable_content_region.height:
                self.scroll_to(y=y, animate=False, immediate=True)
            return
        left, right = _width(text[:start]), _width(text[:end])
        if left < self.scroll_x or right > self.scroll_x + width:
            self.scroll_to(x=max(0, left - width // 3), animate=False, immediate=True)

    # -- cursor ------------------------------------------------------------------------------

    def _move_cursor(self, row: int | None, *, center: bool = False) -> None:
        self.cursor = row
        self._cache.clear()  # a user's key press: redrawing the visible rows is cheap
        self._scroll_to_cursor(center=center)
        self.refresh()

    def _scroll_to_cursor(self, *, center: bool = False) -> None:
        if self.cursor is None:
            return
        y = self._display_y(self.cursor)
        height = self.scrollable_content_region.height
        if center and not self.scroll_y <= y < self.scroll_y + height:
            self.scroll_to(y=max(0, y - height // 2), animate=False, immediate=True)
        elif y < self.scroll_y:
            self.scroll_to(y=y, animate=False, immediate=True)
        elif y >= self.scroll_y + height:
            self.scroll_to(y=y - height + 1, animate=False, immediate=True)

    def cursor_to_time(self, ms: int) -> None:
        """Put the cursor on the first line at or after `ms` (else the last), mid-screen."""
        if self._texts:
            i = bisect_left(self._events, ms, key=_when)
            self.cursor = self._base + min(i, len(self._texts) - 1)
            self._cache.clear()
            half = self.scrollable_content_region.height // 2
            y = max(0, self._display_y(self.cursor) - half)
            self.scroll_to(y=y, animate=False, immediate=True)
            self.refresh()

    def action_cursor(self, delta: int) -> None:
        if not self._texts:
            return
        first, last = self._base, self._base + len(self._texts) - 1
        if self.cursor is None:
            bottom = self._bottom_row()
            row = last if bottom is None else bottom
        else:
            row = self.cursor + delta
        self._move_cursor(max(first, min(last, row)))

    def action_cursor_page(self, delta: int) -> None:
        self.action_cursor(delta * max(1, self.scrollable_content_region.height - 1))

    def action_first(self) -> None:
        if self._texts:
            self._move_cursor(self._base)

    def action_follow(self) -> None:
        self._move_cursor(None)
        self.scroll_end(animate=False, immediate=True, x_axis=False)

    def action_wrap(self) -> None:
        self.set_wrap(not self.wrap)
        self.notify("wrapping long lines" if self.wrap else "one row per line", timeout=2)

    def action_detail(self) -> None:
        if not self._texts:
            return
        if self.cursor is None:
            self.action_cursor(0)
            self.notify("↑/↓ pick a line, Enter shows it in full", timeout=3)
            return
        self.post_message(
            self.LineChosen(self, self.event_at(self.cursor), self.text_at(self.cursor))
        )


def _when(source: LogRow | None) -> int:
    return source[ROW_TIME] if source is not None else 2**63


def _untab(text: str) -> str:
    return text.expandtabs(4) if "\t" in text else text


def _width(text: str) -> int:
    return len(text) if text.isascii() else cell_len(text)


def _wrap(row: int, text: str, width: int, hang: int = 0) -> list[tuple[int, int, int]]:
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
