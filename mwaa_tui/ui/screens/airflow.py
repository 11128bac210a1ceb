"""What the Airflow pane opens: an import error's whole trace, and a failed task
instance's log in the task-log viewer."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Footer, Static

from mwaa_tui.aws.clients import AwsGateway
from mwaa_tui.core.airflow_view import attempt_of
from mwaa_tui.core.format import stamp
from mwaa_tui.core.sanitize import sanitize
from mwaa_tui.core.snapshots import EnvironmentSnapshot, ImportErrorRow, TaskInstanceRow
from mwaa_tui.ui.keys import HELP
from mwaa_tui.ui.screens.task_logs import TaskGroup, TaskLog


class ImportErrorTrace(ModalScreen[None]):
    """One DAG file's import error: the file, when Airflow saw it, the whole trace."""

    DEFAULT_CSS = """
    ImportErrorTrace {
        align: center middle;
    }
    #import-error-body {
        width: 95%;
        max-width: 140;
        height: 85%;
        border: round $accent;
        background: $surface;
        padding: 0 1;
    }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,enter", "dismiss", "Close", id="trace.close"),
        HELP,
    ]

    def __init__(self, error: ImportErrorRow) -> None:
        super().__init__()
        self.error = error

    @property
    def text(self) -> str:
        """The trace as drawn."""
        return self.error.stack_trace

    def compose(self) -> ComposeResult:
        e = self.error
        head = Text("Import error", style="bold")
        head.append("   Esc back\n", style="italic dim")
        head.append("file     ", style="dim")
        head.append(sanitize(e.filename) + "\n")
        if e.timestamp is not None:
            head.append("seen     ", style="dim")
            head.append(stamp(e.timestamp) + "\n")
        head.append("error    ", style="dim")
        head.append(sanitize(e.last_line) + "\n", style="bold red")
        with VerticalScroll(id="import-error-body"):
            yield Static(head)
            # Sanitised by the poller (newlines kept) and again here; Text draws no markup.
            yield Static(Text(sanitize(e.stack_trace, multiline=True)), id="import-error-trace")
        yield Footer()


def task_log_screen(
    gateway: AwsGateway,
    environment: EnvironmentSnapshot,
    task: TaskInstanceRow,
    *,
    redact: bool,
    follow_seconds: float,
) -> TaskLog | str:
    """The task-log viewer at the instance's attempt, from its first line; or why there is
    none (task logs disabled, or an instance that never ran). A stream that does not
    exist is named by the viewer."""
    cfg = environment.log_config("Task")
    if cfg is None or not cfg.enabled or not cfg.group_name:
        return "task logs are disabled in this environment"
    attempt = attempt_of(task)
    if attempt is None:
        state = sanitize(task.state) or "not run"
        return (
            f"{sanitize(task.task_id)} is {state}: it never ran in this run "
            "(a task upstream failed), so it has no log"
        )
    return TaskLog(TaskGroup(gateway, cfg.group_name, redact, follow_seconds), attempt)
