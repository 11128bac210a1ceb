"""The log tail driven by keys: search, wrap, line detail, task logs, Insights, backfill."""

from __future__ import annotations

import time
from typing import Any

from textual.widgets import Tree

from mwaa_tui.aws.clients import AwsSettings
from mwaa_tui.sandbox import Sandbox
from mwaa_tui.sandbox.simulator import Simulator
from mwaa_tui.ui.screens.insights import InsightsSearch
from mwaa_tui.ui.screens.line_detail import LineDetail
from mwaa_tui.ui.screens.picker import ChoicePicker
from mwaa_tui.ui.screens.task_logs import TaskBrowser, TaskLog
from mwaa_tui.ui.widgets.log_lines import MATCH_STYLE
from mwaa_tui.ui.widgets.logview import LogView
from tests.conftest import put_events, wait_until
from tests.ui.helpers import log_lines, make_app, screen_text


def put(sandbox: Sandbox, group: str, stream: str, events: list[tuple[float, str]]) -> None:
    """Events at epoch seconds."""
    put_events(sandbox, group, stream, [(int(t * 1000), m) for t, m in events])


def airflow(t: float, level: str, message: str) -> str:
    stamp = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(t))
    return f"[{stamp}.000+0000] {{taskinstance.py:2612}} {level} - {message}"


def highlighted(view: LogView, row: int) -> list[str]:
    """The texts drawn with the match style on the screen row showing `row`."""
    y = view.screen_row(row)
    assert y is not None, f"row {row} is off screen"
    return [
        seg.text
        for seg in view.render_line(y)
        if seg.style and seg.style.bgcolor == MATCH_STYLE.bgcolor
    ]


async def test_search_highlights_moves_between_matches_and_shows_a_line_in_full(
    demo: Simulator, aws_settings: AwsSettings
) -> None:
    app = make_app(aws_settings)
    async with app.run_test(size=(140, 44)) as pilot:
        await wait_until(
            pilot,
            lambda: sum("TaskInstance Finished" in ln for ln in log_lines(app, "Scheduler")) >= 3,
            timeout=15,
            what="three matching lines",
        )
        await pilot.press("3")
        view = app.main.query_one("#log-view-Scheduler", LogView)
        assert view.has_focus
        await pilot.press("f", *"taskinstance finished", "enter")
        total = view.matches()
        assert f"find 'taskinstance finished' {total} of {total} · n/N" in screen_text(app)
        assert view.cursor is not None
        assert "TaskInstance Finished" in view.text_at(view.cursor)
        assert highlighted(view, view.cursor) == ["TaskInstance Finished"]
        newest = view.cursor
        await pilot.press("N")
        assert view.cursor < newest
        assert f"{total - 1} of {total}" in screen_text(app)
        await pilot.press("n")
        assert view.cursor == newest
        await pilot.press("n")
        assert view.cursor == newest  # no newer match: it stays, and says so
        await pilot.press("enter")
        assert isinstance(app.screen, LineDetail)
        detail = screen_text(app)
        event = view.event_at(newest)
        assert event is not None
        for shown in ("stream", event.stream[:40], "delay", "ingested", "TaskInstance Finished"):
            assert shown in detail
        await pilot.press("escape")
        await pilot.press("c")
        assert "find '" not in screen_text(app)
        assert highlighted(view, newest) == []


async def test_wrap_shows_a_long_line_whole_and_fullscreen_keeps_it(
    sandbox: Sandbox, aws_settings: AwsSettings
) -> None:
    sim = Simulator(sandbox, environment="demo", seed=5)
    sim.setup(time.time(), history=120)
    long = "start " + "abcdefghij" * 40 + " THE-END"
    put(sandbox, "airflow-demo-Worker", "long", [(time.time() - 30, long)])
    app = make_app(aws_settings)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(
            pilot, lambda: any("THE-END" in ln for ln in log_lines(app, "Worker")), what="line"
        )
        await pilot.press("6")
        view = app.main.query_one("#log-view-Worker", LogView)
        await pilot.press("p")  # hold the tail still while looking
        assert "THE-END" not in screen_text(app)
        rows_before = view.virtual_size.height
        await pilot.press("w")
        assert view.virtual_size.height > rows_before
        row = next(i for i, ln in enumerate(view.lines) if "THE-END" in ln)
        view.scroll_to_row(view.first_row + row)
        await pilot.pause()
        assert "THE-END" in screen_text(app)
        await pilot.press("z")
        assert not app.main.query_one("#metrics").display
        assert "THE-END" in screen_text(app)
        await pilot.press("z", "w")
        assert view.virtual_size.height == len(view.lines)


def seed_task_logs(sandbox: Sandbox, now: float) -> None:
    group = "airflow-demo-Task"
    failing = "dag_id=s3_ingest/run_id=manual__2026-11-25T10_00_00+00_00/task_id=wait/attempt=2.log"
    put(
        sandbox,
        group,
        failing,
        [
            (now - 300, airflow(now - 300, "INFO", "Starting attempt 2 of 3")),
            (now - 299, airflow(now - 299, "ERROR", "Task failed with exception")),
            (
                now - 298,
                airflow(now - 298, "INFO", "Marking task as UP_FOR_RETRY. dag_id=s3_ingest"),
            ),
        ],
    )
    mapped = "dag_id=s3_ingest/run_id=manual__2026-11-25T10_00_00+00_00/task_id=copy/map_index=3/attempt=1.log"
    put(sandbox, group, mapped, [(now - 200, airflow(now - 200, "INFO", "copying part 3"))])
    legacy = "old_dag/legacy_task/2021-05-11T00_00_00+00_00/1.log"
    put(
        sandbox,
        group,
        legacy,
        [
            (now - 100, airflow(now - 100, "INFO", "first legacy line")),
            (now - 99, airflow(now - 99, "INFO", "Marking task as SUCCESS. dag_id=old_dag")),
        ],
    )


async def pick(pilot: Any, tree: Tree[Any], label: str) -> None:
    """Move the tree cursor to the first node whose label starts with `label`, press Enter."""
    for line in range(tree.last_line + 1):
        node = tree.get_node_at_line(line)
        if node is not None and str(node.label).startswith(label):
            delta = line - tree.cursor_line
            await pilot.press(*(["down"] * delta if delta > 0 else ["up"] * -delta), "enter")
            await pilot.pause()
            return
    raise AssertionError(f"no node {label!r} in the tree")


async def test_task_browser_by_dag_run_task_attempt_and_a_running_attempt_followed(
    sandbox: Sandbox, aws_settings: AwsSettings
) -> None:
    sim = Simulator(sandbox, environment="demo", seed=6)
    now = time.time()
    sim.setup(now, history=60)
    seed_task_logs(sandbox, now)
    running = "dag_id=s3_ingest/run_id=manual__2026-11-25T10_00_00+00_00/task_id=load/attempt=1.log"
    put(
        sandbox,
        "airflow-demo-Task",
        running,
        [
            (now - 20, airflow(now - 20, "INFO", "Starting attempt 1 of 3")),
        ],
    )
    app = make_app(aws_settings)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(
            pilot,
            lambda: app.state.environment is not None and app.gateway is not None,
            what="the environment",
        )
        await pilot.press("t")
        assert isinstance(app.screen, TaskBrowser)
        browser = app.screen
        await wait_until(
            pilot,
            lambda: "attempts" in screen_text(app) and bool(browser.attempts),
            what="the attempts",
        )
        text = screen_text(app)
        assert "1 up for retry" in text and "failed" not in text
        tree = browser.query_one(Tree)
        labels = [str(n.label) for n in tree.root.children]
        assert any(lb.startswith("old_dag") for lb in labels)
        # The way to the failure is open on its own, down to the failed attempt.
        assert "attempt 2  ↻ up for retry" in screen_text(app)
        await pick(pilot, tree, "attempt 2")
        await wait_until(pilot, lambda: isinstance(app.screen, TaskLog), what="the task log")
        await wait_until(pilot, lambda: "finished" in screen_text(app), what="the whole log")
        lines = app.screen.query_one(LogView).lines
        assert "Starting attempt 2 of 3" in lines[0]
        assert "1 ERROR" in screen_text(app)
        await pilot.press("escape")
        assert app.screen is browser
        await pick(pilot, tree, "copy [3]")
        await pick(pilot, tree, "attempt 1")
        await wait_until(pilot, lambda: isinstance(app.screen, TaskLog), what="mapped task log")
        await wait_until(pilot, lambda: "copying part 3" in screen_text(app), what="its line")
        await pilot.press("escape")
        await pick(pilot, tree, "load")
        await pick(pilot, tree, "attempt 1")
        await wait_until(pilot, lambda: isinstance(app.screen, TaskLog), what="running log")
        await wait_until(pilot, lambda: "following" in screen_text(app), what="following")
        put(
            sandbox,
            "airflow-demo-Task",
            running,
            [
                (
                    time.time(),
                    airflow(time.time(), "INFO", "Marking task as SUCCESS. dag_id=s3_ingest"),
                )
            ],
        )
        await wait_until(
            pilot, lambda: "finished" in screen_text(app), timeout=10, what="the final line"
        )
        assert "Marking task as SUCCESS" in app.screen.query_one(LogView).lines[-1]


async def test_insights_search_reaches_past_the_buffer_and_can_be_cancelled(
    sandbox: Sandbox, aws_settings: AwsSettings
) -> None:
    sim = Simulator(sandbox, environment="demo", seed=6)
    now = time.time()
    sim.setup(now, history=60)
    put(sandbox, "airflow-demo-Scheduler", "old", [(now - 5 * 3600, "needle from five hours ago")])
    sandbox.insights.duration = 0.3
    app = make_app(aws_settings)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(pilot, lambda: bool(log_lines(app)), what="the tail")
        assert not any("needle" in ln for ln in log_lines(app))
        app.main.query_one("#log-view-All").focus()
        await pilot.press("i")
        assert isinstance(app.screen, InsightsSearch)
        await pilot.press(*"NEEDLE", "enter")
        await wait_until(pilot, lambda: "Complete" in screen_text(app), what="the query")
        text = screen_text(app)
        assert "scanned" in text and "1 matched" in text
        results = app.screen.query_one(LogView).lines
        assert (
            len(results) == 1 and "Sched" in results[0] and "needle from five hours" in results[0]
        )
        sandbox.insights.duration = 60
        app.screen.query_one("#insights-query").focus()
        await pilot.press("enter")
        await wait_until(pilot, lambda: "Running" in screen_text(app), what="a running query")
        await pilot.press("escape")
        await wait_until(pilot, lambda: "Cancelled" in screen_text(app), what="cancelled")
        assert [q.status for q in sandbox.insights.queries.values()] == ["Complete", "Cancelled"]
        await pilot.press("escape")
        assert not isinstance(app.screen, InsightsSearch)


async def test_backfill_key_reloads_from_further_back(
    sandbox: Sandbox, aws_settings: AwsSettings
) -> None:
    sim = Simulator(sandbox, environment="demo", seed=6)
    now = time.time()
    sim.setup(now, history=60)
    put(sandbox, "airflow-demo-Worker", "old", [(now - 30 * 60, "half an hour ago")])
    app = make_app(aws_settings)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(pilot, lambda: bool(log_lines(app, "Worker")), what="worker lines")
        assert not any("half an hour" in ln for ln in log_lines(app, "Worker"))
        app.main.query_one("#log-view-All").focus()
        await pilot.press("b")
        assert isinstance(app.screen, ChoicePicker)
        await pilot.press("down", "down", "down", "enter")  # 1m, 10m, 30m, 1h
        await wait_until(
            pilot,
            lambda: any("half an hour" in ln for ln in log_lines(app, "Worker")),
            what="the older line",
        )
        assert app.pollers.since_seconds == 3600
        assert sum("half an hour" in ln for ln in log_lines(app, "Worker")) == 1


HOSTILE = [
    "\x1b[2J\x1b]0;pwned\x07[bold red]not markup[/] \x9b31m",
    "[link=https://evil.example]click[/link] \x1b]8;;https://evil\x1b\\x\x1b]8;;\x1b\\",
    "wide 日本語 🚀 rtl שלום \u202eevil",
    "y" * 256 * 1024,
]


def inert(lines: list[str]) -> bool:
    return all("\x1b" not in ln and "\x9b" not in ln and "\u202e" not in ln for ln in lines)


async def test_hostile_lines_are_inert_in_every_view(
    sandbox: Sandbox, aws_settings: AwsSettings
) -> None:
    sim = Simulator(sandbox, environment="demo", seed=6)
    now = time.time()
    sim.setup(now, history=60)
    stream = "dag_id=evil/run_id=manual__1/task_id=t/attempt=1.log"
    put(
        sandbox,
        "airflow-demo-Task",
        stream,
        [(now - 10 + i / 10, m) for i, m in enumerate(HOSTILE)],
    )
    sandbox.insights.duration = 0
    app = make_app(aws_settings)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_until(
            pilot,
            lambda: any("not markup" in ln for ln in log_lines(app)),
            what="hostile lines in the merged view",
        )
        for view in ("All", "Task"):
            lines = log_lines(app, view)
            assert inert(lines)
            assert any("[bold red]not markup[/]" in ln for ln in lines)
            assert any("日本語" in ln for ln in lines)
        await pilot.press("4")
        view = app.main.query_one("#log-view-Task", LogView)
        await pilot.press("p", "w")  # still, and wrapped: the long line spans many rows
        assert view.virtual_size.height > len(view.lines) + 100
        assert "\x1b" not in app.export_screenshot()
        view.action_first()
        await pilot.press("enter")
        assert isinstance(app.screen, LineDetail)
        assert "\x1b" not in app.export_screenshot()
        await pilot.press("escape", "t")
        browser = app.screen
        assert isinstance(browser, TaskBrowser)
        await wait_until(pilot, lambda: bool(browser.attempts), what="attempts")
        tree = browser.query_one(Tree)
        await pick(pilot, tree, "evil")
        await pick(pilot, tree, "manual__1")
        await pick(pilot, tree, "t")
        await pick(pilot, tree, "attempt 1")
        await wait_until(pilot, lambda: isinstance(app.screen, TaskLog), what="task log")
        log = app.screen.query_one(LogView)
        await wait_until(pilot, lambda: len(log.lines) >= len(HOSTILE), what="its lines")
        assert inert(log.lines) and "\x1b" not in app.export_screenshot()
        await pilot.press("escape", "escape", "i", *"not markup", "enter")
        await wait_until(pilot, lambda: "Complete" in screen_text(app), what="Insights")
        found = app.screen.query_one(LogView).lines
        assert found and inert(found) and "\x1b" not in app.export_screenshot()
        assert app.is_running
