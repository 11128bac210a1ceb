"""The CloudTrail browser: newest first, errors highlighted, filters that combine."""

from __future__ import annotations

from dataclasses import replace

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.suggester import Suggester
from textual.widgets import DataTable, Input, Static

from mwaa_tui.core.format import clock_time, relative
from mwaa_tui.core.pane_note import TRAIL_EMPTY, PaneNote, why_empty
from mwaa_tui.core.snapshots import SourceHealth, TrailEvent
from mwaa_tui.core.state import TrailStore
from mwaa_tui.core.trail import (
    ACCESS,
    TrailFilter,
    arrived_above,
    completions,
    filter_events,
    shorten_agent,
)
from mwaa_tui.ui.text import safe
from mwaa_tui.ui.widgets.note import EmptyNote, hug
from mwaa_tui.ui.widgets.table import Columns, KeyedTable

MAX_ROWS = 500
"""Rows drawn at once; the filter narrows the rest, `o` pages back."""
LATENCY_NOTE_AFTER = 15 * 60


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


class TrailSuggestions(Suggester):
    """The grey completion after what is typed: Tab's first choice."""

    def __init__(self, box: TrailFilterInput) -> None:
        super().__init__(use_cache=False, case_sensitive=True)
        self.box = box

    async def get_suggestion(self, value: str) -> str | None:
        options = completions(value, self.box.names, self.box.users)
        return options[0] if value and options else None


class TrailFilterInput(Input):
    """The filter box. Keys type here while it is open; Tab completes an event name or
    user (again: the next one), Enter applies, Esc closes, and it closes when focus
    leaves it, so no stale box stays on screen."""

    BINDINGS = [
        Binding(
            "tab",
            "complete",
            "Complete",
            id="trail.complete",
            tooltip="In the filter box: complete an event name, a user, event: or user: "
            "(again: the next match)",
        ),
        Binding(
            "escape",
            "close",
            "Cancel",
            id="trail.filter-cancel",
            tooltip="In the filter box: close it, keeping the filter as it was",
        ),
    ]

    class Closed(Message):
        """The box closed without applying: Esc (`by_key`), or focus moved away."""

        def __init__(self, *, by_key: bool) -> None:
            super().__init__()
            self.by_key = by_key

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.names: list[str] = []
        self.users: list[str] = []
        self._stem = ""
        """What the user typed, which Tab completes from."""
        self._completed: str | None = None
        self.suggester = TrailSuggestions(self)

    def action_complete(self) -> None:
        if self.value != self._completed:
            self._stem = self.value  # typed since the last Tab: complete that
        options = completions(self._stem, self.names, self.users)
        if not options:
            self.app.bell()
            return
        at = options.index(self.value) + 1 if self.value in options else 0
        self._completed = self.value = options[at % len(options)]
        self.cursor_position = len(self.value)

    def action_close(self, by_key: bool = True) -> None:
        if self.display:
            self.display = False
            self.post_message(self.Closed(by_key=by_key))

    def on_input_blurred(self, event: Input.Blurred) -> None:
        # The terminal losing focus is not the user leaving the box.
        if self.app.app_focus:
            self.action_close(by_key=False)


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


class TrailPane(Vertical):
    """Holds every event fetched, the filter, and the list drawn from them."""

    HELP_TITLE = "CloudTrail"

    BINDINGS = [
        Binding(
            "slash",
            "filter",
            "Filter",
            id="trail.filter",
            tooltip="Filter by event name or user (event:X, user:X); Tab completes",
        ),
        Binding(
            "e", "errors", "Errors", id="trail.errors", tooltip="Only events with an error code"
        ),
        Binding(
            "w", "access", "R/W", id="trail.access", tooltip="Cycle all / read-only / write events"
        ),
        Binding(
            "M",  # `m` bookmarks, on every pane
            "mine",
            "This env",
            id="trail.env",
            tooltip="Only events on this environment (resource or requested name)",
        ),
        Binding(
            "o",
            "older",
            "Older",
            id="trail.older",
            tooltip="Load older events (LookupEvents pages back up to 90 days)",
        ),
        Binding(
            "n",
            "pick",
            "Pick",
            id="trail.pick",
            tooltip="Pick an event name or user from those in the list",
        ),
        Binding("c", "clear", "Clear", id="trail.clear", tooltip="Clear every filter"),
    ]

    class LoadOlder(Message):
        """The user asked for older events."""

    class PickRequested(Message):
        """Offer these filters (`event:X`, `user:X`) to pick from."""

        def __init__(self, choices: list[str]) -> None:
            super().__init__()
            self.choices = choices

    def __init__(
        self, environment: str = "", store: TrailStore | None = None, **kwargs: object
    ) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.environment = environment
        self.store = store if store is not None else TrailStore()
        """The events to draw; the app adds to it."""
        self.filter = TrailFilter()
        self.loading_older = False
        self.health: SourceHealth | None = None
        """The CloudTrail source's health: an empty list says why it is empty."""
        self._now = 0.0
        self._suggested = 0

    def compose(self) -> ComposeResult:
        yield TrailFilterInput(
            placeholder="event name or user; Tab completes, Enter applies, Esc cancels",
            id="trail-filter",
        )
        yield TrailTable(id="trail-table")
        yield EmptyNote(id="trail-note")
        yield Static("", id="trail-status")

    def on_mount(self) -> None:
        self.box.display = False

    @property
    def table(self) -> TrailTable:
        return self.query_one(TrailTable)

    @property
    def box(self) -> TrailFilterInput:
        return self.query_one(TrailFilterInput)

    def redraw(self, now: float) -> None:
        """Draw the store's events through the filter."""
        self._now = now
        if len(self.store.events) != self._suggested:
            self._suggest()
        shown = filter_events(self.store.events, self.filter)
        self.table.show(shown, now)
        self._status(len(shown), now)

    def set_health(self, health: SourceHealth | None, now: float) -> None:
        """The source's health, for the body of an empty list and the latency note."""
        if health != self.health:
            self.health = health
            self._status(len(filter_events(self.store.events, self.filter)), now)
        elif not self.store.events:
            self._note(0, now)  # a retry's countdown moves

    def _note(self, matching: int, now: float) -> None:
        note = None
        if not self.store.events:
            note = why_empty(self.health, now, TRAIL_EMPTY)
        elif not matching:
            note = PaneNote("no event matches the filter · c clears", "ok")
        self.query_one(EmptyNote).show(note)
        hug(self.table, note is not None)

    @property
    def _answered(self) -> bool:
        """The last LookupEvents call succeeded (a failing one proves nothing about age)."""
        return self.health is not None and self.health.error is None

    def _status(self, matching: int, now: float) -> None:
        self._note(matching, now)
        out = Text(no_wrap=True, overflow="ellipsis")
        if self.table.unseen:
            out.append(f"{self.table.unseen} new ↑", style="bold yellow")
            out.append(" Home · ", style="yellow")
        total = len(self.store.events)
        if self.filter.describe():
            out.append(f"{matching} of {total} · {self.filter.describe()}", style="bold")
        else:
            out.append(f"{total} events", style="dim")
        if matching > MAX_ROWS:
            out.append(f" · newest {MAX_ROWS} shown", style="dim")
        out.append(" · no older events" if self.store.exhausted else " · o older", style="dim")
        if self.loading_older:
            out.append(" · loading older…", style="italic")
        newest = self.store.newest
        if newest is not None and now - newest > LATENCY_NOTE_AFTER and self._answered:
            out.append(
                f"\nnewest is {relative(now - newest)} old: CloudTrail delivers events about "
                "5 min late, so a quiet list does not prove nothing happened",
                style="yellow",
            )
        self.query_one("#trail-status", Static).update(out)

    def on_trail_table_caught_up(self, message: TrailTable.CaughtUp) -> None:
        message.stop()
        self.redraw_status(self._now)

    def _suggest(self) -> None:
        self._suggested = len(self.store.events)
        self.box.names = self.store.names()
        self.box.users = self.store.users()

    def redraw_status(self, now: float) -> None:
        self._now = now
        self._status(len(filter_events(self.store.events, self.filter)), now)

    def set_filter(self, flt: TrailFilter) -> None:
        self.box.display = False  # a box left open would show a filter no longer in force
        self.filter = flt
        self.redraw(self._now)

    # -- actions -----------------------------------------------------------------------------

    def action_filter(self) -> None:
        box = self.box
        box.value = self.filter.text
        box.display = True
        box.focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.table.focus()
        self.set_filter(replace(self.filter, text=event.value.strip()))

    def on_trail_filter_input_closed(self, message: TrailFilterInput.Closed) -> None:
        message.stop()
        if message.by_key:
            self.table.focus()

    def action_pick(self) -> None:
        choices = [f"event:{n}" for n in self.store.names()]
        choices += [f"user:{u}" for u in self.store.users()]
        if choices:
            self.post_message(self.PickRequested(choices))

    def picked(self, choice: str | None) -> None:
        """Show only what was picked from `PickRequested`'s choices (None: keep the filter)."""
        if choice:
            self.set_filter(replace(self.filter, text=choice))

    def action_errors(self) -> None:
        self.set_filter(replace(self.filter, errors_only=not self.filter.errors_only))

    def action_access(self) -> None:
        nxt = ACCESS[(ACCESS.index(self.filter.access) + 1) % len(ACCESS)]
        self.set_filter(replace(self.filter, access=nxt))

    def action_mine(self) -> None:
        env = "" if self.filter.environment else self.environment
        self.set_filter(replace(self.filter, environment=env))

    def action_clear(self) -> None:
        self.set_filter(TrailFilter())

    def action_older(self) -> None:
        if not self.store.exhausted and not self.loading_older:
            self.loading_older = True
            self._status(len(self.table.events), self._now)
            self.post_message(self.LoadOlder())

    def older_loaded(self) -> None:
        self.loading_older = False
        # A failed page brings no batch to redraw with: drop "loading older…" now.
        self._status(len(filter_events(self.store.events, self.filter)), self._now)
