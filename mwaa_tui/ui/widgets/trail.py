"""The CloudTrail browser: newest first, errors highlighted, filters that combine."""

from __future__ import annotations

from dataclasses import replace

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.suggester import SuggestFromList
from textual.widgets import Input, Static

from mwaa_tui.core.format import clock_time, relative
from mwaa_tui.core.snapshots import TrailEvent
from mwaa_tui.core.state import TrailStore
from mwaa_tui.core.trail import ACCESS, TrailFilter, filter_events, shorten_agent
from mwaa_tui.ui.text import safe
from mwaa_tui.ui.widgets.table import Columns, KeyedTable

MAX_ROWS = 500
"""Rows drawn at once; the filter narrows the rest, `o` pages back."""
LATENCY_NOTE_AFTER = 15 * 60


def _widest(values: list[str], least: int, most: int) -> int:
    return max(least, min(most, max((len(v) for v in values), default=0)))


def _columns(events: list[TrailEvent]) -> Columns:
    return (
        ("time", "Ago", 3),
        ("name", "Event", _widest([e.name for e in events], 5, 26)),
        ("error", "Error", _widest([e.error_code for e in events], 5, 24)),
        ("user", "User", _widest([e.user for e in events], 4, 40)),
        ("at", "Time (UTC)", 10),
        ("ip", "Source IP", _widest([e.source_ip for e in events], 9, 39)),
        ("agent", "Agent", 16),
        ("ro", "RO", 3),
    )


class TrailTable(KeyedTable):
    """Draws the events it is given, newest first; rows keyed by EventId."""

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)
        self.events: list[TrailEvent] = []

    def on_mount(self) -> None:
        self.show_rows(_columns([]), [])

    def show(self, events: list[TrailEvent], now: float) -> None:
        self.events = events[:MAX_ROWS]
        rows = [(e.event_id, _cells(e, now)) for e in self.events]
        self.show_rows(_columns(self.events), rows)

    def refresh_times(self, now: float, rows: int = 60) -> None:
        """Keep the relative times of the top rows current."""
        for event in self.events[:rows]:
            self.set_cell(event.event_id, 0, _ago(event, now))

    def selected(self) -> TrailEvent | None:
        key = self.cursor_key()
        return next((e for e in self.events if e.event_id == key), None)


def _ago(event: TrailEvent, now: float) -> Text:
    return safe(f"{relative(now - event.time):>3}", "dim")


def _cells(event: TrailEvent, now: float) -> tuple[Text, ...]:
    error = bool(event.error_code)
    return (
        _ago(event, now),
        safe(event.name, "bold red" if error else "bold"),
        safe(event.error_code, "bold white on red" if error else ""),
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
        self._now = 0.0
        self._suggested = 0

    def compose(self) -> ComposeResult:
        yield Input(placeholder="event name or user; Enter applies, Esc cancels", id="trail-filter")
        yield TrailTable(id="trail-table")
        yield Static("", id="trail-status")

    def on_mount(self) -> None:
        self.query_one("#trail-filter", Input).display = False

    @property
    def table(self) -> TrailTable:
        return self.query_one(TrailTable)

    def redraw(self, now: float) -> None:
        """Draw the store's events through the filter."""
        self._now = now
        if len(self.store.events) != self._suggested:
            self._suggest()
        shown = filter_events(self.store.events, self.filter)
        self.table.show(shown, now)
        self._status(len(shown), now)

    def _status(self, matching: int, now: float) -> None:
        out = Text(no_wrap=True, overflow="ellipsis")
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
        if newest is None or now - newest > LATENCY_NOTE_AFTER:
            age = "none yet" if newest is None else f"newest is {relative(now - newest)} old"
            out.append(
                f"\n{age}: CloudTrail delivers events about 5 min late, so a quiet list "
                "does not prove nothing happened",
                style="yellow",
            )
        self.query_one("#trail-status", Static).update(out)

    def _suggest(self) -> None:
        self._suggested = len(self.store.events)
        names = sorted({*self.store.names(), *self.store.users()})
        self.query_one("#trail-filter", Input).suggester = SuggestFromList(
            names, case_sensitive=False
        )

    def redraw_status(self, now: float) -> None:
        self._now = now
        self._status(len(filter_events(self.store.events, self.filter)), now)

    def set_filter(self, flt: TrailFilter) -> None:
        self.filter = flt
        self.redraw(self._now)

    # -- actions -----------------------------------------------------------------------------

    def action_filter(self) -> None:
        box = self.query_one("#trail-filter", Input)
        box.value = self.filter.text
        box.display = True
        box.focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        event.input.display = False
        self.table.focus()
        self.set_filter(replace(self.filter, text=event.value.strip()))

    def on_key(self, event: events.Key) -> None:
        box = self.query_one("#trail-filter", Input)
        if event.key == "escape" and box.has_focus:
            box.display = False
            self.table.focus()
            event.stop()

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
