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
from werkzeug.serving import BaseWSGIServer, make_server

from mwaa_tui.sandbox import protocol
from mwaa_tui.sandbox.composite import CompositeAlarm, evaluate_rule
from mwaa_tui.sandbox.evaluator import AlarmEvaluator
from mwaa_tui.sandbox.faults import Faults
from mwaa_tui.sandbox.insights import Insights, QueryError
from mwaa_tui.sandbox.metric_data import get_metric_data
from mwaa_tui.sandbox.protocol import Call, Reply
from mwaa_tui.sandbox.stores import (
    LOG_KEYS,
    ComponentLogging,
    MwaaEnvironment,
    MwaaStore,
    TrailStore,
)

STUCK_TOKEN = "sandbox-stuck-token"
DEMO_CREDENTIALS = ("AKIASANDBOXDEMO00000", "sandbox-secret-not-a-real-key")


class _QuietHandler(MotoRequestHandler):
    def log(self, *args: Any, **kwargs: Any) -> None:  # the TUI owns the terminal
        pass


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
        self._server: BaseWSGIServer | None = None
        self._threads: list[threading.Thread] = []
        self._stop = threading.Event()
        self._evaluate_every = evaluate_every
        self.composites: dict[str, CompositeAlarm] = {}
        self.insights = Insights(lambda: self.clock())
        """Logs Insights queries; `insights.duration` is how long each one runs."""
        self._handlers: dict[tuple[str, str], Callable[[Call], Reply]] = {
            ("airflow", "ListEnvironments"): self._list_environments,
            ("airflow", "GetEnvironment"): self._get_environment,
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
        logging.getLogger("werkzeug").disabled = True
        self.reset()
        self._stop.clear()
        self._server = make_server(host, port, self, threaded=True, request_handler=_QuietHandler)
        self._spawn(self._server.serve_forever, "sandbox-http")
        if self._evaluate_every:
            self._spawn(self._evaluate_loop, "sandbox-alarms")
        return self

    def _spawn(self, target: Callable[[], None], name: str) -> None:
        thread = threading.Thread(target=target, name=name, daemon=True)
        thread.start()
        self._threads.append(thread)

    def stop(self) -> None:
        self._stop.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        for thread in self._threads:
            thread.join(timeout=5)
        self._threads.clear()

    def __enter__(self) -> Sandbox:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def url(self) -> str:
        if self._server is None:
            raise RuntimeError("the sandbox is not running")
        host, port = self._server.server_address[:2]
        name = host.decode() if isinstance(host, bytes) else host
        return f"http://{name}:{port}"

    def reset(self) -> None:
        with self.lock:
            logs_backends.reset()
            cloudwatch_backends.reset()
            self.mwaa.clear()
            self.trail.clear()
            self.composites.clear()
            self.evaluator.clear()
            self.insights = Insights(lambda: self.clock())
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
