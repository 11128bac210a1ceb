"""Snapshots of the sources screen (`!`) over the frozen sandbox, CloudTrail denied."""

from __future__ import annotations

from typing import Any

import pytest

from mwaa_tui.sandbox import Sandbox
from mwaa_tui.ui.screens.sources import SourcesScreen
from tests.conftest import wait_until
from tests.snapshots.test_snapshots import SOURCES, frozen_app


async def open_sources(pilot: Any) -> None:
    """Wait until every source has answered or failed once, then open the screen."""
    app = pilot.app
    await wait_until(
        pilot, lambda: set(app.state.health) >= SOURCES, timeout=20, what="every source"
    )
    app.main.query_one("LogPanes").flush()
    app.tick()
    await pilot.press("!")
    await wait_until(pilot, lambda: isinstance(app.screen, SourcesScreen), what="the screen")
    await pilot.pause()


@pytest.mark.parametrize("size", [(80, 24), (160, 48)], ids=["80x24", "160x48"])
def test_sources_screen(snap_compare: Any, sandbox: Sandbox, size: tuple[int, int]) -> None:
    app = frozen_app(sandbox)
    sandbox.faults.deny.add("cloudtrail")
    assert snap_compare(app, terminal_size=size, run_before=open_sources)
