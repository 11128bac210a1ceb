"""Snapshots of the sources screen (`!`) over the frozen sandbox, CloudTrail denied."""

from __future__ import annotations

from typing import Any

import pytest

from mwaa_tui.pollers.metrics import MetricsPoller
from mwaa_tui.sandbox import Sandbox
from mwaa_tui.ui.screens.sources import SourcesScreen
from mwaa_tui.ui.widgets.trail import TrailPane
from tests.conftest import wait_until
from tests.snapshots.test_snapshots import SOURCES, frozen_app


async def open_sources(pilot: Any) -> None:
    """Wait until every source has answered or failed once and metric discovery is done
    (the status line's projected cost is then final), then open the screen."""
    app = pilot.app

    def answered() -> bool:
        metrics = app.pollers.get("metrics", MetricsPoller)
        return (
            set(app.state.health) >= SOURCES
            and metrics is not None
            and metrics.interval >= metrics.base_interval
            and app.state.metrics is not None
            and len(app.state.metrics.series) == len(metrics.series)
        )

    await wait_until(pilot, answered, timeout=20, what="every source")
    app.main.query_one("LogPanes").flush()
    app.tick()
    # The tick redraws these only every few seconds: draw them now, with every call.
    app.main.show_status()
    app.main.query_one(TrailPane).redraw_status(app.clock())
    await pilot.press("!")
    await wait_until(pilot, lambda: isinstance(app.screen, SourcesScreen), what="the screen")
    await pilot.pause()


@pytest.mark.parametrize("size", [(80, 24), (160, 48)], ids=["80x24", "160x48"])
def test_sources_screen(snap_compare: Any, sandbox: Sandbox, size: tuple[int, int]) -> None:
    app = frozen_app(sandbox)
    sandbox.faults.deny.add("cloudtrail")
    assert snap_compare(app, terminal_size=size, run_before=open_sources)
