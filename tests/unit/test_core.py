"""Pure functions of the core: levels, catalogue, alarms, trail, environment, errors."""

from __future__ import annotations

import itertools
import json
import random
from datetime import UTC, datetime

import pytest

from mwaa_tui.aws.ratelimit import OTHER_RATE, RateLimiter
from mwaa_tui.core.alarms import describe_condition, select_alarms
from mwaa_tui.core.backoff import FIRST_DATA_CAP, NETWORK_CAP, SLOW_RETRY, retry_delay
from mwaa_tui.core.callstats import CallStats
from mwaa_tui.core.catalogue import choose_period, format_value, match_metrics
from mwaa_tui.core.environment import group_name_from_arn, parse_environment
from mwaa_tui.core.errors import classify, iam_action, operation_name
from mwaa_tui.core.format import health_line, parse_duration
from mwaa_tui.core.levels import at_least, parse_level
from mwaa_tui.core.snapshots import CallRecord, ErrorInfo, ErrorKind, SourceHealth
from mwaa_tui.core.trail import parse_event


@pytest.mark.parametrize(
    ("line", "level"),
    [
        ("[2026-11-25T11:40:01.123+0000] {scheduler_job_runner.py:417} INFO - Sending", "INFO"),
        ("[2021-02-04 19:34:37,802] {{logging_config.py:47}} WARNING - odd", "WARNING"),
        ("[2026-11-25T11:40:01.123+0000] {taskinstance.py:1} ERROR - Task failed", "ERROR"),
        ("[2021-02-04 19:34:37 +0000] [30] [INFO] Handling signal: ttin", "INFO"),
        ("[ERROR] - pip install failed", "ERROR"),
        ('{"timestamp": "2026-11-25T11:40:01Z", "level": "error", "event": "boom"}', "ERROR"),
        ('{"event": "x", "level": "warning"}', "WARNING"),
        ('10.0.42.53 - - [04/Feb/2021:19:34:18 +0000] "GET /health HTTP/1.1" 200 12', None),
        ("{not json", None),
    ],
)
def test_parse_level(line: str, level: str | None) -> None:
    assert parse_level(line) == level


def test_level_threshold() -> None:
    assert at_least("ERROR", "WARNING")
    assert not at_least("INFO", "WARNING")
    assert at_least(None, "ERROR")


def _metric(name: str, ns: str = "AmazonMWAA", env: str = "prod", **dims: str) -> dict:
    d = [{"Name": "Environment", "Value": env}] + [{"Name": k, "Value": v} for k, v in dims.items()]
    return {"Namespace": ns, "MetricName": name, "Dimensions": d}


def test_catalogue_matches_discovered_series_and_drops_duplicates() -> None:
    listed = [
        _metric("SchedulerHeartbeat", Function="Scheduler"),
        _metric("SchedulerHeartbeat", Function="Scheduler"),
        _metric("OperatorFailures", Operator="S3KeySensor"),
        _metric("OperatorFailures", Operator="PythonOperator"),
        _metric("CPUUtilization", "AWS/MWAA", Cluster="BaseWorker"),
        _metric("CPUUtilization", "AWS/MWAA", DatabaseRole="WRITER"),
        _metric("SchedulerHeartbeat", env="staging", Function="Scheduler"),
        _metric("SomethingUnknown"),
    ]
    found = match_metrics(listed, "prod")
    labels = [s.label for s in found]
    assert labels.count("Heartbeat") == 1
    assert "OpFail S3KeySensor" in labels and "OpFail PythonOperator" in labels
    assert "CPU BaseWorker" in labels and "DB CPU WRITER" in labels
    assert "Count BaseWorker" in labels  # the same series, by SampleCount: the worker count
    assert len(found) == 6


def test_period_and_value_formatting() -> None:
    assert choose_period(3600) == 60
    assert choose_period(86400) == 1800
    assert choose_period(7 * 86400) == 10800
    assert format_value(42.123, "%") == "42.1%"
    assert format_value(3, "Count") == "3"
    assert format_value(1.5 * 1024**3, "Bytes") == "1.5 GiB"
    assert format_value(None, "%") == "–"
    assert format_value(1024.0, "ms") == "1.02s"
    assert format_value(123456.0, "Count") == "123.5k"


def _alarm(name: str, state: str, env: str | None, when: int = 0, **extra: object) -> dict:
    dims = [{"Name": "Environment", "Value": env}] if env else []
    return {
        "AlarmName": name,
        "StateValue": state,
        "StateReason": f"reason {name}",
        "StateUpdatedTimestamp": datetime.fromtimestamp(1_700_000_000 + when, UTC),
        "Namespace": "AmazonMWAA",
        "MetricName": "OperatorFailures",
        "Dimensions": dims,
        "Statistic": "Sum",
        "ComparisonOperator": "GreaterThanThreshold",
        "Threshold": 5.0,
        **extra,
    }


def test_alarms_belong_by_dimension_math_or_composite_and_sort_alarm_first() -> None:
    math = _alarm(
        "math",
        "OK",
        None,
        Metrics=[
            {
                "Id": "m1",
                "MetricStat": {
                    "Metric": {"Dimensions": [{"Name": "Environment", "Value": "prod"}]}
                },
            }
        ],
    )
    metric = [
        _alarm("ok", "OK", "prod"),
        _alarm("firing", "ALARM", "prod"),
        _alarm("other-env", "ALARM", "staging"),
        _alarm("unknown", "INSUFFICIENT_DATA", "prod"),
        math,
    ]
    composite = [
        {"AlarmName": "combo", "StateValue": "ALARM", "AlarmRule": 'ALARM("firing") OR ALARM(ok)'},
        {"AlarmName": "foreign", "StateValue": "ALARM", "AlarmRule": 'ALARM("other-env")'},
    ]
    names = [a.name for a in select_alarms(metric, composite, "prod")]
    assert names[:2] == ["combo", "firing"] or names[:2] == ["firing", "combo"]
    assert names[2] == "unknown"
    assert set(names) == {"combo", "firing", "unknown", "ok", "math"}
    assert "other-env" in [a.name for a in select_alarms(metric, [], "prod", ["other-env"])]
    firing = next(a for a in select_alarms(metric, [], "prod") if a.name == "firing")
    assert describe_condition(firing) == "OperatorFailures Sum > 5"


ARTICLE_EVENT = {
    "eventVersion": "1.08",
    "userIdentity": {
        "type": "AssumedRole",
        "arn": "arn:aws:sts::704533066374:assumed-role/triggerMwaaDAGRole/triggerMwaaDAG",
    },
    "eventTime": "2021-02-02T11:10:17Z",
    "eventSource": "airflow.amazonaws.com",
    "eventName": "CreateCliToken",
    "sourceIPAddress": "xx.xx.xx.xx",
    "userAgent": "Boto3/1.16.63 Python/3.7.9 Linux/4.14.209-112.339.amzn2.x86_64",
    "errorCode": "AccessDenied",
    "requestParameters": {"Name": "dublin-ricsue"},
    "responseElements": {
        "message": "User: arn:aws:sts::1:assumed-role/triggerMwaaDAGRole/"
        "triggerMwaaDAG is not authorized to perform: airflow:CreateCliToken"
    },
}


def test_trail_event_from_the_article() -> None:
    e = parse_event(
        {
            "EventId": "940ac6f5",
            "EventName": "CreateCliToken",
            "EventTime": datetime(2021, 2, 2, 11, 10, 17, tzinfo=UTC),
            "CloudTrailEvent": json.dumps(ARTICLE_EVENT),
        }
    )
    assert e.user == "triggerMwaaDAGRole/triggerMwaaDAG"
    assert e.error_code == "AccessDenied"
    assert "not authorized to perform: airflow:CreateCliToken" in e.error_message
    assert e.requested_name == "dublin-ricsue"
    assert e.parsed


def test_trail_event_hostile_and_invalid() -> None:
    hostile = dict(
        ARTICLE_EVENT,
        userAgent="\x1b]0;pwn\x07[bold]x[/]",
        requestParameters={"\x1b[2Jk": "\x9b31mv"},
    )
    e = parse_event({"EventId": "1", "CloudTrailEvent": json.dumps(hostile)})
    assert "\x1b" not in e.raw and "\x9b" not in e.raw and "\\u001b" not in e.raw
    assert e.user_agent == "[bold]x[/]"
    bad = parse_event({"EventId": "2", "CloudTrailEvent": "{not json \x1b[2J"})
    assert not bad.parsed and bad.raw == "{not json "


def test_environment_snapshot_reads_group_names_from_arns() -> None:
    assert (
        group_name_from_arn("arn:aws:logs:eu-west-1:1:log-group:odd-name/Worker:*")
        == "odd-name/Worker"
    )
    snap = parse_environment(
        {
            "Name": "prod",
            "Status": "UPDATE_FAILED",
            "LoggingConfiguration": {
                "WorkerLogs": {
                    "Enabled": True,
                    "LogLevel": "INFO",
                    "CloudWatchLogGroupArn": "arn:aws:logs:r:1:log-group:custom-workers:*",
                },
                "TaskLogs": {"Enabled": False, "LogLevel": "WARNING"},
            },
            "LastUpdate": {
                "Status": "FAILED",
                "Error": {"ErrorCode": "E1", "ErrorMessage": "\x1b[2Jboom"},
            },
        }
    )
    worker = snap.log_config("Worker")
    assert worker is not None and worker.group_name == "custom-workers"
    task = snap.log_config("Task")
    assert task is not None and not task.enabled and task.level == "WARNING"
    assert snap.last_update is not None and snap.last_update.error_message == "boom"


def test_error_classification_and_iam_action() -> None:
    assert classify("ThrottlingException") is ErrorKind.THROTTLED
    assert classify("Throttling") is ErrorKind.THROTTLED
    assert classify("AccessDeniedException") is ErrorKind.DENIED
    assert classify("ExpiredTokenException") is ErrorKind.EXPIRED
    assert classify("ResourceNotFoundException") is ErrorKind.NOT_FOUND
    assert classify("Whatever", 429) is ErrorKind.THROTTLED
    assert iam_action("mwaa", "GetEnvironment") == "airflow:GetEnvironment"
    assert operation_name("filter_log_events") == "FilterLogEvents"
    info = ErrorInfo(ErrorKind.DENIED, "User is not authorized", "logs:FilterLogEvents")
    assert info.describe() == "access denied: the role lacks logs:FilterLogEvents"


def test_poll_retry_delays_by_error_class() -> None:
    for seed in range(20):
        rng = random.Random(seed)
        throttled = [retry_delay(ErrorKind.THROTTLED, n, 10.0, rng) for n in range(1, 9)]
        # Throttling slows a source down: never beyond twice its interval.
        assert all(5.0 <= d <= 20.0 for d in throttled), throttled
        assert retry_delay(ErrorKind.THROTTLED, 4, 60.0, rng, soon=True) <= FIRST_DATA_CAP
        network = [retry_delay(ErrorKind.NETWORK, n, 3.0, rng) for n in range(1, 9)]
        assert all(d <= NETWORK_CAP for d in network)
        assert 10.0 <= retry_delay(ErrorKind.EXPIRED, 5, 2.0, rng) <= 15.0
    assert retry_delay(ErrorKind.DENIED, 1, 2.0) == SLOW_RETRY
    assert retry_delay(ErrorKind.NOT_FOUND, 3, 2.0) == SLOW_RETRY


def test_call_stats_window() -> None:
    stats = CallStats(window=60)
    for i in range(10):
        stats.record(CallRecord("logs", "FilterLogEvents", "ok", 0.01, 100.0 + i))
    stats.record(CallRecord("logs", "FilterLogEvents", "throttled", 0.01, 105.0))
    stats.record(CallRecord("cloudwatch", "DescribeAlarms", "denied", 0.01, 30.0))
    s = stats.summary(now=150.0)
    assert s.per_minute == 11 and s.throttled == 1 and s.denied == 0 and s.total == 12
    assert s.by_operation[0] == ("FilterLogEvents", 11)


async def test_rate_limiter_spaces_grants_even_when_callers_race() -> None:
    import asyncio

    limiter = RateLimiter({"LookupEvents": 20.0})
    await asyncio.gather(*(limiter.acquire("LookupEvents") for _ in range(5)))
    grants = list(limiter.granted["LookupEvents"])
    gaps = [b - a for a, b in itertools.pairwise(grants)]
    assert len(grants) == 5 and min(gaps) >= 1.1 / 20 - 1e-3
    # An operation without a published quota still adapts, from a default pace.
    assert limiter.pace("GetEnvironment").quota == OTHER_RATE


def test_health_line_says_stale_and_the_error() -> None:
    ok = SourceHealth("alarms", last_ok=100.0, interval=15.0)
    assert health_line(ok, 103.0) == ("updated just now", "ok")
    assert health_line(ok, 125.0) == ("updated 20s ago", "ok")
    stale = SourceHealth(
        "alarms",
        last_ok=100.0,
        interval=15.0,
        error=ErrorInfo(ErrorKind.DENIED, "x", "cloudwatch:DescribeAlarms"),
        failures=4,
    )
    text, severity = health_line(stale, 200.0)
    assert text.startswith("STALE") and "cloudwatch:DescribeAlarms" in text
    assert severity == "error"
    assert health_line(None, 0.0) == ("loading…", "wait")


def test_parse_duration() -> None:
    assert parse_duration("10m") == 600
    assert parse_duration("2h") == 7200
    assert parse_duration("45") == 45
    with pytest.raises(ValueError):
        parse_duration("-5m")


def test_breaching_matches_metric_dimensions_and_direction() -> None:
    from mwaa_tui.core.alarms import breaching
    from mwaa_tui.core.snapshots import Alarm, MetricSeries

    dims = (("Environment", "prod"), ("Operator", "S3KeySensor"))
    series = MetricSeries(
        "k",
        "OpFail",
        "AmazonMWAA",
        "OperatorFailures",
        "Sum",
        "Count",
        dims,
        (1.0, 2.0),
        (3.0, 9.0),
    )
    above = Alarm(
        "a",
        "ALARM",
        "",
        None,
        namespace="AmazonMWAA",
        metric="OperatorFailures",
        dimensions=dims,
        comparison="GreaterThanThreshold",
        threshold=5.0,
    )
    other_dims = Alarm(
        "b",
        "OK",
        "",
        None,
        namespace="AmazonMWAA",
        metric="OperatorFailures",
        dimensions=(("Environment", "prod"),),
        comparison="GreaterThanThreshold",
        threshold=5.0,
    )
    below = Alarm(
        "c",
        "OK",
        "",
        None,
        namespace="AmazonMWAA",
        metric="OperatorFailures",
        dimensions=dims,
        comparison="LessThanThreshold",
        threshold=1.0,
    )
    assert breaching(series, [above])
    assert not breaching(series, [other_dims, below])


def test_cost_meter_arithmetic_for_a_known_call_mix() -> None:
    from mwaa_tui.core.cost import estimate

    calls = (
        [CallRecord("cloudwatch", "GetMetricData", "ok", 0.01, 10.0, units=28)] * 2
        + [CallRecord("cloudwatch", "DescribeAlarms", "ok", 0.01, 20.0)] * 4
        + [CallRecord("cloudwatch", "ListMetrics", "ok", 0.01, 30.0)]
        + [CallRecord("logs", "FilterLogEvents", "ok", 0.01, 40.0)] * 10
        + [CallRecord("cloudtrail", "LookupEvents", "ok", 0.01, 50.0)] * 3
    )
    cost = estimate(calls, seconds=60)
    assert cost.metrics_per_hour == 56 * 60
    assert cost.billed_requests_per_hour == 5 * 60
    assert cost.usd_per_hour == pytest.approx((3360 * 0.01 + 300 * 0.01) / 1000)


def test_cost_is_estimated_only_after_a_few_minutes() -> None:
    stats = CallStats()
    stats.record(CallRecord("cloudwatch", "GetMetricData", "ok", 0.01, 0.0, units=40))
    assert stats.summary(now=60.0).usd_per_hour is None
    for minute in range(1, 5):
        stats.record(CallRecord("cloudwatch", "GetMetricData", "ok", 0.01, minute * 60.0, units=40))
    summary = stats.summary(now=300.0)
    assert summary.usd_per_hour == pytest.approx(200 * 12 * 0.01 / 1000)
