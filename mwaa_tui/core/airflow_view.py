"""What the Airflow pane and the header show of an `AirflowSnapshot`, as plain text with a
severity: row keys that stay stable between polls, the cells of each list, the pools'
bars, each component's health, and the lines that say why something is missing.

Widgets turn these into styled `Text`; nothing here draws. Every string in a snapshot was
sanitised by the poller already."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from mwaa_tui.core.format import clock_time, relative
from mwaa_tui.core.snapshots import (
    AirflowProblem,
    AirflowSnapshot,
    ComponentHealth,
    DagRunRow,
    ImportErrorRow,
    PoolRow,
    TaskInstanceRow,
)
from mwaa_tui.core.tasklogs import TaskAttempt

SECTIONS = ("failed tasks", "failed runs", "import errors", "pools")
"""The pane's lists, as the poller names them in `AirflowProblem.section`."""
RUNS_SECTIONS = ("failed runs", "running and queued runs")

COMPONENT_LABELS = {
    "metadatabase": "metadatabase",
    "scheduler": "scheduler",
    "triggerer": "triggerer",
    "dag_processor": "DAG processor",
}
COMPONENT_SHORT = {
    "metadatabase": "db",
    "scheduler": "sched",
    "triggerer": "trig",
    "dag_processor": "dagproc",
}


# -- cells ------------------------------------------------------------------------------------


def duration_text(seconds: float | None) -> str:
    """`45s`, `3m 05s`, `2h 07m`, `1d 4h`; "" when unknown."""
    if seconds is None or seconds < 0:
        return ""
    s = int(seconds + 0.5)
    if s < 60:
        return f"{s}s"
    if s < 3600:
        return f"{s // 60}m {s % 60:02d}s"
    if s < 86400:
        return f"{s // 3600}h {s % 3600 // 60:02d}m"
    return f"{s // 86400}d {s % 86400 // 3600}h"


_RUN_ID = re.compile(
    r"^(?P<kind>[a-z_]+)__(?P<date>\d{4}-(?P<md>\d\d-\d\d))T(?P<hm>\d\d:\d\d)(?::\d\d)?"
    r"(?:\.\d+)?(?:[+-]\d\d:?\d\d|Z)?$"
)


def compact_run_id(run_id: str) -> str:
    """`scheduled__2025-11-25T11:59:00+00:00` -> `sched 11-25 11:59`: the run's kind and
    its logical time to the minute; any other id as it is. (Rows are keyed by the whole
    id, and the task log's title shows it.)"""
    m = _RUN_ID.match(run_id)
    if m is None:
        return run_id
    kind = RUN_KINDS.get(m["kind"], m["kind"])
    return f"{kind} {m['md']} {m['hm']}"


RUN_KINDS = {
    "scheduled": "sched",
    "dataset_triggered": "dataset",
    "asset_triggered": "asset",
}


def short_file(filename: str) -> str:
    """A DAG file relative to the DAGs folder: `/usr/local/airflow/dags/x/y.py` -> `x/y.py`."""
    _, found, rest = filename.partition("/dags/")
    return rest if found and rest else filename


def when(epoch: float | None) -> str:
    """A start time as the log views show it (`HH:MM:SS`, UTC)."""
    return clock_time(epoch) if epoch is not None else ""


def run_duration(run: DagRunRow, now: float) -> str:
    """A finished run's duration; a running one's so far, with `+`."""
    if run.duration is not None:
        return duration_text(run.duration)
    if run.start is not None and run.end is None and run.state == "running":
        return duration_text(now - run.start) + "+"
    return ""


def try_text(row: TaskInstanceRow) -> str:
    return str(row.try_number) if row.try_number else "-"


def task_label(row: TaskInstanceRow) -> str:
    return row.task_id if row.map_index < 0 else f"{row.task_id} [{row.map_index}]"


# -- keys -------------------------------------------------------------------------------------


def task_key(row: TaskInstanceRow) -> str:
    """One row per task instance (a new try replaces the old on the same row)."""
    return f"{row.dag_id}\x00{row.run_id}\x00{row.task_id}\x00{row.map_index}"


def run_key(row: DagRunRow) -> str:
    return f"{row.dag_id}\x00{row.run_id}"


def import_error_key(row: ImportErrorRow) -> str:
    return row.filename


def pool_key(row: PoolRow) -> str:
    return row.name


def listed_runs(snapshot: AirflowSnapshot) -> list[DagRunRow]:
    """Failed runs (newest first), then running, then queued: each run once."""
    seen: set[str] = set()
    out = []
    for run in (*snapshot.failed_runs, *snapshot.active_runs):
        key = run_key(run)
        if key not in seen:
            seen.add(key)
            out.append(run)
    return out


# -- a failed task's log ----------------------------------------------------------------------


def attempt_of(row: TaskInstanceRow) -> TaskAttempt | None:
    """The task-log viewer's attempt for a task instance; None when it never ran (no try,
    e.g. upstream_failed), so it has no log stream."""
    if not row.stream:
        return None
    return TaskAttempt(
        stream=row.stream,
        dag_id=row.dag_id,
        run_id=row.run_id,
        task_id=row.task_id,
        attempt=row.try_number,
        map_index=row.map_index if row.map_index >= 0 else None,
        first_ms=int(row.start * 1000) if row.start is not None else 0,
        last_ms=int(row.end * 1000) if row.end is not None else 0,
        has_errors=row.state in ("failed", "up_for_retry"),
    )


# -- pools ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PoolBar:
    """A small bar of a pool's slots, in cells: running, queued (waiting for a slot) and
    free; `over` is how many tasks more than its slots the pool holds."""

    running: int
    queued: int
    free: int
    over: int = 0
    unlimited: bool = False


def pool_bar(pool: PoolRow, width: int = 10) -> PoolBar:
    """Running and queued tasks as shares of the slots, `width` cells in all; a non-zero
    count gets a cell at least."""
    if pool.slots < 0:
        return PoolBar(0, 0, 0, unlimited=True)
    if pool.slots == 0:
        return PoolBar(0, 0, width)
    running = min(width, round(width * pool.running / pool.slots))
    if pool.running and not running:
        running = 1
    queued = min(width - running, round(width * pool.queued / pool.slots))
    if pool.queued and not queued and running < width:
        queued = 1
    over = max(0, pool.running + pool.queued - pool.slots)
    return PoolBar(running, queued, width - running - queued, over)


def slots_line(pool: PoolRow) -> str:
    """`3 running · 4 queued · 0 open`."""
    return f"{pool.running} running · {pool.queued} queued · {pool.open} open"


# -- health -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ComponentLine:
    """One component's health for the header and the pane."""

    component: str
    label: str
    short: str
    status: str
    """healthy or unhealthy (components Airflow does not report are left out)."""
    age: str
    """The last heartbeat's age when Airflow was asked (`4s`, `2m`), or ""."""

    @property
    def unhealthy(self) -> bool:
        return self.status != "healthy"


def component_lines(snapshot: AirflowSnapshot | None) -> list[ComponentLine]:
    """Each component Airflow reports a status for, in the health endpoint's order. The age
    is taken at the poll, so it moves with each answer rather than every second."""
    if snapshot is None:
        return []
    return [_line(c, snapshot.fetched_at) for c in snapshot.health if c.status]


def _line(c: ComponentHealth, fetched_at: float) -> ComponentLine:
    age = c.age(fetched_at) if fetched_at else None
    return ComponentLine(
        component=c.component,
        label=COMPONENT_LABELS.get(c.component, c.component),
        short=COMPONENT_SHORT.get(c.component, c.component),
        status=c.status,
        age=relative(age) if age is not None else "",
    )


def unhealthy_lines(snapshot: AirflowSnapshot | None) -> list[ComponentLine]:
    return [c for c in component_lines(snapshot) if c.unhealthy]


# -- what the pane says -----------------------------------------------------------------------


def problem_for(snapshot: AirflowSnapshot, section: str) -> AirflowProblem | None:
    """Airflow's own error for one list (its rows are the previous poll's)."""
    names = RUNS_SECTIONS if section == "failed runs" else (section,)
    return next((p for p in snapshot.problems if p.section in names), None)


def whole_view_problems(snapshot: AirflowSnapshot) -> list[str]:
    """Failures before Airflow answered (denied, private webserver, network): the view as a
    whole is old or empty."""
    return [p.message for p in snapshot.problems if not p.section]


def notes(snapshot: AirflowSnapshot | None) -> list[tuple[str, str]]:
    """The lines above the lists, each with a severity (error, warn, wait): nothing to show
    and why, whole-view failures, and lists cut short."""
    if snapshot is None:
        return [("asking Airflow through InvokeRestApi…", "wait")]
    if not snapshot.available:
        return [(snapshot.note, "warn")]
    out = [(message, "error") for message in whole_view_problems(snapshot)]
    if out and snapshot.fetched_at == 0.0:
        out.append(("nothing read yet; the lists fill once a request succeeds", "wait"))
    if snapshot.truncated:
        out.append((f"cut short: {', '.join(snapshot.truncated)}", "warn"))
    return out


def _count(rows: Iterable[object], label: str) -> str:
    n = sum(1 for _ in rows)
    return f"{n} {label}" if n else ""


def failed_tasks_heading(snapshot: AirflowSnapshot) -> str:
    tasks = snapshot.failed_tasks
    if not tasks:
        return "Failed tasks · 24 h · none"
    parts = [
        _count((t for t in tasks if t.state == state), state)
        for state in ("failed", "up_for_retry", "upstream_failed")
    ]
    return "Failed tasks · 24 h · " + ", ".join(p for p in parts if p)


def runs_heading(snapshot: AirflowSnapshot) -> str:
    failed = len(snapshot.failed_runs)
    head = f"Failed runs · 24 h · {failed or 'none'}"
    return f"{head} │ running {snapshot.running_count} · queued {snapshot.queued_count}"


def import_errors_heading(snapshot: AirflowSnapshot) -> str:
    n = len(snapshot.import_errors)
    return f"Import errors · {n or 'none'}"


def pools_heading(snapshot: AirflowSnapshot) -> str:
    saturated = sum(1 for p in snapshot.pools if p.saturated)
    head = f"Pools · {len(snapshot.pools)}"
    return f"{head} · {saturated} saturated" if saturated else head


def health_summary(snapshot: AirflowSnapshot | None) -> str:
    """The pane's line of component health: `scheduler unhealthy (71s) · triggerer healthy
    (2s) · …`."""
    lines = component_lines(snapshot)
    return " · ".join(f"{c.label} {c.status}" + (f" ({c.age})" if c.age else "") for c in lines)


AIRFLOW_PANE_FROM = (120, 40)
"""The terminal size (columns, rows) from which the main screen shows the Airflow pane
with the others; smaller, `a` opens it fullscreen."""


def airflow_on_screen(width: int, height: int) -> bool:
    return width >= AIRFLOW_PANE_FROM[0] and height >= AIRFLOW_PANE_FROM[1]
