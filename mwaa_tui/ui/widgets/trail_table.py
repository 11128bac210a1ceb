"""The CloudTrail list: the events it is given, newest first, errors highlighted; it
follows the newest while the user is at the top."""

from __future__ import annotations

from rich.text import Text
from textual.binding import Binding
from textual.message import Message
from textual.widgets import DataTable

from mwaa_tui.core.format import clock_time, relative
from mwaa_tui.core.snapshots import TrailEvent
from mwaa_tui.core.trail import arrived_above, shorten_agent
from mwaa_tui.ui.text import safe
from mwaa_tui.ui.widgets.table import Columns, KeyedTable

MAX_ROWS = 500
"""Rows drawn at once; the filter narrows the rest, `o` pages back."""


def _widest(values: list[str], least: int, most: int) -> int:
    return max(least, min(most, max((len(v) for v in values), default=0)))


SHORT_ERRORS = {"AccessDenied": "Denied", "AccessDeniedException": "Denied"}


def short_error(code: str) -> str:
    """An error code in fewer cells, where the list is too narrow for it whole (80
    columns): `Denied`, `Throttling`. The event's detail (Enter) has it whole."""
    return SHORT_ERRORS.get(code) or code.removesuffix("Exception")


def _columns(events: list[TrailEvent], short: bool = False) -> Columns:
    codes = [short_error(e.error_code) if short else e.error_code for e in events]
    return (
        ("time", "Ago", 3),
        ("name", "Event", _widest([e.name for e in events], 5, 26)),
        ("error", "Error", _widest(codes, 5, 24)),
        ("user", "User", _widest([e.user for e in events], 4, 40)),
        ("at", "Time (UTC)", 10),
        ("ip", "Source IP", _widest([e.source_ip for e in events], 9, 39)),
        ("agent", "Agent", 16),
        ("ro", "RO", 3),
    )


class TrailTable(KeyedTable):
    """Draws the events it is given, newest first; rows keyed by EventId. While the user
    is at the top (cursor on the first row, not scrolled) the newest stays in view,
    focused or not; scrolled away, the rows stay put and `unseen` counts what came in
    above."""

    BINDINGS = [
        Binding(
            "home",
            "newest",
            "Newest",
            show=False,
            id="trail.newest",
            tooltip="Back to the newest event (the list follows new ones again)",
        ),
    ]

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)
        self.events: list[TrailEvent] = []
        self.unseen = 0
        """Events that arrived above the cursor since the user scrolled away."""

    def on_mount(self) -> None:
        self.show_rows(_columns([]), [])

    @property
    def at_top(self) -> bool:
        return self.cursor_row <= 0 and self.scroll_y == 0

    def show(self, events: list[TrailEvent], now: float) -> None:
        following = self.at_top
        before, anchor, was_at = self.keys, self.cursor_key(), self.cursor_row
        self.events = events[:MAX_ROWS]
        # Ago, Event and Error whole, or the error codes shortened.
        whole = sum(width + 2 for _, _, width in _columns(self.events)[:3]) + 1
        short = 0 < self.size.width < whole
        rows = [(e.event_id, _cells(e, now, short)) for e in self.events]
        self.show_rows(_columns(self.events, short), rows)
        if following:
            self.unseen = 0
            if self.cursor_row != 0:
                self.move_cursor(row=0)
            return
        self.unseen += arrived_above(before, self.keys, anchor)
        shift = self.cursor_row - was_at if anchor == self.cursor_key() else 0
        if shift:
            # The cursor's row moved down by the rows added above it: scroll as much, so
            # what the user is reading stays where it was (after the table has measured
            # its new rows, and after it has scrolled the cursor into view).
            target = self.scroll_y + shift
            self.call_after_refresh(self.scroll_to, y=target, animate=False)

    def action_newest(self) -> None:
        self.move_cursor(row=0)
        self.scroll_to(x=0, y=0, animate=False)
        self._caught_up()

    def watch_scroll_y(self, old: float, new: float) -> None:
        super().watch_scroll_y(old, new)
        if self.at_top:
            self._caught_up()

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        if self.at_top:
            self._caught_up()

    def _caught_up(self) -> None:
        if self.unseen:
            self.unseen = 0
            self.post_message(self.CaughtUp())

    class CaughtUp(Message):
        """The user is back at the newest: the "N new ↑" note goes."""

    def refresh_times(self, now: float, rows: int = 60) -> None:
        """Keep the relative times of the top rows current."""
        for event in self.events[:rows]:
            self.set_cell(event.event_id, 0, _ago(event, now))

    def selected(self) -> TrailEvent | None:
        key = self.cursor_key()
        return next((e for e in self.events if e.event_id == key), None)


def _ago(event: TrailEvent, now: float) -> Text:
    return safe(f"{relative(now - event.time):>3}", "dim")


def _cells(event: TrailEvent, now: float, short: bool = False) -> tuple[Text, ...]:
    error = bool(event.error_code)
    code = short_error(event.error_code) if short else event.error_code
    return (
        _ago(event, now),
        safe(event.name, "bold red" if error else "bold"),
        safe(code, "bold white on red" if error else ""),
        safe(event.user),
        safe(clock_time(event.time), "dim"),
        safe(event.source_ip, "dim"),
        safe(shorten_agent(event.user_agent), "dim"),
        safe("?" if event.read_only is None else "yes" if event.read_only else "no", "dim"),
    )
