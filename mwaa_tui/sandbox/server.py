"""The sandbox endpoint: a WSGI layer in front of moto's server, on loopback."""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import logging
import socket
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable
from http import HTTPStatus
from typing import Any
from urllib.parse import unquote

from moto.cloudwatch.models import cloudwatch_backends
from moto.core import DEFAULT_ACCOUNT_ID  # type: ignore[attr-defined]
from moto.logs.models import logs_backends
from moto.moto_server.werkzeug_app import (
    DomainDispatcherApplication,
    MotoRequestHandler,
    create_backend_app,
)
from werkzeug.serving import LISTEN_QUEUE, ThreadedWSGIServer

from mwaa_tui.sandbox import protocol
from mwaa_tui.sandbox.composite import CompositeAlarm, evaluate_rule
from mwaa_tui.sandbox.evaluator import AlarmEvaluator
from mwaa_tui.sandbox.faults import Faults
from mwaa_tui.sandbox.insights import Insights, QueryError
from mwaa_tui.sandbox.metric_data import get_metric_data
from mwaa_tui.sandbox.protocol import Call, Reply
from mwaa_tui.sandbox.stores import (
    ENVIRONMENT_STATUSES,
    LOG_KEYS,
    ComponentLogging,
    MwaaEnvironment,
    MwaaStore,
    TrailStore,
    update_error,
)

STUCK_TOKEN = "sandbox-stuck-token"
DEMO_CREDENTIALS = ("AKIASANDBOXDEMO00000", "sandbox-secret-not-a-real-key")


POLL_INTERVAL = 0.1
"""How often the serving loop checks for shutdown: an outage starts within this."""


class _QuietHandler(MotoRequestHandler):
    def log(self, *args: Any, **kwargs: Any) -> None:  # the TUI owns the terminal
        pass


class _Server(ThreadedWSGIServer):
    """werkzeug's threaded server, keeping the connections it serves: an outage must cut
    the keep-alive connections too, or a client would go on using them."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.connections: set[socket.socket] = set()
        self.connections_lock = threading.Lock()
        self.closing = False
        super().__init__(*args, **kwargs)

    def process_request(self, request: Any, client_address: Any) -> None:
        with self.connections_lock:
            if self.closing:
                super().shutdown_request(request)
                return
            self.connections.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request: Any) -> None:
        with self.connections_lock:
            self.connections.discard(request)
        super().shutdown_request(request)

    def cut(self) -> None:
        """Close every connection: their handler threads see the end and finish."""
        with self.connections_lock:
            self.closing = True
            open_now = list(self.connections)
        for sock in open_now:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)


def _bind(host: str, port: int, *, attempts: int = 1) -> socket.socket:
    """A socket bound to host:port with SO_REUSEADDR (connections closed by an outage linger
    in TIME_WAIT on the port), not listening yet: until it listens, connections are refused."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    for attempt in range(attempts):
        sock = socket.socket(family, socket.SOCK_STREAM)
        try:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            sock.bind((host, port))
            return sock
        except OSError:
            sock.close()
            if attempt + 1 == attempts:
                raise
            time.sleep(0.05)
    raise AssertionError("unreachable")


class Sandbox:
    """moto's CloudWatch Logs and CloudWatch, plus MWAA, LookupEvents, alarm history and
    alarm evaluation, with fault injection. One per process: moto's state is global."""

    def __init__(
        self,
        *,
        region: str = "eu-west-1",
        faults: Faults | None = None,
        clock: Callable[[], float] = time.time,
        evaluate_every: float | None = 10.0,
    ) -> None:
        self.region = region
        self.account = DEFAULT_ACCOUNT_ID
        self.faults = faults or Faults()
        self.clock = clock
        self.mwaa = MwaaStore()
        self.trail = TrailStore()
        self.evaluator = AlarmEvaluator(lambda: self.cloudwatch, clock)
        self.lock = threading.RLock()
        """Serialises moto's state between requests, the simulator and the evaluator."""
        self.requests: Counter[tuple[str, str]] = Counter()
        self.request_log: list[tuple[float, str, str]] = []
        self._count_lock = threading.Lock()
        self._moto = DomainDispatcherApplication(create_backend_app)
        self._server: _Server | None = None
        self._address: tuple[str, int] | None = None
        """Host and port, kept through an outage."""
        self._held: socket.socket | None = None
        """During an outage, the port, bound but not listening."""
        self._serve_lock = threading.Lock()
        self._outage_cancel = threading.Event()
        """Set by reset() and stop(): scheduled outages end."""
        self.outages = 0
        """How many outages have started."""
        self._threads: list[threading.Thread] = []
        self._stop = threading.Event()
        self._evaluate_every = evaluate_every
        self.composites: dict[str, CompositeAlarm] = {}
        self.insights = Insights(lambda: self.clock())
        """Logs Insights queries; `insights.duration` is how long each one runs."""
        from mwaa_tui.sandbox.airflow_api import AirflowApi  # it follows the story: a cycle

        self.airflow = AirflowApi(self)
        """InvokeRestApi: Airflow's REST API, its state and its faults."""
        self._handlers: dict[tuple[str, str], Callable[[Call], Reply]] = {
            ("airflow", "ListEnvironments"): self._list_environments,
            ("airflow", "GetEnvironment"): self._get_environment,
            ("airflow", "InvokeRestApi"): self.airflow.handle,
            ("cloudtrail", "LookupEvents"): self._lookup_events,
            ("monitoring", "DescribeAlarmHistory"): self._describe_alarm_history,
            ("monitoring", "GetMetricData"): self._get_metric_data,
            ("logs", "StartQuery"): self._start_query,
            ("logs", "GetQueryResults"): self._get_query_results,
            ("logs", "StopQuery"): self._stop_query,
        }

    # -- lifecycle ---------------------------------------------------------------------------

    @property
    def logs(self) -> Any:
        return logs_backends[self.account][self.region]

    @property
    def cloudwatch(self) -> Any:
        return cloudwatch_backends[self.account][self.region]

    def start(self, host: str = "127.0.0.1", port: int = 0) -> Sandbox:
        """Listen on host:port (0 picks a free port); raises OSError if it is taken."""
        logging.getLogger("werkzeug").disabled = True
        self.reset()
        self._stop.clear()
        sock = _bind(host, port)
        bound = sock.getsockname()
        self._address = (str(bound[0]), int(bound[1]))
        self._serve(sock)
        if self._evaluate_every:
            self._spawn(self._evaluate_loop, "sandbox-alarms")
        return self

    def _serve(self, sock: socket.socket) -> None:
        """Listen on a bound socket and serve it (call with the port held)."""
        assert self._address is not None
        try:
            sock.listen(LISTEN_QUEUE)
            host, port = self._address
            server = _Server(host, port, self, _QuietHandler, fd=sock.fileno())
        finally:
            sock.close()  # the server holds its own duplicate
        self._server = server
        self._spawn(lambda: server.serve_forever(poll_interval=POLL_INTERVAL), "sandbox-http")

    def _spawn(self, target: Callable[[], None], name: str) -> None:
        thread = threading.Thread(target=target, name=name, daemon=True)
        thread.start()
        self._threads = [t for t in self._threads if t.is_alive()] + [thread]

    def stop(self) -> None:
        self._stop.set()
        self._outage_cancel.set()
        with self._serve_lock:
            if self._server is not None:
                self._server.shutdown()
                self._server.server_close()
                self._server = None
            if self._held is not None:
                self._held.close()
                self._held = None
        for thread in self._threads:
            thread.join(timeout=5)
        self._threads.clear()
        self._address = None

    def __enter__(self) -> Sandbox:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def url(self) -> str:
        """The endpoint; the same before, during and after an outage."""
        if self._address is None:
            raise RuntimeError("the sandbox is not running")
        host, port = self._address
        return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"

    # -- outages -----------------------------------------------------------------------------

    @property
    def down(self) -> bool:
        """Whether an outage is on: nothing listens, connections are refused."""
        return self._address is not None and self._server is None

    def outage_start(self) -> None:
        """Stop listening and cut every open connection; the port stays reserved."""
        self._go_down(None)

    def outage_end(self) -> None:
        """Listen again on the same port (nothing happens if no outage is on)."""
        with self._serve_lock:
            self._come_up()

    def outage(self, seconds: float) -> None:
        """Be down for `seconds`, starting now; returns at once. reset() ends it early."""

        def end_later(cancel: threading.Event) -> None:
            if not cancel.wait(seconds):
                self._come_up_unless(cancel)

        self._go_down(None)
        self._later(end_later)

    def schedule_outages(self, seconds: float, after: float, every: float | None = None) -> None:
        """Go down for `seconds` once `after` seconds have passed, and again every `every`
        seconds (start to start) if given. The simulation and the evaluator go on meanwhile:
        what they write shows after the outage."""
        if every is not None and every <= seconds:
            raise ValueError("outages must be shorter than the time between them")

        def run(cancel: threading.Event) -> None:
            wait = after
            while not cancel.wait(wait):
                if not self._go_down(cancel) or cancel.wait(seconds):
                    return
                self._come_up_unless(cancel)
                if every is None:
                    return
                wait = every - seconds

        self._later(run)

    def _later(self, target: Callable[[threading.Event], Any]) -> None:
        cancel = self._outage_cancel
        threading.Thread(target=target, args=(cancel,), name="sandbox-outage", daemon=True).start()

    def _go_down(self, cancel: threading.Event | None) -> bool:
        with self._serve_lock:
            if cancel is not None and cancel.is_set():
                return False
            server, address = self._server, self._address
            if server is None or address is None:
                return address is not None  # already down: this outage joins that one
            self.outages += 1
            server.cut()
            server.shutdown()
            server.server_close()
            server.cut()  # any accepted while the loop was stopping
            try:
                self._held = _bind(*address, attempts=20)
            except OSError:
                self._held = None  # _come_up binds again
            self._server = None  # `down` from now on, when connections are refused
            return True

    def _come_up_unless(self, cancel: threading.Event) -> None:
        with self._serve_lock:
            if not cancel.is_set():
                self._come_up()

    def _come_up(self) -> None:
        if self._server is not None or self._address is None or self._stop.is_set():
            return
        held, self._held = self._held, None
        self._serve(held or _bind(*self._address, attempts=100))

    def reset(self) -> None:
        """Empty state, no faults, no outage (a scheduled one is cancelled)."""
        with self._serve_lock:
            self._outage_cancel.set()
            self._outage_cancel = threading.Event()
            self._come_up()
            self.outages = 0
        with self.lock:
            logs_backends.reset()
            cloudwatch_backends.reset()
            self.mwaa.clear()
            self.trail.clear()
            self.composites.clear()
            self.evaluator.clear()
            self.insights = Insights(lambda: self.clock())
            self.airflow.clear()
        self.faults.clear()
        with self._count_lock:
            self.requests.clear()
            self.request_log.clear()

    def client_env(self) -> dict[str, str]:
        """Environment variables that point any AWS client at this sandbox."""
        return {
            "AWS_ENDPOINT_URL": self.url,
            "AWS_ACCESS_KEY_ID": DEMO_CREDENTIALS[0],
            "AWS_SECRET_ACCESS_KEY": DEMO_CREDENTIALS[1],
            "AWS_REGION": self.region,
            # botocore would send MWAA calls to api.<endpoint host> or env.<endpoint host>.
            "AWS_DISABLE_HOST_PREFIX_INJECTION": "true",
        }

    def _evaluate_loop(self) -> None:
        while not self._stop.wait(self._evaluate_every):
            with self.lock:
                self.evaluator.evaluate()
                self.evaluate_composites()

    # -- seeding -----------------------------------------------------------------------------

    def create_environment(
        self,
        name: str,
        *,
        logging_config: dict[str, ComponentLogging] | None = None,
        **fields: Any,
    ) -> MwaaEnvironment:
        """Add an MWAA environment and create the log groups of its enabled components."""
        config = {c: ComponentLogging() for c in LOG_KEYS}
        config.update(logging_config or {})
        env = MwaaEnvironment(
            name=name,
            region=self.region,
            account=self.account,
            created_at=fields.pop("created_at", self.clock() - 86400 * 30),
            logging=config,
            **fields,
        )
        with self.lock:
            self.mwaa.environments[name] = env
            for component, cfg in config.items():
                group = env.group_name(component)
                if cfg.enabled and group not in self.logs.groups:
                    self.logs.create_log_group(group, {})
        return env

    def set_environment_state(
        self,
        name: str,
        status: str,
        *,
        error_code: str | None = None,
        error_message: str | None = None,
        update_status: str | None = None,
        source: str = "USER",
        at: float | None = None,
    ) -> MwaaEnvironment | None:
        """Put an environment in one of GetEnvironment's statuses; DELETED deletes it.

        UPDATING and CREATING_SNAPSHOT start an update (LastUpdate PENDING, from `source`);
        UPDATE_FAILED fails it (LastUpdate FAILED with an Error: by default a
        requirements.txt that pip cannot install); CREATING and PENDING have no LastUpdate
        yet, CREATE_FAILED one that FAILED. `update_status` (SUCCESS, PENDING, FAILED) sets
        LastUpdate for any status; an error alone implies FAILED. A pending update that
        finishes keeps its CreatedAt and Source."""
        if status not in ENVIRONMENT_STATUSES:
            raise ValueError(f"{status!r}: use one of {', '.join(ENVIRONMENT_STATUSES)}")
        if update_status not in (None, "SUCCESS", "PENDING", "FAILED"):
            raise ValueError(f"{update_status!r}: use SUCCESS, PENDING or FAILED")
        if status == "DELETED":
            self.delete_environment(name)
            return None
        now = self.clock() if at is None else at
        with self.lock:
            env = self.mwaa.environments.get(name)
            if env is None:
                raise KeyError(f"no environment {name!r}")
            env.status = status
            implied = {"UPDATING": "PENDING", "CREATING_SNAPSHOT": "PENDING"}.get(status)
            if status in ("UPDATE_FAILED", "CREATE_FAILED") or error_code or error_message:
                implied = "FAILED"
            update = update_status or implied
            if update is None:
                if status in ("CREATING", "PENDING"):
                    env.last_update = None
                return env
            previous = env.last_update or {}
            finishing = previous.get("Status") == "PENDING" and update != "PENDING"
            last: dict[str, Any] = {
                "Status": update,
                "CreatedAt": previous.get("CreatedAt", now) if finishing else now,
                "Source": previous.get("Source", source) if finishing else source,
                "WorkerReplacementStrategy": "GRACEFUL",
            }
            if update == "FAILED":
                code, message = update_error(env, creating=status == "CREATE_FAILED")
                last["Error"] = {
                    "ErrorCode": error_code or code,
                    "ErrorMessage": error_message or message,
                }
            env.last_update = last
            return env

    def delete_environment(self, name: str) -> None:
        """GetEnvironment answers ResourceNotFoundException from now on; the log groups
        stay, as they do in AWS."""
        with self.lock:
            if self.mwaa.environments.pop(name, None) is None:
                raise KeyError(f"no environment {name!r}")

    def put_composite_alarm(self, name: str, rule: str) -> CompositeAlarm:
        """A composite alarm over metric alarms (PutCompositeAlarm, which moto lacks)."""
        alarm = CompositeAlarm(
            name,
            rule,
            f"arn:aws:cloudwatch:{self.region}:{self.account}:alarm:{name}",
            updated=self.clock(),
        )
        with self.lock:
            self.composites[name] = alarm
        return alarm

    def evaluate_composites(self, now: float | None = None) -> list[tuple[str, str, str]]:
        now = self.clock() if now is None else now
        metric = {n: a.state_value for n, a in self.cloudwatch.alarms.items()}
        changes = []
        for alarm in self.composites.values():
            states = {**metric, **{n: c.state for n, c in self.composites.items()}}
            firing = evaluate_rule(alarm.rule, states.get)
            new = "ALARM" if firing else "OK"
            if new != alarm.state:
                changes.append((alarm.name, alarm.state, new))
                alarm.state, alarm.updated = new, now
                alarm.reason = f"arn:aws:cloudwatch:{self.region}:{self.account}:alarm rule " + (
                    "evaluated to TRUE" if firing else "evaluated to FALSE"
                )
        return changes

    def _moto_answer(self, environ: dict[str, Any], call: Call) -> tuple[dict[str, Any], bytes]:
        """moto's status, headers and body for this request, to amend before sending."""
        captured: dict[str, Any] = {}

        def capture(status: str, headers: list[tuple[str, str]], *_: Any) -> None:
            captured["status"], captured["headers"] = status, headers

        environ["wsgi.input"] = io.BytesIO(call.body)
        with self.lock:
            body = b"".join(self._moto(environ, capture))
        return captured, body

    def _describe_alarms(
        self, environ: dict[str, Any], start_response: Callable[..., Any], call: Call
    ) -> Iterable[bytes]:
        """moto's answer, plus the composite alarms it cannot store."""
        captured, body = self._moto_answer(environ, call)
        params = call.params()
        wants = params.get("AlarmTypes") or []
        try:
            payload = json.loads(body)
        except ValueError:
            payload = None
        if isinstance(payload, dict) and "CompositeAlarm" in wants and not payload.get("NextToken"):
            names = set(params.get("AlarmNames") or [])
            prefix = params.get("AlarmNamePrefix") or ""
            payload["CompositeAlarms"] = [
                c.to_api()
                for c in self.composites.values()
                if (not names or c.name in names) and c.name.startswith(prefix)
            ]
            body = json.dumps(payload, default=str).encode()
            headers = [(k, v) for k, v in captured["headers"] if k.lower() != "content-length"]
            captured["headers"] = [*headers, ("Content-Length", str(len(body)))]
        start_response(captured["status"], captured["headers"])
        return [body]

    def _stuck_token(
        self, environ: dict[str, Any], start_response: Callable[..., Any], call: Call
    ) -> Iterable[bytes]:
        """The first page from moto, then the same token with empty pages for ever."""
        if call.params().get("nextToken") == STUCK_TOKEN:
            reply = protocol.ok(call, {"events": [], "nextToken": STUCK_TOKEN})
            start_response(f"{reply.status} OK", list(reply.headers))
            return [reply.body]
        captured, body = self._moto_answer(environ, call)
        if not captured["status"].startswith("200"):
            start_response(captured["status"], captured["headers"])
            return [body]
        payload = json.loads(body)
        payload["nextToken"] = STUCK_TOKEN
        reply = protocol.ok(call, payload)
        start_response(captured["status"], list(reply.headers))
        return [reply.body]

    # -- WSGI --------------------------------------------------------------------------------

    def __call__(
        self, environ: dict[str, Any], start_response: Callable[..., Any]
    ) -> Iterable[bytes]:
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(length) if length else b""
        call = protocol.identify(environ, body)
        with self._count_lock:
            self.requests[(call.service, call.operation)] += 1
            self.request_log.append((time.time(), call.service, call.operation))
            del self.request_log[:-5000]
        if self.faults.unknown_key(environ.get("HTTP_AUTHORIZATION", "")):
            # AWS checks the key before anything else.
            refusal = protocol.unrecognized_client(call)
            start_response(
                f"{refusal.status} {HTTPStatus(refusal.status).phrase}", list(refusal.headers)
            )
            return [refusal.body]
        if self.faults.latency:
            time.sleep(self.faults.latency)
        decision = self.faults.decide(call.service) if call.service else None
        reply: Reply | None
        if decision == "drop":
            sock = environ.get("werkzeug.socket")
            if isinstance(sock, socket.socket):
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
            start_response("500 Dropped", [])
            return []
        if decision == "throttle":
            reply = protocol.error(call, protocol.throttle_code(call), "Rate exceeded")
        elif decision == "expire":
            code = "ExpiredToken" if call.service == "monitoring" else "ExpiredTokenException"
            reply = protocol.error(
                call, code, "The security token included in the request is expired"
            )
        elif decision == "deny":
            reply = protocol.error(
                call, protocol.denied_code(call), protocol.denied_message(call, self.account)
            )
        else:
            handler = self._handlers.get((call.service, call.operation))
            reply = handler(call) if handler else None
        if reply is None and (call.service, call.operation) == ("monitoring", "DescribeAlarms"):
            return self._describe_alarms(environ, start_response, call)
        if reply is None and self.faults.stuck_tokens and call.operation == "FilterLogEvents":
            return self._stuck_token(environ, start_response, call)
        if reply is None:
            environ["wsgi.input"] = io.BytesIO(body)
            with self.lock:
                return list(self._moto(environ, start_response))
        start_response(f"{reply.status} {HTTPStatus(reply.status).phrase}", list(reply.headers))
        return [reply.body]

    # -- what moto lacks ---------------------------------------------------------------------

    def _list_environments(self, call: Call) -> Reply:
        return protocol.ok(call, {"Environments": self.mwaa.names()})

    def _get_environment(self, call: Call) -> Reply:
        name = unquote(call.path.rstrip("/").rsplit("/", 1)[-1])
        env = self.mwaa.get(name)
        if env is None:
            return protocol.error(
                call, "ResourceNotFoundException", f"Environment named {name} not found."
            )
        return protocol.ok(call, {"Environment": env.to_api()})

    def _lookup_events(self, call: Call) -> Reply:
        params = call.params()
        attrs = params.get("LookupAttributes") or []
        if len(attrs) > 1:
            return protocol.error(
                call,
                "InvalidLookupAttributesException",
                "You cannot specify more than one lookup attribute.",
            )
        max_results = int(params.get("MaxResults", 50))
        if not 1 <= max_results <= 50:
            return protocol.error(
                call, "InvalidMaxResultsException", "MaxResults must be between 1 and 50."
            )
        key = attrs[0].get("AttributeKey") if attrs else None
        value = attrs[0].get("AttributeValue") if attrs else None
        records = self.trail.lookup(key, value, params.get("StartTime"), params.get("EndTime"))
        salt = _salt({k: v for k, v in params.items() if k != "NextToken"})
        try:
            chunk, token = protocol.page(records, params.get("NextToken"), max_results, salt)
        except protocol.InvalidToken:
            return protocol.error(call, "InvalidNextTokenException", "Invalid NextToken.")
        payload: dict[str, Any] = {"Events": [r.to_api() for r in chunk]}
        if token:
            payload["NextToken"] = token
        return protocol.ok(call, payload)

    def _get_metric_data(self, call: Call) -> Reply:
        with self.lock:
            datums = list(self.cloudwatch.metric_data)
        return protocol.ok(call, get_metric_data(datums, call.params()))

    def _start_query(self, call: Call) -> Reply:
        params = call.params()
        names = list(params.get("logGroupNames") or [])
        if params.get("logGroupName"):
            names.append(params["logGroupName"])
        if not names or "startTime" not in params or "endTime" not in params:
            return protocol.error(
                call,
                "InvalidParameterException",
                "logGroupNames, startTime and endTime are required",
            )
        with self.lock:
            missing = [n for n in names if n not in self.logs.groups]
            if missing:
                return protocol.error(
                    call, "ResourceNotFoundException", f"Log group '{missing[0]}' does not exist"
                )
            events = [
                (name, stream.log_stream_name, e)
                for name in names
                for stream in list(self.logs.groups[name].streams.values())
                for e in list(stream.events)
            ]
        try:
            query = self.insights.start(names, events, params)
        except QueryError as exc:
            return protocol.error(call, "MalformedQueryException", str(exc))
        return protocol.ok(call, {"queryId": query.query_id})

    def _get_query_results(self, call: Call) -> Reply:
        result = self.insights.results(str(call.params().get("queryId", "")))
        if result is None:
            return protocol.error(call, "ResourceNotFoundException", "Query does not exist")
        return protocol.ok(call, result)

    def _stop_query(self, call: Call) -> Reply:
        query_id = str(call.params().get("queryId", ""))
        if query_id not in self.insights.queries:
            return protocol.error(call, "ResourceNotFoundException", "Query does not exist")
        return protocol.ok(call, {"success": self.insights.stop(query_id)})

    def _describe_alarm_history(self, call: Call) -> Reply:
        params = call.params()
        items = self.evaluator.describe_history(params)
        salt = _salt({k: v for k, v in params.items() if k != "NextToken"})
        try:
            chunk, token = protocol.page(
                items, params.get("NextToken"), int(params.get("MaxRecords", 100)), salt
            )
        except protocol.InvalidToken:
            return protocol.error(call, "InvalidNextToken", "Invalid NextToken.")
        payload: dict[str, Any] = {"AlarmHistoryItems": chunk}
        if token:
            payload["NextToken"] = token
        return protocol.ok(call, payload)


def _salt(params: dict[str, Any]) -> str:
    return hashlib.sha1(json.dumps(params, sort_keys=True, default=str).encode()).hexdigest()[:12]
