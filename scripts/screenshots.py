"""Regenerate screenshots/ from a seeded sandbox with a frozen clock.

    .venv/bin/python scripts/screenshots.py            # every one
    .venv/bin/python scripts/screenshots.py replay     # those whose name starts so

Run it whenever the look changes; the README shows the results.
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from textual.widgets import Tree

from mwaa_tui.aws.clients import AwsSettings
from mwaa_tui.core.tasklogs import TaskAttempt
from mwaa_tui.sandbox import Sandbox
from mwaa_tui.sandbox.server import DEMO_CREDENTIALS
from mwaa_tui.sandbox.simulator import Simulator
from mwaa_tui.ui.app import AppConfig, Intervals, MwaaApp

NOW = 1_764_072_000.0
OUT = Path(__file__).resolve().parent.parent / "screenshots"
ONCE = Intervals(environment=3600, logs=3600, metrics=3600, alarms=3600, trail=3600, airflow=3600)


async def wait(pilot: Any, predicate: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + 30
    while not predicate():
        if time.monotonic() > deadline:
            raise SystemExit(f"no {what} within 30 s")
        await pilot.pause(0.05)


async def failed_task_log(app: MwaaApp, pilot: Any) -> None:
    """The task browser, then the newest failed attempt's whole log."""
    await pilot.press("t")
    browser = app.screen
    await wait(pilot, lambda: bool(getattr(browser, "attempts", None)), "task attempts")
    tree = browser.query_one(Tree)
    for _ in range(30):
        node = tree.cursor_node
        if node is not None and isinstance(node.data, TaskAttempt) and node.data.has_errors:
            break
        await pilot.press("down")
    await pilot.press("enter")
    await wait(
        pilot,
        lambda: "finished" in str(app.screen.query_one("#tasklog-head").render()),
        "the attempt's log",
    )


def discovered(app: MwaaApp) -> bool:
    """Metric discovery is done: the status line's projected cost is final."""
    from mwaa_tui.pollers.metrics import MetricsPoller

    metrics = app.pollers.get("metrics", MetricsPoller)
    return metrics is not None and metrics.interval >= metrics.base_interval


async def airflow_pane(app: MwaaApp, pilot: Any) -> None:
    """At 80x24 the Airflow pane is one key away."""
    await pilot.press("a")


async def airflow_task_log(app: MwaaApp, pilot: Any) -> None:
    """From the Airflow pane, Enter on the newest failed task instance: its log."""
    from mwaa_tui.ui.widgets.airflow_tables import FailedTaskTable

    table = app.main.query_one(FailedTaskTable)
    table.focus()
    states = [getattr(table.rows_by_key[k], "state", "") for k in table.keys]
    table.move_cursor(row=states.index("failed"), animate=False)
    await pilot.press("enter")
    await wait(
        pilot,
        lambda: "finished" in str(app.screen.query_one("#tasklog-head").render()),
        "the failed attempt's log",
    )


async def find_forbidden(app: MwaaApp, pilot: Any) -> None:
    """A search in the merged view, wrapped, jumped to its newest match."""
    app.main.query_one("#log-view-All").focus()
    await pilot.press("w", "f", *"Forbidden", "enter")


async def alarm_detail(app: MwaaApp, pilot: Any) -> None:
    """Enter on the alarm list's first alarm (those in ALARM come first): its detail."""
    from mwaa_tui.ui.screens.alarm_detail import AlarmDetail
    from mwaa_tui.ui.widgets.alarms import AlarmTable

    table = app.main.query_one(AlarmTable)
    table.focus()
    table.move_cursor(row=0, animate=False)
    await pilot.press("enter")
    await wait(pilot, lambda: isinstance(app.screen, AlarmDetail), "the alarm's detail")


SHOTS: list[tuple[str, tuple[int, int], float, Any]] = [
    # name, size, seconds into the story (the S3 sensor fails from 120 s to 270 s), keys
    ("main-80x24", (80, 24), 60.0, None),
    ("main-160x48", (160, 48), 60.0, None),
    ("incident-160x48", (160, 48), 262.0, None),
    ("incident-80x24", (80, 24), 262.0, None),
    ("find-120x40", (120, 40), 262.0, find_forbidden),
    ("task-log-120x40", (120, 40), 262.0, failed_task_log),
    ("alarm-80x24", (80, 24), 262.0, alarm_detail),
    # The scheduler's heartbeat stale, the sensors' pool saturated.
    ("airflow-80x24", (80, 24), 244.0, airflow_pane),
    ("airflow-task-log-120x40", (120, 40), 244.0, airflow_task_log),
]


async def shoot(
    sandbox: Sandbox,
    name: str,
    size: tuple[int, int],
    phase: float,
    keys: Callable[[MwaaApp, Any], Awaitable[None]] | None,
) -> Path:
    sandbox.reset()
    Simulator(sandbox, environment="demo", seed=7, story_offset=phase).setup(NOW)
    settings = AwsSettings(
        region=sandbox.region, endpoint_url=sandbox.url, static_credentials=DEMO_CREDENTIALS
    )
    app = MwaaApp(
        AppConfig(
            aws=settings,
            environment="demo",
            where=" · sandbox",
            intervals=ONCE,
            clock=lambda: NOW,
            timer=lambda: 0.0,
        )
    )
    async with app.run_test(size=size) as pilot:
        deadline = time.monotonic() + 30
        while not (app.state.complete and len(app.state.health) >= 10 and discovered(app)):
            if time.monotonic() > deadline:
                raise SystemExit(f"{name}: the app did not fill within 30 s")
            await pilot.pause(0.05)
        app.main.query_one("LogPanes").flush()
        app.tick()
        app.main.show_status()
        await pilot.pause()
        if keys is not None:
            await keys(app, pilot)
            await pilot.pause()
        path = OUT / f"{name}.svg"
        app.save_screenshot(filename=path.name, path=str(OUT))
    return path


REPLAY_SHOTS = [("replay-160x48", (160, 48), 262.0), ("replay-80x24", (80, 24), 262.0)]
"""A replay of two minutes recorded by the app during the incident, paused at 1:30."""


class Clock:
    def __init__(self, t: float) -> None:
        self.t = t

    def __call__(self) -> float:
        return self.t


async def record_incident(sandbox: Sandbox, phase: float, path: Path) -> None:
    """The frozen demo recorded by the app from NOW; a minute on an alarm goes into ALARM,
    and at two minutes the recording ends."""
    from mwaa_tui.pollers.alarms import AlarmsPoller

    sandbox.reset()
    Simulator(sandbox, environment="demo", seed=7, story_offset=phase).setup(NOW)
    settings = AwsSettings(
        region=sandbox.region, endpoint_url=sandbox.url, static_credentials=DEMO_CREDENTIALS
    )
    clock = Clock(NOW)
    app = MwaaApp(
        AppConfig(
            aws=settings,
            environment="demo",
            where=" · sandbox",
            intervals=ONCE,
            clock=clock,
            timer=lambda: 0.0,
            record_path=path,
        )
    )
    async with app.run_test(size=(160, 48)) as pilot:
        await wait(pilot, lambda: app.state.complete and len(app.state.health) >= 9, "data")
        await pilot.pause(1.0)
        for at in (NOW + 60, NOW + 120):
            ok = [a for a in app.state.alarm_list if a.state == "OK" and a.kind == "MetricAlarm"]
            if at == NOW + 60 and ok:
                with sandbox.lock:
                    sandbox.cloudwatch.set_alarm_state(
                        ok[0].name, "Threshold Crossed: 9 > 5", "{}", "ALARM"
                    )
            clock.t = at
            polled = app.state.alarms
            alarms = app.pollers.get("alarms", AlarmsPoller)
            if alarms is not None:
                alarms.wake()
                await wait(
                    pilot, lambda polled=polled: app.state.alarms is not polled, "the alarms"
                )


async def replay_shot(sandbox: Sandbox, name: str, size: tuple[int, int], phase: float) -> Path:
    from mwaa_tui.capture import Recording
    from mwaa_tui.core.recording import Mark
    from mwaa_tui.ui.replay import ReplayCapture

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "incident.sqlite"
        await record_incident(sandbox, phase, path)
        recording = Recording.open(path)
        app = MwaaApp(
            AppConfig(
                aws=AwsSettings(region=recording.region, endpoint_url="http://127.0.0.1:9"),
                environment=recording.environment,
                initial=recording.first_environment(),
                replay=recording,
                replay_clock=Clock(0.0),
            )
        )
        async with app.run_test(size=size) as pilot:
            capture = app.capture
            assert isinstance(capture, ReplayCapture)
            await wait(pilot, lambda: app.state.complete, "the replay's first state")
            capture.source.pause()
            capture.bookmark(NOW + 75, Mark("moment"), "sensor failures page the on-call")
            capture.seek(NOW + 90)
            await pilot.pause(0.5)
            app.main.query_one("LogPanes").flush()
            app.tick()
            app.main.show_status()
            await pilot.pause()
            out = OUT / f"{name}.svg"
            app.save_screenshot(filename=out.name, path=str(OUT))
        recording.close()
    return out


async def main(only: list[str]) -> int:
    """Every screenshot, or those whose name starts with one of `only`."""
    OUT.mkdir(exist_ok=True)

    def wanted(name: str) -> bool:
        return not only or any(name.startswith(prefix) for prefix in only)

    sandbox = Sandbox(evaluate_every=None).start()
    try:
        for name, size, phase, keys in SHOTS:
            if wanted(name):
                print(await shoot(sandbox, name, size, phase, keys))
        for name, size, phase in REPLAY_SHOTS:
            if wanted(name):
                print(await replay_shot(sandbox, name, size, phase))
    finally:
        sandbox.stop()
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main(sys.argv[1:])))
