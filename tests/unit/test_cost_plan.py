"""The projected cost of a polling plan, the pacing warning and IAM policy statements."""

from __future__ import annotations

import json

import pytest

from mwaa_tui.aws.clients import READ_ONLY_OPERATIONS
from mwaa_tui.core.callstats import pace_warning, worst_pace
from mwaa_tui.core.cost import PollingPlan, estimate, project_cost
from mwaa_tui.core.errors import iam_action
from mwaa_tui.core.iam import policy_statement, statement_json
from mwaa_tui.core.snapshots import CallRecord, OperationPace

ENV_ARN = "arn:aws:airflow:eu-west-1:123456789012:environment/demo"


def test_projected_cost_sums_the_plan_at_list_prices() -> None:
    plan = PollingPlan(
        metrics_fetched=12,
        metrics_interval=60,
        list_metrics_pages=2,
        rediscover_every=900,
        alarms_interval=30,
        alarms_pages=1,
    )
    cost = project_cost(plan)
    assert cost.metrics_per_hour == 12 * 60
    assert cost.billed_requests_per_hour == 2 * 4 + 120
    assert cost.usd_per_hour == pytest.approx((720 * 0.01 + 128 * 0.01) / 1000)


def test_projection_matches_what_an_hour_of_those_calls_measures() -> None:
    plan = PollingPlan(
        metrics_fetched=30, metrics_interval=120, list_metrics_pages=3, alarms_interval=45
    )
    calls = (
        [
            CallRecord("cloudwatch", "GetMetricData", "ok", 0.01, t, units=30)
            for t in range(0, 3600, 120)
        ]
        + [CallRecord("cloudwatch", "ListMetrics", "ok", 0.01, t) for t in range(0, 3600, 300)]
        + [CallRecord("cloudwatch", "DescribeAlarms", "ok", 0.01, t) for t in range(0, 3600, 45)]
        + [CallRecord("logs", "FilterLogEvents", "ok", 0.01, t) for t in range(0, 3600, 3)]
    )
    assert project_cost(plan) == estimate(calls, seconds=3600)


def test_nothing_polled_costs_nothing_and_alarm_history_only_on_demand() -> None:
    assert project_cost(PollingPlan()).usd_per_hour == 0.0
    assert project_cost(PollingPlan(metrics_fetched=40)).usd_per_hour == 0.0  # not polled
    asked = project_cost(PollingPlan(alarm_history_per_hour=6))
    assert asked.billed_requests_per_hour == 6


def test_the_worst_pace_is_named_with_its_throttled_share() -> None:
    paces = (
        OperationPace("LookupEvents", 2.0, 2.0, attempts=10),
        OperationPace("DescribeAlarms", 9.0, 9.0, throttled_share=0.05, attempts=20),
        OperationPace("FilterLogEvents", 2.1, 5.0, throttled_share=0.31, attempts=40),
        OperationPace("GetLogEvents", 20.0, 25.0, attempts=5),
    )
    worst = worst_pace(paces)
    assert worst is not None and worst.operation == "FilterLogEvents"
    assert pace_warning(worst) == "FilterLogEvents paced 2.1/s · 31 % throttled"


def test_pace_warning_for_throttling_at_quota_pacing_alone_and_tiny_shares() -> None:
    throttled = OperationPace("DescribeAlarms", 9.0, 9.0, throttled_share=0.05)
    assert worst_pace([throttled, OperationPace("LookupEvents", 2.0, 2.0)]) == throttled
    assert pace_warning(throttled) == "DescribeAlarms 5 % throttled"
    assert pace_warning(OperationPace("LookupEvents", 0.05, 2.0)) == "LookupEvents paced 0.05/s"
    tiny = OperationPace("FilterLogEvents", 1.0, 5.0, throttled_share=0.002)
    assert pace_warning(tiny) == "FilterLogEvents paced 1.0/s · <1 % throttled"


def test_no_warning_when_every_operation_runs_at_its_quota() -> None:
    assert worst_pace([OperationPace("FilterLogEvents", 4.9, 5.0, attempts=100)]) is None
    assert worst_pace([]) is None


def test_log_reads_are_scoped_to_the_environments_groups() -> None:
    statement = policy_statement("logs:FilterLogEvents", "demo", ENV_ARN)
    group = "arn:aws:logs:eu-west-1:123456789012:log-group:airflow-demo-*"
    assert statement == {
        "Effect": "Allow",
        "Action": ["logs:FilterLogEvents"],
        "Resource": [group, group + ":*"],
    }
    unknown = policy_statement("logs:GetLogEvents", "demo")["Resource"]
    assert unknown[0] == "arn:aws:logs:*:*:log-group:airflow-demo-*"


def test_environment_reads_name_the_environment_and_the_rest_use_a_star() -> None:
    assert policy_statement("airflow:GetEnvironment", "demo", ENV_ARN)["Resource"] == ENV_ARN
    assert (
        policy_statement("airflow:GetEnvironment", "demo")["Resource"]
        == "arn:aws:airflow:*:*:environment/demo"
    )
    for action in (
        "airflow:ListEnvironments",
        "cloudtrail:LookupEvents",
        "cloudwatch:DescribeAlarms",
        "cloudwatch:GetMetricData",
        "logs:DescribeLogGroups",
        "logs:GetQueryResults",
    ):
        assert policy_statement(action, "demo", ENV_ARN)["Resource"] == "*", action


def test_other_partitions_keep_their_partition() -> None:
    arn = "arn:aws-cn:airflow:cn-north-1:123456789012:environment/demo"
    resource = policy_statement("logs:FilterLogEvents", "demo", arn)["Resource"]
    assert resource[0].startswith("arn:aws-cn:logs:cn-north-1:123456789012:log-group:")


def test_every_allowed_operation_has_a_statement_that_parses() -> None:
    for service, operations in READ_ONLY_OPERATIONS.items():
        for op in operations:
            action = iam_action(service, op)
            parsed = json.loads(statement_json(action, "demo", ENV_ARN))
            assert parsed["Effect"] == "Allow" and parsed["Action"] == [action]
            resources = parsed["Resource"]
            assert resources == "*" or all(
                r.startswith(
                    (
                        "arn:aws:logs:eu-west-1:123456789012:log-group:airflow-demo-",
                        ENV_ARN,
                        "arn:aws:airflow:eu-west-1:123456789012:role/demo/Viewer",
                    )
                )
                for r in ([resources] if isinstance(resources, str) else resources)
            ), action
