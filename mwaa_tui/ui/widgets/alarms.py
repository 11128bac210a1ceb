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
from mwaa_tui.core.snapshots import Alarm
from mwaa_tui.ui.text import safe, state_text


class AlarmTable(DataTable[Text]):
    """Rows keyed by alarm name; rebuilt only when the order changes."""

    def __init__(self, **kwargs: object) -> None:
        super().__init__(cursor_type="row", zebra_stripes=False, **kwargs)  # type: ignore[arg-type]
        self.alarms: tuple[Alarm, ...] = ()
        self.loaded = False
        self._shown: dict[tuple[str, str], str] = {}
        self._order: list[str] = []

    def on_mount(self) -> None:
        self._columns(())

    def _columns(self, alarms: tuple[Alarm, ...]) -> None:
        # Explicit widths: auto-sized columns come out differently from run to run.
        name = max([5, *(len(a.name) for a in alarms)])
        condition = max([9, *(len(describe_condition(a)) for a in alarms)])
        self.clear(columns=True)
        self.add_column("State", key="state", width=8)
        self.add_column("Alarm", key="name", width=min(name, 48))
        self.add_column("Since", key="since", width=5)
        self.add_column("Condition", key="condition", width=min(condition, 60))
        reason = max([6, *(len(a.reason) for a in alarms)])
        self.add_column("Reason", key="reason", width=min(reason, 120))

    def _cells(self, alarm: Alarm, now: float) -> dict[str, Text]:
        since = relative(now - alarm.updated) if alarm.updated else "?"
        return {
            "state": state_text(alarm.state),
            "name": safe(alarm.name, "bold" if alarm.state == "ALARM" else ""),
            "since": safe(since, "dim"),
            "condition": safe(describe_condition(alarm), "dim"),
            "reason": safe(alarm.reason, "red" if alarm.state == "ALARM" else "dim"),
        }

    def show(self, alarms: tuple[Alarm, ...], now: float) -> None:
        self.alarms = alarms
        self.loaded = True
        order = [a.name for a in alarms]
        if order != self._order:
            selected = self._selected_key()
            self._columns(alarms)
            self._shown.clear()
            for alarm in alarms:
                cells = self._cells(alarm, now)
                self._shown.update(
                    ((alarm.name, k), c.plain + str(c.style)) for k, c in cells.items()
                )
                self.add_row(*cells.values(), key=alarm.name)
            self._order = order
            if selected in order:
                self.move_cursor(row=order.index(selected))
            return
        for alarm in alarms:
            for column, cell in self._cells(alarm, now).items():
                key = (alarm.name, column)
                if self._shown.get(key) != cell.plain + str(cell.style):
                    self._shown[key] = cell.plain + str(cell.style)
                    self.update_cell(alarm.name, column, cell)

    def _selected_key(self) -> str | None:
        if not self._order or self.cursor_row >= len(self._order):
            return None
        return self._order[self.cursor_row]


class AlarmsPane(Vertical):
    """The alarm table and, under it, the highlighted alarm's condition and reason."""

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
        table = self.query_one(AlarmTable)
        if table.alarms and table.cursor_row < len(table.alarms):
            return table.alarms[table.cursor_row]
        return None

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
        yield Static("", id="alarm-reason")

    def show(self, alarms: tuple[Alarm, ...], now: float) -> None:
        table = self.query_one(AlarmTable)
        table.show(alarms, now)
        self._describe(table.cursor_row)

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._describe(event.cursor_row)

    def _describe(self, row: int) -> None:
        table = self.query_one(AlarmTable)
        reason = self.query_one("#alarm-reason", Static)
        if not table.alarms or row >= len(table.alarms):
            reason.update(
                Text("no alarms for this environment", style="dim")
                if table.alarms == () and table.loaded
                else ""
            )
            return
        alarm = table.alarms[row]
        out = Text()
        out.append(describe_condition(alarm), style="bold")
        if alarm.period:
            out.append(f" over {alarm.period}s", style="dim")
        out.append("\n")
        out.append(alarm.reason, style="red" if alarm.state == "ALARM" else "dim")
        reason.update(out)
