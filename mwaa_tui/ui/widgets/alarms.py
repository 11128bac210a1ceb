"""The alarm list: ALARM first, each with its reason."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import DataTable, Static

from mwaa_tui.core.alarms import describe_condition
from mwaa_tui.core.format import relative
from mwaa_tui.core.pane_note import ALARMS_EMPTY, why_empty
from mwaa_tui.core.snapshots import Alarm, SourceHealth
from mwaa_tui.ui.text import safe, state_text
from mwaa_tui.ui.widgets.note import EmptyNote, hug
from mwaa_tui.ui.widgets.table import Columns, KeyedTable


class AlarmTable(KeyedTable):
    """Draws the alarms it is given, ALARM first; rows keyed by alarm name."""

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)
        self.alarms: tuple[Alarm, ...] = ()
        self.loaded = False

    def on_mount(self) -> None:
        self.show_rows(_columns(()), [])

    def show(self, alarms: tuple[Alarm, ...], now: float) -> None:
        self.alarms = alarms
        self.loaded = True
        self.show_rows(_columns(alarms), [(a.name, _cells(a, now)) for a in alarms])

    def highlighted(self) -> Alarm | None:
        key = self.cursor_key()
        return next((a for a in self.alarms if a.name == key), None)


def _columns(alarms: tuple[Alarm, ...]) -> Columns:
    name = max([5, *(len(a.name) for a in alarms)])
    condition = max([9, *(len(describe_condition(a)) for a in alarms)])
    reason = max([6, *(len(a.reason) for a in alarms)])
    return (
        ("state", "State", 8),
        ("name", "Alarm", min(name, 48)),
        ("since", "Since", 5),
        ("condition", "Condition", min(condition, 60)),
        ("reason", "Reason", min(reason, 120)),
    )


def _cells(alarm: Alarm, now: float) -> tuple[Text, ...]:
    since = relative(now - alarm.updated) if alarm.updated else "?"
    return (
        state_text(alarm.state),
        safe(alarm.name, "bold" if alarm.state == "ALARM" else ""),
        safe(since, "dim"),
        safe(describe_condition(alarm), "dim"),
        safe(alarm.reason, "red" if alarm.state == "ALARM" else "dim"),
    )


class AlarmsPane(Vertical):
    """The alarm table and, under it, the highlighted alarm's condition and reason."""

    HELP_TITLE = "Alarms"

    health: SourceHealth | None = None
    """The alarms source's health, for the body of an empty list."""

    BINDINGS = [
        Binding(
            "h",
            "history",
            "History",
            id="alarms.history",
            tooltip="The highlighted alarm's state changes (DescribeAlarmHistory)",
        ),
        Binding(
            "g",
            "chart",
            "Chart",
            id="alarms.chart",
            tooltip="The alarm's metric as a large chart with its threshold",
        ),
        Binding(
            "l",
            "logs",
            "Logs then",
            id="alarms.logs",
            tooltip="Every component's logs around the alarm's last state change",
        ),
    ]

    class HistoryRequested(Message):
        """Show this alarm's state changes."""

        def __init__(self, alarm: Alarm) -> None:
            super().__init__()
            self.alarm = alarm

    class ChartRequested(Message):
        """Chart this alarm's metric with its threshold."""

        def __init__(self, alarm: Alarm) -> None:
            super().__init__()
            self.alarm = alarm

    class LogsRequested(Message):
        """Show every component's logs around this alarm's last change."""

        def __init__(self, alarm: Alarm) -> None:
            super().__init__()
            self.alarm = alarm

    def highlighted(self) -> Alarm | None:
        return self.query_one(AlarmTable).highlighted()

    def action_history(self) -> None:
        if (alarm := self.highlighted()) is not None:
            self.post_message(self.HistoryRequested(alarm))

    def action_chart(self) -> None:
        if (alarm := self.highlighted()) is not None:
            self.post_message(self.ChartRequested(alarm))

    def action_logs(self) -> None:
        if (alarm := self.highlighted()) is not None:
            self.post_message(self.LogsRequested(alarm))

    def compose(self) -> ComposeResult:
        yield AlarmTable(id="alarm-table")
        yield EmptyNote(id="alarm-note")
        yield Static("", id="alarm-reason")

    def show(self, alarms: tuple[Alarm, ...], now: float) -> None:
        table = self.query_one(AlarmTable)
        table.show(alarms, now)
        self._describe(table.cursor_row)
        self._note(now)

    def set_health(self, health: SourceHealth | None, now: float) -> None:
        """The alarms source's health: an empty list says why it is empty."""
        self.health = health
        self._note(now)

    def _note(self, now: float) -> None:
        empty = not self.query_one(AlarmTable).alarms
        note = why_empty(self.health, now, ALARMS_EMPTY) if empty else None
        self.query_one(EmptyNote).show(note)
        hug(self.query_one(AlarmTable), empty)

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._describe(event.cursor_row)

    def _describe(self, row: int) -> None:
        table = self.query_one(AlarmTable)
        reason = self.query_one("#alarm-reason", Static)
        if not table.alarms or row >= len(table.alarms):
            reason.update("")  # an empty list says why in its body (EmptyNote)
            return
        alarm = table.alarms[row]
        out = Text()
        out.append(describe_condition(alarm), style="bold")
        if alarm.period:
            out.append(f" over {alarm.period}s", style="dim")
        out.append("\n")
        out.append(alarm.reason, style="red" if alarm.state == "ALARM" else "dim")
        reason.update(out)
