"""What the user trusts below the screen: the demo plays its story, the region and endpoint
variables the sandbox prints work, the command line's errors, plain mode's lines, saved
files' names."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from mwaa_tui.aws.clients import AwsGateway
from mwaa_tui.sandbox import Sandbox
from mwaa_tui.sandbox.simulator import CYCLE, Simulator
from mwaa_tui.sandbox.trail_story import INCIDENT
from tests.conftest import FIXED_NOW

S3_ALARM = "demo-S3KeySensor-OperatorFailures"


async def failures_per_minute(gateway: AwsGateway, start: float, end: float) -> list[float]:
    """The S3 sensor's OperatorFailures, Sum per minute, as a client reads them."""
    answer = await gateway.call(
        "cloudwatch",
        "get_metric_data",
        MetricDataQueries=[
            {
                "Id": "f",
                "MetricStat": {
                    "Metric": {
                        "Namespace": "AmazonMWAA",
                        "MetricName": "OperatorFailures",
                        "Dimensions": [
                            {"Name": "Environment", "Value": "demo"},
                            {"Name": "Operator", "Value": "S3KeySensor"},
                        ],
                    },
                    "Period": 60,
                    "Stat": "Sum",
                },
            }
        ],
        StartTime=datetime.fromtimestamp(start, UTC),
        EndTime=datetime.fromtimestamp(end, UTC),
    )
    values: list[float] = answer["MetricDataResults"][0]["Values"]
    return values


# (seed, start offset): several seeds, and starts that fall at different seconds of a minute
# and phases of the story, so the incident meets the minute boundaries differently.
STARTS = [(3, 0.0), (7, 17.5), (11, 41.0), (19, 203.0)]


@pytest.mark.parametrize(("seed", "offset"), STARTS, ids=[f"seed{s}" for s, _ in STARTS])
async def test_the_demo_alarm_fires_and_recovers_every_cycle(
    sandbox: Sandbox, gateway: AwsGateway, seed: int, offset: float
) -> None:
    start = FIXED_NOW + offset
    clock = [start]
    sandbox.clock = lambda: clock[0]
    sim = Simulator(sandbox, environment="demo", seed=seed)
    sim.setup(start)
    cycles = 2
    # Ten-second steps, as the sandbox's own evaluator runs: the story on an accelerated clock.
    while clock[0] < start + cycles * CYCLE:
        clock[0] += 10
        sim.advance(clock[0])
        with sandbox.lock:
            sandbox.evaluator.evaluate(clock[0])

    history = await gateway.call(
        "cloudwatch",
        "describe_alarm_history",
        AlarmName=S3_ALARM,
        HistoryItemType="StateUpdate",
        ScanBy="TimestampAscending",
    )
    changes = [
        (item["Timestamp"].timestamp(), json.loads(item["HistoryData"]))
        for item in history["AlarmHistoryItems"]
    ]
    states = [data["newState"]["stateValue"] for _, data in changes]
    assert states == ["OK"] + ["ALARM", "OK"] * cycles, states
    # Each ALARM comes while the sensor fails, each OK within about two minutes of the fix.
    for when, data in changes[1:]:
        phase = sim.phase(when)
        if data["newState"]["stateValue"] == "ALARM":
            assert INCIDENT[0] < phase <= INCIDENT[1], phase
            assert "greater than the threshold (5)" in data["newState"]["stateReason"]
        else:
            assert INCIDENT[1] < phase <= INCIDENT[1] + 130, phase

    # The history made at start-up comes from the same generator: its peaks are the live ones.
    backfill = await failures_per_minute(gateway, start - 3600, start - 120)
    live = await failures_per_minute(gateway, start, start + cycles * CYCLE)
    assert max(live) > 5 and max(backfill) > 5
    assert max(backfill) <= 1.5 * max(live) and max(live) <= 1.5 * max(backfill)
    # ... and quiet minutes outside the incident in both.
    assert min(backfill) == min(live) == 0


def test_the_sensor_schedule_is_the_same_every_run(_sandbox_server: Sandbox) -> None:
    """Deterministic per seed: the same attempts, streams and lines for the same seed."""

    def run() -> list[tuple[str, list[str]]]:
        _sandbox_server.reset()
        sim = Simulator(_sandbox_server, environment="demo", seed=5, story_offset=0)
        sim.setup(FIXED_NOW, history=600)
        sim.advance(FIXED_NOW + 300)
        group = _sandbox_server.logs.groups["airflow-demo-Task"]
        return sorted(
            (name, [e.message for e in s.events])
            for name, s in group.streams.items()
            if "dag_id=s3_ingest" in name
        )

    first = run()
    assert first == run()
    _sandbox_server.reset()
    names = [name for name, _ in first]
    # A mapped sensor: three task instances per run, each with its own streams.
    assert any("/map_index=2/attempt=3.log" in n for n in names)
    assert all("task_id=wait_for_file/map_index=" in n for n in names)
