"""One-off work that fails: one plain notification, the app runs on, nothing on screen is
lost; the task log and Insights ride out throttling with the pollers' retry policy."""

from __future__ import annotations

import asyncio
import errno
import json
import math
import random
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from textual.app import App, ComposeResult
from textual.widgets import Static, Tree
from textual.widgets.tree import TreeNode

import mwaa_tui.ui
from mwaa_tui.aws.clients import AwsError, AwsGateway, AwsSettings
from mwaa_tui.core.snapshots import ErrorInfo, ErrorKind, LogConfig, MetricSeries
from mwaa_tui.core.tasklogs import parse_stream
from mwaa_tui.files import save_private
from mwaa_tui.sandbox import Sandbox
from mwaa_tui.sandbox.faults import Faults
from mwaa_tui.sandbox.simulator import Simulator
from mwaa_tui.ui.oneoff import describe_failure, run_oneoff
from mwaa_tui.ui.screens.alarm_history import AlarmHistory
from mwaa_tui.ui.screens.chart import MetricChart
from mwaa_tui.ui.screens.insights import InsightsSearch
from mwaa_tui.ui.screens.task_logs import TaskBrowser, TaskGroup, TaskLog
from mwaa_tui.ui.widgets.alarms import AlarmTable
from mwaa_tui.ui.widgets.logview import LogView
from mwaa_tui.ui.widgets.metrics import MetricsPanel
from mwaa_tui.ui.widgets.trail import TrailPane
from mwaa_tui.ui.widgets.trail_table import TrailTable
from tests.conftest import put_events, wait_until
from tests.ui.helpers import alarm_names, log_lines, make_app, screen_text, toasts, worker_lines

SEEDS = [1, 7, 23]
STEPS = 3
"""Lines written while the task log follows (each read throttled half the time)."""
TASK_GROUP = "airflow-demo-Task"
RUNNING = "dag_id=etl/run_id=manual__2026-01-01T00_00_00+00_00/task_id=load/attempt=1.log"


def errors(app: App[Any], prefix: str = "") -> list[str]:
    """Error notifications, those starting with `prefix` (the failing work's name)."""
    return [text for text in toasts(app, "error") if text.startswith(prefix)]


def airflow(t: float, level: str, message: str) -> str:
    stamp = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(t))
    return f"[{stamp}.000+0000] {{taskinstance.py:2612}} {level} - {message}"


# -- the words ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("what", "exc", "expected"),
    [
        (
            "alarm history",
            AwsError(
                ErrorInfo(
                    ErrorKind.DENIED, "User is not authorized", "cloudwatch:DescribeAlarmHistory"
                )
            ),
            "alarm history: access denied: the role lacks cloudwatch:DescribeAlarmHistory",
        ),
        (
            "logs around x",
            AwsError(ErrorInfo(ErrorKind.THROTTLED, "Rate exceeded", "logs:FilterLogEvents")),
            "logs around x: throttled on logs:FilterLogEvents, still after retries: "
            "try again in a moment",
        ),
        (
            "save",
            OSError(errno.ENOSPC, "No space left on device", "/data/logs-demo.log"),
            "save failed: no space left on device (/data/logs-demo.log)",
        ),
        (
            "save",
            OSError(errno.EROFS, "Read-only file system", "/ro/x.json"),
            "save failed: the file system is read-only (/ro/x.json)",
        ),
        (
            "chart",
            ValueError("\x1b]0;pwned\x07no such\u202e series"),
            "chart failed: unexpected ValueError: no such series",
        ),
    ],
    ids=["denied", "throttled", "enospc", "erofs", "bug-sanitised"],
)
def test_a_failure_is_described_in_plain_words(what: str, exc: Exception, expected: str) -> None:
    assert describe_failure(what, exc) == expected


@pytest.mark.parametrize("shape", ["file itself", "under a file"])
def test_a_file_where_the_save_directory_should_be_is_named_not_a_directory(
    tmp_path: Path, shape: str
) -> None:
    blocker = tmp_path / "saves"
    blocker.write_text("a file, not a directory")
    directory = blocker if shape == "file itself" else blocker / "sub"
    with pytest.raises(NotADirectoryError) as caught:
        save_private(directory, "logs.log", "line\n")
    assert describe_failure("save", caught.value) == f"save failed: not a directory ({directory})"
    assert blocker.read_text() == "a file, not a directory"


def test_a_write_that_fails_part_way_leaves_no_truncated_file(tmp_path: Path) -> None:
    # A real failing write: the file size limit (SIGXFSZ ignored, so write() gets EFBIG).
    # It is per process, so it runs in a child that does nothing else.
    code = """
import json, resource, signal, sys
from pathlib import Path
from mwaa_tui.files import save_private
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
resource.setrlimit(resource.RLIMIT_FSIZE, (4096, 4096))
try:
    save_private(Path(sys.argv[1]), "big.log", "x" * 100_000)
except OSError as exc:
    print(json.dumps([exc.errno, exc.filename]))
"""
    out = subprocess.run(
        [sys.executable, "-c", code, str(tmp_path)], capture_output=True, text=True, check=True
    )
    failed_errno, filename = json.loads(out.stdout)
    assert failed_errno == errno.EFBIG
    assert filename == str(tmp_path / "big.log")
    assert list(tmp_path.iterdir()) == []


# -- the helper on its own ---------------------------------------------------------------


class Host(App[None]):
    """The smallest app to run one-offs and screens in."""

    CSS_PATH = str(Path(mwaa_tui.ui.__file__).parent / "app.tcss")

    def __init__(self, screen: Any = None) -> None:
        super().__init__()
        self.first = screen

    def compose(self) -> ComposeResult:
        yield Static("already on screen", id="kept")

    def on_mount(self) -> None:
        if self.first is not None:
            self.push_screen(self.first)


async def test_a_bug_in_a_oneoff_is_one_notification_and_the_app_runs_on() -> None:
    app = Host()
    cleaned: list[BaseException] = []

    async def boom() -> None:
        await asyncio.sleep(0)
        raise RuntimeError("boom \x1b[2J[bold]not markup[/]")

    async def fine() -> None:
        app.query_one("#kept", Static).update("still here, and more")

    async with app.run_test(notifications=True) as pilot:
        kept = app.query_one("#kept", Static)
        run_oneoff(app, boom, "test work", on_error=cleaned.append)
        await wait_until(pilot, lambda: bool(errors(app)), what="the notification")
        await pilot.pause(0.1)
        assert errors(app) == [
            "test work failed: unexpected RuntimeError: boom [bold]not markup[/]"
        ]
        assert [type(e) for e in cleaned] == [RuntimeError]
        assert app.is_running and str(kept.content) == "already on screen"
        worker = run_oneoff(app, fine, "more work")
        await worker.wait()
        assert str(kept.content) == "still here, and more"
        assert len(errors(app)) == 1


async def test_a_oneoff_replaced_by_a_newer_one_is_not_a_failure() -> None:
    app = Host()
    started = asyncio.Event()

    async def slow() -> None:
        started.set()
        await asyncio.sleep(30)

    async def quick() -> None:
        return None

    async with app.run_test(notifications=True) as pilot:
        first = run_oneoff(app, slow, "slow work", group="g", exclusive=True)
        await started.wait()
        second = run_oneoff(app, quick, "quick work", group="g", exclusive=True)
        await second.wait()
        await wait_until(pilot, lambda: first.is_cancelled, what="the first cancelled")
        await pilot.pause(0.1)
        assert errors(app) == [] and app.is_running


# -- in the running app ------------------------------------------------------------------

S3_ALARM = "demo-S3KeySensor-OperatorFailures"


async def test_denied_history_and_older_pages_are_notified_and_the_panes_keep_filling(
    demo: Simulator, sandbox: Sandbox, aws_settings: AwsSettings
) -> None:
    app = make_app(aws_settings)
    async with app.run_test(notifications=True, size=(140, 44)) as pilot:
        trail = app.main.query_one(TrailPane)
        await wait_until(pilot, lambda: S3_ALARM in alarm_names(app), what="alarms")
        await wait_until(pilot, lambda: len(trail.store.events) >= 50, what="a page of CloudTrail")
        assert not trail.store.exhausted
        alarms_before, trail_before = alarm_names(app), list(trail.store.events)
        sandbox.faults.deny = {"cloudwatch", "cloudtrail"}

        table = app.main.query_one(AlarmTable)
        table.focus()
        table.move_cursor(row=alarm_names(app).index(S3_ALARM))
        await pilot.press("h")
        await wait_until(pilot, lambda: bool(errors(app, "alarm")), what="the history failure")
        assert errors(app, "alarm") == [
            "alarm history: access denied: the role lacks cloudwatch:DescribeAlarmHistory"
        ]
        assert not isinstance(app.screen, AlarmHistory)

        app.main.query_one(TrailTable).focus()
        await pilot.press("o")
        await wait_until(pilot, lambda: bool(errors(app, "older")), what="the older page failure")
        assert errors(app, "older") == [
            "older CloudTrail events: access denied: the role lacks cloudtrail:LookupEvents"
        ]
        assert not trail.loading_older and "loading older" not in screen_text(app)

        # Logs are not denied: the tail keeps filling while the rest keep what they had.
        put_events(
            sandbox, "airflow-demo-Worker", "after", [(int(time.time() * 1000), "after the denial")]
        )
        await wait_until(
            pilot, lambda: any("after the denial" in ln for ln in log_lines(app)), what="new lines"
        )
        assert app.is_running
        assert alarm_names(app) == alarms_before
        assert trail.store.events == trail_before
        assert len(errors(app, "alarm")) == len(errors(app, "older")) == 1


async def test_a_failed_save_and_a_broken_chart_are_notified_and_the_app_runs_on(
    demo: Simulator, sandbox: Sandbox, aws_settings: AwsSettings, tmp_path: Path
) -> None:
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("")
    worker_lines(sandbox)
    app = make_app(aws_settings, save_dir=blocker / "saved")
    async with app.run_test(notifications=True, size=(140, 44)) as pilot:
        await wait_until(pilot, lambda: len(log_lines(app, "Worker")) > 2, what="worker lines")
        await pilot.press("6", "s")
        await wait_until(pilot, lambda: bool(errors(app, "save")), what="the save failure")
        assert errors(app, "save") == [f"save failed: not a directory ({blocker / 'saved'})"]
        lines = set(log_lines(app, "Worker"))

        # A series the pane no longer has is charted from what the request carried.
        gone = MetricSeries(
            "gone", "Gone", "AmazonMWAA", "Gone", "Sum", "Count", (), (time.time(),), (1.0,)
        )
        app.query_one(MetricsPanel).post_message(MetricsPanel.ChartRequested(gone))
        await wait_until(pilot, lambda: isinstance(app.screen, MetricChart), what="the chart")
        await pilot.pause()
        assert "AmazonMWAA Gone (Sum)" in screen_text(app)
        await pilot.press("escape")

        # A value the chart cannot draw is a bug in the data: reported, never an exit.
        ten_minutes_ago = time.time() - 600
        broken = MetricSeries(
            "bad", "Bad", "AmazonMWAA", "Bad", "Sum", "Count", (), (ten_minutes_ago,), (math.inf,)
        )
        app.query_one(MetricsPanel).post_message(MetricsPanel.ChartRequested(broken))
        await wait_until(pilot, lambda: bool(errors(app, "chart")), what="the chart failure")
        assert "could not be drawn" in screen_text(app)
        await pilot.press("escape")
        await pilot.pause(0.2)  # time for a resize or a second draw to report it again
        assert [m.split(":")[:2] for m in errors(app, "chart")] == [
            ["chart failed", " unexpected ValueError"]
        ]
        assert app.is_running and len(errors(app, "save")) == 1
        assert lines <= set(log_lines(app, "Worker"))


# -- following through throttling -------------------------------------------------------


def walk(node: TreeNode[Any]) -> Iterator[TreeNode[Any]]:
    yield node
    for child in node.children:
        yield from walk(child)


def task_group(sandbox: Sandbox, lines: list[tuple[float, str]]) -> None:
    with sandbox.lock:
        sandbox.logs.create_log_group(TASK_GROUP, {})
    put_events(sandbox, TASK_GROUP, RUNNING, [(int(t * 1000), m) for t, m in lines])


def let_throttles_through(gateway: AwsGateway) -> None:
    # Throttles must reach the follow loop, not be retried away inside the client layer.
    gateway.throttle_budget = 0.0


@pytest.mark.parametrize("seed", SEEDS)
async def test_the_task_log_keeps_following_through_throttling(
    sandbox: Sandbox, gateway: AwsGateway, seed: int
) -> None:
    now = time.time()
    task_group(sandbox, [(now - 5, airflow(now - 5, "INFO", "Starting attempt 1 of 1"))])
    group = TaskGroup(gateway, TASK_GROUP, follow_seconds=0.25, rng=random.Random(seed))
    browser = TaskBrowser(group, time.time)
    app = Host(browser)
    async with app.run_test(notifications=True, size=(120, 40)) as pilot:
        await wait_until(pilot, lambda: bool(browser.attempts), what="the attempt")
        tree = browser.query_one(Tree)
        tree.root.expand_all()
        await pilot.pause()
        tree.select_node(next(n for n in walk(tree.root) if n.data is not None))
        await wait_until(pilot, lambda: isinstance(app.screen, TaskLog), what="the task log")
        log = app.screen
        assert isinstance(log, TaskLog) and log.group.follow_seconds == 0.25
        view = log.query_one(LogView)
        await wait_until(pilot, lambda: log.state.startswith("following"), what="following")

        let_throttles_through(gateway)
        sandbox.faults = Faults(throttle={"logs": 0.5}, seed=seed)
        await wait_until(
            pilot, lambda: log.state.startswith("retrying: throttled"), what="a throttled read"
        )
        assert "retrying: throttled on logs:GetLogEvents" in screen_text(app)
        # Written while it backs off: they appear once it reads again, and so does the end.
        t = time.time()
        for i in range(STEPS):
            line = airflow(t, "INFO", f"step {i}")
            put_events(sandbox, TASK_GROUP, RUNNING, [(int(t * 1000) + i, line)])
        await wait_until(
            pilot,
            lambda: sum("step" in ln for ln in view.lines) == STEPS,
            timeout=20,
            what="every line written",
        )
        t = time.time()
        final = airflow(t, "INFO", "Marking task as SUCCESS. dag_id=etl")
        put_events(sandbox, TASK_GROUP, RUNNING, [(int(t * 1000), final)])
        await wait_until(pilot, lambda: log.state == "finished", timeout=20, what="finished")
        assert [ln.split(" - ", 1)[-1] for ln in view.lines] == [
            "Starting attempt 1 of 1",
            *[f"step {i}" for i in range(STEPS)],
            "Marking task as SUCCESS. dag_id=etl",
        ]
        assert errors(app) == [] and app.is_running


async def test_a_denied_task_log_read_keeps_retrying_slowly(
    sandbox: Sandbox, gateway: AwsGateway
) -> None:
    now = time.time()
    task_group(sandbox, [(now - 5, airflow(now - 5, "INFO", "Starting attempt 1 of 1"))])
    attempt = parse_stream(RUNNING)
    assert attempt is not None
    sandbox.faults.deny.add("logs")
    log = TaskLog(TaskGroup(gateway, TASK_GROUP, follow_seconds=0.25), attempt)
    app = Host(log)
    async with app.run_test(notifications=True, size=(120, 40)) as pilot:
        await wait_until(pilot, lambda: log.state.startswith("retrying"), what="the retry")
        assert log.state == (
            "retrying: access denied: the role lacks logs:GetLogEvents · next try in 120 s"
        )
        assert "retrying: access denied" in screen_text(app)
        assert [w.state.name for w in app.workers if w.group == "task-log"] == ["RUNNING"]
        assert errors(app) == []


@pytest.mark.parametrize("seed", SEEDS)
async def test_insights_polling_rides_out_throttling(
    sandbox: Sandbox, gateway: AwsGateway, seed: int
) -> None:
    now = time.time()
    group = "airflow-demo-Scheduler"
    with sandbox.lock:
        sandbox.logs.create_log_group(group, {})
    put_events(sandbox, group, "s", [(int((now - 3600) * 1000), "needle an hour ago")])
    sandbox.insights.duration = 2.0
    configs = [LogConfig("Scheduler", True, "INFO", group_name=group)]
    search = InsightsSearch(
        gateway,
        configs,
        "needle",
        time.time,
        redact=True,
        poll_seconds=0.2,
        rng=random.Random(seed),
    )
    app = Host(search)
    async with app.run_test(notifications=True, size=(120, 40)) as pilot:
        await pilot.press("enter")
        await wait_until(pilot, lambda: "Running" in screen_text(app), what="a running query")
        let_throttles_through(gateway)
        sandbox.faults = Faults(throttle={"logs": 0.5}, seed=seed)
        status = search.query_one("#insights-status", Static)
        seen: list[str] = []

        def complete() -> bool:
            seen.append(str(status.content))
            return search.progress is not None and search.progress.status == "Complete"

        await wait_until(pilot, complete, timeout=30, what="the query complete")
        assert any("retrying: throttled on logs:GetQueryResults" in s for s in seen)
        lines = search.query_one(LogView).lines
        assert len(lines) == 1 and "needle an hour ago" in lines[0]
        assert sandbox.faults.injected["throttle"] >= 1
        assert errors(app) == [] and app.is_running
