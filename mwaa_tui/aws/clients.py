"""The one place that creates AWS clients.

It resolves region, profile and credentials, applies endpoint overrides (and
then turns host-prefix injection off), picks retry settings, refuses every
operation that is not on the read-only allowlist, paces calls to the account
quotas, and counts every call with its outcome and latency.
"""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import logging
import os
import random
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any
from urllib.parse import urlparse

from mwaa_tui import __version__
from mwaa_tui.aws.ratelimit import RateLimiter
from mwaa_tui.core.airflow import REST_API_ERRORS, rest_api_refusal
from mwaa_tui.core.backoff import (
    NETWORK_ATTEMPTS,
    THROTTLE_BUDGET,
    network_pause,
    throttle_pause,
)
from mwaa_tui.core.callstats import CallStats
from mwaa_tui.core.errors import (
    classify,
    credential_hint,
    iam_action,
    is_transient,
    operation_name,
)
from mwaa_tui.core.sanitize import sanitize
from mwaa_tui.core.snapshots import CallRecord, ErrorInfo, ErrorKind, OperationPace
from mwaa_tui.debuglog import SCRUBBER

READ_ONLY_OPERATIONS: Mapping[str, frozenset[str]] = {
    "mwaa": frozenset({"GetEnvironment", "ListEnvironments", "InvokeRestApi"}),
    "logs": frozenset(
        {
            "FilterLogEvents",
            "GetLogEvents",
            "DescribeLogStreams",
            "DescribeLogGroups",
            "StartLiveTail",
            "StartQuery",
            "GetQueryResults",
            "StopQuery",
        }
    ),
    "cloudwatch": frozenset(
        {"GetMetricData", "ListMetrics", "DescribeAlarms", "DescribeAlarmHistory"}
    ),
    "cloudtrail": frozenset({"LookupEvents"}),
}
"""Every AWS operation mwaa-tui may send. Anything else is refused before it is sent."""

PARAMETER_RULES: Mapping[tuple[str, str], Callable[[Mapping[str, Any]], str | None]] = {
    # IAM rates InvokeRestApi as Write: only GETs of a short list of read endpoints.
    ("mwaa", "InvokeRestApi"): rest_api_refusal,
}
"""Operations allowed only with some parameters: the rule says why a request is refused."""

log = logging.getLogger(__name__)

REFRESH_SPACING = 2.0
"""Seconds between two re-reads of the credential chain."""
RETIRE_AFTER = 30.0
"""Clients replaced by a credential refresh are closed this much later."""

ENDPOINT_ENV = {
    "mwaa": "AWS_ENDPOINT_URL_MWAA",
    "logs": "AWS_ENDPOINT_URL_CLOUDWATCH_LOGS",
    "cloudwatch": "AWS_ENDPOINT_URL_CLOUDWATCH",
    "cloudtrail": "AWS_ENDPOINT_URL_CLOUDTRAIL",
}
_AWS_SUFFIXES = (".amazonaws.com", ".amazonaws.com.cn", ".api.aws", ".c2s.ic.gov", ".sc2s.sgov.gov")


class ForbiddenOperation(Exception):
    """A call to an operation outside the read-only allowlist."""


class ConfigError(Exception):
    """Region, profile or credentials cannot be resolved: one line for the user."""


class AwsError(Exception):
    """A failed AWS call, classified."""

    def __init__(
        self,
        info: ErrorInfo,
        code: str = "",
        *,
        transient: bool = False,
        fields: Mapping[str, Any] | None = None,
    ) -> None:
        super().__init__(info.describe())
        self.info = info
        self.code = code
        self.transient = transient
        """A server-side failure (5xx) worth retrying at once."""
        self.fields: dict[str, Any] = dict(fields or {})
        """The error's modelled members (InvokeRestApi's RestApiStatusCode and
        RestApiResponse); untrusted, like every AWS string."""

    @property
    def kind(self) -> ErrorKind:
        return self.info.kind


@dataclass(frozen=True)
class AwsSettings:
    region: str | None = None
    profile: str | None = None
    endpoint_url: str | None = None
    """Overrides every service's endpoint; the AWS_ENDPOINT_URL* variables work too."""
    static_credentials: tuple[str, str] | None = field(default=None, repr=False)
    """Access key and secret for a local endpoint (the demo); never shown."""


def is_aws_host(url: str) -> bool:
    host = (urlparse(url).hostname or "").lower()
    return host.endswith(_AWS_SUFFIXES)


def is_loopback(url: str) -> bool:
    host = urlparse(url).hostname or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def configured_endpoint(service: str, explicit: str | None, env: Mapping[str, str]) -> str | None:
    """The endpoint override in force for `service`, in botocore's lookup order."""
    if explicit:
        return explicit
    if env.get("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "").lower() == "true":
        return None
    return env.get(ENDPOINT_ENV[service]) or env.get("AWS_ENDPOINT_URL") or None


class AwsGateway:
    """Clients for the four services, behind one guarded `call`."""

    def __init__(
        self,
        settings: AwsSettings,
        *,
        clock: Callable[[], float] = time.time,
        timer: Callable[[], float] = time.perf_counter,
        env: Mapping[str, str] | None = None,
        rate_limiter: RateLimiter | None = None,
        rng: random.Random | None = None,
        throttle_budget: float = THROTTLE_BUDGET,
    ) -> None:
        self.settings = settings
        self._timer = timer
        self.stats = CallStats()
        self.limiter = rate_limiter or RateLimiter()
        self._clock = clock
        self._env = dict(os.environ if env is None else env)
        self._session: Any = None
        self._region: str | None = None
        self._clients: dict[str, Any] = {}
        self._locks: dict[str, asyncio.Lock] = {}
        self._stack = contextlib.AsyncExitStack()
        self._rng = rng or random.Random()
        self.throttle_budget = throttle_budget
        self._credentials: tuple[str, str, str | None, str] = ("", "", None, "")
        self.credential_hint = ""
        """What to do when the credentials expire, for this credential source."""
        self._refresh_lock = asyncio.Lock()
        self._refreshed_at = float("-inf")
        self._credentials_changed_at = float("-inf")
        self._retiring: set[asyncio.Task[None]] = set()
        self.unreachable: dict[str, tuple[float, ErrorInfo]] = {}
        """Services whose endpoint failed to answer, since when and how; the next answer
        from it clears the entry. Panes whose own poll is not due yet show it meanwhile."""

    @property
    def region(self) -> str:
        if self._region is None:
            raise ConfigError("the client layer is not open")
        return self._region

    async def open(self) -> AwsGateway:
        """Resolve region and credentials; raises ConfigError with one clear line."""
        session, region, credentials = await self._resolve()
        self._session = session
        self._region = region
        self._credentials = credentials
        self.credential_hint = _credential_hint(credentials[3], self.settings.profile, session)
        return self

    async def _resolve(self) -> tuple[Any, str, tuple[str, str, str | None, str]]:
        """A new session, its region, and its credentials (key, secret, token, method).
        The credential chain is read afresh: files, the SSO cache, credential_process."""
        from aiobotocore.session import AioSession
        from botocore.exceptions import BotoCoreError, ProfileNotFound

        try:
            session = AioSession(profile=self.settings.profile)
            if self.settings.static_credentials:
                session.set_credentials(*self.settings.static_credentials)
            # botocore reads AWS_DEFAULT_REGION only; the CLI v2 and other SDKs AWS_REGION too.
            region = (
                self.settings.region
                or self._env.get("AWS_REGION")
                or session.get_config_variable("region")
            )
        except ProfileNotFound as exc:
            raise ConfigError(f"profile not found: {exc.kwargs.get('profile')}") from None
        if not region:
            raise ConfigError(
                "no AWS region: pass --region, or set AWS_REGION or region in the profile"
            )
        try:
            credentials = await session.get_credentials()
            frozen = await credentials.get_frozen_credentials() if credentials else None
        except ProfileNotFound as exc:
            raise ConfigError(f"profile not found: {exc.kwargs.get('profile')}") from None
        except BotoCoreError as exc:
            hint = _credential_hint("", self.settings.profile, session)
            raise ConfigError(f"cannot load AWS credentials: {sanitize(exc)}; {hint}") from None
        if credentials is None or frozen is None:
            raise ConfigError(
                "no AWS credentials found: use --profile, AWS_PROFILE, environment "
                "variables, `aws sso login`, or an instance profile"
            )
        for value in (frozen.access_key, frozen.secret_key, frozen.token):
            SCRUBBER.add_secret(value)
        method = str(getattr(credentials, "method", "") or "")
        return session, region, (frozen.access_key, frozen.secret_key, frozen.token, method)

    async def refresh_credentials(self) -> bool:
        """After an expired or invalid credential answer: read the credential chain again
        and, if it now gives other credentials, rebuild the clients with them. True when
        the clients were rebuilt. At most once per REFRESH_SPACING seconds."""
        async with self._refresh_lock:
            now = self._timer()
            if now - self._refreshed_at < REFRESH_SPACING:
                return self._credentials_changed_at >= self._refreshed_at
            self._refreshed_at = now
            try:
                session, _, credentials = await self._resolve()
            except ConfigError:
                return False
            if credentials[:3] == self._credentials[:3]:
                return False
            log.info("credentials changed (%s): clients rebuilt", credentials[3])
            retired, self._stack = self._stack, contextlib.AsyncExitStack()
            self._session, self._credentials, self._clients = session, credentials, {}
            self.credential_hint = _credential_hint(credentials[3], self.settings.profile, session)
            self._credentials_changed_at = now
            # Calls still in flight on the old clients finish first.
            task = asyncio.create_task(_close_later(retired, RETIRE_AFTER))
            self._retiring.add(task)
            task.add_done_callback(self._retiring.discard)
            return True

    async def close(self) -> None:
        for task in list(self._retiring):
            task.cancel()
        await self._stack.aclose()
        self._clients.clear()

    async def __aenter__(self) -> AwsGateway:
        return await self.open()

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    def endpoint_override(self, service: str) -> str | None:
        return configured_endpoint(service, self.settings.endpoint_url, self._env)

    def _config(self, inject_host_prefix: bool) -> Any:
        from aiobotocore.config import AioConfig

        # One policy for AWS and any other endpoint (a local endpoint may be a proxy that
        # injects faults): botocore sends each request once, `call` retries by error class
        # so that the account pacer sees, and spaces, every attempt.
        return AioConfig(
            retries={"mode": "standard", "total_max_attempts": 1},
            connect_timeout=5,
            read_timeout=20,
            inject_host_prefix=inject_host_prefix,
            user_agent_extra=f"mwaa-tui/{__version__}",
        )

    async def _create(self, service: str) -> Any:
        if self._session is None:
            raise ConfigError("the client layer is not open")
        ctx = self._session.create_client(
            service,
            region_name=self._region,
            endpoint_url=self.settings.endpoint_url,
            config=self._config(inject_host_prefix=True),
        )
        client = await self._stack.enter_async_context(ctx)
        # Endpoints can also come from the config file: judge by where the client points.
        if not is_aws_host(client.meta.endpoint_url):
            ctx = self._session.create_client(
                service,
                region_name=self._region,
                endpoint_url=self.settings.endpoint_url,
                config=self._config(inject_host_prefix=False),
            )
            client = await self._stack.enter_async_context(ctx)
        client.meta.events.register("before-parameter-build", _refuse_unlisted)
        return client

    async def client(self, service: str) -> Any:
        if service not in READ_ONLY_OPERATIONS:
            raise ForbiddenOperation(f"service {service!r} is not used by mwaa-tui")
        found = self._clients.get(service)
        if found is not None:
            return found
        lock = self._locks.setdefault(service, asyncio.Lock())
        async with lock:
            clients = self._clients  # a credential refresh may swap the dict meanwhile
            if service not in clients:
                clients[service] = await self._create(service)
            return clients[service]

    def pacing(self) -> tuple[OperationPace, ...]:
        """The pace of every operation tried in the last minute, the most held back first."""
        return self.limiter.paces()

    def endpoint_url(self, service: str) -> str:
        client = self._clients.get(service)
        return str(client.meta.endpoint_url) if client else (self.endpoint_override(service) or "")

    async def call(self, service: str, operation: str, **params: Any) -> dict[str, Any]:
        """Call `operation` (snake_case) on `service`; AWS failures raise AwsError.

        Retries by error class (`core/backoff.py`): throttling within about a second, for
        up to `throttle_budget` seconds of waiting; connection errors, timeouts and 5xx a
        couple of times quickly; expired credentials once, if re-reading the credential
        chain found new ones. Every attempt is paced and counted."""
        op = operation_name(operation)
        if op not in READ_ONLY_OPERATIONS.get(service, frozenset()):
            raise ForbiddenOperation(f"{iam_action(service, op)} is not a read-only operation")
        _check_parameters(service, op, params)
        throttled = network = 0
        waited = 0.0
        refreshed = False
        while True:
            try:
                return await self._attempt(service, operation, op, params)
            except AwsError as exc:
                pause: float | None = None
                if exc.kind is ErrorKind.THROTTLED:
                    throttled += 1
                    pause = throttle_pause(self.limiter.throttled_share(op), self._rng)
                    if waited + pause > self.throttle_budget:
                        pause = None
                elif exc.kind is ErrorKind.NETWORK or exc.transient:
                    network += 1
                    if network < NETWORK_ATTEMPTS:
                        pause = network_pause(network, self._rng)
                elif exc.kind is ErrorKind.EXPIRED and not refreshed:
                    refreshed = True
                    if await self.refresh_credentials():
                        pause = 0.0
                if pause is None:
                    if exc.kind is ErrorKind.EXPIRED:
                        info = replace(exc.info, hint=self.credential_hint)
                        raise AwsError(info, exc.code) from None
                    raise
                waited += pause
                await asyncio.sleep(pause)

    async def _attempt(
        self, service: str, operation: str, op: str, params: dict[str, Any]
    ) -> dict[str, Any]:
        """One attempt: paced, counted, and its outcome reported to the pacer."""
        from botocore.exceptions import (
            BotoCoreError,
            ClientError,
            ConnectionError,
            CredentialRetrievalError,
            HTTPClientError,
            NoCredentialsError,
            TokenRetrievalError,
        )

        client = await self.client(service)
        await self.limiter.acquire(op)
        action = iam_action(service, op)
        started = self._timer()
        outcome = "error"
        try:
            result: dict[str, Any] = await getattr(client, operation)(**params)
            outcome = "ok"
            self.limiter.succeeded(op)
            self.unreachable.pop(service, None)
            return result
        except ClientError as exc:
            err = exc.response.get("Error", {})
            code = str(err.get("Code", ""))
            status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
            kind = classify(code, status)
            outcome = {ErrorKind.THROTTLED: "throttled", ErrorKind.DENIED: "denied"}.get(
                kind, "error"
            )
            if kind is ErrorKind.THROTTLED:
                self.limiter.throttled(op)
            message = sanitize(err.get("Message") or code or f"HTTP {status}")
            fields = {
                k: v for k, v in exc.response.items() if k not in ("Error", "ResponseMetadata")
            }
            if code in REST_API_ERRORS:
                # Airflow's own answer comes back as HTTP 400 whatever it was: its status
                # is a member of the error.
                status = fields.get("RestApiStatusCode", status)
            transient = kind is ErrorKind.OTHER and is_transient(code, status)
            raise AwsError(
                ErrorInfo(kind, message, action), code, transient=transient, fields=fields
            ) from None
        except (NoCredentialsError, CredentialRetrievalError, TokenRetrievalError) as exc:
            raise AwsError(ErrorInfo(ErrorKind.EXPIRED, sanitize(exc), action)) from None
        except (TimeoutError, ConnectionError, HTTPClientError, OSError) as exc:
            where = self.endpoint_url(service)
            detail = _network_detail(exc)
            info = ErrorInfo(ErrorKind.NETWORK, f"cannot reach {where}: {detail}", action)
            self.unreachable.setdefault(service, (self._clock(), info))
            raise AwsError(info) from None
        except BotoCoreError as exc:
            raise AwsError(ErrorInfo(ErrorKind.OTHER, sanitize(exc), action)) from None
        finally:
            if outcome in ("denied", "error"):
                self.limiter.answered(op)
            latency = self._timer() - started
            units = len(params.get("MetricDataQueries") or ()) if op == "GetMetricData" else 1
            self.stats.record(CallRecord(service, op, outcome, latency, self._clock(), units))
            log.debug("%s %s: %s in %.0f ms", service, op, outcome, latency * 1000)


async def _close_later(stack: contextlib.AsyncExitStack, seconds: float) -> None:
    try:
        await asyncio.sleep(seconds)
    finally:
        await stack.aclose()


def _credential_hint(method: str, profile: str | None, session: Any) -> str:
    name = profile or session.get_config_variable("profile") or "default"
    scoped: dict[str, Any] = {}
    with contextlib.suppress(Exception):
        scoped = dict(session.get_scoped_config())
    return credential_hint(method, name, scoped)


def _network_detail(exc: BaseException) -> str:
    """Connection refused, timed out or dropped: the cause, from botocore's wrapping."""
    causes: list[BaseException] = []
    todo: list[object] = [exc]
    while todo and len(causes) < 8:
        item = todo.pop()
        if not isinstance(item, BaseException) or item in causes:
            continue
        causes.append(item)
        kwargs = getattr(item, "kwargs", None)
        todo += [
            kwargs.get("error") if isinstance(kwargs, dict) else None,
            getattr(item, "os_error", None),
            item.__cause__,
            item.__context__,
        ]
    text = " ".join(f"{type(c).__name__} {c}" for c in causes).lower()
    if "refused" in text or any(isinstance(c, ConnectionRefusedError) for c in causes):
        return "connection refused"
    if "timeout" in text or "timed out" in text or isinstance(exc, TimeoutError):
        return "timed out"
    if "disconnect" in text or "closed" in text or "reset" in text:
        return "connection dropped"
    if "name or service not known" in text or "nodename" in text or "getaddrinfo" in text:
        return "host name not found"
    return sanitize(type(exc).__name__)


def _check_parameters(service: str, op: str, params: Mapping[str, Any]) -> None:
    rule = PARAMETER_RULES.get((service, op))
    why = rule(params) if rule is not None else None
    if why:
        raise ForbiddenOperation(f"{iam_action(service, op)} refused: {why}")


def _refuse_unlisted(model: Any, params: Mapping[str, Any] | None = None, **_: Any) -> None:
    """botocore hook: the single gate that keeps the monitor read-only."""
    service = model.service_model.service_name
    allowed = {"airflow": "mwaa", "monitoring": "cloudwatch"}.get(service, service)
    if model.name not in READ_ONLY_OPERATIONS.get(allowed, frozenset()):
        raise ForbiddenOperation(f"{iam_action(allowed, model.name)} is not a read-only operation")
    _check_parameters(allowed, model.name, params or {})
