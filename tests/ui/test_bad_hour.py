"""The bad hour: throttling, an outage, a changing environment. Every pane keeps filling,
nothing is lost, and what is wrong is said on screen."""

from __future__ import annotations

import random
import time
from pathlib import Path

import pytest

from mwaa_tui.aws.clients import AwsSettings
from mwaa_tui.sandbox import Faults, Sandbox
from mwaa_tui.sandbox.simulator import Simulator
from mwaa_tui.ui.screens.environment import EnvironmentDetail
from mwaa_tui.ui.widgets.metric_row import MetricRow
from mwaa_tui.ui.widgets.status import StatusLine
from tests.conftest import put_events, wait_until, write_keys
from tests.ui.helpers import (
    alarm_names,
    header_text,
    log_lines,
    make_app,
    screen_text,
    subtitle,
    trail_names,
    worker_lines,
)

PANES = ("logs", "metrics", "alarms", "trail")


def status_text(app) -> str:
    return str(app.query_one(StatusLine).render())


def metric_values(app) -> list[float]:
    return [v for row in app.query(MetricRow) for v in row.series.values]


@pytest.mark.parametrize("seed", [random.randrange(10_000) for _ in range(3)])
async def test_every_pane_fills_with_half_of_every_service_throttled(
    demo: Simulator, sandbox: Sandbox, aws_settings: AwsSettings, seed: int
) -> None:
    sandbox.faults = Faults(throttle={"all": 0.5}, seed=seed)
    worker_lines(sandbox)
    app = make_app(aws_settings)
    async with app.run_test(size=(160, 48)) as pilot:
        # The benchmark holds the 10 s target; here a margin for a loaded test machine.
        await wait_until(pilot, lambda: "AVAILABLE" in header_text(app), 20, "environment")
        for component in ("Scheduler", "Worker", "WebServer", "DAGProcessing"):
            await wait_until(pilot, lambda c=component: bool(log_lines(app, c)), 20, component)
        await wait_until(pilot, lambda: bool(alarm_names(app)), 20, "alarms")
        await wait_until(pilot, lambda: bool(trail_names(app)), 20, "CloudTrail")
        await wait_until(pilot, lambda: bool(metric_values(app)), 20, "metric values")
        assert sandbox.faults.injected["throttle"] > 0, f"seed {seed}"


async def test_an_outage_is_shown_everywhere_and_nothing_is_lost_or_doubled(
    demo: Simulator, sandbox: Sandbox, aws_settings: AwsSettings
) -> None:
    app = make_app(aws_settings)
    group = sandbox.mwaa.environments["demo"].group_name("Worker")
    async with app.run_test(size=(160, 48)) as pilot:
        await wait_until(pilot, lambda: bool(alarm_names(app) and metric_values(app)), 20, "data")
        now_ms = int(time.time() * 1000)
        put_events(sandbox, group, "numbered", [(now_ms, "numbered 000")])
        await wait_until(
            pilot, lambda: any("numbered 000" in ln for ln in log_lines(app, "Worker")), 10, "line"
        )
        sandbox.outage_start()
        try:
            for pane in PANES:
                await wait_until(
                    pilot, lambda p=pane: "cannot reach" in subtitle(app, p), 15, f"{pane} outage"
                )
            await wait_until(pilot, lambda: "cannot reach" in header_text(app), 15, "header")
            # Lines written while nothing answers.
            put_events(
                sandbox,
                group,
                "numbered",
                [(int(time.time() * 1000) + n, f"numbered {n:03d}") for n in range(1, 21)],
            )
        finally:
            sandbox.outage_end()

        def numbered() -> list[str]:
            return [ln for ln in log_lines(app, "Worker") if "numbered " in ln]

        await wait_until(pilot, lambda: len(numbered()) >= 21, 15, "lines after the outage")
        got = sorted(ln.split("numbered ")[1].split()[0] for ln in numbered())
        assert got == [f"{n:03d}" for n in range(21)]  # each once
        for pane in PANES:
            await wait_until(
                pilot, lambda p=pane: "cannot reach" not in subtitle(app, p), 70, f"{pane} back"
            )


async def test_an_update_that_fails_and_an_environment_deleted_while_watched(
    demo: Simulator, sandbox: Sandbox, aws_settings: AwsSettings
) -> None:
    app = make_app(aws_settings)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(pilot, lambda: "AVAILABLE" in header_text(app), 10, "environment")
        sandbox.set_environment_state("demo", "UPDATING")
        await wait_until(pilot, lambda: "being updated for" in header_text(app), 10, "updating")
        sandbox.set_environment_state("demo", "UPDATE_FAILED")
        await wait_until(pilot, lambda: "UPDATE_FAILED" in header_text(app), 10, "failed")
        message = sandbox.mwaa.environments["demo"].last_update["Error"]["ErrorMessage"]
        assert len(message) > 120  # the header can only abbreviate it
        await pilot.press("E")
        await wait_until(pilot, lambda: isinstance(app.screen, EnvironmentDetail), 5, "detail")
        shown = " ".join(screen_text(app).split())
        assert " ".join(message.split())[-60:] in shown  # the end of the error, whole
        await pilot.press("escape")
        lines_before = log_lines(app, "Scheduler")
        assert lines_before
        sandbox.delete_environment("demo")
        await wait_until(pilot, lambda: "DELETED" in header_text(app), 10, "deleted banner")
        assert "what is on screen is kept" in header_text(app)
        assert log_lines(app, "Scheduler")[: len(lines_before)] == lines_before
        assert app.is_running


async def test_revoked_keys_are_named_everywhere_and_new_ones_resume_without_a_restart(
    demo: Simulator, sandbox: Sandbox, aws_files: Path
) -> None:
    old = ("AKIAOLDKEY0000000001", "old-secret-0000000000000000000000000000")
    new = ("AKIANEWKEY0000000002", "new-secret-0000000000000000000000000000")
    write_keys(aws_files / "credentials", old)
    sandbox.faults.accept_keys = {old[0]}
    app = make_app(AwsSettings(region=sandbox.region, endpoint_url=sandbox.url))
    async with app.run_test(size=(160, 48)) as pilot:
        await wait_until(pilot, lambda: bool(alarm_names(app) and trail_names(app)), 20, "data")
        shown = alarm_names(app)
        sandbox.faults.accept_keys = {new[0]}
        await pilot.press("r")
        for pane in PANES:
            await wait_until(
                pilot,
                lambda p=pane: "credentials expired" in subtitle(app, p),
                20,
                f"{pane} says credentials expired",
            )
        assert "credentials file" in subtitle(app, "alarms")  # what to do about it
        await wait_until(
            pilot,
            lambda: "credentials expired: write fresh keys" in status_text(app),
            10,
            "the status line's advice",
        )
        assert alarm_names(app) == shown  # nothing on screen is lost
        write_keys(aws_files / "credentials", new)
        # No key pressed: the expired-credential retry (10-15 s) picks the new keys up.
        for pane in PANES:
            await wait_until(
                pilot,
                lambda p=pane: "credentials expired" not in subtitle(app, p),
                30,
                f"{pane} resumed",
            )
