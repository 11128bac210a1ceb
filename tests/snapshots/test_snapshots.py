"""Snapshots of the main screen from a seeded sandbox with a frozen clock."""

from __future__ import annotations

import time
from typing import Any

import pytest

from mwaa_tui.pollers.metrics import MetricsPoller
from mwaa_tui.sandbox import Sandbox
from mwaa_tui.sandbox.server import DEMO_CREDENTIALS
from mwaa_tui.sandbox.simulator import Simulator
from mwaa_tui.ui.app import Intervals, MwaaApp
from mwaa_tui.ui.widgets.metric_row import MetricRow
from mwaa_tui.ui.widgets.metrics import MetricsPanel
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


def loading(app: MwaaApp) -> list[str]:
    """The metric panels on screen that still say `loading…`."""
    panel = app.main.query_one(MetricsPanel)
    on_screen = panel.visible_keys()
    return [
        row.series.key
        for row in panel.query(MetricRow)
        if row.series.key in on_screen
        and "loading" in str(row.query_one(".metric-nodata").render())
    ]


def settled(app: MwaaApp) -> bool:
    """Every source has answered (or failed) once, metric discovery has read every page
    and its poll is done (the poller back to its own interval, every panel drawn), the
    metrics poller knows which panels are on screen (the status line's projected cost
    counts only those) and has fetched them."""
    metrics = app.pollers.get("metrics", MetricsPoller)
    return (
        set(app.state.health) >= SOURCES
        and metrics is not None
        and not metrics.discovering
        and metrics.visible is not None
        and metrics.interval >= metrics.base_interval
        and app.state.metrics is not None
        and len(app.state.metrics.series) == len(metrics.series)
        and not loading(app)
    )


async def quiet(pilot: Any, app: MwaaApp, seconds: float = 0.5) -> None:
    """Until no AWS call has been made for `seconds`: every poller waits for its next
    interval, an hour away."""
    assert app.gateway is not None
    stats = app.gateway.stats

    def calls() -> int:
        return sum(stats.totals.values())

    deadline = time.monotonic() + 10
    last, since = calls(), time.monotonic()
    while time.monotonic() - since < seconds:
        if time.monotonic() > deadline:
            raise AssertionError("the pollers did not go quiet")
        await pilot.pause(0.05)
        if calls() != last:
            last, since = calls(), time.monotonic()


async def settle(pilot: Any, *, every_pane: bool = True) -> None:
    """Wait until every source has answered once (and, with `every_pane`, every pane has
    data) and the pollers have gone quiet, then draw the final state."""
    app = pilot.app
    await wait_until(
        pilot,
        lambda: settled(app) and (app.state.complete or not every_pane),
        timeout=20,
        what="every source",
    )
    await quiet(pilot, app)
    app.main.query_one("LogPanes").flush()
    app.tick()
    app.main.show_status()  # the tick redraws it only every few seconds
    await pilot.pause()


@pytest.mark.parametrize("size", [(80, 24), (160, 48)], ids=["80x24", "160x48"])
def test_main_screen(snap_compare: Any, sandbox: Sandbox, size: tuple[int, int]) -> None:
    assert snap_compare(frozen_app(sandbox), terminal_size=size, run_before=settle)
