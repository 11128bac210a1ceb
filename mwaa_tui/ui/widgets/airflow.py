"""The Airflow pane: Airflow's own view through InvokeRestApi. Failed task instances, failed
(and running, queued) DAG runs, import errors and pools, each a table of keyed rows that a
new poll updates in place; above them, what is missing and why."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import ClassVar, TypeVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import DataTable, Static

from mwaa_tui.core.airflow_view import (
    compact_run_id,
    component_lines,
    duration_text,
    failed_tasks_heading,
    import_error_key,
    import_errors_heading,
    listed_runs,
    notes,
    pool_bar,
    pool_key,
    pools_heading,
    problem_for,
    run_duration,
    run_key,
    runs_heading,
    short_file,
    slots_line,
    task_key,
    task_label,
    try_text,
    when,
)
from mwaa_tui.core.snapshots import (
    AirflowSnapshot,
    DagRunRow,
    ImportErrorRow,
    PoolRow,
    TaskInstanceRow,
)
from mwaa_tui.ui.text import SEVERITY_STYLE, safe
from mwaa_tui.ui.widgets.table import Columns, KeyedTable

R = TypeVar("R")

TASK_STATE = {
    "failed": ("failed", "bold red"),
    "up_for_retry": ("up_for_retry", "yellow"),
    "upstream_failed": ("upstream_failed", "dim"),
}
RUN_STATE = {
    "failed": ("failed", "bold red"),
    "running": ("running", "green"),
    "queued": ("queued", "yellow"),
}
"""Airflow's own state names (readable without colour too), and their colours."""
UNHEALTHY = "bold white on red"


def _widest(values: Sequence[str], least: int, most: int) -> int:
    return max(least, min(most, max((len(v) for v in values), default=0)))


def unique_keys(rows: Sequence[R], key: Callable[[R], str]) -> list[tuple[str, R]]:
    """Each row with its key; a key seen before gets `#2`, `#3`… (a table's keys are unique)."""
    seen: dict[str, int] = {}
    out = []
    for row in rows:
        k = key(row)
        seen[k] = seen.get(k, 0) + 1
        out.append((k if seen[k] == 1 else f"{k}#{seen[k]}", row))
    return out


OPEN = Binding(
    "enter",
    "open",
    "Open",
    id="airflow.open",
    tooltip="On a failed task instance: its log from the attempt's first line; "
    "on an import error: its whole stack trace",
)


class RowsTable(KeyedTable):
    """A keyed table that remembers which row each key stands for; Enter (shown in the
    footer, unlike the table's own) selects the row for the pane to open."""

    BINDINGS: ClassVar[list[BindingType]] = [OPEN]

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)
        self.rows_by_key: dict[str, object] = {}

    def highlighted_row(self) -> object | None:
        key = self.cursor_key()
        return self.rows_by_key.get(key) if key is not None else None

    def action_open(self) -> None:
        self.action_select_cursor()


class FailedTaskTable(RowsTable):
    """failed and up_for_retry instances, upstream_failed dimmer; newest first."""

    def show(self, tasks: Sequence[TaskInstanceRow]) -> None:
        keyed = unique_keys(tasks, task_key)
        self.rows_by_key = dict(keyed)
        columns: Columns = (
            (
                "state",
                "State",
                _widest([TASK_STATE.get(t.state, (t.state,))[0] for t in tasks], 6, 18),
            ),
            ("dag", "DAG", _widest([t.dag_id for t in tasks], 3, 28)),
            ("task", "Task", _widest([task_label(t) for t in tasks], 4, 32)),
            ("try", "Try", 3),
            ("operator", "Operator", _widest([t.operator for t in tasks], 8, 14)),
            ("run", "Run", _widest([compact_run_id(t.run_id) for t in tasks], 3, 28)),
            ("duration", "Took", 6),
        )
        self.show_rows(columns, [(k, _task_cells(t)) for k, t in keyed])


def _task_cells(t: TaskInstanceRow) -> tuple[Text, ...]:
    label, style = TASK_STATE.get(t.state, (t.state, ""))
    dim = t.dimmed
    base = "dim" if dim else ""
    return (
        safe(label, style),
        safe(t.dag_id, base),
        safe(task_label(t), "dim" if dim else "bold"),
        safe(try_text(t), base),
        safe(t.operator, "dim"),
        safe(compact_run_id(t.run_id), base),
        safe(duration_text(t.duration) if t.try_number else "", "dim"),
    )


class RunTable(RowsTable):
    """Failed runs newest first, then running and queued runs."""

    def show(self, runs: Sequence[DagRunRow], now: float) -> None:
        keyed = unique_keys(runs, run_key)
        self.rows_by_key = dict(keyed)
        columns: Columns = (
            (
                "state",
                "State",
                _widest([RUN_STATE.get(r.state, (r.state,))[0] for r in runs], 6, 14),
            ),
            ("dag", "DAG", _widest([r.dag_id for r in runs], 3, 28)),
            ("run", "Run", _widest([compact_run_id(r.run_id) for r in runs], 3, 28)),
            ("start", "Start", 8),
            ("duration", "Took", 7),
        )
        self.show_rows(columns, [(k, _run_cells(r, now)) for k, r in keyed])


def _run_cells(r: DagRunRow, now: float) -> tuple[Text, ...]:
    label, style = RUN_STATE.get(r.state, (r.state, ""))
    failed = r.state == "failed"
    return (
        safe(label, style),
        safe(r.dag_id, "bold" if failed else ""),
        safe(compact_run_id(r.run_id), "" if failed else "dim"),
        safe(when(r.start), "dim"),
        safe(run_duration(r, now), "dim"),
    )


class ImportErrorTable(RowsTable):
    """DAG files that do not import: the file and its trace's last line (no header: the
    cells say what they are)."""

    def on_mount(self) -> None:
        self.show_header = False

    def show(self, errors: Sequence[ImportErrorRow]) -> None:
        keyed = unique_keys(errors, import_error_key)
        self.rows_by_key = dict(keyed)
        columns: Columns = (
            ("file", "File", _widest([short_file(e.filename) for e in errors], 4, 40)),
            ("error", "Error", _widest([e.last_line for e in errors], 20, 160)),
        )
        rows = [
            (k, (safe(short_file(e.filename), "bold"), safe(e.last_line, "red"))) for k, e in keyed
        ]
        self.show_rows(columns, rows)


BAR = 8
"""Cells of a pool's bar."""


class PoolTable(RowsTable):
    """Running / queued / open slots and a small bar; saturated first (no header: the
    cells say what they are)."""

    def on_mount(self) -> None:
        self.show_header = False

    def show(self, pools: Sequence[PoolRow]) -> None:
        keyed = unique_keys(pools, pool_key)
        self.rows_by_key = dict(keyed)
        columns: Columns = (
            ("pool", "Pool", _widest([p.name for p in pools], 4, 32)),
            ("slots", "Slots", _widest([slots_line(p) for p in pools], 10, 40)),
            ("bar", "Use", BAR + 12),
        )
        self.show_rows(columns, [(k, _pool_cells(p)) for k, p in keyed])


def _pool_cells(p: PoolRow) -> tuple[Text, ...]:
    bar = pool_bar(p, BAR)
    drawn = Text(no_wrap=True, end="")
    if bar.unlimited:
        drawn.append("unlimited", style="dim")
    drawn.append("█" * bar.running, style="green")
    drawn.append("▒" * bar.queued, style="yellow")
    drawn.append("·" * bar.free, style="dim")
    if p.saturated:
        drawn.append(" ")
        drawn.append(" saturated ", style=UNHEALTHY)
    elif bar.over:
        drawn.append(f" +{bar.over}", style="yellow")
    slots = Text(no_wrap=True, end="")
    slots.append(f"{p.running} running", style="")
    slots.append(" · ", style="dim")
    slots.append(f"{p.queued} queued", style="bold yellow" if p.queued else "dim")
    slots.append(" · ", style="dim")
    slots.append(f"{p.open} open", style="bold red" if p.saturated else "dim")
    return (safe(p.name, "bold red" if p.saturated else "bold"), slots, drawn)


def health_title(snapshot: AirflowSnapshot | None) -> Text:
    """The pane's title: `Airflow 2.10.3 · db ● sched ✖ unhealthy 71s · trig ● 2s`."""
    out = Text("Airflow", no_wrap=True, end="")
    if snapshot is None:
        return out
    if snapshot.airflow_version:
        out.append(f" {snapshot.airflow_version}")
    for c in component_lines(snapshot):
        out.append(" · ", style="dim")
        if c.unhealthy:
            words = " ".join(w for w in ("✖", c.short, c.status, c.age) if w)
            out.append(f" {words} ", style=UNHEALTHY)
        else:
            out.append(f"{c.short} ", style="")
            out.append("●", style="green")
            if c.age:
                out.append(f" {c.age}", style="dim")
    return out


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
        self._notes: list[tuple[str, str]] | None = None
        self._drawn: dict[str, str] = {}
        """What each heading and the title show: redrawn only when that changes (the pane
        is drawn again every few seconds for the running runs' durations)."""

    def compose(self) -> ComposeResult:
        yield Static("", id="airflow-notes")
        with Vertical(id="airflow-lists"):
            with Horizontal(id="airflow-row-runs"):
                with Vertical(id="airflow-tasks-box", classes="airflow-section"):
                    yield Static("", id="airflow-tasks-head", classes="airflow-head")
                    yield FailedTaskTable(id="airflow-tasks")
                with Vertical(id="airflow-runs-box", classes="airflow-section"):
                    yield Static("", id="airflow-runs-head", classes="airflow-head")
                    yield RunTable(id="airflow-runs")
            with Horizontal(id="airflow-row-files"):
                with Vertical(id="airflow-errors-box", classes="airflow-section"):
                    yield Static("", id="airflow-errors-head", classes="airflow-head")
                    yield ImportErrorTable(id="airflow-errors")
                with Vertical(id="airflow-pools-box", classes="airflow-section"):
                    yield Static("", id="airflow-pools-head", classes="airflow-head")
                    yield PoolTable(id="airflow-pools")

    def on_mount(self) -> None:
        self.border_title = health_title(None)
        self.show(None, 0.0)

    def show(self, snapshot: AirflowSnapshot | None, now: float) -> None:
        self.snapshot = snapshot
        title = health_title(snapshot)
        if self._changed("title", title):
            self.border_title = title
        self._show_notes(notes(snapshot))
        lists = self.query_one("#airflow-lists")
        lists.display = snapshot is None or snapshot.available
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
            self.query_one(f"#airflow-{which}-head", Static).update(text)

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
        self.query_one(FailedTaskTable).focus()


def _bad(section: str, snapshot: AirflowSnapshot) -> bool:
    if section == "failed tasks":
        return any(t.state == "failed" for t in snapshot.failed_tasks)
    if section == "failed runs":
        return bool(snapshot.failed_runs)
    if section == "import errors":
        return bool(snapshot.import_errors)
    return any(p.saturated for p in snapshot.pools)


def header_badge(snapshot: AirflowSnapshot | None, *, short: bool = False) -> Text:
    """For the header's first line, among the other alarms: ` ✖ scheduler unhealthy 71s `
    for each unhealthy component (`short`, where the header is narrow: ` ✖ sched 71s `);
    nothing while all are healthy."""
    out = Text(no_wrap=True, end="")
    for c in component_lines(snapshot):
        if c.unhealthy:
            parts = ("✖", c.short, c.age) if short else ("✖", c.label, c.status, c.age)
            words = " ".join(w for w in parts if w)
            out.append("  ")
            out.append(f" {words} ", style=UNHEALTHY)
    return out


def header_health(snapshot: AirflowSnapshot | None) -> Text:
    """For the end of the header's second line: `│ airflow db ● · sched ✖ 71s · trig ● 2s`.
    The header drops it where it does not fit (from about 120 columns it does): the badges
    say what is wrong, and the Airflow pane's title the rest."""
    lines = component_lines(snapshot)
    out = Text(no_wrap=True, end="")
    if not lines:
        return out
    out.append("  │ airflow ", style="dim")
    for i, c in enumerate(lines):
        if i:
            out.append(" · ", style="dim")
        out.append(f"{c.short} ")
        out.append(
            "✖ unhealthy" if c.unhealthy else "●", style="bold red" if c.unhealthy else "green"
        )
        if c.age:
            out.append(f" {c.age}", style="bold red" if c.unhealthy else "dim")
    return out
