"""`E`: the environment in full: status, settings, logging, and the last update's error
whole (the header can only abbreviate it)."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Footer, Static

from mwaa_tui.core.format import ago, stamp
from mwaa_tui.core.lifecycle import lifecycle
from mwaa_tui.core.snapshots import EnvironmentSnapshot
from mwaa_tui.ui.keys import HELP
from mwaa_tui.ui.text import ENV_STATUS_STYLE


class EnvironmentDetail(ModalScreen[None]):
    HELP_TITLE = "Environment"
    BINDINGS = [Binding("escape,q,E", "dismiss", "Close", id="environment.close"), HELP]

    def __init__(self, snapshot: EnvironmentSnapshot, now: float, *, gone: bool) -> None:
        super().__init__()
        self.snapshot = snapshot
        self.now = now
        self.gone = gone

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="environment-body"):
            yield Static(describe(self.snapshot, self.now, gone=self.gone))
            yield Static(Text("Esc, q or E closes this.", style="italic dim"))
        yield Footer()


def describe(snap: EnvironmentSnapshot, now: float, *, gone: bool = False) -> Table:
    """Every field worth reading, wrapped, never cut. Strings are sanitised already."""
    life = lifecycle(snap, now, gone=gone)
    table = Table(box=None, show_header=False, padding=(0, 2, 0, 0), expand=True)
    table.add_column(style="bold", no_wrap=True)
    table.add_column(ratio=1, overflow="fold")
    table.add_row("environment", Text(snap.name, style="bold"))
    table.add_row(
        "status",
        Text(f"{life.status}: {life.words}", style=ENV_STATUS_STYLE.get(life.status, "yellow")),
    )
    rows = [
        ("Airflow", snap.airflow_version),
        ("class", snap.environment_class),
        ("workers", f"{snap.min_workers}-{snap.max_workers}" if snap.max_workers else ""),
        ("schedulers", str(snap.schedulers or "")),
        ("web server", snap.webserver_url),
        ("ARN", snap.arn),
        ("created", stamp(snap.created_at) if snap.created_at else ""),
    ]
    for label, value in rows:
        if value:
            table.add_row(label, Text(value))
    for cfg in snap.logging:
        state = f"{cfg.level or '?'} → {cfg.group_name}" if cfg.enabled else "disabled"
        table.add_row(f"logs {cfg.component}", Text(state, style="" if cfg.enabled else "dim"))
    last = snap.last_update
    if last is not None:
        when = (
            f", {ago(last.created_at, now)} ({stamp(last.created_at)})" if last.created_at else ""
        )
        style = {"FAILED": "bold red", "SUCCESS": "green"}.get(last.status, "yellow")
        table.add_row(
            "last update", Text(f"{last.status or '?'}{when}, {last.source or '?'}", style=style)
        )
        if last.error_code or last.error_message:
            table.add_row("update error", Text(last.error_code, style="bold red"))
            table.add_row("", Text(last.error_message, style="red"))
    return table
