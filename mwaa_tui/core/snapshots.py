"""Immutable snapshots and deltas that pollers emit and the UI draws.

Every string in here has already passed through `sanitize`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from enum import Enum
from typing import Final, TypeAlias

COMPONENTS: tuple[str, ...] = ("DAGProcessing", "Scheduler", "Task", "WebServer", "Worker")
"""The five MWAA log types, in the order the console lists them."""

LOGGING_KEYS: dict[str, str] = {
    "DAGProcessing": "DagProcessingLogs",
    "Scheduler": "SchedulerLogs",
    "Task": "TaskLogs",
    "WebServer": "WebserverLogs",
    "Worker": "WorkerLogs",
}
"""Component name to its key in GetEnvironment's LoggingConfiguration."""


class ErrorKind(Enum):
    """What went wrong with a call, as far as the user needs to act on it."""

    THROTTLED = "throttled"
    DENIED = "denied"
    EXPIRED = "expired credentials"
    NOT_FOUND = "not found"
    NETWORK = "network"
    OTHER = "error"


@dataclass(frozen=True, slots=True)
class ErrorInfo:
    """A failed call, in plain words."""

    kind: ErrorKind
    message: str
    action: str = ""
    """The IAM action that was called, e.g. `logs:FilterLogEvents`."""
    hint: str = ""
    """What the user can do about it, e.g. `aws sso login --profile oncall`."""

    def describe(self) -> str:
        if self.kind is ErrorKind.DENIED:
            return f"access denied: the role lacks {self.action}"
        if self.kind is ErrorKind.THROTTLED:
            return f"throttled on {self.action}; retrying"
        if self.kind is ErrorKind.EXPIRED:
            return f"credentials expired: {self.hint}" if self.hint else "credentials expired"
        if self.kind is ErrorKind.NOT_FOUND:
            return f"not found: {self.message}"
        if self.kind is ErrorKind.NETWORK:
            return f"network: {self.message}"
        return self.message


@dataclass(frozen=True, slots=True)
class SourceHealth:
    """How one poller is doing."""

    source: str
    last_ok: float | None = None
    """Epoch seconds of the last successful poll."""
    error: ErrorInfo | None = None
    """The last error, cleared by a success."""
    failures: int = 0
    """Consecutive failures."""
    interval: float = 0.0
    """The poller's normal interval, to judge staleness."""
    next_attempt: float | None = None
    """Epoch seconds of the next attempt after a failure (None: on the normal interval)."""


@dataclass(frozen=True, slots=True)
class OperationPace:
    """How fast one AWS operation may be called now, against its account quota."""

    operation: str
    rate: float
    """Requests per second the pacer lets through now."""
    quota: float
    """The account quota's requests per second."""
    throttled_share: float = 0.0
    """Share (0..1) of the last minute's attempts that were throttled."""
    attempts: int = 0
    """Attempts in the last minute."""

    @property
    def paced(self) -> bool:
        """True when throttling has pushed the pace below the quota."""
        return self.rate < self.quota * 0.95


@dataclass(frozen=True, slots=True)
class LogConfig:
    """One component's logging settings, from GetEnvironment."""

    component: str
    enabled: bool
    level: str
    group_arn: str = ""
    group_name: str = ""
    """The group name, taken from the ARN with the trailing `:*` stripped."""


@dataclass(frozen=True, slots=True)
class LastUpdate:
    status: str = ""
    created_at: float | None = None
    source: str = ""
    error_code: str = ""
    error_message: str = ""


@dataclass(frozen=True, slots=True)
class EnvironmentSnapshot:
    """GetEnvironment, reduced to what the monitor shows."""

    name: str
    status: str
    arn: str = ""
    airflow_version: str = ""
    environment_class: str = ""
    min_workers: int | None = None
    max_workers: int | None = None
    schedulers: int | None = None
    webserver_url: str = ""
    created_at: float | None = None
    logging: tuple[LogConfig, ...] = ()
    last_update: LastUpdate | None = None

    def log_config(self, component: str) -> LogConfig | None:
        for cfg in self.logging:
            if cfg.component == component:
                return cfg
        return None


@dataclass(frozen=True, slots=True)
class LogEvent:
    """One log event from one component."""

    component: str
    timestamp: int
    """Event time, epoch milliseconds."""
    message: str
    stream: str = ""
    event_id: str = ""
    ingestion_time: int = 0
    level: str | None = None
    late: bool = False
    """Arrived after newer events had been shown already."""

    def row(self) -> LogRow:
        return (
            self.component,
            self.timestamp,
            self.message,
            self.stream,
            self.event_id,
            self.ingestion_time,
            self.level,
            self.late,
        )

    @classmethod
    def from_row(cls, row: LogRow) -> LogEvent:
        return cls(*row)


LogRow = tuple[str, int, str, str, str, int, str | None, bool]
"""A `LogEvent` as a plain tuple, in field order: what log views keep. The garbage
collector stops tracking tuples of strings and numbers, so tens of thousands of kept
lines do not make every full collection longer (it paused a busy tail for 100 ms). A
NamedTuple would keep its fields by name but stays tracked: a full collection over
100,000 of them took 8.7 ms against 1.6 ms for plain tuples."""

# Where each field sits in a `LogRow`: `row[ROW_TIME]` is the event's epoch ms.
ROW_COMPONENT: Final = 0
ROW_TIME: Final = 1
ROW_MESSAGE: Final = 2
ROW_STREAM: Final = 3
ROW_EVENT_ID: Final = 4
ROW_INGESTED: Final = 5
ROW_LEVEL: Final = 6
ROW_LATE: Final = 7


@dataclass(frozen=True, slots=True)
class QueryProgress:
    """Where a Logs Insights query stands, and its rows once it completes."""

    status: str
    """Scheduled, Running, Complete, Failed, Cancelled, Timeout or Unknown."""
    records_matched: int = 0
    records_scanned: int = 0
    bytes_scanned: int = 0
    events: tuple[LogEvent, ...] = ()

    @property
    def done(self) -> bool:
        return self.status not in ("Scheduled", "Running")


@dataclass(frozen=True, slots=True)
class LogBatch:
    """New events for one component, oldest first."""

    component: str
    events: tuple[LogEvent, ...]
    polled_to: int = 0
    """Epoch ms up to which the group has been read (the poll's start time)."""
    redacted: bool = field(default=False, compare=False)
    """Its messages went through `redact` where they were made (a `LogPoller` of a session
    that masks secrets): a recording checks them but need not redact them again."""


@dataclass(frozen=True, slots=True)
class TaskLogBatch:
    """More of one task attempt's log, oldest first."""

    stream: str
    events: tuple[LogEvent, ...]
    finished: bool = False
    """Airflow logged the attempt's final state: nothing more will come."""


@dataclass(frozen=True, slots=True)
class MetricSeries:
    """One sparkline's worth of data, oldest point first."""

    key: str
    label: str
    namespace: str
    metric: str
    stat: str
    unit: str
    dimensions: tuple[tuple[str, str], ...]
    timestamps: tuple[float, ...] = ()
    values: tuple[float, ...] = ()
    group: str = ""

    @property
    def latest(self) -> float | None:
        return self.values[-1] if self.values else None


@dataclass(frozen=True, slots=True)
class MetricsSnapshot:
    series: tuple[MetricSeries, ...]
    period: int
    start: float
    end: float


@dataclass(frozen=True, slots=True)
class Alarm:
    """One CloudWatch alarm that belongs to the environment."""

    name: str
    state: str
    reason: str
    updated: float | None
    kind: str = "MetricAlarm"
    namespace: str = ""
    metric: str = ""
    dimensions: tuple[tuple[str, str], ...] = ()
    statistic: str = ""
    comparison: str = ""
    threshold: float | None = None
    period: int | None = None
    rule: str = ""


@dataclass(frozen=True, slots=True)
class AlarmsSnapshot:
    alarms: tuple[Alarm, ...]


@dataclass(frozen=True, slots=True)
class TrailEvent:
    """One CloudTrail management event."""

    event_id: str
    time: float
    name: str
    user: str
    source_ip: str = ""
    user_agent: str = ""
    read_only: bool | None = None
    error_code: str = ""
    error_message: str = ""
    resource: str = ""
    requested_name: str = ""
    """requestParameters.Name: the environment a call was about, even when it failed."""
    raw: str = ""
    """The CloudTrailEvent JSON, pretty-printed and sanitised (or raw if unparsable)."""
    parsed: bool = True


@dataclass(frozen=True, slots=True)
class TrailBatch:
    """CloudTrail events not seen before, newest first."""

    events: tuple[TrailEvent, ...]
    older: bool = False
    """Paged back on request, rather than new."""
    exhausted: bool = False
    """No older events are left (CloudTrail keeps 90 days)."""


@dataclass(frozen=True, slots=True)
class HealthUpdate:
    health: SourceHealth


@dataclass(frozen=True, slots=True)
class CallRecord:
    """One AWS call as the client layer saw it."""

    service: str
    operation: str
    outcome: str
    latency: float
    at: float
    units: int = 1
    """What the call is billed by: metrics requested for GetMetricData, else 1."""


@dataclass(frozen=True, slots=True)
class CallSummary:
    """Calls in the last minute, for the status line."""

    per_minute: int = 0
    errors: int = 0
    throttled: int = 0
    denied: int = 0
    by_operation: tuple[tuple[str, int], ...] = field(default_factory=tuple)
    total: int = 0
    median_latency_ms: float | None = None
    metrics_per_hour: float = 0.0
    usd_per_hour: float | None = None
    """None until a few minutes of calls allow an estimate."""


@dataclass(frozen=True, slots=True)
class DagRunRow:
    """One DAG run from Airflow's REST API."""

    dag_id: str
    run_id: str
    state: str
    start: float | None = None
    end: float | None = None
    duration: float | None = None
    """Seconds (given by API v2, computed from start and end for v1)."""
    logical_date: float | None = None
    """`logical_date` (v2) or `execution_date` (v1); None for runs without one."""
    run_type: str = ""


@dataclass(frozen=True, slots=True)
class TaskInstanceRow:
    """One task instance from Airflow's REST API, with its attempt's log stream."""

    dag_id: str
    task_id: str
    run_id: str
    state: str
    try_number: int
    map_index: int = -1
    operator: str = ""
    start: float | None = None
    end: float | None = None
    duration: float | None = None
    stream: str = ""
    """The Task-group stream of attempt `try_number` ("" when it never ran)."""

    @property
    def dimmed(self) -> bool:
        """upstream_failed: it never ran, another task failed."""
        return self.state == "upstream_failed"


@dataclass(frozen=True, slots=True)
class ImportErrorRow:
    """A DAG file that does not import."""

    filename: str
    last_line: str
    """The stack trace's last non-blank line: usually the exception."""
    stack_trace: str
    """The whole trace, sanitised (newlines kept) and redacted."""
    timestamp: float | None = None


@dataclass(frozen=True, slots=True)
class PoolRow:
    name: str
    slots: int
    """-1 for unlimited."""
    running: int = 0
    queued: int = 0
    open: int = 0
    occupied: int = 0
    scheduled: int = 0
    deferred: int = 0

    @property
    def saturated(self) -> bool:
        """Tasks wait for a slot and none is open."""
        return self.queued > 0 and self.open <= 0 and self.slots != -1

    @property
    def used_share(self) -> float:
        """Running plus queued over slots (above 1 when tasks wait), for a small bar."""
        if self.slots <= 0:
            return 0.0
        return (self.running + self.queued) / self.slots


@dataclass(frozen=True, slots=True)
class ComponentHealth:
    """One Airflow component from the health endpoint."""

    component: str
    """metadatabase, scheduler, triggerer or dag_processor."""
    status: str
    """healthy, unhealthy, or "" when Airflow does not say (no standalone DAG processor)."""
    heartbeat: float | None = None
    """Epoch seconds of its latest heartbeat (the metadatabase has none)."""

    @property
    def healthy(self) -> bool:
        return self.status == "healthy"

    def age(self, now: float) -> float | None:
        """Seconds since the latest heartbeat, at `now`."""
        return None if self.heartbeat is None else max(0.0, now - self.heartbeat)


@dataclass(frozen=True, slots=True)
class AirflowProblem:
    """Why one part of Airflow's view is missing or old, in plain words."""

    section: str
    """Which list ("failed runs", "pools", ...), or "" for the whole view."""
    message: str
    status: int | None = None
    """Airflow's HTTP status (RestApiStatusCode) when Airflow itself answered."""


@dataclass(frozen=True, slots=True)
class AirflowSnapshot:
    """Airflow's own view of the environment, through InvokeRestApi.

    A list whose request failed keeps the previous poll's rows, and `problems` says why."""

    airflow_version: str
    api: str = ""
    """`v1` (Airflow 2) or `v2` (Airflow 3); "" when InvokeRestApi is not available."""
    available: bool = True
    note: str = ""
    """Why there is nothing to show (a version below 2.4.3), for the pane."""
    fetched_at: float = 0.0
    failed_runs: tuple[DagRunRow, ...] = ()
    """Failed runs of the last 24 h, newest first."""
    active_runs: tuple[DagRunRow, ...] = ()
    """Running, then queued runs."""
    running_count: int = 0
    queued_count: int = 0
    failed_tasks: tuple[TaskInstanceRow, ...] = ()
    """failed, up_for_retry and upstream_failed instances of the last 24 h, newest first."""
    import_errors: tuple[ImportErrorRow, ...] = ()
    pools: tuple[PoolRow, ...] = ()
    health: tuple[ComponentHealth, ...] = ()
    problems: tuple[AirflowProblem, ...] = ()
    requests: int = 0
    """InvokeRestApi requests this poll sent."""
    truncated: tuple[str, ...] = ()
    """Lists cut short by the page cap or the request budget."""

    @property
    def unhealthy(self) -> tuple[ComponentHealth, ...]:
        return tuple(c for c in self.health if c.status == "unhealthy")


@dataclass(frozen=True, slots=True)
class CallBatch:
    """The monitor's own recorded AWS calls, emitted by a replay (live, they stay in the
    client layer's `CallStats`)."""

    records: tuple[CallRecord, ...]


@dataclass(frozen=True, slots=True)
class ReplayReset:
    """Emitted by a replay before the state at `at`: forget what is shown, it follows."""

    at: float


# fmt: off
Update: TypeAlias = (
    EnvironmentSnapshot
    | LogBatch
    | MetricsSnapshot
    | AlarmsSnapshot
    | TrailBatch
    | HealthUpdate
    | TaskLogBatch
    | QueryProgress
    | AirflowSnapshot
    | CallBatch
    | ReplayReset
)
# fmt: on
"""Everything a poller (or a replay, standing where the pollers stand) emits, one kind a
line. A new kind is defined above and added here; mypy then names each `match` over
updates that does not handle it yet (ui/app.py, plain.py)."""

Emit: TypeAlias = Callable[[Update], None]
"""How a poller hands over what it fetched."""
