"""The alarm list: ALARM first, each with its reason; Enter opens one in full."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import DataTable

from mwaa_tui.core.alarms import describe_condition
from mwaa_tui.core.format import relative
from mwaa_tui.core.pane_note import ALARMS_EMPTY, why_empty
from mwaa_tui.core.snapshots import Alarm, SourceHealth
from mwaa_tui.ui.text import STATE_ICON, STATE_STYLE, safe, state_text
from mwaa_tui.ui.widgets.note import EmptyNote, hug
from mwaa_tui.ui.widgets.table import Columns, KeyedTable

NAME_WIDTH = 48
"""The longest alarm name the table gives room to."""
STATE_WIDTH = 8
"""The state column: `● ALARM`, `◌ INSUF`."""


class AlarmTable(KeyedTable):
    """Draws the alarms it is given, ALARM first; rows keyed by alarm name. Where the
    name and the state word do not both fit (80 columns), the word goes and the state's
    mark leads the name: the name is what tells alarms apart, the mark's colour and an
    ALARM's bold name still say the state, and Enter shows it in full."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "enter",
            "detail",
            "Detail",
            id="alarms.detail",
            tooltip="The highlighted alarm in full: state, since, reason, condition, "
            "threshold and dimensions, with its history, chart and logs one key away",
        ),
    ]

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)
        self.alarms: tuple[Alarm, ...] = ()
        self.loaded = False
        self.compact = False
        self._now = 0.0

    def on_mount(self) -> None:
        self.show_rows(_columns((), compact=False), [])

    def on_resize(self) -> None:
        if self._fits() == self.compact:
            self.show(self.alarms, self._now)

    def _fits(self) -> bool:
        """Whether state and name fit side by side, a vertical scrollbar's column kept."""
        name = min(NAME_WIDTH, max([5, *(len(a.name) for a in self.alarms)]))
        return self.size.width - 1 >= (STATE_WIDTH + 2) + (name + 2)

    def show(self, alarms: tuple[Alarm, ...], now: float) -> None:
        self.alarms = alarms
        self.loaded = True
        self._now = now
        self.compact = not self._fits()
        rows = [(a.name, _cells(a, now, compact=self.compact)) for a in alarms]
        self.show_rows(_columns(alarms, compact=self.compact), rows)

    def highlighted(self) -> Alarm | None:
        key = self.cursor_key()
        return next((a for a in self.alarms if a.name == key), None)

    def action_detail(self) -> None:
        if (alarm := self.highlighted()) is not None:
            self.post_message(AlarmsPane.DetailRequested(alarm))


def _columns(alarms: tuple[Alarm, ...], *, compact: bool) -> Columns:
    name = min(NAME_WIDTH, max([5, *(len(a.name) for a in alarms)]))
    condition = max([9, *(len(describe_condition(a)) for a in alarms)])
    reason = max([6, *(len(a.reason) for a in alarms)])
    first: Columns = (
        (("name", "Alarm", name + 2),)
        if compact
        else (("state", "State", STATE_WIDTH), ("name", "Alarm", name))
    )
    return (
        *first,
        ("since", "Since", 5),
        ("condition", "Condition", min(condition, 60)),
        ("reason", "Reason", min(reason, 120)),
    )


def _cells(alarm: Alarm, now: float, *, compact: bool) -> tuple[Text, ...]:
    since = relative(now - alarm.updated) if alarm.updated else "?"
    name = safe(alarm.name, "bold" if alarm.state == "ALARM" else "")
    if compact:
        mark = Text(STATE_ICON.get(alarm.state, "?") + " ", style=STATE_STYLE.get(alarm.state, ""))
        first: tuple[Text, ...] = (mark + name,)
    else:
        first = (state_text(alarm.state), name)
    return (
        *first,
        safe(since, "dim"),
        safe(describe_condition(alarm), "dim"),
        safe(alarm.reason, "red" if alarm.state == "ALARM" else "dim"),
    )


class AlarmsPane(Vertical):
    """The alarm table; Enter opens the highlighted alarm's detail. (The strip that showed
    its condition and two lines of its reason under the table is gone: two lines cut a
    composite's rule and reason, more would take the list's rows, and the detail shows
    both whole.)"""

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
            "Logs around",
            id="alarms.logs",
            tooltip="Every component's logs around the alarm's last state change",
        ),
    ]

    class DetailRequested(Message):
        """Show this alarm in full."""

        def __init__(self, alarm: Alarm) -> None:
            super().__init__()
            self.alarm = alarm

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

    def show(self, alarms: tuple[Alarm, ...], now: float) -> None:
        self.query_one(AlarmTable).show(alarms, now)
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

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        """A click on a row (Enter is the table's `alarms.detail`)."""
        event.stop()
        if (alarm := self.highlighted()) is not None:
            self.post_message(self.DetailRequested(alarm))
