"""What the user trusts below the screen: the demo plays its story, the region and endpoint
variables the sandbox prints work, the command line's errors, plain mode's lines, saved
files' names."""

from __future__ import annotations

import json
import os
import queue
import signal
import stat
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from mwaa_tui.aws.clients import AwsGateway, AwsSettings, ConfigError
from mwaa_tui.cli import build_parser, main
from mwaa_tui.files import save_private, utc_stamp
from mwaa_tui.sandbox import Sandbox
from mwaa_tui.sandbox.server import DEMO_CREDENTIALS
from mwaa_tui.sandbox.simulator import CYCLE, Simulator
from mwaa_tui.sandbox.trail_story import INCIDENT
from tests.conftest import FIXED_NOW, put_events

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


# -- the region and the sandbox's variables ------------------------------------------------


@pytest.fixture
def no_aws_config(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """No AWS variable and no config file: only what a test sets counts."""
    for var in list(os.environ):
        if var.startswith("AWS_"):
            monkeypatch.delenv(var)
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "credentials"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    return tmp_path


async def environments_seen(sandbox: Sandbox, env: dict[str, str]) -> tuple[str, list[str]]:
    settings = AwsSettings(endpoint_url=sandbox.url, static_credentials=DEMO_CREDENTIALS)
    async with AwsGateway(settings, env=env) as gateway:
        answer = await gateway.call("mwaa", "list_environments")
        return gateway.region, answer["Environments"]


async def test_aws_region_and_aws_default_region_both_name_the_region(
    sandbox: Sandbox, no_aws_config: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    sandbox.create_environment("demo")
    # AWS_REGION, as the AWS CLI v2 and the other SDKs read it (botocore does not).
    assert await environments_seen(sandbox, {"AWS_REGION": sandbox.region}) == (
        sandbox.region,
        ["demo"],
    )
    with pytest.raises(ConfigError, match="no AWS region"):
        await environments_seen(sandbox, {})
    # AWS_DEFAULT_REGION, which botocore reads from the process environment.
    monkeypatch.setenv("AWS_DEFAULT_REGION", sandbox.region)
    assert await environments_seen(sandbox, {}) == (sandbox.region, ["demo"])
    # Both set: AWS_REGION wins, as in the AWS CLI v2.
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    region, _ = await environments_seen(sandbox, {"AWS_REGION": sandbox.region})
    assert region == sandbox.region


@pytest.fixture(scope="module")
def sandbox_command() -> Iterator[dict[str, str]]:
    """`mwaa-tui sandbox --port 0` in its own process; the variables its banner exports."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "mwaa_tui", "sandbox", "--port", "0", "--seed", "4"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={k: v for k, v in os.environ.items() if not k.startswith("AWS_")},
    )
    lines: queue.Queue[str] = queue.Queue()

    def read() -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            lines.put(line.rstrip("\n"))

    threading.Thread(target=read, daemon=True).start()
    banner: list[str] = []
    try:
        while not banner or banner[-1] != "Ctrl-C stops it.":
            try:
                banner.append(lines.get(timeout=60))
            except queue.Empty:
                pytest.fail(f"no banner from the sandbox: {banner}")
        exports = dict(
            line.strip().removeprefix("export ").split("=", 1)
            for line in banner
            if line.strip().startswith("export ")
        )
        assert any("mwaa-tui --env demo" in line for line in banner), banner
        yield exports
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def only(exports: dict[str, str], home: Path) -> dict[str, str]:
    """A child's environment with exactly these AWS variables, and no ~/.aws to fall back on."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env["HOME"] = str(home)
    return {**env, **exports}


def test_the_sandbox_banner_variables_run_mwaa_tui_logs(
    sandbox_command: dict[str, str], tmp_path: Path
) -> None:
    assert sandbox_command["AWS_REGION"] == sandbox_command["AWS_DEFAULT_REGION"] == "eu-west-1"
    # Exactly the banner's variables, and those the issue saw printed (AWS_REGION alone).
    region_only = {k: v for k, v in sandbox_command.items() if k != "AWS_DEFAULT_REGION"}
    for exports in (sandbox_command, region_only):
        proc = subprocess.run(
            [sys.executable, "-m", "mwaa_tui", "logs", "--env", "demo", "--since", "5m"],
            capture_output=True,
            text=True,
            env=only(exports, tmp_path),
            timeout=60,
            check=False,
        )
        assert proc.returncode == 0, proc.stderr
        components = {line.split()[1] for line in proc.stdout.splitlines() if line[:1].isdigit()}
        assert {"Scheduler", "WebServer"} <= components, proc.stdout[:500]


def test_boto3_lists_environments_with_the_banner_variables(
    sandbox_command: dict[str, str], no_aws_config: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import boto3
    from botocore.config import Config
    from botocore.exceptions import EndpointConnectionError

    for key, value in sandbox_command.items():
        monkeypatch.setenv(key, value)
    once = Config(retries={"total_max_attempts": 1}, connect_timeout=5)
    mwaa = boto3.session.Session().client("mwaa", config=once)
    assert mwaa.list_environments()["Environments"] == ["demo"]
    # Why the banner and the README name the variable: without it MWAA's `api.` prefix is
    # put in front of the sandbox's address.
    monkeypatch.delenv("AWS_DISABLE_HOST_PREFIX_INJECTION")
    bare = boto3.session.Session().client("mwaa", config=once)
    with pytest.raises(EndpointConnectionError, match=r"api\.127\.0\.0\.1"):
        bare.list_environments()


def test_the_readme_sandbox_section_names_the_variable() -> None:
    readme = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")
    start = readme.index("`mwaa-tui sandbox` runs the sandbox alone")
    section = readme[start : readme.index("\n\n", start)]
    assert "AWS_DISABLE_HOST_PREFIX_INJECTION=true" in section
    assert "api.127.0.0.1" in section


# -- the command line ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("argv", "hint"),
    [
        (["--since"], "mwaa-tui --help"),
        (["logs", "-c", "Nope"], "mwaa-tui logs --help"),
        (["sandbox", "--bogus"], "mwaa-tui sandbox --help"),
    ],
    ids=["top", "logs", "sandbox"],
)
def test_a_bad_flag_is_one_line_from_the_installed_command(argv: list[str], hint: str) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "mwaa_tui", *argv],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert proc.stderr.count("\n") == 1, proc.stderr
    assert proc.stderr.startswith("mwaa-tui: error: ") and proc.stderr.rstrip().endswith(
        f"(see {hint})"
    )
    assert "usage:" not in proc.stderr


def test_usage_lists_the_subcommands(capsys: pytest.CaptureFixture[str]) -> None:
    for argv, usage_names in (
        (["--help"], ("mwaa-tui [--env NAME]", "mwaa-tui logs", "mwaa-tui sandbox")),
        (["logs", "--help"], ("usage: mwaa-tui logs ",)),
        (["sandbox", "--help"], ("usage: mwaa-tui sandbox ",)),
    ):
        with pytest.raises(SystemExit) as exit_:
            main(argv)
        assert exit_.value.code == 0
        usage = capsys.readouterr().out.split("\n\n")[0]
        for name in usage_names:
            assert name in usage, usage
    assert "logs" in build_parser().format_usage()
    assert "sandbox" in build_parser().format_usage()


# -- plain mode's lines and saved files ---------------------------------------------------

TRACEBACK = (
    "[2026-12-01T20:30:12.000+0000] {taskinstance.py:2612} ERROR - Task failed with exception\n"
    "Traceback (most recent call last):\n"
    '  File "/usr/local/airflow/sensors/base.py", line 265, in execute\n'
    "botocore.exceptions.ClientError: An error occurred (403) when calling the HeadObject "
    "operation: Forbidden\n"
)


def test_plain_mode_keeps_time_and_component_on_continuation_lines(
    sandbox: Sandbox,
    no_aws_config: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    env = sandbox.create_environment("prod")
    now_ms = int(time.time() * 1000)
    put_events(
        sandbox,
        env.group_name("Task"),
        "dag_id=s3_ingest/run_id=r/task_id=wait_for_file/attempt=1.log",
        [(now_ms - 2000, TRACEBACK), (now_ms - 1000, "one line")],
    )
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", DEMO_CREDENTIALS[0])
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", DEMO_CREDENTIALS[1])
    base = ["logs", "--env", "prod", "--region", sandbox.region, "--endpoint-url", sandbox.url]
    assert main([*base, "-c", "Task", "--since", "1m"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 5  # four lines of the traceback, one of the other event
    stamp = lines[0].split()[0]
    assert stamp.startswith(datetime.fromtimestamp((now_ms - 2000) / 1000, UTC).strftime("%Y-"))
    for line in lines[:4]:
        assert line.startswith(f"{stamp} Task          "), line
    # What grep finds carries its context.
    forbidden = [line for line in lines if "HeadObject" in line]
    assert len(forbidden) == 1 and forbidden[0].startswith(f"{stamp} Task ")
    assert lines[4].endswith(" one line") and lines[4].split()[1] == "Task"
    # The bare message stays as it was written; JSON stays one object per event.
    assert main([*base, "-c", "Task", "--since", "1m", "--fields", ""]) == 0
    bare = capsys.readouterr().out
    assert bare.startswith(TRACEBACK) and bare.rstrip("\n").endswith("\none line")
    assert main([*base, "-c", "Task", "--since", "1m", "--json"]) == 0
    objects = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [o["message"] for o in objects] == [TRACEBACK, "one line"]


def test_saved_files_carry_a_readable_utc_time(tmp_path: Path) -> None:
    when = 1_796_157_012  # 2026-12-01T20:30:12Z
    # The name the log pane asks for today: epoch seconds before the extension.
    first = save_private(tmp_path, f"logs-demo-All-{when}.log", "one")
    assert first.name == "logs-demo-All-20261201T203012Z.log"
    # The same second again: a new file, the first one untouched.
    again = save_private(tmp_path, f"logs-demo-All-{when}.log", "two")
    assert again.name == "logs-demo-All-20261201T203012Z-1.log"
    assert first.read_text() == "one" and again.read_text() == "two"
    # A name without a time, stamped by the caller's clock.
    stamped = save_private(tmp_path, "logs-demo-Task.log", "three", when=when + 0.9)
    assert stamped.name == "logs-demo-Task-20261201T203012Z.log"
    for path in (first, again, stamped):
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    # Other digits in a name are not a time.
    event = save_private(tmp_path, "cloudtrail-CreateCliToken-1234.json", "{}")
    assert event.name == "cloudtrail-CreateCliToken-1234.json"
    assert utc_stamp(0) == "19700101T000000Z"
