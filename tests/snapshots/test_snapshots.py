"""Snapshots of the main screen from a seeded sandbox with a frozen clock."""

from __future__ import annotations

from typing import Any

import pytest

from mwaa_tui.pollers.metrics import MetricsPoller
from mwaa_tui.sandbox import Sandbox
from mwaa_tui.sandbox.server import DEMO_CREDENTIALS
from mwaa_tui.sandbox.simulator import Simulator
from mwaa_tui.ui.app import Intervals, MwaaApp
from tests.conftest import FIXED_NOW, wait_until
from tests.ui.helpers import make_app

ONCE = Intervals(environment=3600, logs=3600, metrics=3600, alarms=3600, trail=3600, airflow=3600)
SOURCES = {"environment", "metrics", "alarms", "cloudtrail", "airflow"} | {
    f"logs:{c}" for c in ("DAGProcessing", "Scheduler", "Task", "WebServer", "Worker")
}


def frozen_app(sandbox: Sandbox) -> MwaaApp:
    from mwaa_tui.aws.clients import AwsSettings

    Simulator(sandbox, environment="demo", seed=7).setup(FIXED_NOW)
    settings = AwsSettings(
        region=sandbox.region, endpoint_url=sandbox.url, static_credentials=DEMO_CREDENTIALS
    )
    return make_app(
        settings, clock=lambda: FIXED_NOW, timer=lambda: 0.0, intervals=ONCE, where=" · sandbox"
    )


def settled(app: MwaaApp) -> bool:
    """Every source has answered once and the metrics poller knows which panels are on
    screen and has finished discovery, back to its own interval, its last panels drawn
    (the status line's projected cost counts only those panels, at that interval)."""
    metrics = app.pollers.get("metrics", MetricsPoller)
    return (
        set(app.state.health) >= SOURCES
        and app.state.complete
        and metrics is not None
        and metrics.visible is not None
        and metrics.interval >= metrics.base_interval
        and app.state.metrics is not None
        and len(app.state.metrics.series) == len(metrics.series)
    )


async def settle(pilot: Any) -> None:
    """Wait until every source has answered once, then draw the final state."""
    app = pilot.app
    await wait_until(pilot, lambda: settled(app), timeout=20, what="every source")
    app.main.query_one("LogPanes").flush()
    app.tick()
    app.main.show_status()  # the tick redraws it only every few seconds
    await pilot.pause()


@pytest.mark.parametrize("size", [(80, 24), (160, 48)], ids=["80x24", "160x48"])
def test_main_screen(snap_compare: Any, sandbox: Sandbox, size: tuple[int, int]) -> None:
    assert snap_compare(frozen_app(sandbox), terminal_size=size, run_before=settle)
