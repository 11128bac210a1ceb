"""What the log views show (issue 12, items 6, 7, 10, 11 and 16's screen parts): the
line cursor seen in every theme and colour mode, the level threshold over lines without
a level, the cursor kept while lines are drawn another way, the logs around a moment,
wrapped lines' indent, the task tree's ages and retries, and a save's file name."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest
from rich.color import ColorSystem
from textual.app import App, ComposeResult
from textual.geometry import Region
from textual.strip import Strip
from textual.widgets import Tree

from mwaa_tui.aws.clients import AwsGateway, AwsSettings
from mwaa_tui.core.snapshots import LogConfig, LogEvent
from mwaa_tui.files import utc_stamp
from mwaa_tui.sandbox import Sandbox
from mwaa_tui.sandbox.simulator import Simulator
from mwaa_tui.ui.colours import ANSI_THEME
from mwaa_tui.ui.screens.line_detail import LineDetail
from mwaa_tui.ui.screens.log_window import LogWindow
from mwaa_tui.ui.screens.task_logs import TaskBrowser
from mwaa_tui.ui.widgets.logview import LogView
from tests.conftest import FIXED_NOW, wait_until
from tests.ui.helpers import log_lines, make_app, screen_text
from tests.ui.test_log_tail import airflow, put, seed_task_logs

SYSTEMS = (ColorSystem.TRUECOLOR, ColorSystem.STANDARD)
"""What a modern terminal and a 16-colour one (TERM=screen) are sent."""


def drawn(view: LogView) -> list[Strip]:
    """The view's rows as Textual hands them to the terminal (theme and filters applied),
    without the scrollbars' columns."""
    width = view.scrollable_content_region.width
    return [
        s.crop(0, width) for s in view.render_lines(Region(0, 0, view.size.width, view.size.height))
    ]


def look(strip: Strip, system: ColorSystem) -> set[tuple[str, str, bool]]:
    """What the eye gets from a row's non-blank cells: foreground and background as the
    terminal's colour system draws them (reverse video swapped in), and bold."""
    out = set()
    for seg in strip:
        if not seg.text.strip() or seg.style is None:
            continue
        style = seg.style
        fg, bg = style.color, style.bgcolor
        if style.reverse:
            fg, bg = bg, fg
        out.add(
            (
                fg.downgrade(system).name if fg else "default",
                bg.downgrade(system).name if bg else "default",
                bool(style.bold),
            )
        )
    return out


def reversed_row(strip: Strip) -> bool:
    """Every cell of the row in reverse video: seen even where colour is not."""
    return all(seg.style is not None and seg.style.reverse for seg in strip if seg.text)


# -- 6. the line cursor --------------------------------------------------------------------


async def test_after_p_and_up_the_screen_changes_and_the_cursor_row_stands_out(
    sandbox: Sandbox, aws_settings: AwsSettings
) -> None:
    Simulator(sandbox, environment="demo", seed=5).setup(time.time(), history=120)
    app = make_app(aws_settings)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(pilot, lambda: len(log_lines(app)) > 30, what="a screen of lines")
        view = app.main.query_one("#log-view-All", LogView)
        assert view.has_focus
        await pilot.press("p")
        await pilot.pause()
        before = app.export_screenshot()
        rows_before = [s.text for s in drawn(view)]
        await pilot.press("up")
        await pilot.pause()
        assert view.cursor is not None
        assert app.export_screenshot() != before
        y = view.screen_row(view.cursor)
        assert y is not None
        rows = drawn(view)
        assert [s.text for s in rows] == rows_before  # the same lines, one of them marked
        assert reversed_row(rows[y])
        assert not any(reversed_row(s) for i, s in enumerate(rows) if i != y and s.text.strip())
        await pilot.press("up", "up")
        y2 = view.screen_row(view.cursor)
        assert y2 == y - 2 and reversed_row(drawn(view)[y2]) and not reversed_row(drawn(view)[y])


class OneView(App[None]):
    """One line view, with every built-in theme and the one the monitor takes on a
    16-colour terminal (its ANSI colours)."""

    def on_mount(self) -> None:
        self.register_theme(ANSI_THEME)

    def compose(self) -> ComposeResult:
        yield LogView(id="view")


@pytest.mark.parametrize("no_color", [False, True], ids=["colour", "NO_COLOR"])
async def test_the_cursor_row_stands_out_in_every_theme_and_colour_mode(
    monkeypatch: pytest.MonkeyPatch, no_color: bool
) -> None:
    if no_color:
        monkeypatch.setenv("NO_COLOR", "1")
    else:
        monkeypatch.delenv("NO_COLOR", raising=False)
    app = OneView()
    async with app.run_test(size=(50, 8)) as pilot:
        assert app.no_color is no_color
        view = app.query_one(LogView)
        view.focus()
        view.write_lines([f"{i:02} INFO - line {i}" for i in range(12)])
        await pilot.press("up", "up")
        y = view.screen_row(view.cursor or 0)
        assert y is not None and y > 0
        assert ANSI_THEME.name in app.available_themes
        for theme in sorted(app.available_themes):
            app.theme = theme
            await pilot.pause()
            rows = drawn(view)
            assert reversed_row(rows[y]), theme
            assert not reversed_row(rows[y - 1]), theme
            if not no_color:
                for system in SYSTEMS:
                    assert look(rows[y], system) != look(rows[y - 1], system), (theme, system)


# -- 7. the level threshold ----------------------------------------------------------------


async def test_at_error_the_merged_view_hides_access_lines_and_keeps_a_traceback(
    sandbox: Sandbox, aws_settings: AwsSettings
) -> None:
    now = time.time()
    Simulator(sandbox, environment="demo", seed=5).setup(now, history=120)
    stream = "dag_id=etl/run_id=manual__1/task_id=load/attempt=1.log"
    traceback = [
        "Traceback (most recent call last):",
        '  File "/usr/local/airflow/dags/etl.py", line 9, in load',
        "ValueError: no rows in orders.csv",
    ]
    t = now - 30
    put(
        sandbox,
        "airflow-demo-Task",
        stream,
        [
            (t, airflow(t, "ERROR", "Task failed with exception")),
            *((t + 0.001 * (i + 1), line) for i, line in enumerate(traceback)),
            (t + 1, airflow(t + 1, "INFO", "Marking task as FAILED. dag_id=etl")),
            (t + 1.001, "a line after the INFO one"),
        ],
    )
    app = make_app(aws_settings)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(
            pilot,
            lambda: (
                any('"GET /' in ln for ln in log_lines(app))
                and any("after the INFO" in ln for ln in log_lines(app))
            ),
            what="access lines and the task's lines",
        )
        await pilot.press("L", "L")
        assert "showing ERROR and above + the unlevelled lines that follow them" in screen_text(app)
        lines = log_lines(app)
        assert not any('"GET /' in ln for ln in lines)
        assert not any("after the INFO" in ln for ln in lines)
        joined = "\n".join(lines)
        assert all(line in joined for line in traceback)
        await pilot.press("L")  # all levels again
        assert any('"GET /' in ln for ln in log_lines(app))


# -- 10. drawing lines another way keeps the reader's place -----------------------------------


async def test_times_and_wrap_keep_the_cursor_on_a_find_result(
    sandbox: Sandbox, aws_settings: AwsSettings
) -> None:
    now = time.time()
    Simulator(sandbox, environment="demo", seed=5).setup(now, history=120)
    long = "NEEDLE " + "abcdefghij" * 30 + " THE-END"
    lines = [(now - 100 + i, f"worker line {i}") for i in range(80)]
    lines[40] = (now - 60, long)
    put(sandbox, "airflow-demo-Worker", "keep", lines)
    app = make_app(aws_settings)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(
            pilot, lambda: sum("worker line" in ln for ln in log_lines(app, "Worker")) >= 79
        )
        await pilot.press("6", "f", *"needle", "enter")
        view = app.main.query_one("#log-view-Worker", LogView)
        assert view.cursor is not None and "NEEDLE" in view.text_at(view.cursor)
        y = view.screen_row(view.cursor)
        assert y is not None and not view.is_vertical_scroll_end

        def kept(times: bool) -> None:
            assert view.cursor is not None, "the cursor was dropped"
            text = view.text_at(view.cursor)
            assert "NEEDLE" in text and (re.match(r"\d\d:\d\d:\d\d ", text) is not None) is times
            assert view.screen_row(view.cursor) == y
            assert reversed_row(view.render_line(y))
            assert "find 'needle' 1 of 1" in screen_text(app)

        await pilot.press("T")  # local times
        kept(times=True)
        await pilot.press("T")  # none
        kept(times=False)
        await pilot.press("T")  # UTC again
        kept(times=True)
        await pilot.press("w")
        kept(times=True)
        # 16: the wrapped line goes on below, indented under its message (past the time).
        assert "THE-END" in screen_text(app)
        assert view.render_line(y + 1).text.startswith(" " * 9)
        assert not view.render_line(y + 1).text.startswith(" " * 10)
        await pilot.press("T")
        kept(times=True)
        await pilot.press("w")
        kept(times=True)


# -- 11. logs around a moment --------------------------------------------------------------


def around_events() -> list[LogEvent]:
    events = [
        LogEvent("Scheduler", int((FIXED_NOW - 120 + i) * 1000), f"scheduler line {i}", "s", f"s{i}")
        for i in range(0, 240, 2)
    ]  # fmt: skip
    long = "Task failed: " + "x" * 300 + " THE-END"
    events.append(LogEvent("Task", int(FIXED_NOW * 1000) + 500, long, "t", "t1", level="ERROR"))
    events.sort(key=lambda e: e.timestamp)
    return events


async def test_logs_around_a_moment_open_at_it_with_find_filter_wrap_and_detail() -> None:
    events = around_events()

    class Host(App[None]):
        def on_mount(self) -> None:
            self.push_screen(
                LogWindow("Logs around X", FIXED_NOW - 120, FIXED_NOW + 120, events, FIXED_NOW)
            )

    app = Host()
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.pause()
        window = app.screen
        assert isinstance(window, LogWindow)
        view = window.query_one(LogView)
        await wait_until(pilot, lambda: view.cursor is not None, what="the cursor")
        # At the moment: the cursor on its first line, the window's start off screen.
        assert "scheduler line 120" in view.text_at(view.cursor or 0)
        text = screen_text(app)
        assert "scheduler line 120" in text and "scheduler line 0 " not in text
        assert reversed_row(view.render_line(view.screen_row(view.cursor or 0) or 0))
        # The long line whole, wrapped, not cut at the window's edge.
        assert "THE-END" in text
        for key in ("/ Filter", "f Find", "n Next", "w Wrap", "esc Close"):  # the footer
            assert key in text
        # Find and its next/previous.
        await pilot.press("f", *"scheduler line 1", "enter")
        matches = view.matches()
        assert matches > 1 and f"{matches} of {matches}" in screen_text(app)
        await pilot.press("N")
        assert f"{matches - 1} of {matches}" in screen_text(app)
        # A filter keeps only matching lines, the cursor on its line.
        picked = view.text_at(view.cursor or 0)
        await pilot.press("slash", *"scheduler", "enter")
        assert all("scheduler" in ln for ln in view.lines)
        assert view.text_at(view.cursor or 0) == picked
        # Wrap off: one row per line; Enter: the line in full.
        await pilot.press("w")
        assert not view.wrap and view.virtual_size.height == len(view.lines)
        await pilot.press("enter")
        assert isinstance(app.screen, LineDetail)
        assert picked.split(" ", 2)[-1].strip() in screen_text(app)
        await pilot.press("escape")
        assert app.screen is window


# -- 16. the task tree and saves -----------------------------------------------------------


async def test_the_task_tree_ages_follow_the_clock_and_a_retry_is_labelled_so(
    sandbox: Sandbox, aws_settings: AwsSettings
) -> None:
    now = time.time()
    Simulator(sandbox, environment="demo", seed=6).setup(now, history=60)
    seed_task_logs(sandbox, now)
    offset = [0.0]
    app = make_app(aws_settings, clock=lambda: time.time() + offset[0])
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(pilot, lambda: app.gateway is not None, what="the client layer")
        await wait_until(pilot, lambda: app.state.environment is not None, what="environment")
        await pilot.press("t")
        browser = app.screen
        assert isinstance(browser, TaskBrowser)
        await wait_until(pilot, lambda: bool(browser.attempts), what="the attempts")
        assert "attempt 2  ↻ up for retry  last line" in screen_text(app)
        assert "ERROR lines" not in screen_text(app)
        tree = browser.query_one(Tree)
        assert not any("1h ago" in str(n.label) for n in tree.root.children)
        offset[0] = 3 * 3600  # three hours pass
        await wait_until(
            pilot,
            lambda: "attempt 2  ↻ up for retry  last line 3h ago" in screen_text(app),
            timeout=5,
            what="the ages redrawn",
        )


async def test_a_saved_view_is_named_with_its_readable_utc_time(
    sandbox: Sandbox, aws_settings: AwsSettings, tmp_path: Path
) -> None:
    Simulator(sandbox, environment="demo", seed=7).setup(FIXED_NOW, history=120)
    app = make_app(aws_settings, clock=lambda: FIXED_NOW, save_dir=tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(pilot, lambda: bool(log_lines(app)), what="lines")
        await pilot.press("s")
        await wait_until(pilot, lambda: any(tmp_path.iterdir()), what="the saved file")
        (saved,) = list(tmp_path.iterdir())  # noqa: ASYNC240 (a listing of one file)
        assert saved.name == f"logs-demo-All-{utc_stamp(FIXED_NOW)}.log"
        assert saved.name == "logs-demo-All-20251125T120000Z.log"


async def test_the_logs_around_a_moment_are_fetched_and_open_at_it(
    sandbox: Sandbox, gateway: AwsGateway
) -> None:
    now = time.time()
    Simulator(sandbox, environment="demo", seed=5).setup(now, history=60)
    put(
        sandbox,
        "airflow-demo-Worker",
        "ticks",
        [(now - 200 + 10 * i, f"tick {i}") for i in range(20)],
    )
    logging = (LogConfig("Worker", True, "INFO", group_name="airflow-demo-Worker"),)
    window = await LogWindow.around(gateway, logging, now - 95, "Logs around X", redact=True)

    class Host(App[None]):
        def on_mount(self) -> None:
            self.push_screen(window)

    app = Host()
    async with app.run_test(size=(100, 30)) as pilot:
        view = window.query_one(LogView)
        await wait_until(pilot, lambda: view.cursor is not None, what="the cursor")
        # The cursor on the first line at the moment, not at the window's start.
        cursor = view.cursor or 0
        at, before = view.event_at(cursor), view.event_at(cursor - 1)
        assert at is not None and before is not None
        assert before.timestamp < (now - 95) * 1000 <= at.timestamp
        assert "tick 0" not in screen_text(app)  # the window's start, 2 minutes before
