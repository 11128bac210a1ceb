"""The metrics that matter for MWAA, and matching them against ListMetrics.

Discovery wins over the catalogue: a panel exists only when ListMetrics finds
its metric for the environment, and per-DAG/operator/pool/cluster series are
found, not assumed.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from mwaa_tui.core.sanitize import sanitize

MWAA = "AmazonMWAA"
AWS_MWAA = "AWS/MWAA"


@dataclass(frozen=True, slots=True)
class Panel:
    group: str
    label: str
    namespace: str
    metric: str
    stat: str
    unit: str
    dims: frozenset[str] = frozenset()
    """Dimension names besides `Environment`, matched exactly."""
    fixed: tuple[tuple[str, str], ...] = ()
    """Dimension values a series must carry, e.g. Function=Scheduler."""
    bad: str = "high"
    """Which direction is trouble: "high", "low" or "" for neither."""


def _p(
    group: str,
    label: str,
    ns: str,
    metric: str,
    stat: str,
    unit: str,
    dims: Iterable[str] = (),
    fixed: Mapping[str, str] | None = None,
    bad: str = "high",
) -> Panel:
    fixed = dict(fixed or {})
    return Panel(
        group,
        label,
        ns,
        metric,
        stat,
        unit,
        frozenset(dims) | frozenset(fixed),
        tuple(sorted(fixed.items())),
        bad,
    )


SCHED = {"Function": "Scheduler"}
DAGP = {"Function": "DAG Processing"}
EXEC = {"Function": "Executor"}

CATALOGUE: tuple[Panel, ...] = (
    _p(
        "Scheduler", "Heartbeat", MWAA, "SchedulerHeartbeat", "Sum", "Count", fixed=SCHED, bad="low"
    ),
    _p("Scheduler", "Loop", MWAA, "SchedulerLoopDuration", "Average", "ms", fixed=SCHED),
    _p("Scheduler", "Starving", MWAA, "TasksStarving", "Maximum", "Count", fixed=SCHED),
    _p("Scheduler", "Executable", MWAA, "TasksExecutable", "Maximum", "Count", fixed=SCHED),
    _p("DAG processing", "Parse time", MWAA, "TotalParseTime", "Average", "s", fixed=DAGP),
    _p("DAG processing", "DagBag", MWAA, "DagBagSize", "Maximum", "Count", fixed=DAGP, bad=""),
    _p("DAG processing", "Import errors", MWAA, "ImportErrors", "Maximum", "Count", fixed=DAGP),
    _p(
        "DAG processing",
        "Parse",
        MWAA,
        "DAGFileProcessingLastDuration",
        "Average",
        "s",
        dims=("DAG Filename",),
    ),
    _p("DAG processing", "Refresh errors", MWAA, "DAGFileRefreshError", "Sum", "Count", fixed=DAGP),
    _p("Executor", "Queued", MWAA, "QueuedTasks", "Maximum", "Count", fixed=EXEC),
    _p("Executor", "Running", MWAA, "RunningTasks", "Maximum", "Count", fixed=EXEC, bad=""),
    _p("Executor", "Open slots", MWAA, "OpenSlots", "Minimum", "Count", fixed=EXEC, bad="low"),
    _p("Executor", "Oldest task", AWS_MWAA, "ApproximateAgeOfOldestTask", "Maximum", "s"),
    _p("Tasks", "Failures", MWAA, "TaskInstanceFailures", "Sum", "Count", dims=("DAG", "Task")),
    _p(
        "Tasks",
        "Successes",
        MWAA,
        "TaskInstanceSuccesses",
        "Sum",
        "Count",
        dims=("DAG", "Task"),
        bad="",
    ),
    _p("Tasks", "OpFail", MWAA, "OperatorFailures", "Sum", "Count", dims=("Operator",)),
    _p("Tasks", "OpOK", MWAA, "OperatorSuccesses", "Sum", "Count", dims=("Operator",), bad=""),
    _p("Tasks", "Zombies", MWAA, "ZombiesKilled", "Sum", "Count", dims=("DAG", "Task")),
    _p("Containers", "CPU", AWS_MWAA, "CPUUtilization", "Average", "%", dims=("Cluster",)),
    # One CPU sample per container and minute: the sample count is the container count.
    _p(
        "Containers",
        "Count",
        AWS_MWAA,
        "CPUUtilization",
        "SampleCount",
        "Count",
        dims=("Cluster",),
        bad="",
    ),
    _p("Containers", "Memory", AWS_MWAA, "MemoryUtilization", "Average", "%", dims=("Cluster",)),
    _p("Database", "DB CPU", AWS_MWAA, "CPUUtilization", "Average", "%", dims=("DatabaseRole",)),
    _p(
        "Database",
        "DB conns",
        AWS_MWAA,
        "DatabaseConnections",
        "Average",
        "Count",
        dims=("DatabaseRole",),
    ),
    _p(
        "Database",
        "DB free mem",
        AWS_MWAA,
        "FreeableMemory",
        "Minimum",
        "Bytes",
        dims=("DatabaseRole",),
        bad="low",
    ),
    _p("Pools", "Pool run", MWAA, "PoolRunningSlots", "Maximum", "Count", dims=("Pool",), bad=""),
    _p("Pools", "Pool queued", MWAA, "PoolQueuedSlots", "Maximum", "Count", dims=("Pool",)),
    _p("Pools", "Pool starve", MWAA, "PoolStarvingTasks", "Maximum", "Count", dims=("Pool",)),
)
GROUP_ORDER = {g: i for i, g in enumerate([*dict.fromkeys(p.group for p in CATALOGUE), "Yours"])}


@dataclass(frozen=True, slots=True)
class DiscoveredSeries:
    """A catalogue panel bound to one concrete series found by ListMetrics."""

    key: str
    label: str
    panel: Panel
    dimensions: tuple[tuple[str, str], ...]


def match_metrics(listed: Iterable[Mapping[str, Any]], environment: str) -> list[DiscoveredSeries]:
    """Bind ListMetrics results to catalogue panels; duplicates are dropped."""
    found: dict[str, DiscoveredSeries] = {}
    for m in listed:
        ns = m.get("Namespace", "")
        name = m.get("MetricName", "")
        dims = {d.get("Name", ""): d.get("Value", "") for d in m.get("Dimensions") or ()}
        if dims.get("Environment") != environment:
            continue
        others = frozenset(dims) - {"Environment"}
        for panel in CATALOGUE:
            if panel.namespace != ns or panel.metric != name or panel.dims != others:
                continue
            if any(dims.get(k) != v for k, v in panel.fixed):
                continue
            fixed_names = {k for k, _ in panel.fixed}
            variable = [sanitize(dims[k]) for k in sorted(others - fixed_names)]
            variable = [v for v in variable if v != "All"]
            label = " ".join([panel.label, *variable])
            dimensions = tuple(sorted(dims.items()))
            key = f"{ns}|{name}|{panel.stat}|" + "|".join(f"{k}={v}" for k, v in dimensions)
            found.setdefault(key, DiscoveredSeries(key, label, panel, dimensions))
    return sorted(found.values(), key=lambda s: (GROUP_ORDER[s.panel.group], s.label))


def format_value(value: float | None, unit: str) -> str:
    """A short human value: `42.1%`, `3.2s`, `1.5 GiB`, `7`."""
    if value is None:
        return "–"
    if unit == "Bytes":
        size = float(value)
        for suffix in ("B", "KiB", "MiB", "GiB", "TiB"):
            if abs(size) < 1024 or suffix == "TiB":
                return f"{size:.0f} {suffix}" if suffix == "B" else f"{size:.1f} {suffix}"
            size /= 1024
    if unit == "ms" and abs(value) >= 1000:
        value, unit = value / 1000, "s"
    if abs(value) >= 10_000:
        return f"{value / 1000:.1f}k{unit if unit in ('%', 's', 'ms') else ''}"
    text = f"{value:.0f}" if float(value).is_integer() else f"{value:.3g}"
    if unit in ("%", "s", "ms"):
        return f"{text}{unit}"
    return text


def choose_period(range_seconds: int, points: int = 60) -> int:
    """A period (a multiple of 60) that gives about `points` points over the range."""
    raw = max(60, range_seconds // max(1, points))
    for step in (60, 300, 900, 1800, 3600, 10800, 21600, 86400):
        if raw <= step:
            return step
    return 86400
