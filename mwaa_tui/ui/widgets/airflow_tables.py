"""The Airflow pane's tables: failed task instances, DAG runs, import errors and pools,
each of keyed rows that a new poll updates in place."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import ClassVar, TypeVar

from rich.text import Text
from textual.binding import Binding, BindingType

from mwaa_tui.core.airflow_view import (
    compact_run_id,
    duration_text,
    import_error_key,
    pool_bar,
    pool_key,
    run_duration,
    run_key,
    short_file,
    slots_line,
    task_key,
    task_label,
    try_text,
    when,
)
from mwaa_tui.core.snapshots import DagRunRow, ImportErrorRow, PoolRow, TaskInstanceRow
from mwaa_tui.ui.text import safe
from mwaa_tui.ui.widgets.airflow_health import UNHEALTHY
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
