"""Airflow's own state through MWAA's InvokeRestApi: what may be asked, and what comes back.

- Versions: InvokeRestApi exists from Airflow 2.4.3; MWAA routes a `Path` to `/api/v1` on
  Airflow 2 and to `/api/v2` on Airflow 3, whose shapes differ (`logical_date`, health at
  `/monitor/health`).
- The read-endpoint allowlist: the only requests the client layer lets through are `GET`s
  of these paths, at most 64 characters long (the service's limit).
- Parsers for both API versions into the frozen rows of `snapshots.py`, every string
  sanitised on the way in.
- Failures in plain words: denied (which action, on which role ARN), a private webserver
  reached from outside its VPC, and Airflow's own 4xx/5xx with their status.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any

from mwaa_tui.core.redact import redact
from mwaa_tui.core.sanitize import sanitize
from mwaa_tui.core.snapshots import (
    AirflowProblem,
    ComponentHealth,
    DagRunRow,
    ErrorInfo,
    ErrorKind,
    ImportErrorRow,
    PoolRow,
    TaskInstanceRow,
)
from mwaa_tui.core.tasklogs import task_log_stream

MIN_VERSION = (2, 4, 3)
"""The first Airflow version MWAA's InvokeRestApi serves."""
MAX_PATH = 64
"""InvokeRestApi's limit on `Path` (the service answers ValidationException beyond it)."""
ACTION = "airflow:InvokeRestApi"

_SEGMENT = r"(?!\.{1,2}(?:/|$))[A-Za-z0-9._~:+-]+"
"""One path segment: a DAG id, a run id, `~`; never `.` or `..`, never `/`, `%` or `?`."""

READ_ENDPOINTS: tuple[tuple[str, str], ...] = (
    ("DAGs", "/dags"),
    ("DAGs", "/dags/{dag_id}"),
    ("DAG runs", "/dags/{dag_id}/dagRuns"),
    ("DAG runs", "/dags/{dag_id}/dagRuns/{dag_run_id}"),
    ("task instances", "/dags/{dag_id}/dagRuns/{dag_run_id}/taskInstances"),
    ("task instances", "/dags/{dag_id}/dagRuns/{dag_run_id}/taskInstances/{task_id}"),
    ("import errors", "/importErrors"),
    ("import errors", "/importErrors/{import_error_id}"),
    ("pools", "/pools"),
    ("pools", "/pools/{pool_name}"),
    ("health", "/health"),
    ("health", "/monitor/health"),
    ("version", "/version"),
)
"""What mwaa-tui may read through InvokeRestApi: (what, path template). `{...}` is one
segment; `~` (every DAG, every run) is a segment too."""

_READ_PATHS = tuple(
    re.compile("^" + re.sub(r"\{[a-z_]+\}", _SEGMENT, template) + "$")
    for _, template in READ_ENDPOINTS
)


def rest_api_refusal(params: Mapping[str, Any]) -> str | None:
    """Why an InvokeRestApi request is not a read mwaa-tui allows, or None if it is.

    Only `Method="GET"`, a `Path` on `READ_ENDPOINTS` of at most 64 characters, no `Body`,
    and query parameters that are plain values (or lists of them)."""
    method = params.get("Method")
    path = params.get("Path")
    if method != "GET":
        return f"only GET is allowed, not {sanitize(method)!r}"
    if not isinstance(path, str) or not path:
        return "a Path is required"
    if len(path) > MAX_PATH:
        return f"the Path has {len(path)} characters; InvokeRestApi takes at most {MAX_PATH}"
    if not any(p.match(path) for p in _READ_PATHS):
        return f"{sanitize(path)!r} is not one of the read endpoints mwaa-tui uses"
    if params.get("Body"):
        return "a GET carries no Body"
    query = params.get("QueryParameters")
    if query is not None:
        if not isinstance(query, Mapping):
            return "QueryParameters must be an object"
        for key, value in query.items():
            values = value if isinstance(value, list | tuple) else [value]
            if not isinstance(key, str) or not all(_plain(v) for v in values):
                return f"query parameter {sanitize(key)!r} is not a plain value"
    return None


def _plain(value: object) -> bool:
    return isinstance(value, str | int | float | bool) or value is None


# -- versions ---------------------------------------------------------------------------------


def parse_version(text: str) -> tuple[int, ...] | None:
    """`2.10.3` -> (2, 10, 3); None when it does not start with a version number."""
    m = re.match(r"^\s*v?(\d+)\.(\d+)(?:\.(\d+))?", text or "")
    if m is None:
        return None
    return tuple(int(g) for g in m.groups() if g is not None)


def airflow_version(text: str) -> str:
    """A `--airflow-version` value, e.g. `2.10.3` or `3.0.6`; ValueError otherwise."""
    if not re.fullmatch(r"\d+\.\d+\.\d+", text.strip()):
        raise ValueError(f"{text!r}: use a version such as 2.10.3 or 3.0.6")
    return text.strip()


def rest_api_available(version: str) -> bool:
    """Whether InvokeRestApi serves this Airflow version (an unreadable one is tried)."""
    parsed = parse_version(version)
    return parsed is None or parsed >= MIN_VERSION


def unavailable_note(version: str) -> str:
    return (
        f"InvokeRestApi is not available for Airflow {sanitize(version)}: it needs "
        f"{'.'.join(map(str, MIN_VERSION))} or later, so Airflow's own view cannot be shown"
    )


def is_airflow3(version: str) -> bool:
    parsed = parse_version(version)
    return parsed is not None and parsed[0] >= 3


def api_version(version: str) -> str:
    """`v2` for Airflow 3, `v1` for Airflow 2 (and for a version that cannot be read)."""
    return "v2" if is_airflow3(version) else "v1"


def health_path(version: str) -> str:
    return "/monitor/health" if is_airflow3(version) else "/health"


def task_order_supported(version: str) -> bool:
    """`order_by` on task-instance lists came with Airflow 2.10 (and API v2); older v1
    servers refuse parameters they do not know."""
    parsed = parse_version(version)
    return parsed is None or parsed >= (2, 10)


def viewer_role_arn(environment_arn: str, environment: str) -> str:
    """`arn:aws:airflow:REGION:ACCOUNT:role/ENV/Viewer`: what `airflow:InvokeRestApi` is
    granted on for read-only access, from the environment's ARN."""
    parts = environment_arn.split(":")
    if len(parts) >= 6 and parts[0] == "arn" and parts[2] == "airflow":
        partition, region, account = parts[1] or "aws", parts[3] or "REGION", parts[4]
    else:
        partition, region, account = "aws", "REGION", ""
    return f"arn:{partition}:airflow:{region}:{account or 'ACCOUNT'}:role/{environment}/Viewer"


# -- parsing ----------------------------------------------------------------------------------


def parse_time(value: object) -> float | None:
    """Epoch seconds from Airflow's ISO 8601 (`...+00:00` in v1, `...Z` in v2)."""
    if not isinstance(value, str) or not value:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    if parsed.tzinfo is None:
        return None  # Airflow always sends an offset; a naive time is not to be guessed
    return parsed.timestamp()


def iso(epoch: float) -> str:
    """A UTC timestamp both API versions accept in a query (`Z`: no `+` to escape)."""
    return datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _text(value: object) -> str:
    return sanitize(value) if value is not None else ""


def _int(value: object, default: int = 0) -> int:
    if isinstance(value, bool):
        return default
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return default


def _duration(raw: Mapping[str, Any], start: float | None, end: float | None) -> float | None:
    given = raw.get("duration")
    if isinstance(given, int | float) and not isinstance(given, bool):
        return float(given)
    return end - start if start is not None and end is not None else None


def _items(payload: object, key: str) -> list[Mapping[str, Any]]:
    items = payload.get(key) if isinstance(payload, Mapping) else None
    return [i for i in items if isinstance(i, Mapping)] if isinstance(items, list) else []


def total_entries(payload: object) -> int | None:
    value = payload.get("total_entries") if isinstance(payload, Mapping) else None
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def parse_dag_runs(payload: object) -> list[DagRunRow]:
    """`{"dag_runs": [...]}` from either API version."""
    rows = []
    for raw in _items(payload, "dag_runs"):
        start, end = parse_time(raw.get("start_date")), parse_time(raw.get("end_date"))
        rows.append(
            DagRunRow(
                dag_id=_text(raw.get("dag_id")),
                run_id=_text(raw.get("dag_run_id") or raw.get("run_id")),
                state=_text(raw.get("state")),
                start=start,
                end=end,
                duration=_duration(raw, start, end),
                logical_date=parse_time(raw.get("logical_date") or raw.get("execution_date")),
                run_type=_text(raw.get("run_type")),
            )
        )
    return rows


def parse_task_instances(payload: object, version: str) -> list[TaskInstanceRow]:
    """`{"task_instances": [...]}`, each with the name of its attempt's log stream."""
    rows = []
    for raw in _items(payload, "task_instances"):
        start, end = parse_time(raw.get("start_date")), parse_time(raw.get("end_date"))
        dag_id = _text(raw.get("dag_id"))
        run_id = _text(raw.get("dag_run_id") or raw.get("run_id"))
        task_id = _text(raw.get("task_id"))
        try_number = _int(raw.get("try_number"))
        map_index = _int(raw.get("map_index"), -1)
        logical = parse_time(raw.get("logical_date") or raw.get("execution_date"))
        rows.append(
            TaskInstanceRow(
                dag_id=dag_id,
                task_id=task_id,
                run_id=run_id,
                state=_text(raw.get("state")),
                try_number=try_number,
                map_index=map_index,
                operator=_text(raw.get("operator")),
                start=start,
                end=end,
                duration=_duration(raw, start, end),
                stream=task_log_stream(
                    dag_id,
                    run_id,
                    task_id,
                    try_number,
                    map_index,
                    airflow_version=version,
                    logical_date=logical,
                ),
            )
        )
    return rows


def newest_first(rows: Iterable[TaskInstanceRow]) -> list[TaskInstanceRow]:
    """Newest first by when the instance last moved (end, else start), without duplicates."""
    seen: set[tuple[str, str, str, int]] = set()
    unique = []
    for row in rows:
        key = (row.dag_id, row.run_id, row.task_id, row.map_index)
        if key not in seen:
            seen.add(key)
            unique.append(row)
    return sorted(unique, key=lambda r: r.end or r.start or 0.0, reverse=True)


def parse_import_errors(payload: object, *, redact_secrets: bool = True) -> list[ImportErrorRow]:
    rows = []
    for raw in _items(payload, "import_errors"):
        trace = sanitize(raw.get("stack_trace") or raw.get("stacktrace") or "", multiline=True)
        if redact_secrets:
            trace = redact(trace)
        lines = [ln.strip() for ln in trace.splitlines() if ln.strip()]
        rows.append(
            ImportErrorRow(
                filename=_text(raw.get("filename")),
                last_line=lines[-1] if lines else "",
                stack_trace=trace.rstrip("\n"),
                timestamp=parse_time(raw.get("timestamp")),
            )
        )
    return sorted(rows, key=lambda r: r.timestamp or 0.0, reverse=True)


def parse_pools(payload: object) -> list[PoolRow]:
    rows = []
    for raw in _items(payload, "pools"):
        rows.append(
            PoolRow(
                name=_text(raw.get("name") or raw.get("pool")),
                slots=_int(raw.get("slots")),
                running=_int(raw.get("running_slots")),
                queued=_int(raw.get("queued_slots")),
                open=_int(raw.get("open_slots")),
                occupied=_int(raw.get("occupied_slots")),
                scheduled=_int(raw.get("scheduled_slots")),
                deferred=_int(raw.get("deferred_slots")),
            )
        )
    # Saturated first, then the busiest.
    return sorted(rows, key=lambda p: (not p.saturated, -p.running - p.queued, p.name))


HEALTH_COMPONENTS = ("metadatabase", "scheduler", "triggerer", "dag_processor")


def parse_health(payload: object) -> list[ComponentHealth]:
    """`/health` (v1) or `/monitor/health` (v2): each component's status and heartbeat."""
    if not isinstance(payload, Mapping):
        return []
    rows = []
    for component in HEALTH_COMPONENTS:
        raw = payload.get(component)
        if not isinstance(raw, Mapping):
            continue
        beat = next((raw[k] for k in raw if isinstance(k, str) and k.startswith("latest_")), None)
        rows.append(
            ComponentHealth(
                component=component,
                status=_text(raw.get("status")).lower(),
                heartbeat=parse_time(beat),
            )
        )
    return rows


# -- failures ---------------------------------------------------------------------------------

REST_API_ERRORS = frozenset({"RestApiClientException", "RestApiServerException"})

_PRIVATE = re.compile(r"PRIVATE_ONLY|private (?:web ?server|network)|outside (?:of )?.*VPC", re.I)


def is_airflow_side(code: str) -> bool:
    """Airflow answered (4xx or 5xx): the request reached the webserver."""
    return code in REST_API_ERRORS


def is_private_webserver(message: str) -> bool:
    return _PRIVATE.search(message) is not None


def _airflow_detail(response: object) -> str:
    """The human part of Airflow's error body: `detail`, `title` or `message`."""
    if isinstance(response, Mapping):
        for key in ("detail", "message", "title"):
            value = response.get(key)
            if isinstance(value, str) and value.strip():
                return sanitize(value)
            if isinstance(value, list) and value:  # FastAPI validation errors (v2)
                return sanitize("; ".join(str(v.get("msg", v)) for v in value[:3] if v))
    if isinstance(response, str):
        return sanitize(response)
    return ""


def airflow_problem(section: str, path: str, fields: Mapping[str, Any]) -> AirflowProblem:
    """Airflow's own 4xx or 5xx for one section, with its status."""
    status = fields.get("RestApiStatusCode")
    code = status if isinstance(status, int) and not isinstance(status, bool) else None
    detail = _airflow_detail(fields.get("RestApiResponse"))
    where = sanitize(path)
    if code == 403:
        message = f"Airflow answered 403 on {where}: the Viewer role may not read it"
    elif code == 404:
        message = f"Airflow answered 404 on {where}: not an endpoint of this Airflow version"
    elif code is not None and code >= 500:
        message = f"Airflow answered {code} on {where}: the webserver failed; retrying"
    else:
        message = f"Airflow answered {code if code is not None else 'an error'} on {where}"
    if detail:
        message += f" ({detail})"
    return AirflowProblem(section, message, code)


def aws_failure(info: ErrorInfo, role_arn: str) -> ErrorInfo:
    """A failure before Airflow answered, reworded for the Airflow pane and its health:
    denied names the action and the role ARN to grant it on; a private webserver says why
    it cannot be reached from here."""
    if is_private_webserver(info.message):
        return ErrorInfo(
            ErrorKind.OTHER,
            "the Airflow webserver is private (PRIVATE_ONLY): InvokeRestApi answers only "
            "callers inside the environment's VPC; run mwaa-tui on a host there (a bastion "
            "with the airflow.env VPC endpoint)",
            ACTION,
        )
    if info.kind is ErrorKind.DENIED:
        return ErrorInfo(
            ErrorKind.DENIED,
            f"access denied: grant {ACTION} on {role_arn} (the Viewer role: read-only in Airflow)",
            ACTION,
            f"grant {ACTION} on {role_arn}",
        )
    return info


def describe_aws_failure(info: ErrorInfo) -> str:
    """The pane's line for a failure before Airflow answered."""
    if info.kind is ErrorKind.DENIED and info.action == ACTION:
        return info.message
    return info.describe()
