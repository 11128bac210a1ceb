"""The CloudTrail browser: newest first, errors highlighted, filters that combine."""

from __future__ import annotations

from dataclasses import replace

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Input, Static

from mwaa_tui.core.format import relative
from mwaa_tui.core.pane_note import TRAIL_EMPTY, PaneNote, why_empty
from mwaa_tui.core.snapshots import SourceHealth
from mwaa_tui.core.state import TrailStore
from mwaa_tui.core.trail import ACCESS, TrailFilter, filter_events
from mwaa_tui.ui.widgets.note import EmptyNote, hug
from mwaa_tui.ui.widgets.trail_filter import TrailFilterInput
from mwaa_tui.ui.widgets.trail_table import MAX_ROWS, TrailTable

LATENCY_NOTE_AFTER = 15 * 60


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
