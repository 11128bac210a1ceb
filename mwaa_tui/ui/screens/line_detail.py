"""One log line in full: its text, component, stream, times and ingestion delay."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Footer, Static

from mwaa_tui.core.format import ingestion_delay, stamp
from mwaa_tui.core.jsonlog import pretty
from mwaa_tui.core.snapshots import LogEvent
from mwaa_tui.ui.keys import HELP


class LineDetail(ModalScreen[None]):
    HELP_TITLE = "Log line"
    BINDINGS = [Binding("escape,q,enter", "dismiss", "Close", id="line.close"), HELP]

    def __init__(self, event: LogEvent | None, text: str) -> None:
        super().__init__()
        self.event = event
        self.text = text

    def compose(self) -> ComposeResult:
        e = self.event
        head = Text()
        if e is None:
            head.append("log line", style="bold")
            head.append("   Esc back\n", style="italic dim")
            body = Text(self.text)
        else:
            head.append(f"{e.component}", style="bold")
            head.append(f"  {e.level or 'no level'}", style="dim")
            head.append("   Esc back\n", style="italic dim")
            for label, value in (
                ("stream   ", e.stream or "?"),
                (
                    "time     ",
                    f"{stamp(e.timestamp / 1000)}  ({stamp(e.timestamp / 1000, utc=False)} local)",
                ),
                ("ingested ", stamp(e.ingestion_time / 1000) if e.ingestion_time else "unknown"),
                ("delay    ", ingestion_delay(e.timestamp, e.ingestion_time)),
                ("event id ", e.event_id or "?"),
            ):
                head.append(label, style="dim")
                head.append(value + "\n")
            if e.late:
                head.append("arrived late: newer lines were already shown\n", style="bold yellow")
            # Airflow 3's JSON lines pretty-printed; any other line as it came.
            body = Text(pretty(e.message) or e.message)
        with VerticalScroll(id="line-detail"):
            yield Static(head)
            yield Static(body, id="line-detail-text")
        yield Footer()
