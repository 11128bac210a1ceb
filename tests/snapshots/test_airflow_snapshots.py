"""Snapshots of the main screen with the Airflow pane, in the incident (the S3 sensor
failing, its pool saturated, the scheduler's heartbeat stale), clock frozen: at 160x48
the pane is on screen with no key pressed; at 80x24 it is one key (`a`) away."""

from __future__ import annotations

from typing import Any

import pytest

from mwaa_tui.aws.clients import AwsSettings
from mwaa_tui.sandbox import Sandbox
from mwaa_tui.sandbox.server import DEMO_CREDENTIALS
from mwaa_tui.sandbox.simulator import Simulator
from mwaa_tui.ui.app import MwaaApp
from tests.conftest import FIXED_NOW
from tests.snapshots.test_snapshots import ONCE, settle
from tests.ui.helpers import make_app

NOW = FIXED_NOW + 14
PHASE = 230.0


def incident_app(sandbox: Sandbox, version: str) -> MwaaApp:
    Simulator(
        sandbox, environment="demo", seed=7, story_offset=PHASE, airflow_version=version
    ).setup(NOW)
    settings = AwsSettings(
        region=sandbox.region, endpoint_url=sandbox.url, static_credentials=DEMO_CREDENTIALS
    )
    return make_app(
        settings, clock=lambda: NOW, timer=lambda: 0.0, intervals=ONCE, where=" · sandbox"
    )


async def settle_then_airflow(pilot: Any) -> None:
    await settle(pilot)
    await pilot.press("a")
    await pilot.pause()


def test_airflow_pane_at_160x48(snap_compare: Any, sandbox: Sandbox) -> None:
    app = incident_app(sandbox, "2.10.3")
    assert snap_compare(app, terminal_size=(160, 48), run_before=settle)


@pytest.mark.parametrize("version", ["2.10.3", "3.0.6"])
def test_airflow_pane_at_80x24_after_its_key(
    snap_compare: Any, sandbox: Sandbox, version: str
) -> None:
    app = incident_app(sandbox, version)
    assert snap_compare(app, terminal_size=(80, 24), run_before=settle_then_airflow)
