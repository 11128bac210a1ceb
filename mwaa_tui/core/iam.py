"""IAM policy statements that grant the read-only actions mwaa-tui calls.

The resources follow the README's least-privilege policy: log reads scoped to the
environment's log groups (`airflow-<env>-*`), GetEnvironment to the environment's ARN, and
`*` for what has no resource-level permissions (ListEnvironments, DescribeLogGroups,
GetQueryResults, StopQuery, every CloudWatch metric and alarm read, LookupEvents;
DescribeAlarms needs `*` to see composite alarms).
"""

from __future__ import annotations

import json
from typing import Any

from mwaa_tui.core.airflow import viewer_role_arn

LOG_GROUP_ACTIONS = frozenset(
    {
        "logs:FilterLogEvents",
        "logs:GetLogEvents",
        "logs:DescribeLogStreams",
        "logs:StartLiveTail",
        "logs:StartQuery",
    }
)
ENVIRONMENT_ACTIONS = frozenset({"airflow:GetEnvironment"})


def _arn_parts(environment_arn: str) -> tuple[str, str, str]:
    """Partition, region and account of an MWAA environment ARN; `*` for what is unknown."""
    parts = environment_arn.split(":")
    if len(parts) >= 6 and parts[0] == "arn" and parts[2] == "airflow":
        return (parts[1] or "aws", parts[3] or "*", parts[4] or "*")
    return ("aws", "*", "*")


def resources(action: str, environment: str, environment_arn: str = "") -> str | list[str]:
    """The narrowest resource that lets `action` work for `environment`."""
    partition, region, account = _arn_parts(environment_arn)
    if action in LOG_GROUP_ACTIONS:
        name = f"airflow-{environment}-*" if environment else "airflow-*"
        group = f"arn:{partition}:logs:{region}:{account}:log-group:{name}"
        # Some log actions are authorised against the group, others against its streams.
        return [group, f"{group}:*"]
    if action == "airflow:InvokeRestApi":
        # Granted on the Viewer role only: read-only on the Airflow side too.
        return viewer_role_arn(environment_arn, environment or "*")
    if action in ENVIRONMENT_ACTIONS:
        if environment_arn.startswith("arn:"):
            return environment_arn
        return f"arn:{partition}:airflow:{region}:{account}:environment/{environment}"
    return "*"


def policy_statement(action: str, environment: str, environment_arn: str = "") -> dict[str, Any]:
    """One `Allow` statement granting `action` (e.g. `cloudtrail:LookupEvents`)."""
    return {
        "Effect": "Allow",
        "Action": [action],
        "Resource": resources(action, environment, environment_arn),
    }


def statement_json(action: str, environment: str, environment_arn: str = "") -> str:
    """`policy_statement` as indented JSON, ready to paste into a policy's `Statement` list."""
    return json.dumps(policy_statement(action, environment, environment_arn), indent=2)
