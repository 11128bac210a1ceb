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
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlparse

from mwaa_tui import __version__
from mwaa_tui.aws.ratelimit import RateLimiter
from mwaa_tui.core.callstats import CallStats
from mwaa_tui.core.errors import classify, iam_action, operation_name
from mwaa_tui.core.sanitize import sanitize
from mwaa_tui.core.snapshots import CallRecord, ErrorInfo, ErrorKind
from mwaa_tui.debuglog import SCRUBBER

READ_ONLY_OPERATIONS: Mapping[str, frozenset[str]] = {
    "mwaa": frozenset({"GetEnvironment", "ListEnvironments"}),
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

log = logging.getLogger(__name__)

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

    def __init__(self, info: ErrorInfo, code: str = "") -> None:
        super().__init__(info.describe())
        self.info = info
        self.code = code

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

    @property
    def region(self) -> str:
        if self._region is None:
            raise ConfigError("the client layer is not open")
        return self._region

    async def open(self) -> AwsGateway:
        """Resolve region and credentials; raises ConfigError with one clear line."""
        from aiobotocore.session import AioSession
        from botocore.exceptions import BotoCoreError, ProfileNotFound

        try:
            session = AioSession(profile=self.settings.profile)
            if self.settings.static_credentials:
                session.set_credentials(*self.settings.static_credentials)
            region = self.settings.region or session.get_config_variable("region")
        except ProfileNotFound as exc:
            raise ConfigError(f"profile not found: {exc.kwargs.get('profile')}") from None
        if not region:
            raise ConfigError(
                "no AWS region: pass --region, or set AWS_REGION or region in the profile"
            )
        try:
            credentials = await session.get_credentials()
        except ProfileNotFound as exc:
            raise ConfigError(f"profile not found: {exc.kwargs.get('profile')}") from None
        except BotoCoreError as exc:
            raise ConfigError(f"cannot load AWS credentials: {sanitize(exc)}") from None
        if credentials is not None:
            frozen = await credentials.get_frozen_credentials()
            for value in (frozen.access_key, frozen.secret_key, frozen.token):
                SCRUBBER.add_secret(value)
        if credentials is None:
            raise ConfigError(
                "no AWS credentials found: use --profile, AWS_PROFILE, environment "
                "variables, `aws sso login`, or an instance profile"
            )
        self._session = session
        self._region = region
        return self

    async def close(self) -> None:
        await self._stack.aclose()
        self._clients.clear()

    async def __aenter__(self) -> AwsGateway:
        return await self.open()

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    def endpoint_override(self, service: str) -> str | None:
        return configured_endpoint(service, self.settings.endpoint_url, self._env)

    def _config(self, local: bool, inject_host_prefix: bool) -> Any:
        from aiobotocore.config import AioConfig

        if local:
            # A local endpoint answers at once or not at all; our pollers retry.
            return AioConfig(
                retries={"mode": "standard", "total_max_attempts": 1},
                connect_timeout=2,
                read_timeout=10,
                inject_host_prefix=inject_host_prefix,
                user_agent_extra=f"mwaa-tui/{__version__}",
            )
        return AioConfig(
            retries={"mode": "standard", "max_attempts": 3},
            connect_timeout=5,
            read_timeout=20,
            inject_host_prefix=inject_host_prefix,
            user_agent_extra=f"mwaa-tui/{__version__}",
        )

    async def _create(self, service: str) -> Any:
        if self._session is None:
            raise ConfigError("the client layer is not open")
        endpoint = self.endpoint_override(service)
        local = bool(endpoint and is_loopback(endpoint))
        ctx = self._session.create_client(
            service,
            region_name=self._region,
            endpoint_url=self.settings.endpoint_url,
            config=self._config(local, inject_host_prefix=True),
        )
        client = await self._stack.enter_async_context(ctx)
        # Endpoints can also come from the config file: judge by where the client points.
        if not is_aws_host(client.meta.endpoint_url):
            local = is_loopback(client.meta.endpoint_url)
            ctx = self._session.create_client(
                service,
                region_name=self._region,
                endpoint_url=self.settings.endpoint_url,
                config=self._config(local, inject_host_prefix=False),
            )
            client = await self._stack.enter_async_context(ctx)
        client.meta.events.register("before-parameter-build", _refuse_unlisted)
        return client

    async def client(self, service: str) -> Any:
        if service not in READ_ONLY_OPERATIONS:
            raise ForbiddenOperation(f"service {service!r} is not used by mwaa-tui")
        if service in self._clients:
            return self._clients[service]
        lock = self._locks.setdefault(service, asyncio.Lock())
        async with lock:
            if service not in self._clients:
                self._clients[service] = await self._create(service)
        return self._clients[service]

    def endpoint_url(self, service: str) -> str:
        client = self._clients.get(service)
        return str(client.meta.endpoint_url) if client else (self.endpoint_override(service) or "")

    async def call(self, service: str, operation: str, **params: Any) -> dict[str, Any]:
        """Call `operation` (snake_case) on `service`; AWS failures raise AwsError."""
        from botocore.exceptions import (
            BotoCoreError,
            ClientError,
            ConnectionError,
            CredentialRetrievalError,
            HTTPClientError,
            NoCredentialsError,
            TokenRetrievalError,
        )

        op = operation_name(operation)
        if op not in READ_ONLY_OPERATIONS.get(service, frozenset()):
            raise ForbiddenOperation(f"{iam_action(service, op)} is not a read-only operation")
        client = await self.client(service)
        await self.limiter.acquire(op)
        action = iam_action(service, op)
        started = self._timer()
        outcome = "error"
        try:
            result: dict[str, Any] = await getattr(client, operation)(**params)
            outcome = "ok"
            return result
        except ClientError as exc:
            err = exc.response.get("Error", {})
            code = str(err.get("Code", ""))
            status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
            kind = classify(code, status)
            outcome = {ErrorKind.THROTTLED: "throttled", ErrorKind.DENIED: "denied"}.get(
                kind, "error"
            )
            message = sanitize(err.get("Message") or code or f"HTTP {status}")
            raise AwsError(ErrorInfo(kind, message, action), code) from None
        except (NoCredentialsError, CredentialRetrievalError, TokenRetrievalError) as exc:
            raise AwsError(ErrorInfo(ErrorKind.EXPIRED, sanitize(exc), action)) from None
        except (TimeoutError, ConnectionError, HTTPClientError, OSError) as exc:
            where = self.endpoint_url(service)
            detail = _network_detail(exc)
            raise AwsError(
                ErrorInfo(ErrorKind.NETWORK, f"cannot reach {where}: {detail}", action)
            ) from None
        except BotoCoreError as exc:
            raise AwsError(ErrorInfo(ErrorKind.OTHER, sanitize(exc), action)) from None
        finally:
            latency = self._timer() - started
            units = len(params.get("MetricDataQueries") or ()) if op == "GetMetricData" else 1
            self.stats.record(CallRecord(service, op, outcome, latency, self._clock(), units))
            log.debug("%s %s: %s in %.0f ms", service, op, outcome, latency * 1000)


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


def _refuse_unlisted(model: Any, **_: Any) -> None:
    """botocore hook: the single gate that keeps the monitor read-only."""
    service = model.service_model.service_name
    allowed = {"airflow": "mwaa", "monitoring": "cloudwatch"}.get(service, service)
    if model.name not in READ_ONLY_OPERATIONS.get(allowed, frozenset()):
        raise ForbiddenOperation(f"{iam_action(allowed, model.name)} is not a read-only operation")
