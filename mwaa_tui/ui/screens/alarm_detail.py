"""One alarm in full: its state and since when, the whole reason, the condition, the
threshold and the dimensions, with its history, chart and logs one key away."""

from __future__ import annotations

from collections.abc import Callable

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Footer, Static

from mwaa_tui.core.alarms import describe_condition
from mwaa_tui.core.format import relative, stamp
from mwaa_tui.core.sanitize import sanitize
from mwaa_tui.core.snapshots import Alarm
from mwaa_tui.ui.keys import HELP
from mwaa_tui.ui.text import STATE_STYLE, state_text

AlarmAction = Callable[[Alarm], None]
FIELD = 11
"""The width of the field names, so the values line up."""


def condition(alarm: Alarm) -> str:
    """`OperatorFailures Sum > 5 over 60s`, as the alarm table's condition column has it
    with the period; a composite's rule as it is."""
    text = describe_condition(alarm)
    if alarm.kind != "CompositeAlarm" and alarm.period:
        text += f" over {alarm.period}s"
    return text


def detail_text(alarm: Alarm, now: float) -> Text:
    """The alarm's fields, one a line; the reason and a composite's rule wrap (never cut),
    and every string from AWS is sanitised again on the way in."""
    out = Text()

    def field(name: str, value: str | Text, style: str = "") -> None:
        out.append(f"{name:<{FIELD}}", style="dim")
        out.append(value if isinstance(value, Text) else Text(sanitize(value), style=style))
        out.append("\n")

    out.append(Text(sanitize(alarm.name), style="bold"))
    out.append("\n\n")
    field("state", state_text(alarm.state))
    if alarm.updated:
        field("since", f"{stamp(alarm.updated)}  ({relative(now - alarm.updated)} ago)")
    else:
        field("since", "unknown", "dim")
    if alarm.kind == "CompositeAlarm":
        field("kind", "composite alarm")
        field("rule", alarm.rule)
    else:
        field("metric", f"{alarm.namespace} {alarm.metric}".strip() or "?")
        field("condition", condition(alarm), "bold")
        threshold = "none" if alarm.threshold is None else f"{alarm.threshold:g}"
        field("threshold", threshold)
        dims = "  ".join(f"{k}={v}" for k, v in alarm.dimensions) or "none"
        field("dimensions", dims)
    out.append("\nreason\n", style="dim")
    reason = sanitize(alarm.reason or "none given", multiline=True)
    out.append(reason, style=STATE_STYLE.get(alarm.state, ""))
    return out


class AlarmDetail(ModalScreen[None]):
    """The alarm's detail; `h`, `g` and `l` open its history, chart and logs then over it,
    as the alarm pane's keys do. While open it follows the alarm's newest state."""

    HELP_TITLE = "Alarm"
    DEFAULT_CSS = """
    AlarmDetail {
        align: center middle;
    }
    #alarm-detail {
        width: 90%;
        max-width: 110;
        height: auto;
        max-height: 85%;
        border: round $accent;
        background: $surface;
        padding: 0 1;
    }
    #alarm-detail-text {
        height: auto;
    }
    """
    BINDINGS = [
        Binding("escape,q", "dismiss", "Close", id="alarm.close"),
        Binding(
            "h",
            "history",
            "History",
            id="alarm.history",
            tooltip="This alarm's state changes (DescribeAlarmHistory)",
        ),
        Binding(
            "g",
            "chart",
            "Chart",
            id="alarm.chart",
            tooltip="The alarm's metric as a large chart with its threshold",
        ),
        Binding(
            "l",
            "logs",
            "Logs around",
            id="alarm.logs",
            tooltip="Every component's logs around the alarm's last state change",
        ),
        HELP,
    ]

    def __init__(
        self,
        alarm: Alarm,
        clock: Callable[[], float],
        *,
        history: AlarmAction,
        chart: AlarmAction,
        logs: AlarmAction,
        newest: Callable[[str], Alarm | None] = lambda _: None,
    ) -> None:
        """`history`, `chart` and `logs` open those for an alarm; `newest(name)` gives the
        alarm as the monitor last read it (None once it is gone), checked every second."""
        super().__init__()
        self.alarm = alarm
        self.clock = clock
        self._actions = {"history": history, "chart": chart, "logs": logs}
        self._newest = newest
        # Built here, where the screen is asked for: a surprise in the alarm is reported
        # there instead of breaking the screen as it composes.
        self.text = detail_text(alarm, clock())

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="alarm-detail"):
            yield Static(self.text, id="alarm-detail-text")
        yield Footer()

    def on_mount(self) -> None:
        self.set_interval(1.0, self._follow)

    def _follow(self) -> None:
        alarm = self._newest(self.alarm.name) or self.alarm
        text = detail_text(alarm, self.clock())
        if alarm != self.alarm or text.plain != self.text.plain:
            self.alarm, self.text = alarm, text
            self.query_one("#alarm-detail-text", Static).update(text)

    def action_history(self) -> None:
        self._actions["history"](self.alarm)

    def action_chart(self) -> None:
        self._actions["chart"](self.alarm)

    def action_logs(self) -> None:
        self._actions["logs"](self.alarm)
