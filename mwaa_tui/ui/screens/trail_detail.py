"""One CloudTrail event: the summary, then its full JSON."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from rich.syntax import Syntax
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Footer, Static

from mwaa_tui.core.format import stamp
from mwaa_tui.core.snapshots import TrailEvent
from mwaa_tui.ui.keys import HELP
from mwaa_tui.ui.oneoff import save_file


class TrailDetail(ModalScreen[None]):
    HELP_TITLE = "CloudTrail event"
    BINDINGS = [
        Binding("escape,q", "dismiss", "Close", id="trail.close"),
        Binding(
            "s",
            "save",
            "Save JSON",
            id="trail.save",
            tooltip="Save the event's JSON to a private file (never overwrites)",
        ),
        Binding(
            "l",
            "logs",
            "Logs around",
            id="trail.logs",
            tooltip="Every component's logs in the minutes around this event",
        ),
        HELP,
    ]

    def __init__(
        self, event: TrailEvent, *, save_dir: Path, logs_around: Callable[[float, str], None]
    ) -> None:
        """`s` saves under `save_dir`; `logs_around(moment, title)` shows the logs then."""
        super().__init__()
        self.event = event
        self.save_dir = save_dir
        self._logs_around = logs_around
        # Built here, where the screen is asked for: a surprise in the event is reported
        # by the one-off that opens it instead of breaking the screen as it composes.
        self.summary = _summary(event)
        self.body: Syntax | Text = (
            Syntax(event.raw, "json", word_wrap=True, theme="ansi_dark")
            if event.parsed
            else Text("unparsed CloudTrailEvent (invalid JSON), shown raw:\n", style="yellow")
            + Text(event.raw)
        )

    def action_save(self) -> None:
        event = self.event
        name = f"cloudtrail-{event.name}-{event.event_id}.json"
        save_file(self, self.save_dir, name, event.raw + "\n")

    def action_logs(self) -> None:
        self._logs_around(self.event.time, f"Logs around {self.event.name} by {self.event.user}")

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="trail-detail"):
            yield Static(self.summary)
            yield Static(self.body)
        yield Footer()


def _summary(e: TrailEvent) -> Text:
    summary = Text()
    summary.append(f"{e.name}", style="bold")
    summary.append(f"  {stamp(e.time)}", style="dim")
    summary.append("   s save JSON · l logs then · Esc back\n", style="italic dim")
    summary.append("who   ", style="dim")
    summary.append(f"{e.user}\n")
    summary.append("from  ", style="dim")
    summary.append(f"{e.source_ip}  {e.user_agent}\n")
    summary.append("on    ", style="dim")
    summary.append(f"{e.resource or e.requested_name}")
    ro = "read-only" if e.read_only else "write" if e.read_only is False else ""
    summary.append(f"  {ro}\n" if ro else "\n", style="dim")
    summary.append("result ", style="dim")
    if e.error_code:
        summary.append(f" {e.error_code} ", style="bold white on red")
        summary.append(f"\n{e.error_message}\n", style="red")
    else:
        summary.append("success\n", style="green")
    return summary
