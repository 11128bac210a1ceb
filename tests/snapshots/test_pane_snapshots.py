"""Snapshots of panes that must say what is true: CloudTrail and CloudWatch denied (each
empty pane says why in its body, the action whole), and the CloudTrail list with new
events that arrived while it was not focused (the newest on top)."""

from __future__ import annotations

from functools import partial
from typing import Any

import pytest

from mwaa_tui.pollers.trail import TrailPoller
from mwaa_tui.sandbox import Sandbox
from mwaa_tui.ui.widgets.trail import TrailPane
from mwaa_tui.ui.widgets.trail_table import TrailTable
from tests.conftest import FIXED_NOW, wait_until
from tests.snapshots.test_snapshots import SOURCES, frozen_app, quiet, settle

SIZES = [(80, 24), (120, 40)]
IDS = ["80x24", "120x40"]


async def settle_denied(pilot: Any) -> None:
    """Every source answered or refused once and the pollers went quiet (the denied ones
    try again in two minutes), then the final state drawn."""
    app = pilot.app

    def refused() -> bool:
        health = app.state.health
        return set(health) >= SOURCES and all(
            health[s].error is not None for s in ("metrics", "alarms", "cloudtrail")
        )

    await wait_until(pilot, refused, timeout=20, what="every source, three refused")
    await quiet(pilot, app)
    app.main.query_one("LogPanes").flush()
    app.tick()
    app.main.show_status()
    await pilot.pause()


@pytest.mark.parametrize("size", SIZES, ids=IDS)
def test_cloudtrail_and_cloudwatch_denied(
    snap_compare: Any, sandbox: Sandbox, size: tuple[int, int]
) -> None:
    app = frozen_app(sandbox)
    sandbox.faults.deny |= {"cloudtrail", "cloudwatch"}
    assert snap_compare(app, terminal_size=size, run_before=settle_denied)


NEW = [
    ("new-login", "CreateWebLoginToken", 40, ""),
    ("new-cli", "CreateCliToken", 25, ""),
    ("new-denied", "CreateCliToken", 3, "AccessDenied"),
]
"""Events that arrive after the first page: (id, name, seconds before the frozen now, error)."""


async def new_events_unfocused(sandbox: Sandbox, pilot: Any) -> None:
    """The list drawn once, then three newer events polled in while the log view keeps
    the focus."""
    await settle(pilot)
    app = pilot.app
    for event_id, name, ago, error in NEW:
        detail: dict[str, Any] = {
            "userIdentity": {"arn": "arn:aws:sts::1:assumed-role/triggerMwaaDAGRole/lambda"},
            "sourceIPAddress": "52.48.12.201",
            "userAgent": "Boto3/1.16.63 Python/3.7.9",
        }
        if error:
            detail |= {"errorCode": error, "errorMessage": "not authorized"}
        sandbox.trail.add_raw(
            event_id=event_id,
            event_name=name,
            event_time=FIXED_NOW - ago,
            detail=detail,
            username="lambda",
            resource_name="demo",
        )
    poller = app.pollers.get("cloudtrail", TrailPoller)
    assert poller is not None
    poller.wake()
    table = app.main.query_one(TrailTable)
    await wait_until(
        pilot, lambda: "new-denied" in {e.event_id for e in table.events}, 10, "new events"
    )
    await quiet(pilot, app)
    assert not app.main.query_one(TrailPane).has_focus_within
    app.tick()
    app.main.show_status()
    await pilot.pause()


@pytest.mark.parametrize("size", SIZES, ids=IDS)
def test_new_cloudtrail_events_while_unfocused(
    snap_compare: Any, sandbox: Sandbox, size: tuple[int, int]
) -> None:
    run_before = partial(new_events_unfocused, sandbox)
    assert snap_compare(frozen_app(sandbox), terminal_size=size, run_before=run_before)
