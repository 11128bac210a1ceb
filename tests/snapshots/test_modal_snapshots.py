"""Snapshots of every modal screen at 80x24 and 120x40: each shows its own keys in its
footer, including how to close it.

Screens that draw what they are given are built from fixed data in a small host app with
the monitor's styles; those that fetch (the task browser, a task log, Insights, help over
the main screen) are opened from the frozen app, as a user would."""

from __future__ import annotations

import json
import random
import time
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from textual.app import App
from textual.screen import Screen
from textual.widgets import Tree
from textual.widgets.tree import TreeNode

import mwaa_tui.ui
from mwaa_tui.core.snapshots import (
    Alarm,
    EnvironmentSnapshot,
    LastUpdate,
    LogConfig,
    LogEvent,
    MetricSeries,
)
from mwaa_tui.core.tasklogs import TaskAttempt
from mwaa_tui.core.trail import parse_event
from mwaa_tui.sandbox import Sandbox, airflow_text
from mwaa_tui.ui.screens.alarm_detail import AlarmDetail
from mwaa_tui.ui.screens.alarm_history import AlarmHistory
from mwaa_tui.ui.screens.chart import MetricChart
from mwaa_tui.ui.screens.environment import EnvironmentDetail
from mwaa_tui.ui.screens.help import HelpScreen
from mwaa_tui.ui.screens.insights import InsightsSearch
from mwaa_tui.ui.screens.line_detail import LineDetail
from mwaa_tui.ui.screens.log_window import LogWindow
from mwaa_tui.ui.screens.picker import ChoicePicker, EnvironmentPicker
from mwaa_tui.ui.screens.sources import SourcesScreen
from mwaa_tui.ui.screens.task_logs import TaskBrowser, TaskLog
from mwaa_tui.ui.screens.trail_detail import TrailDetail
from tests.conftest import FIXED_NOW, put_events, wait_until
from tests.snapshots.test_snapshots import frozen_app, quiet, settle
from tests.ui.test_sources_screen import constructed_view

SIZES = pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
STYLES = Path(mwaa_tui.ui.__file__).parent / "app.tcss"
ALARM = Alarm(
    "demo-S3KeySensor-OperatorFailures",
    "ALARM",
    "Threshold Crossed: 1 datapoint [9.0] was greater than the threshold (5.0).",
    FIXED_NOW - 300,
    namespace="AmazonMWAA",
    metric="OperatorFailures",
    dimensions=(("Environment", "demo"), ("Operator", "S3KeySensor")),
    statistic="Sum",
    comparison="GreaterThanThreshold",
    threshold=5.0,
    period=60,
)


pytestmark = pytest.mark.usefixtures("utc")


class Host(App[None]):
    """The monitor's styles and one screen over an empty one."""

    CSS_PATH = str(STYLES)

    def __init__(self, make: Callable[[], Screen[Any]]) -> None:
        super().__init__()
        self.make = make

    def on_mount(self) -> None:
        self.push_screen(self.make())


def series(key: str, label: str, dims: tuple[tuple[str, str], ...], scale: float) -> MetricSeries:
    stamps = tuple(FIXED_NOW - 3600 + 60 * i for i in range(60))
    values = tuple(scale * (i % 12) for i in range(60))
    return MetricSeries(
        key, label, "AmazonMWAA", "OperatorFailures", "Sum", "Count", dims, stamps, values
    )


def chart() -> MetricChart:
    s3 = series("s3", "OpFail S3KeySensor", ALARM.dimensions, 1.0)
    python = series("py", "OpFail Python", (("Environment", "demo"), ("Operator", "Python")), 0.3)
    return MetricChart([s3, python], [ALARM])


def history() -> AlarmHistory:
    def item(minutes: int, old: str, new: str) -> dict[str, object]:
        data = {"newState": {"stateValue": new, "stateReason": f"{new.title()}: test data"}}
        return {
            "Timestamp": datetime.fromtimestamp(FIXED_NOW - 60 * minutes, UTC),
            "HistorySummary": f"Alarm updated from {old} to {new}",
            "HistoryData": json.dumps(data),
        }

    return AlarmHistory(ALARM.name, [item(5, "OK", "ALARM"), item(40, "ALARM", "OK")])


def trail_event() -> TrailDetail:
    detail = {
        "userIdentity": {"arn": "arn:aws:sts::123456789012:assumed-role/ci-deployer/github"},
        "sourceIPAddress": "203.0.113.7",
        "userAgent": "Boto3/1.35.60 Python/3.12.6",
        "requestParameters": {"Name": "demo"},
        "errorCode": "AccessDenied",
        "errorMessage": "User is not authorized to perform: airflow:CreateCliToken",
        "readOnly": False,
    }
    raw = {
        "EventId": "e-1",
        "EventName": "CreateCliToken",
        "EventTime": datetime.fromtimestamp(FIXED_NOW - 90, UTC),
        "CloudTrailEvent": json.dumps(detail),
    }
    return TrailDetail(parse_event(raw), save_dir=Path("/nowhere"), logs_around=lambda *_: None)


def alarm_detail() -> AlarmDetail:
    """The alarm in ALARM with CloudWatch's whole reason, which wraps at both sizes."""
    reason = (
        "Threshold Crossed: 1 out of the last 1 datapoints [9.0 (25/11/25 11:54:00)] was "
        "greater than the threshold (5.0) (minimum 1 datapoint for OK -> ALARM transition)."
    )

    def nothing(_: Alarm) -> None:
        return None

    return AlarmDetail(
        replace(ALARM, reason=reason),
        lambda: FIXED_NOW,
        history=nothing,
        chart=nothing,
        logs=nothing,
    )


def line() -> LineDetail:
    message = "Task failed with exception\nTraceback (most recent call last):\n  boom"
    event = LogEvent(
        "Task", int(FIXED_NOW * 1000), message, "dag_id=etl/attempt=1.log", "ev-1",
        int(FIXED_NOW * 1000) + 4200, "ERROR",
    )  # fmt: skip
    return LineDetail(event, message.split("\n")[0])


def window() -> LogWindow:
    """Lines on both sides of the moment: it opens there, the cursor on the first line at
    it (an ERROR too long for one row, wrapped and indented under its message)."""
    events = [
        LogEvent("Scheduler", int((FIXED_NOW + i) * 1000), f"scheduler line {i:+d}", "s", f"s{i}")
        for i in range(-63, 60, 7)
    ] + [
        LogEvent(
            "Task",
            int(FIXED_NOW * 1000),
            "ERROR - Task failed with exception: botocore.exceptions.ClientError: An error "
            "occurred (403) when calling the HeadObject operation: Forbidden (s3://acme-landing"
            "-prod/orders/2026/incoming.csv)",
            "t",
            "t1",
            level="ERROR",
        )
    ]
    events.sort(key=lambda e: e.timestamp)
    return LogWindow(f"Logs around {ALARM.name} → ALARM", FIXED_NOW - 120, FIXED_NOW + 120, events)


def environment() -> EnvironmentDetail:
    snapshot = EnvironmentSnapshot(
        "demo",
        "UPDATE_FAILED",
        arn="arn:aws:airflow:eu-west-1:123456789012:environment/demo",
        airflow_version="2.10.3",
        environment_class="mw1.medium",
        min_workers=1,
        max_workers=5,
        schedulers=2,
        webserver_url="abc.eu-west-1.airflow.amazonaws.com",
        created_at=FIXED_NOW - 40 * 86400,
        logging=(
            LogConfig("Scheduler", True, "INFO", group_name="airflow-demo-Scheduler"),
            LogConfig("WebServer", False, "CRITICAL"),
        ),
        last_update=LastUpdate(
            "FAILED", FIXED_NOW - 600, "SYSTEM", "INCORRECT_CONFIGURATION", "requirements.txt"
        ),
    )
    return EnvironmentDetail(snapshot, FIXED_NOW, gone=False)


PURE: dict[str, Callable[[], Screen[Any]]] = {
    "chart": chart,
    "alarm-history": history,
    "alarm-detail": alarm_detail,
    "trail-detail": trail_event,
    "line-detail": line,
    "log-window": window,
    "environment": environment,
    "environment-picker": lambda: EnvironmentPicker(["demo", "staging"], "eu-west-1"),
    "choice-picker": lambda: ChoicePicker(
        "Start the tail how far back?", ["1m", "10m  (now)", "1h"]
    ),
    # A denied, a throttled and a waiting source and a paced operation (the screen over
    # the sandbox's own denial is read in tests/ui/test_sources_screen.py).
    "sources": lambda: SourcesScreen(constructed_view),
}


@SIZES
@pytest.mark.parametrize("screen", list(PURE))
def test_a_modal_screen(snap_compare: Any, screen: str, size: tuple[int, int]) -> None:
    assert snap_compare(Host(PURE[screen]), terminal_size=size)


# -- opened from the frozen app ------------------------------------------------------------


async def calls_counted(pilot: Any) -> None:
    """The screen's own calls in the status line behind it, whenever its tick comes."""
    await quiet(pilot, pilot.app)
    pilot.app.main.show_status()
    await pilot.pause()


def walk(node: TreeNode[Any]) -> Iterator[TreeNode[Any]]:
    yield node
    for child in node.children:
        yield from walk(child)


async def open_help(pilot: Any) -> None:
    await settle(pilot)
    await pilot.press("question_mark")
    await wait_until(pilot, lambda: isinstance(pilot.app.screen, HelpScreen), what="help")
    await pilot.pause()


def task_attempts(sandbox: Sandbox) -> None:
    """A sensor that failed its first attempt and passed its second, ten minutes ago: the
    story's own attempts depend on where in its cycle it stands."""
    rng = random.Random(7)
    run = "scheduled__2025-11-25T11:50:00+00:00"
    for attempt, fails in ((1, True), (2, False)):
        start = FIXED_NOW - 600 + 60 * attempt
        lines = [
            (int((start + i) * 1000), f"[{time.strftime('%Y-%m-%dT%H:%M:%S', time.gmtime(start + i))}"
             f".000+0000] {{taskinstance.py:2612}} {level} - {message}")
            for i, (level, message) in enumerate(
                airflow_text.task_lines(rng, "s3_ingest", "wait_for_file", attempt, fails, start)
            )
        ]  # fmt: skip
        stream = airflow_text.task_stream("s3_ingest", run, "wait_for_file", attempt)
        put_events(sandbox, "airflow-demo-Task", stream, lines)


async def open_tasks(pilot: Any) -> None:
    await settle(pilot)
    await pilot.press("t")
    await wait_until(pilot, lambda: isinstance(pilot.app.screen, TaskBrowser), what="browser")
    browser = pilot.app.screen
    await wait_until(pilot, lambda: bool(browser.attempts), what="the attempts")
    await calls_counted(pilot)


async def open_task_log(pilot: Any) -> None:
    """The newest failed attempt, read to its end."""
    await open_tasks(pilot)
    tree = pilot.app.screen.query_one(Tree)
    failed = next(
        n for n in walk(tree.root) if isinstance(n.data, TaskAttempt) and n.data.has_errors
    )
    tree.select_node(failed)
    await wait_until(pilot, lambda: isinstance(pilot.app.screen, TaskLog), what="the task log")
    log = pilot.app.screen
    await wait_until(pilot, lambda: log.state == "finished", timeout=20, what="the whole log")
    await calls_counted(pilot)


async def open_insights(pilot: Any) -> None:
    await settle(pilot)
    await pilot.press("i")
    await wait_until(pilot, lambda: isinstance(pilot.app.screen, InsightsSearch), what="Insights")
    await pilot.pause()


FROM_THE_APP = {
    "help": open_help,
    "task-browser": open_tasks,
    "task-log": open_task_log,
    "insights": open_insights,
}


@SIZES
@pytest.mark.parametrize("screen", list(FROM_THE_APP))
def test_a_modal_screen_over_the_app(
    snap_compare: Any, sandbox: Sandbox, screen: str, size: tuple[int, int]
) -> None:
    app = frozen_app(sandbox)
    task_attempts(sandbox)
    assert snap_compare(app, terminal_size=size, run_before=FROM_THE_APP[screen])
