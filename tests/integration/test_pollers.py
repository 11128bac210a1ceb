"""Pollers against the sandbox: resilience, health and what they emit."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import boto3
from botocore.config import Config

from mwaa_tui.aws.clients import AwsGateway, AwsSettings
from mwaa_tui.core.backoff import FIRST_DATA_CAP, SLOW_RETRY
from mwaa_tui.core.environment import parse_environment
from mwaa_tui.core.snapshots import AlarmsSnapshot, HealthUpdate, LogBatch
from mwaa_tui.pollers.alarms import AlarmsPoller
from mwaa_tui.pollers.logs import LogPoller
from mwaa_tui.sandbox import Sandbox
from mwaa_tui.sandbox.server import DEMO_CREDENTIALS
from mwaa_tui.sandbox.simulator import Simulator


async def test_denied_source_reports_the_action_retries_slowly_and_recovers(
    demo: Simulator, sandbox: Sandbox, gateway: AwsGateway
) -> None:
    poller = AlarmsPoller(gateway, "demo", interval=15.0)
    emitted: list[object] = []
    sandbox.faults.deny.add("cloudwatch")
    delay = await poller.step(emitted.append)
    assert delay == SLOW_RETRY
    health = emitted[-1]
    assert isinstance(health, HealthUpdate) and health.health.error is not None
    assert health.health.error.action == "cloudwatch:DescribeAlarms"
    sandbox.faults.deny.clear()
    emitted.clear()
    assert await poller.step(emitted.append) == 15.0
    assert isinstance(emitted[0], AlarmsSnapshot)
    assert isinstance(emitted[-1], HealthUpdate) and emitted[-1].health.error is None
    assert emitted[-1].health.last_ok is not None


async def test_a_throttled_source_comes_back_within_two_intervals(
    demo: Simulator, sandbox: Sandbox, aws_settings: AwsSettings
) -> None:
    """Throttling slows a source down; it never pushes it out into silence."""
    gateway = AwsGateway(aws_settings, env={}, throttle_budget=0.5)
    await gateway.open()
    poller = AlarmsPoller(gateway, "demo", interval=4.0)
    sandbox.faults.throttle["cloudwatch"] = 1.0
    first = [await poller.step(lambda _: None) for _ in range(3)]
    assert poller.health.failures == 3
    assert all(d <= FIRST_DATA_CAP for d in first)  # nothing shown yet: come back soon
    sandbox.faults.throttle.clear()
    await poller.step(lambda _: None)
    sandbox.faults.throttle["cloudwatch"] = 1.0
    later = [await poller.step(lambda _: None) for _ in range(5)]
    assert all(2.0 <= d <= 8.0 for d in later), later
    health = poller.health
    assert health.next_attempt is not None and health.next_attempt > time.time()
    await gateway.close()


async def test_log_poller_delivers_every_line_once_under_throttling(
    demo: Simulator, sandbox: Sandbox, gateway: AwsGateway
) -> None:
    env = sandbox.mwaa.environments["demo"]
    cfg = parse_environment(env.to_api()).log_config("Worker")
    assert cfg is not None
    poller = LogPoller(gateway, cfg, since_seconds=60, interval=0.1)
    group = sandbox.logs.groups[cfg.group_name]
    group.create_log_stream("numbered")
    sandbox.faults.throttle["logs"] = 0.3
    seen: list[str] = []
    start = int(time.time() * 1000) - 30_000
    for n in range(200):
        with sandbox.lock:
            group.streams["numbered"].put_log_events(
                [{"timestamp": start + n * 100, "message": f"line {n:04d}"}]
            )
        if n % 20 == 19:
            for _ in range(10):
                out: list[object] = []
                await poller.step(out.append)
                batches = [b for b in out if isinstance(b, LogBatch)]
                seen += [e.message for b in batches for e in b.events if e.stream == "numbered"]
                if batches:
                    break
    sandbox.faults.throttle.clear()
    out = []
    await poller.step(out.append)
    seen += [
        e.message
        for b in out
        if isinstance(b, LogBatch)
        for e in b.events
        if e.stream == "numbered"
    ]
    assert seen == [f"line {n:04d}" for n in range(200)]


def test_standalone_sandbox_serves_any_aws_client() -> None:
    proc = subprocess.Popen(
        [sys.executable, "-m", "mwaa_tui", "sandbox", "--port", "0", "--env", "dublin-ricsue"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env=dict(os.environ),
    )
    try:
        assert proc.stdout is not None
        first = proc.stdout.readline()
        url = first.split()[2].rstrip(",")
        client = boto3.client(
            "mwaa",
            endpoint_url=url,
            region_name="eu-west-1",
            aws_access_key_id=DEMO_CREDENTIALS[0],
            aws_secret_access_key=DEMO_CREDENTIALS[1],
            config=Config(inject_host_prefix=False),
        )
        assert client.list_environments()["Environments"] == ["dublin-ricsue"]
        logs = boto3.client(
            "logs",
            endpoint_url=url,
            region_name="eu-west-1",
            aws_access_key_id=DEMO_CREDENTIALS[0],
            aws_secret_access_key=DEMO_CREDENTIALS[1],
        )
        events = logs.filter_log_events(logGroupName="airflow-dublin-ricsue-Scheduler")["events"]
        assert events and "{" in events[0]["message"]
    finally:
        proc.terminate()
        assert proc.wait(timeout=20) == 0


async def test_a_throttled_page_keeps_the_pages_before_it(
    sandbox: Sandbox, gateway: AwsGateway
) -> None:
    from mwaa_tui.core.snapshots import HealthUpdate
    from mwaa_tui.pollers.logs import PAGE_EVENTS
    from mwaa_tui.sandbox.faults import Faults

    env = sandbox.create_environment("prod")
    cfg = parse_environment(env.to_api()).log_config("Worker")
    assert cfg is not None
    total = PAGE_EVENTS * 3
    start = int(time.time() * 1000) - 120_000
    with sandbox.lock:
        group = sandbox.logs.groups[cfg.group_name]
        group.create_log_stream("big")
        group.streams["big"].put_log_events(
            [{"timestamp": start + n * 10, "message": f"n{n:05d}"} for n in range(total)]
        )
    sandbox.faults = Faults(throttle={"logs": 0.5}, seed=11)
    # No retries inside the call, so that throttled pages reach the poller.
    gateway = AwsGateway(gateway.settings, env={}, throttle_budget=0.0)
    await gateway.open()
    poller = LogPoller(gateway, cfg, since_seconds=300, interval=0.1)
    seen: list[str] = []
    partial_steps = 0
    for _ in range(60):
        out: list[object] = []
        await poller.step(out.append)
        got = [e.message for b in out if isinstance(b, LogBatch) for e in b.events]
        failed = any(isinstance(u, HealthUpdate) and u.health.error for u in out)
        partial_steps += bool(got and failed)
        seen += got
        if len(seen) >= total and not failed:
            break
    await gateway.close()
    assert seen == [f"n{n:05d}" for n in range(total)]
    assert partial_steps >= 1  # a throttled poll still delivered the pages before it
