"""GetEnvironment's response, reduced to an `EnvironmentSnapshot`."""

from __future__ import annotations

from typing import Any

from mwaa_tui.core.format import epoch_seconds
from mwaa_tui.core.sanitize import sanitize
from mwaa_tui.core.snapshots import (
    COMPONENTS,
    LOGGING_KEYS,
    EnvironmentSnapshot,
    LastUpdate,
    LogConfig,
)


def group_name_from_arn(arn: str) -> str:
    """`arn:aws:logs:R:A:log-group:NAME:*` -> `NAME`. Never built from a pattern."""
    if not arn:
        return ""
    marker = ":log-group:"
    idx = arn.find(marker)
    name = arn[idx + len(marker) :] if idx >= 0 else arn
    if name.endswith(":*"):
        name = name[:-2]
    return name


class EnvironmentWithoutName(ValueError):
    """GetEnvironment answered with no environment name: nothing to show or poll by."""

    def __init__(self) -> None:
        super().__init__("the endpoint answered GetEnvironment without an environment name")


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) else None


def parse_environment(env: dict[str, Any]) -> EnvironmentSnapshot:
    """Build a snapshot from `GetEnvironment()["Environment"]`; raises
    `EnvironmentWithoutName` when `Name` is missing or empty."""
    name = sanitize(env.get("Name", ""))
    if not name.strip():
        raise EnvironmentWithoutName
    logging_cfg = env.get("LoggingConfiguration") or {}
    configs = []
    for component in COMPONENTS:
        raw = logging_cfg.get(LOGGING_KEYS[component]) or {}
        arn = sanitize(raw.get("CloudWatchLogGroupArn", ""))
        configs.append(
            LogConfig(
                component=component,
                enabled=bool(raw.get("Enabled", False)),
                level=sanitize(raw.get("LogLevel", "")),
                group_arn=arn,
                group_name=group_name_from_arn(arn),
            )
        )
    last = env.get("LastUpdate")
    last_update = None
    if isinstance(last, dict):
        err = last.get("Error") or {}
        last_update = LastUpdate(
            status=sanitize(last.get("Status", "")),
            created_at=epoch_seconds(last.get("CreatedAt")),
            source=sanitize(last.get("Source", "")),
            error_code=sanitize(err.get("ErrorCode", "")),
            error_message=sanitize(err.get("ErrorMessage", "")),
        )
    return EnvironmentSnapshot(
        name=name,
        status=sanitize(env.get("Status", "UNKNOWN")),
        arn=sanitize(env.get("Arn", "")),
        airflow_version=sanitize(env.get("AirflowVersion", "")),
        environment_class=sanitize(env.get("EnvironmentClass", "")),
        min_workers=_int(env.get("MinWorkers")),
        max_workers=_int(env.get("MaxWorkers")),
        schedulers=_int(env.get("Schedulers")),
        webserver_url=sanitize(env.get("WebserverUrl", "")),
        created_at=epoch_seconds(env.get("CreatedAt")),
        logging=tuple(configs),
        last_update=last_update,
    )
