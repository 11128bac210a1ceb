"""The Airflow pane's cost: InvokeRestApi requests per minute and the poller's CPU.

.venv/bin/python -m bench.airflow                    # 60 s against the demo, Airflow 2
.venv/bin/python -m bench.airflow --airflow-version 3.0.6 --seconds 120

The demo sandbox and its simulation run in this process (on their own threads); the
poller runs on the main thread's event loop as in the app, every 30 s within its budget.
Requests are counted where they arrive, at the sandbox. CPU is the main thread's time
(the poller and its HTTP client), not the sandbox's.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import time

from mwaa_tui.aws.clients import AwsGateway, AwsSettings
from mwaa_tui.core.environment import parse_environment
from mwaa_tui.core.snapshots import AirflowSnapshot, Update
from mwaa_tui.pollers.airflow import BUDGET_PER_MINUTE, INTERVAL, AirflowPoller
from mwaa_tui.sandbox import Sandbox
from mwaa_tui.sandbox.server import DEMO_CREDENTIALS
from mwaa_tui.sandbox.simulator import Simulator


async def measure(sandbox: Sandbox, seconds: float) -> tuple[int, float, list[AirflowSnapshot]]:
    settings = AwsSettings(
        region=sandbox.region, endpoint_url=sandbox.url, static_credentials=DEMO_CREDENTIALS
    )
    snapshots: list[AirflowSnapshot] = []

    def keep(update: Update) -> None:
        if isinstance(update, AirflowSnapshot):
            snapshots.append(update)

    async with AwsGateway(settings, env={}) as gateway:
        resp = await gateway.call("mwaa", "get_environment", Name="demo")
        poller = AirflowPoller(gateway, parse_environment(resp["Environment"]))
        before = sandbox.requests[("airflow", "InvokeRestApi")]
        cpu = time.thread_time()
        task = asyncio.create_task(poller.run(keep))
        await asyncio.sleep(seconds)
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
        cpu = time.thread_time() - cpu
        return sandbox.requests[("airflow", "InvokeRestApi")] - before, cpu, snapshots


def run(seconds: float = 60.0, airflow_version: str | None = None) -> None:
    sandbox = Sandbox().start()
    try:
        sim = Simulator(sandbox, environment="demo", seed=7, airflow_version=airflow_version)
        sim.setup(time.time())
        stop = sim.start_thread()
        try:
            requests, cpu, snapshots = asyncio.run(measure(sandbox, seconds))
        finally:
            stop.set()
    finally:
        sandbox.stop()
    per_minute = requests * 60.0 / seconds
    last = snapshots[-1] if snapshots else None
    api = last.api if last else "?"
    print(
        f"Airflow pane (API {api}, every {INTERVAL:g} s): {requests} InvokeRestApi requests in "
        f"{seconds:g} s = {per_minute:.1f}/min (budget {BUDGET_PER_MINUTE}/min), "
        f"{len(snapshots)} snapshots; poller CPU {cpu:.2f} s ({cpu / seconds:.2%} of one core)"
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(prog="python -m bench.airflow")
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--airflow-version", default=None)
    args = parser.parse_args()
    run(args.seconds, args.airflow_version)
