"""Task-log streams: which DAG, run, task and attempt a stream holds, and a tree of them.

MWAA writes one stream per task attempt in the Task group, named by Airflow's
`log_filename_template` with colons turned into underscores:
- Airflow 2.3 and later, and Airflow 3: `dag_id=D/run_id=R/task_id=T/[map_index=M/]attempt=N.log`;
- Airflow 2.2 and earlier: `D/T/EXECUTION_DATE/N.log`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

_MODERN = re.compile(
    r"^dag_id=(?P<dag>[^/]+)/run_id=(?P<run>[^/]+)/task_id=(?P<task>[^/]+)/"
    r"(?:map_index=(?P<map>-?\d+)/)?attempt=(?P<attempt>\d+)\.log$"
)
_LEGACY = re.compile(r"^(?P<dag>[^/=]+)/(?P<task>[^/=]+)/(?P<run>[^/=]+)/(?P<attempt>\d+)\.log$")
_FINISHED = re.compile(
    r"Marking task as (?:SUCCESS|FAILED|UP_FOR_RETRY|SKIPPED|UPSTREAM_FAILED)"
    r"|Task exited with return code"
)


@dataclass(frozen=True, slots=True)
class TaskAttempt:
    """One attempt of one task instance, and the stream that holds its log."""

    stream: str
    dag_id: str
    run_id: str
    task_id: str
    attempt: int
    map_index: int | None = None
    first_ms: int = 0
    last_ms: int = 0
    has_errors: bool = False
    """ERROR or CRITICAL lines were found in it: shown as failed, unless retried."""
    retried: bool = False
    """Airflow marked it UP_FOR_RETRY: it failed and the task is tried again."""

    @property
    def task_label(self) -> str:
        return self.task_id if self.map_index is None else f"{self.task_id} [{self.map_index}]"


def task_log_stream(
    dag_id: str,
    run_id: str,
    task_id: str,
    try_number: int,
    map_index: int = -1,
    *,
    airflow_version: str = "",
    logical_date: float | None = None,
) -> str:
    """The Task-group stream of one attempt, as Airflow's CloudWatch handler names it: its
    `log_filename_template` with every `:` written as `_` (stream names cannot hold `:`).

    Airflow 2.3 and later, and Airflow 3, share one layout, with `map_index=M/` for a mapped
    instance; 2.2 and earlier used the logical date. "" when the attempt never ran (try 0,
    e.g. upstream_failed) or the old layout lacks its date."""
    if try_number < 1:
        return ""
    if _LEGACY_VERSION.match(airflow_version):
        if logical_date is None:
            return ""
        ts = datetime.fromtimestamp(logical_date, UTC).isoformat()
        return f"{dag_id}/{task_id}/{ts}/{try_number}.log".replace(":", "_")
    mapped = f"map_index={map_index}/" if map_index >= 0 else ""
    name = f"dag_id={dag_id}/run_id={run_id}/task_id={task_id}/{mapped}attempt={try_number}.log"
    return name.replace(":", "_")


_LEGACY_VERSION = re.compile(r"^\s*v?(?:1\.|2\.[0-2](?:\.|$))")
"""Airflow versions whose task logs used `D/T/EXECUTION_DATE/N.log`."""


def parse_stream(name: str) -> TaskAttempt | None:
    """The attempt a Task-group stream holds, or None for any other stream."""
    m = _MODERN.match(name) or _LEGACY.match(name)
    if m is None:
        return None
    parts = m.groupdict()
    mapped = parts.get("map")
    return TaskAttempt(
        stream=name,
        dag_id=parts["dag"],
        run_id=parts["run"],
        task_id=parts["task"],
        attempt=int(parts["attempt"]),
        map_index=int(mapped) if mapped is not None else None,
    )


TaskTree = dict[str, dict[str, dict[str, list[TaskAttempt]]]]
"""DAG → run → task (with map index) → attempts."""


def build_tree(attempts: Iterable[TaskAttempt]) -> TaskTree:
    """DAGs by name; runs, tasks and attempts newest first (by their last event)."""
    tree: TaskTree = {}
    for a in attempts:
        runs = tree.setdefault(a.dag_id, {})
        runs.setdefault(a.run_id, {}).setdefault(a.task_label, []).append(a)

    def newest(items: Iterable[TaskAttempt]) -> int:
        return max((a.last_ms for a in items), default=0)

    out: TaskTree = {}
    for dag in sorted(tree):
        runs = tree[dag]
        ordered_runs = sorted(
            runs, key=lambda r: (newest(a for t in runs[r].values() for a in t), r), reverse=True
        )
        out[dag] = {}
        for run in ordered_runs:
            tasks = runs[run]
            out[dag][run] = {
                task: sorted(tasks[task], key=lambda a: a.attempt, reverse=True)
                for task in sorted(tasks, key=lambda t: (-newest(tasks[t]), t))
            }
    return out


def failed(attempts: Iterable[TaskAttempt]) -> int:
    """Attempts with ERROR lines that were not retried."""
    return sum(1 for a in attempts if a.has_errors and not a.retried)


def retried(attempts: Iterable[TaskAttempt]) -> int:
    """Attempts Airflow marked UP_FOR_RETRY."""
    return sum(1 for a in attempts if a.retried)


def attempt_state(a: TaskAttempt) -> str:
    """How the task tree labels an attempt's outcome: `up for retry`, `ERROR lines` or ""."""
    if a.retried:
        return "up for retry"
    return "ERROR lines" if a.has_errors else ""


def attempt_finished(messages: Iterable[str]) -> bool:
    """Whether an attempt's log shows it ended (Airflow logs its final state)."""
    return any(_FINISHED.search(m) for m in messages)
