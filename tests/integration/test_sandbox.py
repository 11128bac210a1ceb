"""The sandbox fills moto's gaps the way AWS behaves."""

from __future__ import annotations

import time
from datetime import UTC, datetime

import pytest

from mwaa_tui.aws.clients import AwsError, AwsGateway
from mwaa_tui.sandbox import Sandbox
from mwaa_tui.sandbox.evaluator import naive_utc
from mwaa_tui.sandbox.simulator import Simulator
from mwaa_tui.sandbox.stores import ComponentLogging


async def test_get_environment_has_the_full_shape(sandbox: Sandbox, gateway: AwsGateway) -> None:
    sandbox.create_environment(
        "dublin-ricsue",
        logging_config={
            "Task": ComponentLogging(enabled=False, level="WARNING"),
            "Worker": ComponentLogging(group_name="odd/workers"),
        },
    )
    env = (await gateway.call("mwaa", "get_environment", Name="dublin-ricsue"))["Environment"]
    assert env["Status"] == "AVAILABLE"
    assert isinstance(env["CreatedAt"], datetime)
    logging_cfg = env["LoggingConfiguration"]
    assert logging_cfg["WorkerLogs"]["CloudWatchLogGroupArn"].endswith(":log-group:odd/workers:*")
    assert logging_cfg["TaskLogs"] == {"Enabled": False, "LogLevel": "WARNING"}
    groups = await gateway.call("logs", "describe_log_groups")
    names = {g["logGroupName"] for g in groups["logGroups"]}
    assert "odd/workers" in names and "airflow-dublin-ricsue-Task" not in names


async def test_lookup_events_rules(sandbox: Sandbox, gateway: AwsGateway) -> None:
    base = time.time() - 1000
    for i in range(120):
        sandbox.trail.add_raw(
            event_id=f"e{i:03d}",
            event_name="CreateCliToken",
            event_time=base + i,
            detail={"eventName": "CreateCliToken"},
        )
    sandbox.trail.add_raw(
        event_id="other",
        event_name="PutObject",
        event_time=base + 500,
        detail={},
        event_source="s3.amazonaws.com",
    )
    attrs = [{"AttributeKey": "EventSource", "AttributeValue": "airflow.amazonaws.com"}]
    seen: list[str] = []
    token = None
    for _ in range(5):
        params = {"LookupAttributes": attrs, "MaxResults": 50}
        if token:
            params["NextToken"] = token
        page = await gateway.call("cloudtrail", "lookup_events", **params)
        seen += [e["EventId"] for e in page["Events"]]
        token = page.get("NextToken")
        if not token:
            break
    assert seen[0] == "e119" and seen[-1] == "e000" and len(seen) == len(set(seen)) == 120
    with pytest.raises(AwsError, match="more than one lookup attribute"):
        await gateway.call("cloudtrail", "lookup_events", LookupAttributes=attrs * 2)
    with pytest.raises(AwsError):
        await gateway.call("cloudtrail", "lookup_events", MaxResults=51)


async def test_alarm_evaluator_fires_and_recovers_with_history(
    sandbox: Sandbox, gateway: AwsGateway
) -> None:
    sim = Simulator(sandbox, environment="demo", seed=5)
    now = float(int(time.time()) // 60 * 60)
    sim.setup(now, history=600)
    name = "demo-S3KeySensor-OperatorFailures"
    alarm = sandbox.cloudwatch.alarms[name]
    assert alarm.state_value == "OK"
    from moto.cloudwatch.models import MetricDatum

    for minute in (1, 2):
        sandbox.cloudwatch.metric_data.append(
            MetricDatum(
                "AmazonMWAA",
                "OperatorFailures",
                9.0,
                [
                    {"Name": "Environment", "Value": "demo"},
                    {"Name": "Operator", "Value": "S3KeySensor"},
                ],
                naive_utc(now + minute * 60 + 5),
            )
        )
    assert (name, "OK", "ALARM") in sandbox.evaluator.evaluate(now + 125)
    assert "greater than the threshold (5)" in alarm.state_reason
    resp = await gateway.call("cloudwatch", "describe_alarms", AlarmNames=[name])
    assert resp["MetricAlarms"][0]["StateValue"] == "ALARM"
    # Next minute has only zeros from the simulator's regular ticks: back to OK.
    sim.t = now + 170
    sim.advance(now + 250)
    assert (name, "ALARM", "OK") in sandbox.evaluator.evaluate(now + 245)
    history = await gateway.call("cloudwatch", "describe_alarm_history", AlarmName=name)
    summaries = [h["HistorySummary"] for h in history["AlarmHistoryItems"]]
    assert summaries[:2] == ["Alarm updated from ALARM to OK", "Alarm updated from OK to ALARM"]


async def test_alarms_start_insufficient_and_missing_data_counts(
    sandbox: Sandbox, gateway: AwsGateway
) -> None:
    sim = Simulator(sandbox, environment="demo", seed=5)
    sim.setup(time.time(), history=0)
    # The other environment's heartbeat alarm has no data and treats missing as breaching.
    assert sandbox.cloudwatch.alarms["staging-SchedulerHeartbeat"].state_value == "ALARM"
    resp = await gateway.call(
        "cloudwatch", "describe_alarms", AlarmTypes=["MetricAlarm", "CompositeAlarm"]
    )
    states = {a["AlarmName"]: a["StateValue"] for a in resp["MetricAlarms"]}
    assert set(states.values()) <= {"OK", "ALARM", "INSUFFICIENT_DATA"}


def test_simulation_is_deterministic_with_a_seed(_sandbox_server: Sandbox) -> None:
    def run() -> tuple[list[str], list[str]]:
        _sandbox_server.reset()
        sim = Simulator(_sandbox_server, environment="demo", seed=11)
        sim.setup(1_764_072_000.0, history=300)
        sim.advance(1_764_072_060.0)
        lines = [
            e.message
            for g in _sandbox_server.logs.groups.values()
            for s in g.streams.values()
            for e in s.events
        ]
        return lines, [r.event_id for r in _sandbox_server.trail.events]

    assert run() == run()
    _sandbox_server.reset()


def test_the_story_plays_the_incident(_sandbox_server: Sandbox) -> None:
    _sandbox_server.reset()
    sim = Simulator(_sandbox_server, environment="demo", seed=2, story_offset=0)
    start = 1_764_072_000.0
    sim.setup(start, history=0)
    sim.advance(start + 260)
    errors = [
        e.message
        for s in _sandbox_server.logs.groups["airflow-demo-Task"].streams.values()
        for e in s.events
        if " ERROR - " in e.message
    ]
    assert errors, "the failing S3 sensor writes ERROR lines"
    denied = [
        r
        for r in _sandbox_server.trail.events
        if '"errorCode": "AccessDenied"' in r.cloudtrail_event
    ]
    assert denied and denied[0].event_name == "CreateCliToken"
    assert datetime.fromtimestamp(denied[0].event_time, UTC) > datetime.fromtimestamp(start, UTC)
    _sandbox_server.reset()


async def test_logs_insights_runs_reports_progress_and_stops(
    sandbox: Sandbox, gateway: AwsGateway
) -> None:
    from mwaa_tui.core.snapshots import LogConfig
    from mwaa_tui.pollers.insights import query_progress, start_query, stop_query

    env = sandbox.create_environment("prod")
    group = env.group_name("Worker")
    now = time.time()
    with sandbox.lock:
        sandbox.logs.groups[group].create_log_stream("w")
        sandbox.logs.groups[group].streams["w"].put_log_events(
            [
                {"timestamp": int((now - 7200 + i) * 1000), "message": f"ERROR part {i}"}
                for i in range(3)
            ]
            + [{"timestamp": int((now - 60) * 1000), "message": "all fine"}]
        )
    clock = [now]
    sandbox.insights.clock = lambda: clock[0]
    sandbox.insights.duration = 10
    cfg = LogConfig("Worker", enabled=True, level="INFO", group_name=group)
    qid = await start_query(gateway, [group], "error part", int(now - 86400), int(now))
    running = await query_progress(gateway, qid, {group: "Worker"}, redact=True)
    assert running.status == "Running" and not running.done and running.events == ()
    clock[0] += 5
    halfway = await query_progress(gateway, qid, {group: "Worker"}, redact=True)
    assert halfway.bytes_scanned > 0 and halfway.records_scanned == 2
    clock[0] += 5
    done = await query_progress(gateway, qid, {cfg.group_name: "Worker"}, redact=True)
    assert done.status == "Complete" and done.records_matched == 3 and done.records_scanned == 4
    assert [e.message for e in done.events] == ["ERROR part 0", "ERROR part 1", "ERROR part 2"]
    assert {e.component for e in done.events} == {"Worker"}
    assert done.events[0].timestamp == int((now - 7200) * 1000)
    other = await start_query(gateway, [group], "fine", int(now - 600), int(now))
    await stop_query(gateway, other)
    stopped = await query_progress(gateway, other, {group: "Worker"}, redact=True)
    assert stopped.status == "Cancelled" and stopped.done
    with pytest.raises(AwsError):
        await query_progress(gateway, "no-such-query", {}, redact=True)
    with pytest.raises(AwsError):
        await start_query(gateway, ["no-such-group"], "x", int(now - 60), int(now))
