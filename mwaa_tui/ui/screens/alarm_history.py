"""DescribeAlarmHistory as a timeline of state changes."""

from __future__ import annotations

import json

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Footer, Static

from mwaa_tui.aws.clients import AwsGateway
from mwaa_tui.core.format import stamp
from mwaa_tui.core.sanitize import sanitize
from mwaa_tui.ui.keys import HELP
from mwaa_tui.ui.text import STATE_STYLE


def history_text(name: str, items: list[dict[str, object]]) -> Text:
    """The timeline: when, the summary coloured by the new state, and the reason."""
    out = Text()
    out.append(f"History of {sanitize(name)}\n\n", style="bold")
    for item in items:
        when = item.get("Timestamp")
        at = stamp(when.timestamp()) if hasattr(when, "timestamp") else "?"
        out.append(f"{at}  ", style="dim")
        summary = sanitize(item.get("HistorySummary", ""))
        new = ""
        try:
            data = json.loads(str(item.get("HistoryData") or "{}"))
            new = sanitize(data.get("newState", {}).get("stateValue", ""))
            reason = sanitize(data.get("newState", {}).get("stateReason", ""))
        except (ValueError, AttributeError):
            reason = ""
        out.append(f"{summary}\n", style=STATE_STYLE.get(new, ""))
        if reason:
            out.append(f"    {reason}\n", style="dim")
    if not items:
        out.append("no history in the last two weeks", style="dim")
    return out


class AlarmHistory(ModalScreen[None]):
    HELP_TITLE = "Alarm history"
    BINDINGS = [Binding("escape,q", "dismiss", "Close", id="history.close"), HELP]

    def __init__(self, name: str, items: list[dict[str, object]]) -> None:
        super().__init__()
        self.alarm_name = name
        self.items = items
        # Built here, in the request that fetched the items: a surprise in them is
        # reported there instead of breaking the screen as it composes.
        self.text = history_text(name, items)

    @classmethod
    async def load(cls, gateway: AwsGateway, name: str) -> AlarmHistory:
        """The screen for alarm `name`, its last 50 state changes fetched."""
        resp = await gateway.call(
            "cloudwatch",
            "describe_alarm_history",
            AlarmName=name,
            HistoryItemType="StateUpdate",
            MaxRecords=50,
        )
        return cls(name, list(resp.get("AlarmHistoryItems") or ()))

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-body"):
            yield Static(self.text)
        yield Footer()
