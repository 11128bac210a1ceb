"""The CloudTrail event list: newest first, errors highlighted."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import DataTable

from mwaa_tui.core.format import clock_time, relative
from mwaa_tui.core.snapshots import TrailEvent
from mwaa_tui.ui.text import safe

MAX_EVENTS = 2000


class TrailTable(DataTable[Text]):
    def __init__(self, **kwargs: object) -> None:
        super().__init__(cursor_type="row", **kwargs)  # type: ignore[arg-type]
        self.events: list[TrailEvent] = []
        self._ids: set[str] = set()
        self._ago: dict[str, str] = {}

    def on_mount(self) -> None:
        self._columns()

    def _columns(self) -> None:
        # Explicit widths: auto-sized columns come out differently from run to run.
        def widest(values: list[str], least: int, most: int) -> int:
            return max(least, min(most, max((len(v) for v in values), default=0)))

        self.clear(columns=True)
        events = self.events
        self.add_column("Ago", key="time", width=3)
        self.add_column("Event", key="name", width=widest([e.name for e in events], 5, 26))
        self.add_column("Error", key="error", width=widest([e.error_code for e in events], 5, 24))
        self.add_column("User", key="user", width=widest([e.user for e in events], 4, 40))
        self.add_column("Time (UTC)", key="at", width=10)
        self.add_column("Source IP", key="ip", width=widest([e.source_ip for e in events], 9, 39))

    def add_events(self, events: tuple[TrailEvent, ...], now: float) -> None:
        new = [e for e in events if e.event_id not in self._ids]
        if not new:
            return
        self._ids.update(e.event_id for e in new)
        self.events = sorted(self.events + new, key=lambda e: e.time, reverse=True)[:MAX_EVENTS]
        self._ids = {e.event_id for e in self.events}
        self.redraw(now)

    def redraw(self, now: float) -> None:
        selected = self.selected()
        self._ago = {e.event_id: f"{relative(now - e.time):>3}" for e in self.events}
        self._columns()
        for event in self.events:
            error = bool(event.error_code)
            style = "bold red" if error else ""
            self.add_row(
                safe(f"{relative(now - event.time):>3}", "dim"),
                safe(event.name, style or "bold"),
                safe(event.error_code, "bold white on red" if error else ""),
                safe(event.user),
                safe(clock_time(event.time), "dim"),
                safe(event.source_ip, "dim"),
                key=event.event_id,
            )
        if selected is not None:
            ids = [e.event_id for e in self.events]
            if selected.event_id in ids:
                self.move_cursor(row=ids.index(selected.event_id))

    def refresh_times(self, now: float, rows: int = 60) -> None:
        """Keep the relative times of the visible top rows current."""
        for event in self.events[:rows]:
            self.update_cell(
                event.event_id, "time", safe(f"{relative(now - event.time):>3}", "dim")
            )

    def selected(self) -> TrailEvent | None:
        if not self.events or self.cursor_row >= len(self.events) or self.row_count == 0:
            return None
        return self.events[self.cursor_row]
