"""A source's health as the user should read it, given what the client layer knows."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from mwaa_tui.core.snapshots import ErrorInfo, ErrorKind, SourceHealth

SERVICE_OF = {
    "environment": "mwaa",
    "metrics": "cloudwatch",
    "alarms": "cloudwatch",
    "cloudtrail": "cloudtrail",
}


def service_of(source: str) -> str:
    """`logs:Worker` -> `logs`; `alarms` -> `cloudwatch`."""
    return "logs" if source.startswith("logs:") else SERVICE_OF.get(source, source)


def during_outage(
    health: SourceHealth | None, source: str, outages: dict[str, tuple[float, ErrorInfo]]
) -> SourceHealth | None:
    """A source whose endpoint stopped answering after its last good poll shows that
    outage now, not at its next poll (metrics poll once a minute)."""
    outage = outages.get(service_of(source))
    if outage is None:
        return health
    since, info = outage
    if health is None:
        return SourceHealth(source, error=info, failures=1)
    if health.error is not None or (health.last_ok is not None and health.last_ok > since):
        return health
    return replace(health, error=info, failures=max(1, health.failures))


def expired_advice(healths: Iterable[SourceHealth]) -> str:
    """`credentials expired: run aws sso login --profile P` while any source says so."""
    for health in healths:
        if health.error is not None and health.error.kind is ErrorKind.EXPIRED:
            return health.error.describe()
    return ""
