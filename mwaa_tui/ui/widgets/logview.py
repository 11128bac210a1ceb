"""A scrolling view of log lines: a line cursor, search highlights, optional wrapping.

Lines arrive already sanitised and formatted; each keeps the event it came from, so
the line under the cursor can be shown in full.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass
from typing import ClassVar

from textual.binding import BindingType
from textual.message import Message

from mwaa_tui.core.snapshots import LogEvent, LogRow
from mwaa_tui.ui.widgets.log_keys import LINE_BINDINGS
from mwaa_tui.ui.widgets.log_lines import LogLines
from mwaa_tui.ui.widgets.log_rows import row_time, text_width


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


class LogView(LogLines, can_focus=True):
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

    BINDINGS: ClassVar[list[BindingType]] = LINE_BINDINGS

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

    # -- wrapping ----------------------------------------------------------------------------

    def on_resize(self) -> None:
        if self.wrap and self.scrollable_content_region.width != self._wrap_width:
            self._rewrap()
            self._scroll_to_cursor()

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
        when = row_time(event)
        i = bisect_left(self._events, when, key=row_time)
        j = i
        while j <= last and row_time(self._events[j]) == when:
            if self._events[j] is event:
                n = 0
                while n < place.nth and j + n < last and self._events[j + n + 1] is event:
                    n += 1
                return j + n
            j += 1
        return min(i, last)  # gone (filtered out): the next line in time

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
        left, right = text_width(text[:start]), text_width(text[:end])
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
            i = bisect_left(self._events, ms, key=row_time)
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
