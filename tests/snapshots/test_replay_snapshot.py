"""Snapshots of a replay: the frozen demo recorded by the app, then played back paused
halfway, with its timeline, markers and REPLAY badge."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest

from mwaa_tui.aws.clients import AwsSettings
from mwaa_tui.capture import Recording
from mwaa_tui.core.recording import Mark
from mwaa_tui.pollers.alarms import AlarmsPoller
from mwaa_tui.sandbox import Sandbox
from mwaa_tui.ui.app import MwaaApp
from mwaa_tui.ui.capture import LiveCapture
from mwaa_tui.ui.replay import ReplayCapture
from tests.clock import FakeClock
from tests.conftest import FIXED_NOW, wait_until
from tests.snapshots.test_snapshots import frozen_app, settle
from tests.ui.helpers import make_app

SPAN = 120.0
"""The recording runs two minutes: everything at the start, an alarm change at its end."""


async def record_frozen_demo(sandbox: Sandbox, path: Path) -> None:
    """The frozen demo as the snapshots of the main screen show it, recorded by the app;
    two minutes on, an alarm goes into ALARM."""
    clock = FakeClock(FIXED_NOW)
    live = frozen_app(sandbox)
    app = make_app(
        live.config.aws,
        clock=clock,
        timer=lambda: 0.0,
        intervals=live.config.intervals,
        where=live.config.where,
        record_path=path,
    )
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.pause(1.0)  # the fetch of the panels on screen, at the frozen start too
        gateway = app.gateway
        assert gateway is not None and isinstance(app.capture, LiveCapture)
        # The calls so far belong to the start (the app hands them over every 5 s).
        app.capture.record_calls(gateway.stats.recent(clock()), clock())
        name = "demo-S3KeySensor-OperatorFailures"
        with sandbox.lock:
            sandbox.cloudwatch.set_alarm_state(name, "Threshold Crossed: 9 > 5", "{}", "ALARM")
        clock.t = FIXED_NOW + SPAN
        alarms = app.pollers.get("alarms", AlarmsPoller)
        assert alarms is not None
        alarms.wake()
        await wait_until(
            pilot,
            lambda: any(a.name == name and a.state == "ALARM" for a in app.state.alarm_list),
            what="the alarm in ALARM",
        )


def replay(path: Path) -> MwaaApp:
    """`mwaa-tui replay FILE`, its clock standing still until the test moves it."""
    recording = Recording.open(path)
    return make_app(
        AwsSettings(region=recording.region, endpoint_url="http://127.0.0.1:9"),
        environment=recording.environment,
        replay=recording,
        initial=recording.first_environment(),
        replay_clock=FakeClock(0.0),
    )


async def halfway(pilot: Any) -> None:
    """Seek to the middle, bookmark it, and let the screen draw that moment."""
    app = pilot.app
    capture = app.capture
    assert isinstance(capture, ReplayCapture)
    await wait_until(pilot, lambda: app.state.complete, timeout=20, what="the first state")
    capture.source.pause()
    capture.bookmark(FIXED_NOW + SPAN * 0.75, Mark("moment"), "the sensor starts failing")
    capture.seek(FIXED_NOW + SPAN / 2)
    await pilot.pause()
    await wait_until(pilot, lambda: app.state.complete, timeout=20, what="the state halfway")
    await pilot.pause(0.3)
    app.main.query_one("LogPanes").flush()
    app.tick()
    app.main.show_status()
    await pilot.pause()


@pytest.fixture(scope="module")
def frozen_recording(_sandbox_server: Sandbox, tmp_path_factory: pytest.TempPathFactory) -> Path:
    _sandbox_server.reset()
    path = tmp_path_factory.mktemp("replay") / "incident.sqlite"
    try:
        asyncio.run(record_frozen_demo(_sandbox_server, path))
    finally:
        _sandbox_server.reset()
    return path


@pytest.mark.parametrize("size", [(80, 24), (160, 48)], ids=["80x24", "160x48"])
def test_replay_screen(
    snap_compare: Any, frozen_recording: Path, tmp_path: Path, size: tuple[int, int]
) -> None:
    path = tmp_path / "incident.sqlite"  # a copy: the bookmark goes into it
    path.write_bytes(frozen_recording.read_bytes())
    assert snap_compare(replay(path), terminal_size=size, run_before=halfway)
