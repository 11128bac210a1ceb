"""The Airflow pane: Airflow's own view through InvokeRestApi. Failed task instances, failed
(and running, queued) DAG runs, import errors and pools, each a table of keyed rows that a
new poll updates in place; above them, what is missing and why."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import DataTable, Static

from mwaa_tui.core.airflow_view import (
    failed_tasks_heading,
    import_errors_heading,
    listed_runs,
    notes,
    pools_heading,
    problem_for,
    runs_heading,
)
from mwaa_tui.core.snapshots import AirflowSnapshot, ImportErrorRow, TaskInstanceRow
from mwaa_tui.ui.text import SEVERITY_STYLE
from mwaa_tui.ui.widgets.airflow_health import health_title
from mwaa_tui.ui.widgets.airflow_tables import (
    OPEN,
    FailedTaskTable,
    ImportErrorTable,
    PoolTable,
    RowsTable,
    RunTable,
)


class AirflowPane(Vertical):
    """Draws the `AirflowSnapshot` it is given; Enter on a failed task instance asks for its
    log, on an import error for its whole trace."""

    HELP_TITLE = "Airflow"
    BINDINGS: ClassVar[list[BindingType]] = [OPEN]
    """Also here, so that `?` lists the pane's keys under one title."""

    class TaskLogRequested(Message):
        """Open the task log of this instance's attempt."""

        def __init__(self, task: TaskInstanceRow) -> None:
            super().__init__()
            self.task = task

    class TraceRequested(Message):
        """Show this import error's whole trace."""

        def __init__(self, error: ImportErrorRow) -> None:
            super().__init__()
            self.error = error

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.snapshot: AirflowSnapshot | None = None
        self._now = 0.0
        self._built = False
        self._notes: list[tuple[str, str]] | None = None
        self._drawn: dict[str, str] = {}
        """What each heading and the title show: redrawn only when that changes (the pane
        is drawn again every few seconds for the running runs' durations)."""

    def compose(self) -> ComposeResult:
        yield Static("", id="airflow-notes")
        yield Vertical(id="airflow-lists")

    def on_mount(self) -> None:
        self.border_title = health_title(None)
        self.show(None, 0.0)
        # The tables are built once the first frame is on screen: four tables and their
        # styles took a third of a second before the monitor's first paint, and Airflow's
        # first answer comes seconds later anyway.
        self.call_after_refresh(self._build)

    async def _build(self) -> None:
        await self.query_one("#airflow-lists").mount_all(_sections())
        if not self.query("#airflow-pools-head"):
            return  # the app is leaving: what was mounted has gone again
        self._built = True
        self.show(self.snapshot, self._now)

    def show(self, snapshot: AirflowSnapshot | None, now: float) -> None:
        self.snapshot, self._now = snapshot, now
        title = health_title(snapshot)
        if self._changed("title", title):
            self.border_title = title
        self._show_notes(notes(snapshot))
        lists = self.query_one("#airflow-lists")
        lists.display = snapshot is None or snapshot.available
        if not self._built or not self.query(PoolTable):
            return  # not built yet, or taken down as the app leaves
        if snapshot is None or not snapshot.available:
            for which in ("tasks", "runs", "errors", "pools"):
                self._update(which, Text("…", style="dim"))
            return
        read = snapshot.fetched_at > 0
        self._head("tasks", failed_tasks_heading(snapshot), snapshot, "failed tasks", read)
        self._head("runs", runs_heading(snapshot), snapshot, "failed runs", read)
        self._head("errors", import_errors_heading(snapshot), snapshot, "import errors", read)
        self._head("pools", pools_heading(snapshot), snapshot, "pools", read)
        self.query_one(FailedTaskTable).show(snapshot.failed_tasks)
        self.query_one(RunTable).show(listed_runs(snapshot), now)
        self.query_one(ImportErrorTable).show(snapshot.import_errors)
        self.query_one(PoolTable).show(snapshot.pools)

    def _show_notes(self, lines: list[tuple[str, str]]) -> None:
        if lines == self._notes:
            return
        self._notes = lines
        box = self.query_one("#airflow-notes", Static)
        text = Text()
        for i, (line, severity) in enumerate(lines):
            if i:
                text.append("\n")
            text.append(line, style=SEVERITY_STYLE.get(severity, ""))
        box.update(text)
        box.display = bool(lines)

    def _head(
        self, which: str, heading: str, snapshot: AirflowSnapshot, section: str, read: bool
    ) -> None:
        title = heading.split(" · ", 1)[0]
        text = Text(no_wrap=True, overflow="ellipsis", end="")
        if read:
            name, _, rest = heading.partition(" · ")
            text.append(name, style="bold")
            if rest:
                style = "bold red" if _bad(section, snapshot) else "dim"
                text.append(f" · {rest}", style=style)
        else:
            text.append(title, style="bold")
            text.append(" · not read yet", style="dim italic")
        problem = problem_for(snapshot, section)
        if problem is not None:
            text.append(f" · {problem.message}", style="yellow")
        self._update(which, text)

    def _update(self, which: str, text: Text) -> None:
        if self._changed(which, text):
            for head in self.query(f"#airflow-{which}-head").results(Static):
                head.update(text)

    def _changed(self, part: str, text: Text) -> bool:
        shown = text.markup
        if self._drawn.get(part) == shown:
            return False
        self._drawn[part] = shown
        return True

    # -- keys --------------------------------------------------------------------------------

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self._open(event.data_table)

    def action_open(self) -> None:
        for table in self.query(RowsTable):
            if table.has_focus:
                self._open(table)

    def _open(self, table: DataTable[Text]) -> None:
        row = table.highlighted_row() if isinstance(table, RowsTable) else None
        if isinstance(row, TaskInstanceRow):
            self.post_message(self.TaskLogRequested(row))
        elif isinstance(row, ImportErrorRow):
            self.post_message(self.TraceRequested(row))
        elif row is not None:
            self.notify(
                "Enter opens a failed task's log, or an import error's whole trace",
                timeout=3,
                markup=False,
            )

    def focus_first(self) -> None:
        """Focus the failed tasks (what Enter opens a log from)."""
        for table in self.query(FailedTaskTable):
            table.focus()


def _bad(section: str, snapshot: AirflowSnapshot) -> bool:
    if section == "failed tasks":
        return any(t.state == "failed" for t in snapshot.failed_tasks)
    if section == "failed runs":
        return bool(snapshot.failed_runs)
    if section == "import errors":
        return bool(snapshot.import_errors)
    return any(p.saturated for p in snapshot.pools)


def _sections() -> list[Horizontal]:
    """The four lists, two rows of two: a heading over each table."""

    def section(which: str, table: RowsTable) -> Vertical:
        head = Static("", id=f"airflow-{which}-head", classes="airflow-head")
        return Vertical(head, table, id=f"airflow-{which}-box", classes="airflow-section")

    return [
        Horizontal(
            section("tasks", FailedTaskTable(id="airflow-tasks")),
            section("runs", RunTable(id="airflow-runs")),
            id="airflow-row-runs",
        ),
        Horizontal(
            section("errors", ImportErrorTable(id="airflow-errors")),
            section("pools", PoolTable(id="airflow-pools")),
            id="airflow-row-files",
        ),
    ]
