"""DescribeAlarmHistory as a timeline of state changes."""

from __future__ import annotations

import json

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from mwaa_tui.core.format import stamp
from mwaa_tui.core.sanitize import sanitize
from mwaa_tui.ui.text import STATE_STYLE


class AlarmHistory(ModalScreen[None]):
    BINDINGS = [Binding("escape,q", "dismiss", "Close", id="history.close")]

    def __init__(self, name: str, items: list[dict[str, object]]) -> None:
        super().__init__()
        self.alarm_name = name
        self.items = items

    def compose(self) -> ComposeResult:
        out = Text()
        out.append(f"History of {sanitize(self.alarm_name)}\n\n", style="bold")
        for item in self.items:
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
        if not self.items:
            out.append("no history in the last two weeks", style="dim")
        with VerticalScroll(id="help-body"):
            yield Static(out)
