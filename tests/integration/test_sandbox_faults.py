"""What the sandbox plays for clients to survive: outages, environment lifecycles, unknown
access keys and faults on every service, all over real HTTP."""

from __future__ import annotations

import http.client
import itertools
import random
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import botocore.session
import pytest
from aiobotocore.session import AioSession
from botocore.config import Config
from botocore.exceptions import ClientError

from mwaa_tui.aws.clients import AwsError, AwsGateway, AwsSettings
from mwaa_tui.core.snapshots import ErrorKind
from mwaa_tui.sandbox import Faults, Sandbox
from mwaa_tui.sandbox.faults import parse_outage, parse_share
from mwaa_tui.sandbox.server import DEMO_CREDENTIALS
from mwaa_tui.sandbox.simulator import (
    CYCLE,
    FAILED_SECONDS,
    FAILED_UPDATE,
    UPDATE_SECONDS,
    Simulator,
)
from mwaa_tui.sandbox.stores import ENVIRONMENT_STATUSES
from mwaa_tui.sandbox.trail_story import INCIDENT
from tests.conftest import FIXED_NOW, async_wait_until, put_events

SEEDS = [1, 2, 3]
NO_RETRIES = Config(
    inject_host_prefix=False,
    retries={"mode": "standard", "total_max_attempts": 1},
    connect_timeout=2,
    read_timeout=5,
)
READS: dict[str, tuple[str, dict[str, Any]]] = {
    "mwaa": ("get_environment", {"Name": "demo"}),
    "logs": ("describe_log_groups", {}),
    "cloudwatch": ("describe_alarms", {}),
    "cloudtrail": ("lookup_events", {}),
}
"""One cheap read per service."""


def client(sandbox: Sandbox, service: str, key: str = DEMO_CREDENTIALS[0]) -> Any:
    """A plain botocore client, unpaced and without retries, signed with `key`."""
    return botocore.session.Session().create_client(
        service,
        region_name=sandbox.region,
        endpoint_url=sandbox.url,
        aws_access_key_id=key,
        aws_secret_access_key=DEMO_CREDENTIALS[1],
        config=NO_RETRIES,
    )


def read(c: Any, service: str) -> dict[str, Any]:
    operation, params = READS[service]
    result: dict[str, Any] = getattr(c, operation)(**params)
    return result


def wait_for(predicate: Any, timeout: float = 5.0, what: str = "condition") -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.01)


def port_of(sandbox: Sandbox) -> int:
    return int(sandbox.url.rsplit(":", 1)[1])


def refused(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
    except (ConnectionRefusedError, ConnectionResetError):  # down, or going down as we connect
        return True
    return False


def signed_get(port: int, results: list[object]) -> None:
    """GetEnvironment by hand on its own connection; the status, or the exception."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    scope = f"Credential={DEMO_CREDENTIALS[0]}/20251125/eu-west-1/airflow/aws4_request"
    try:
        conn.request("GET", "/environments/demo", headers={"Authorization": f"AWS4 {scope}"})
        results.append(conn.getresponse().status)
    except (OSError, http.client.HTTPException) as exc:
        results.append(exc)
    finally:
        conn.close()


# -- outages ---------------------------------------------------------------------------------


@pytest.mark.parametrize("seed", SEEDS)
async def test_an_outage_refuses_cuts_open_connections_and_comes_back_on_the_same_url(
    sandbox: Sandbox, seed: int
) -> None:
    rng = random.Random(seed)
    sandbox.create_environment("demo")
    url, port = sandbox.url, port_of(sandbox)
    group = "airflow-demo-Worker"
    # Connections open when the outage starts: idle ones, and ones waiting for an answer.
    idle = [socket.create_connection(("127.0.0.1", port)) for _ in range(rng.randint(1, 3))]
    sandbox.faults.latency = 2.0
    in_flight: list[object] = []
    askers = [
        threading.Thread(target=signed_get, args=(port, in_flight))
        for _ in range(rng.randint(1, 3))
    ]
    for t in askers:
        t.start()
    wait_for(lambda: sandbox.requests[("airflow", "GetEnvironment")] == len(askers))
    session = AioSession()
    session.set_credentials(*DEMO_CREDENTIALS)
    async with session.create_client(
        "mwaa", region_name=sandbox.region, endpoint_url=url, config=NO_RETRIES
    ) as mwaa:
        seconds = rng.uniform(0.3, 0.6)
        started = time.monotonic()
        sandbox.outage(seconds)
        sandbox.faults.latency = 0.0
        assert sandbox.down and sandbox.url == url
        for sock in idle:
            sock.settimeout(2)
            assert sock.recv(1) == b"", "an open connection survived the outage"
            sock.close()
        for t in askers:
            t.join(timeout=5)
        assert in_flight and not any(isinstance(r, int) for r in in_flight), in_flight
        assert refused(port)
        with pytest.raises(Exception) as failure:
            await mwaa.get_environment(Name="demo")
        assert not isinstance(failure.value, ClientError), "a call got an answer while down"
        # The simulation goes on meanwhile: what it writes is there afterwards.
        written = [(int(time.time() * 1000) + i, f"during the outage {i}") for i in range(5)]
        put_events(sandbox, group, "worker.log", written)
        await async_wait_until(lambda: not sandbox.down, timeout=5, what="the end of the outage")
        assert time.monotonic() - started >= seconds
        env = await mwaa.get_environment(Name="demo")  # the same client, the same URL
        assert env["Environment"]["Name"] == "demo"
    logs = client(sandbox, "logs")
    events = logs.filter_log_events(logGroupName=group)["events"]
    assert [e["message"] for e in events] == [m for _, m in written]
    assert sandbox.outages == 1


def test_scheduled_outages_repeat_until_reset(sandbox: Sandbox) -> None:
    port = port_of(sandbox)
    # Wide gaps between outages: a loaded machine must still fit a call into one.
    sandbox.schedule_outages(0.2, after=0.1, every=2.0)
    for n in (1, 2):
        wait_for(lambda: sandbox.down, what=f"outage {n}")
        assert refused(port)
        wait_for(lambda: not sandbox.down, what=f"the end of outage {n}")
    sandbox.create_environment("demo")
    assert read(client(sandbox, "mwaa"), "mwaa")["Environment"]["Status"] == "AVAILABLE"
    wait_for(lambda: sandbox.down, what="outage 3")
    sandbox.reset()
    assert not sandbox.down and not refused(port)
    wait_for(
        lambda: not any(t.name == "sandbox-outage" for t in threading.enumerate()),
        what="the schedule to end",
    )
    with pytest.raises(ValueError, match="shorter"):
        sandbox.schedule_outages(5, after=0, every=5)


def test_outage_spec_parses_seconds_at_after() -> None:
    assert parse_outage("30@60") == (30.0, 60.0)
    assert parse_outage("2m@90s") == (120.0, 90.0)
    assert parse_outage("5@0") == (5.0, 0.0)
    for bad in ("30", "@60", "0@5", "x@1", "5@-1", "5@"):
        with pytest.raises(ValueError, match="SECONDS@AFTER"):
            parse_outage(bad)


# -- environment lifecycle -------------------------------------------------------------------


def test_every_status_of_the_service_model_can_be_played(sandbox: Sandbox) -> None:
    model = botocore.session.get_session().get_service_model("mwaa")
    assert set(ENVIRONMENT_STATUSES) == set(model.shape_for("EnvironmentStatus").enum)
    sandbox.create_environment("demo")
    mwaa = client(sandbox, "mwaa")
    for status in ENVIRONMENT_STATUSES:
        if status == "DELETED":
            continue
        sandbox.set_environment_state("demo", status)
        assert mwaa.get_environment(Name="demo")["Environment"]["Status"] == status
    with pytest.raises(ValueError, match="use one of"):
        sandbox.set_environment_state("demo", "BROKEN")


async def test_a_failed_update_carries_its_error(sandbox: Sandbox, gateway: AwsGateway) -> None:
    sandbox.create_environment("demo")
    sandbox.set_environment_state("demo", "UPDATING", at=FIXED_NOW)
    env = (await gateway.call("mwaa", "get_environment", Name="demo"))["Environment"]
    assert env["Status"] == "UPDATING"
    assert env["LastUpdate"]["Status"] == "PENDING" and env["LastUpdate"]["Source"] == "USER"
    assert "Error" not in env["LastUpdate"]
    sandbox.set_environment_state("demo", "UPDATE_FAILED", at=FIXED_NOW + 40)
    env = (await gateway.call("mwaa", "get_environment", Name="demo"))["Environment"]
    last = env["LastUpdate"]
    assert env["Status"] == "UPDATE_FAILED" and last["Status"] == "FAILED"
    assert last["CreatedAt"].timestamp() == FIXED_NOW  # the same update, now finished
    assert last["Error"]["ErrorCode"]
    assert "requirements.txt" in last["Error"]["ErrorMessage"]
    assert len(last["Error"]["ErrorMessage"]) > 200
    sandbox.set_environment_state(
        "demo", "AVAILABLE", error_code="PLUGINS_FAILED", error_message="plugins.zip is corrupt"
    )
    last = (await gateway.call("mwaa", "get_environment", Name="demo"))["Environment"]["LastUpdate"]
    assert last["Status"] == "FAILED"
    assert last["Error"] == {
        "ErrorCode": "PLUGINS_FAILED",
        "ErrorMessage": "plugins.zip is corrupt",
    }


async def test_a_deleted_environment_is_not_found_and_its_logs_stay(
    sandbox: Sandbox, gateway: AwsGateway
) -> None:
    sandbox.create_environment("demo")
    sandbox.create_environment("other")
    sandbox.set_environment_state("demo", "DELETING")
    env = (await gateway.call("mwaa", "get_environment", Name="demo"))["Environment"]
    assert env["Status"] == "DELETING"
    sandbox.set_environment_state("demo", "DELETED")
    with pytest.raises(AwsError) as err:
        await gateway.call("mwaa", "get_environment", Name="demo")
    assert err.value.kind is ErrorKind.NOT_FOUND
    assert (await gateway.call("mwaa", "list_environments"))["Environments"] == ["other"]
    groups = await gateway.call("logs", "describe_log_groups", logGroupNamePrefix="airflow-demo-")
    assert len(groups["logGroups"]) == 5
    with pytest.raises(KeyError):
        sandbox.delete_environment("demo")


def story(sandbox: Sandbox, seed: int, **options: Any) -> Simulator:
    sim = Simulator(sandbox, environment="demo", seed=seed, **options)
    sim.setup(FIXED_NOW, history=0)
    return sim


def play_cycle(sandbox: Sandbox, seed: int) -> tuple[list[tuple[int, str, str]], list[str]]:
    """One whole story cycle on a fake clock, GetEnvironment every 5 s: each change of
    (Status, LastUpdate.Status) with its second, and the UpdateEnvironment event ids."""
    sim = story(sandbox, seed)
    mwaa = client(sandbox, "mwaa")
    changes: list[tuple[int, str, str]] = []
    for second in range(0, int(CYCLE) + 5, 5):
        sim.advance(FIXED_NOW + second)
        env = mwaa.get_environment(Name="demo")["Environment"]
        state = (env["Status"], env["LastUpdate"]["Status"])
        if not changes or changes[-1][1:] != state:
            changes.append((second, *state))
    updates = [r.event_id for r in sandbox.trail.events if r.event_name == "UpdateEnvironment"]
    return changes, updates


@pytest.mark.parametrize("seed", SEEDS)
def test_the_story_plays_a_failed_update_once_a_cycle_away_from_the_incident(
    sandbox: Sandbox, seed: int
) -> None:
    changes, updates = play_cycle(sandbox, seed)
    assert [c[1:] for c in changes] == [
        ("AVAILABLE", "SUCCESS"),
        ("UPDATING", "PENDING"),
        ("UPDATE_FAILED", "FAILED"),
        ("UPDATING", "PENDING"),
        ("AVAILABLE", "SUCCESS"),
    ]
    starts = [c[0] for c in changes[1:]]
    assert [b - a for a, b in itertools.pairwise(starts)] == [
        UPDATE_SECONDS,
        FAILED_SECONDS,
        UPDATE_SECONDS,
    ]
    assert len(updates) == 2
    # Phases of the whole episode stay clear of the incident and the minute its alarm
    # needs to recover.
    sim = Simulator(sandbox, environment="demo", seed=seed)
    sim.origin = FIXED_NOW  # the clock of the story just played
    for second in range(starts[0], starts[-1] + 1):
        phase = sim.phase(FIXED_NOW + second)
        assert not INCIDENT[0] <= phase < INCIDENT[1] + 60, phase
    assert (sim.phase(FIXED_NOW + starts[0]) - FAILED_UPDATE) % CYCLE == 0
    pip = sandbox.logs.groups["airflow-demo-Worker"].streams
    lines = [
        e.message for name, s in pip.items() if "requirements_install" in name for e in s.events
    ]
    assert any(line.startswith("ERROR: Cannot install") for line in lines)


def test_the_failed_update_is_the_same_for_a_seed(_sandbox_server: Sandbox) -> None:
    def run(seed: int) -> tuple[list[tuple[int, str, str]], list[str]]:
        _sandbox_server.reset()
        return play_cycle(_sandbox_server, seed)

    try:
        first = run(4)
        assert run(4) == first
        assert run(5)[1] != first[1]
    finally:
        _sandbox_server.reset()


def test_without_the_lifecycle_the_state_given_stays(sandbox: Sandbox) -> None:
    sim = story(sandbox, 2, lifecycle=False)
    sandbox.set_environment_state("demo", "MAINTENANCE")
    mwaa = client(sandbox, "mwaa")
    for second in range(0, int(CYCLE), 60):
        sim.advance(FIXED_NOW + second)
        assert mwaa.get_environment(Name="demo")["Environment"]["Status"] == "MAINTENANCE"
    sandbox.set_environment_state("demo", "DELETED")
    sim.advance(FIXED_NOW + CYCLE + 60)  # a deleted environment writes no more logs
    with pytest.raises(ClientError, match="ResourceNotFoundException"):
        mwaa.get_environment(Name="demo")


# -- access keys -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("service", "code", "status"),
    [
        ("mwaa", "UnrecognizedClientException", 403),
        ("logs", "UnrecognizedClientException", 400),
        ("cloudtrail", "UnrecognizedClientException", 400),
        ("cloudwatch", "InvalidClientTokenId", 403),
    ],
)
def test_an_unknown_access_key_is_refused_as_aws_does(
    sandbox: Sandbox, service: str, code: str, status: int
) -> None:
    sandbox.create_environment("demo")
    sandbox.faults.accept_keys = {"AKIAROTATEDKEY000002"}
    with pytest.raises(ClientError) as err:
        read(client(sandbox, service), service)
    response = err.value.response
    assert response["Error"]["Code"] == code
    assert response["Error"]["Message"] == "The security token included in the request is invalid."
    assert response["ResponseMetadata"]["HTTPStatusCode"] == status
    read(client(sandbox, service, key="AKIAROTATEDKEY000002"), service)
    sandbox.faults.clear()
    read(client(sandbox, service), service)


async def test_a_rewritten_credentials_file_is_what_the_sandbox_accepts(
    sandbox: Sandbox, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    sandbox.create_environment("demo")
    credentials = tmp_path / "credentials"
    for var in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(credentials))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "config"))

    def write(key: str) -> None:
        credentials.write_text(
            f"[default]\naws_access_key_id = {key}\naws_secret_access_key = {key.lower()}\n"
        )

    settings = AwsSettings(region=sandbox.region, endpoint_url=sandbox.url)
    write("AKIAFIRSTKEY00000001")
    sandbox.faults.accept_keys = {"AKIAFIRSTKEY00000001"}
    async with AwsGateway(settings, env={}) as first:
        await first.call("mwaa", "get_environment", Name="demo")
    # Rotation: the old key is revoked, the file holds the new one.
    sandbox.faults.accept_keys = {"AKIASECONDKEY0000002"}
    async with AwsGateway(settings, env={}) as stale:
        with pytest.raises(AwsError) as err:
            await stale.call("mwaa", "get_environment", Name="demo")
    assert err.value.kind is ErrorKind.EXPIRED
    assert err.value.code == "UnrecognizedClientException"
    write("AKIASECONDKEY0000002")
    async with AwsGateway(settings, env={}) as fresh:
        await fresh.call("mwaa", "get_environment", Name="demo")
    assert sandbox.faults.injected["unknown_key"] >= 1


def test_expire_still_answers_per_service(sandbox: Sandbox) -> None:
    sandbox.create_environment("demo")
    sandbox.faults.expire = {"logs", "cloudwatch"}
    for service, code in (("logs", "ExpiredTokenException"), ("cloudwatch", "ExpiredToken")):
        with pytest.raises(ClientError) as err:
            read(client(sandbox, service), service)
        assert err.value.response["Error"]["Code"] == code
    read(client(sandbox, "mwaa"), "mwaa")
    read(client(sandbox, "cloudtrail"), "cloudtrail")


# -- faults on every service -----------------------------------------------------------------


def test_all_is_shorthand_for_every_service() -> None:
    assert parse_share("all=0.5") == ("all", 0.5)
    with pytest.raises(ValueError, match="between 0 and 1"):
        parse_share("all=x")
    with pytest.raises(ValueError, match="unknown service"):
        parse_share("s3=0.5")


@pytest.mark.parametrize("seed", SEEDS)
def test_throttle_all_reaches_every_service(sandbox: Sandbox, seed: int) -> None:
    sandbox.create_environment("demo")
    sandbox.faults = Faults(throttle=dict([parse_share("all=0.5")]), seed=seed)
    outcomes: dict[str, list[str]] = {}
    for service in READS:
        c = client(sandbox, service)
        for _ in range(12):
            try:
                read(c, service)
                outcomes.setdefault(service, []).append("ok")
            except ClientError as exc:
                assert exc.response["Error"]["Code"] in ("ThrottlingException", "Throttling")
                outcomes.setdefault(service, []).append("throttled")
    assert all("throttled" in seen for seen in outcomes.values()), outcomes
    every = [o for seen in outcomes.values() for o in seen]
    assert 0.25 < every.count("throttled") / len(every) < 0.75, outcomes
    assert sandbox.faults.injected["throttle"] == every.count("throttled")


@pytest.mark.parametrize("seed", SEEDS)
def test_drop_all_and_deny_all(sandbox: Sandbox, seed: int) -> None:
    sandbox.create_environment("demo")
    services = list(READS)
    random.Random(seed).shuffle(services)
    sandbox.faults = Faults(drop=dict([parse_share("all=1")]), seed=seed)
    for service in services[:2]:
        with pytest.raises(Exception) as failure:
            read(client(sandbox, service), service)
        assert not isinstance(failure.value, ClientError)
    sandbox.faults = Faults(deny={"all"}, seed=seed)
    for service in services[2:]:
        with pytest.raises(ClientError, match="AccessDenied"):
            read(client(sandbox, service), service)


# -- the command -----------------------------------------------------------------------------


@pytest.fixture
def sandbox_command(tmp_path: Path) -> Iterator[tuple[subprocess.Popen[str], list[str]]]:
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "mwaa_tui",
            "sandbox",
            "--port",
            "0",
            "--state",
            "deleted",
            "--outage",
            "1@3",  # room for the first call before it on a loaded machine
            "--throttle",
            "all=0",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=tmp_path,
    )
    banner: list[str] = []
    try:
        assert proc.stdout is not None
        for line in proc.stdout:
            banner.append(line.rstrip("\n"))
            if line.startswith("Ctrl-C"):
                break
        yield proc, banner
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_the_sandbox_command_plays_state_and_outage(
    sandbox_command: tuple[subprocess.Popen[str], list[str]],
) -> None:
    proc, banner = sandbox_command
    text = "\n".join(banner)
    assert "  export AWS_DISABLE_HOST_PREFIX_INJECTION=true" in banner, text
    assert "host prefixes break a custom endpoint" in text
    assert "outage: down for 1 s, 3 s after start-up" in text
    url = next(line.split("=", 1)[1] for line in banner if "AWS_ENDPOINT_URL=" in line)
    port = int(url.rsplit(":", 1)[1])

    def client() -> Any:
        # A new connection each time: the outage cuts the open ones, and a client without
        # retries would meet that on its kept-alive connection.
        return botocore.session.Session().create_client(
            "mwaa",
            region_name="eu-west-1",
            endpoint_url=url,
            aws_access_key_id=DEMO_CREDENTIALS[0],
            aws_secret_access_key=DEMO_CREDENTIALS[1],
            config=NO_RETRIES,
        )

    with pytest.raises(ClientError, match="ResourceNotFoundException"):
        client().get_environment(Name="demo")
    wait_for(lambda: refused(port), what="the outage")
    wait_for(lambda: not refused(port), what="the end of the outage")
    assert client().list_environments()["Environments"] == []
    proc.terminate()
    assert proc.wait(timeout=10) == 0
