"""The sandbox's own state for what moto lacks: MWAA environments and CloudTrail events."""

from __future__ import annotations

import json
import threading
import uuid
from dataclasses import dataclass, field
from typing import Any

LOG_KEYS = {
    "DAGProcessing": "DagProcessingLogs",
    "Scheduler": "SchedulerLogs",
    "Task": "TaskLogs",
    "WebServer": "WebserverLogs",
    "Worker": "WorkerLogs",
}

ENVIRONMENT_STATUSES = (
    "CREATING",
    "CREATE_FAILED",
    "AVAILABLE",
    "UPDATING",
    "DELETING",
    "DELETED",
    "UNAVAILABLE",
    "UPDATE_FAILED",
    "ROLLING_BACK",
    "CREATING_SNAPSHOT",
    "PENDING",
    "MAINTENANCE",
)
"""GetEnvironment's Status values, as in the service model."""
REQUIREMENTS_VERSION = "3sL4kqtJlcpXroDTDmJ_rmSpXd3dIbrHY"


@dataclass
class ComponentLogging:
    enabled: bool = True
    level: str = "INFO"
    group_name: str | None = None
    """Defaults to `airflow-<env>-<Component>`; tests pass odd names."""


@dataclass
class MwaaEnvironment:
    name: str
    region: str
    account: str
    created_at: float
    status: str = "AVAILABLE"
    airflow_version: str = "2.10.3"
    environment_class: str = "mw1.medium"
    min_workers: int = 1
    max_workers: int = 5
    schedulers: int = 2
    logging: dict[str, ComponentLogging] = field(default_factory=dict)
    last_update: dict[str, Any] | None = None

    def group_name(self, component: str) -> str:
        cfg = self.logging.get(component) or ComponentLogging()
        return cfg.group_name or f"airflow-{self.name}-{component}"

    def group_arn(self, component: str) -> str:
        return f"arn:aws:logs:{self.region}:{self.account}:log-group:{self.group_name(component)}:*"

    def to_api(self) -> dict[str, Any]:
        logging_cfg = {}
        for component, key in LOG_KEYS.items():
            cfg = self.logging.get(component) or ComponentLogging()
            entry: dict[str, Any] = {"Enabled": cfg.enabled, "LogLevel": cfg.level}
            if cfg.enabled:
                entry["CloudWatchLogGroupArn"] = self.group_arn(component)
            logging_cfg[key] = entry
        env: dict[str, Any] = {
            "Name": self.name,
            "Arn": f"arn:aws:airflow:{self.region}:{self.account}:environment/{self.name}",
            "Status": self.status,
            "CreatedAt": self.created_at,
            "AirflowVersion": self.airflow_version,
            "EnvironmentClass": self.environment_class,
            "MinWorkers": self.min_workers,
            "MaxWorkers": self.max_workers,
            "Schedulers": self.schedulers,
            "MinWebservers": 2,
            "MaxWebservers": 2,
            "WebserverUrl": f"{uuid.uuid5(uuid.NAMESPACE_DNS, self.name)}.c2.{self.region}.airflow.amazonaws.com",
            "WebserverAccessMode": "PRIVATE_ONLY",
            "ExecutionRoleArn": f"arn:aws:iam::{self.account}:role/service-role/AmazonMWAA-{self.name}",
            "ServiceRoleArn": f"arn:aws:iam::{self.account}:role/aws-service-role/airflow.amazonaws.com/AWSServiceRoleForAmazonMWAA",
            "SourceBucketArn": f"arn:aws:s3:::airflow-{self.name}-bucket",
            "DagS3Path": "dags",
            "RequirementsS3Path": "requirements.txt",
            "WeeklyMaintenanceWindowStart": "SUN:03:30",
            "EndpointManagement": "SERVICE",
            "Tags": {"team": "data-platform"},
            "LoggingConfiguration": logging_cfg,
            "NetworkConfiguration": {
                "SubnetIds": ["subnet-0a1b2c3d", "subnet-4e5f6a7b"],
                "SecurityGroupIds": ["sg-0123456789abcdef0"],
            },
        }
        if self.last_update:
            env["LastUpdate"] = self.last_update
        return env


def update_error(env: MwaaEnvironment, *, creating: bool = False) -> tuple[str, str]:
    """The ErrorCode and ErrorMessage of an update whose requirements.txt pip cannot install,
    or of a creation that failed (which MWAA words this way)."""
    if creating:
        return (
            "INCORRECT_CONFIGURATION",
            "You may need to check the execution role permissions policy for your environment, "
            "and that each of the VPC networking components required by the environment are "
            "configured to allow traffic. Troubleshooting: "
            "https://docs.aws.amazon.com/mwaa/latest/userguide/troubleshooting.html",
        )
    return (
        "INCORRECT_CONFIGURATION",
        f"Failed to install the Python packages in s3://airflow-{env.name}-bucket/"
        f"requirements.txt (version {REQUIREMENTS_VERSION}): ERROR: Cannot install "
        "apache-airflow-providers-snowflake==5.8.0 and snowflake-connector-python==3.0.0 "
        "because these package versions have conflicting dependencies "
        "(apache-airflow-providers-snowflake 5.8.0 depends on "
        "snowflake-connector-python>=3.10.1). The environment was restored to its previous "
        "state. See the requirements_install log stream in the Worker log group and "
        "https://docs.aws.amazon.com/mwaa/latest/userguide/t-requirements.html",
    )


class MwaaStore:
    def __init__(self) -> None:
        self.environments: dict[str, MwaaEnvironment] = {}
        self.lock = threading.Lock()

    def get(self, name: str) -> MwaaEnvironment | None:
        return self.environments.get(name)

    def names(self) -> list[str]:
        return sorted(self.environments)

    def clear(self) -> None:
        self.environments.clear()


@dataclass(frozen=True)
class TrailRecord:
    event_id: str
    event_name: str
    event_time: float
    username: str
    read_only: bool
    access_key_id: str
    resource_name: str
    cloudtrail_event: str
    event_source: str = "airflow.amazonaws.com"

    def to_api(self) -> dict[str, Any]:
        return {
            "EventId": self.event_id,
            "EventName": self.event_name,
            "ReadOnly": "true" if self.read_only else "false",
            "AccessKeyId": self.access_key_id,
            "EventTime": self.event_time,
            "EventSource": self.event_source,
            "Username": self.username,
            "Resources": [
                {"ResourceType": "AWS::MWAA::Environment", "ResourceName": self.resource_name}
            ]
            if self.resource_name
            else [],
            "CloudTrailEvent": self.cloudtrail_event,
        }

    def attribute(self, key: str) -> str:
        return {
            "EventId": self.event_id,
            "EventName": self.event_name,
            "ReadOnly": "true" if self.read_only else "false",
            "Username": self.username,
            "ResourceName": self.resource_name,
            "ResourceType": "AWS::MWAA::Environment" if self.resource_name else "",
            "EventSource": self.event_source,
            "AccessKeyId": self.access_key_id,
        }.get(key, "")


class TrailStore:
    """CloudTrail management events, kept newest first."""

    def __init__(self) -> None:
        self.events: list[TrailRecord] = []
        self.lock = threading.Lock()

    def add(self, record: TrailRecord) -> None:
        with self.lock:
            self.events.append(record)
            self.events.sort(key=lambda r: r.event_time, reverse=True)

    def add_raw(
        self,
        *,
        event_id: str,
        event_name: str,
        event_time: float,
        detail: dict[str, Any] | str,
        username: str = "",
        read_only: bool = False,
        resource_name: str = "",
        access_key_id: str = "ASIAEXAMPLEKEY000001",
        event_source: str = "airflow.amazonaws.com",
    ) -> TrailRecord:
        """Add an event; `detail` may be a string to store invalid JSON on purpose."""
        text = detail if isinstance(detail, str) else json.dumps(detail)
        record = TrailRecord(
            event_id,
            event_name,
            event_time,
            username,
            read_only,
            access_key_id,
            resource_name,
            text,
            event_source,
        )
        self.add(record)
        return record

    def lookup(
        self, key: str | None, value: str | None, start: float | None, end: float | None
    ) -> list[TrailRecord]:
        with self.lock:
            events = list(self.events)
        out = []
        for r in events:
            if key and r.attribute(key) != value:
                continue
            if start is not None and r.event_time < start:
                continue
            if end is not None and r.event_time > end:
                continue
            out.append(r)
        return out

    def trim(self, older_than: float) -> None:
        with self.lock:
            self.events = [r for r in self.events if r.event_time >= older_than]

    def clear(self) -> None:
        with self.lock:
            self.events.clear()
