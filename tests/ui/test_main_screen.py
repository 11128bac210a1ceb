"""The app against the sandbox over real HTTP, driven by keys, asserting what is shown."""

from __future__ import annotations

import time

from mwaa_tui.aws.clients import AwsSettings
from mwaa_tui.sandbox import Sandbox
from mwaa_tui.sandbox.simulator import Simulator
from mwaa_tui.sandbox.stores import ComponentLogging
from mwaa_tui.sandbox.trail_story import hostile_trail_event
from mwaa_tui.ui.screens.help import HelpScreen
from mwaa_tui.ui.screens.picker import EnvironmentPicker
from mwaa_tui.ui.screens.trail_detail import TrailDetail
from mwaa_tui.ui.widgets.component_log import ComponentLog
from tests.conftest import wait_until
from tests.ui.helpers import (
    alarm_names,
    header_text,
    log_lines,
    make_app,
    metric_labels,
    run_with,
    screen_text,
    subtitle,
    trail_names,
    worker_lines,
)


async def test_every_pane_fills_from_the_sandbox(
    demo: Simulator, aws_settings: AwsSettings
) -> None:
    app = make_app(aws_settings)
    async with app.run_test(size=(160, 48)) as pilot:
        await wait_until(pilot, lambda: "AVAILABLE" in header_text(app), what="environment status")
        await wait_until(
            pilot, lambda: any(" Sched " in ln for ln in log_lines(app)), what="log lines"
        )
        await wait_until(
            pilot, lambda: "demo-S3KeySensor-OperatorFailures" in alarm_names(app), what="an alarm"
        )
        await wait_until(pilot, lambda: bool(trail_names(app)), what="CloudTrail events")
        await wait_until(pilot, lambda: "CPU BaseWorker" in metric_labels(app), what="sparklines")
        assert "Airflow 2.10.3" in header_text(app)
        assert "staging-SchedulerHeartbeat" not in alarm_names(app)
        assert set(trail_names(app)) <= {"CreateWebLoginToken", "CreateCliToken", "InvokeRestApi"}
        await wait_until(pilot, lambda: "updated" in subtitle(app, "alarms"), what="health")
        assert any(
            line.split()[1:2] == ["{scheduler_job_runner.py:417}"]
            for line in log_lines(app, "Scheduler")
        )


async def test_denied_and_throttled_services_leave_the_other_panes_alone(
    demo: Simulator, sandbox: Sandbox, aws_settings: AwsSettings
) -> None:
    sandbox.faults.deny.add("cloudtrail")
    sandbox.faults.throttle["logs"] = 0.5
    worker_lines(sandbox)
    app = make_app(aws_settings)
    async with app.run_test(size=(160, 48)) as pilot:
        await wait_until(
            pilot,
            lambda: "cloudtrail:LookupEvents" in subtitle(app, "trail"),
            what="the denied action named",
        )
        assert "access denied" in subtitle(app, "trail")
        # Throttled polls back off with jitter: allow for a few retries.
        await wait_until(
            pilot,
            lambda: bool(log_lines(app, "Worker")),
            timeout=30,
            what="logs despite throttling",
        )
        await wait_until(pilot, lambda: bool(alarm_names(app)), timeout=30, what="alarms")
        await wait_until(pilot, lambda: bool(metric_labels(app)), timeout=30, what="metrics")
        assert trail_names(app) == []
        assert app.query_one("#trail").has_class("-failing")
        # Half the log calls are throttled, but the first ones may all have got through:
        # wait for the app to have met one rather than count on it by now.
        await wait_until(
            pilot, lambda: gateway_throttled(app) > 0, timeout=30, what="a throttled log call"
        )
        assert log_lines(app, "Worker") and alarm_names(app) and metric_labels(app)


def gateway_throttled(app) -> int:
    assert app.gateway is not None
    return sum(n for (op, outcome), n in app.gateway.stats.totals.items() if outcome == "throttled")


async def test_hostile_strings_are_drawn_inertly(
    sandbox: Sandbox, aws_settings: AwsSettings
) -> None:
    sim = Simulator(sandbox, environment="demo", seed=4)
    sim.setup(time.time(), history=300)
    now = time.time()
    hostile = [
        "\x1b[2J\x1b]0;pwned\x07[bold red]not markup[/] \x9b31m",
        "[link=https://evil.example]click[/link] \x1b]8;;https://evil\x1b\\x\x1b]8;;\x1b\\",
        "wide 日本語 🚀 rtl שלום \u202eevil",
        "x" * 200_000,
    ]
    with sandbox.lock:
        stream = sandbox.logs.groups["airflow-demo-Worker"]
        stream.create_log_stream("hostile")
        stream.streams["hostile"].put_log_events(
            [
                {"timestamp": int(now * 1000) - 20_000 + i, "message": m}
                for i, m in enumerate(hostile)
            ]
        )
        hostile_trail_event(sim, now - 5)
    app = make_app(aws_settings)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(
            pilot,
            lambda: any("not markup" in ln for ln in log_lines(app, "Worker")),
            what="the hostile line",
        )
        await wait_until(pilot, lambda: "InvokeRestApi" in trail_names(app), what="hostile event")
        lines = log_lines(app, "Worker")
        assert any("[bold red]not markup[/]" in ln for ln in lines)
        assert any("[link=https://evil.example]click[/link]" in ln for ln in lines)
        assert all("\x1b" not in ln and "\x9b" not in ln and "\u202e" not in ln for ln in lines)
        assert any("more characters]" in ln for ln in lines)
        trail = app.query_one("TrailTable")
        evil = next(e for e in trail.events if "evil" in e.user)
        assert evil.user == "[bold red]evil[/]/session"
        trail.focus()
        trail.move_cursor(row=trail.events.index(evil))
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, TrailDetail), what="detail screen")
        svg = app.export_screenshot()
        assert "\x1b" not in svg
        await pilot.press("escape")
        assert app.is_running


async def test_keys_help_views_zoom_and_quit(demo: Simulator, aws_settings: AwsSettings) -> None:
    app = make_app(aws_settings)
    async with app.run_test(size=(100, 30)) as pilot:
        # The story leaves Task quiet for minutes at a time: any view will do.
        await wait_until(pilot, lambda: bool(log_lines(app)), what="log lines")
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        help_text = app.screen.text
        for words in ("Quit", "Show every key binding", "Fullscreen the focused pane"):
            assert words in help_text
        await pilot.press("escape")
        assert not isinstance(app.screen, HelpScreen)
        _, shown_style = run_with(app, " 1 All ")
        await pilot.press("4")
        assert app.query_one("ContentSwitcher").current == "log-Task"
        # The pane's title draws the view shown, and only that one, as "1 All" was drawn.
        task, task_style = run_with(app, " 4 Task ")
        assert task.strip() == "4 Task" and task_style == shown_style
        assert run_with(app, " 1 All ")[1] != shown_style
        app.query_one("#log-view-Task").focus()
        await pilot.press("z")
        assert not app.query_one("#metrics").display and not app.query_one("#bottom").display
        await pilot.press("z")
        assert app.query_one("#metrics").display and app.query_one("#bottom").display
        await pilot.press("q")
    assert app.return_code == 0


async def test_disabled_component_and_a_logging_change_without_restart(
    sandbox: Sandbox, aws_settings: AwsSettings
) -> None:
    sim = Simulator(sandbox, environment="demo", seed=8)
    sim.setup(time.time(), history=300)
    env = sandbox.mwaa.environments["demo"]
    env.logging["WebServer"] = ComponentLogging(enabled=False, level="CRITICAL")
    worker_lines(sandbox)
    app = make_app(aws_settings)
    async with app.run_test(size=(120, 40)) as pilot:
        state = app.query_one("#log-state-WebServer")
        await wait_until(
            pilot,
            lambda: "disabled (level CRITICAL)" in str(state.render()),
            what="disabled WebServer",
        )
        assert "logs:WebServer" not in app.pollers
        await wait_until(pilot, lambda: bool(log_lines(app, "Worker")), what="worker lines")
        env.logging["Worker"] = ComponentLogging(enabled=False, level="INFO")
        await wait_until(pilot, lambda: "logs:Worker" not in app.pollers, what="worker stopped")
        worker_state = app.query_one("#log-state-Worker")
        assert "disabled" in str(worker_state.render())
        assert isinstance(app.query_one("#log-Worker"), ComponentLog)


async def test_picker_when_the_region_has_several_environments(
    sandbox: Sandbox, aws_settings: AwsSettings
) -> None:
    sim = Simulator(sandbox, environment="demo", seed=9)
    sim.setup(time.time(), history=300)
    sandbox.create_environment("other")
    app = make_app(aws_settings, environment=None, choices=("demo", "other"))
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, EnvironmentPicker), what="picker")
        await pilot.press("enter")
        await wait_until(pilot, lambda: "AVAILABLE" in header_text(app), what="environment")
        assert app.state.name == "demo"


async def test_expired_credentials_and_a_lost_network_are_named_and_nothing_is_lost(
    demo: Simulator, sandbox: Sandbox, aws_settings: AwsSettings
) -> None:
    app = make_app(aws_settings)
    async with app.run_test(size=(160, 48)) as pilot:
        await wait_until(
            pilot, lambda: bool(alarm_names(app)) and bool(trail_names(app)), what="first data"
        )
        shown_alarms, shown_events = alarm_names(app), trail_names(app)
        sandbox.faults.expire.add("cloudwatch")
        sandbox.faults.drop["cloudtrail"] = 1.0
        await pilot.press("r")
        await wait_until(
            pilot,
            lambda: "credentials expired" in subtitle(app, "alarms"),
            what="expired credentials named",
        )
        await wait_until(pilot, lambda: "cannot reach" in subtitle(app, "trail"), what="network")
        # What was on screen stays on screen while the sources fail.
        assert alarm_names(app) == shown_alarms
        assert trail_names(app)[: len(shown_events)] == shown_events
        assert "AVAILABLE" in header_text(app)
        sandbox.faults.clear()
        await pilot.press("r")
        await wait_until(
            pilot,
            lambda: (
                "updated" in subtitle(app, "trail") and "cannot reach" not in subtitle(app, "trail")
            ),
            what="recovery",
        )


async def test_pause_counts_new_lines_and_filters_combine_with_the_level(
    demo: Simulator, aws_settings: AwsSettings
) -> None:
    app = make_app(aws_settings)
    async with app.run_test(size=(140, 44)) as pilot:
        await wait_until(pilot, lambda: len(log_lines(app, "Scheduler")) > 3, what="lines")
        await pilot.press("3", "p")  # the view asked for takes the keys
        before = len(log_lines(app, "Scheduler"))
        demo.advance(time.time() + 20)  # the simulation writes more lines
        await wait_until(
            pilot,
            lambda: "PAUSED · " in screen_text(app) and " 0 new" not in screen_text(app),
            timeout=15,
            what="new lines counted",
        )
        assert len(log_lines(app, "Scheduler")) == before
        await pilot.press("p")
        assert len(log_lines(app, "Scheduler")) > before
        await pilot.press("slash", *"TaskInstance Finished", "enter")
        lines = log_lines(app, "Scheduler")
        assert lines and all("TaskInstance Finished" in ln for ln in lines)
        assert "showing /TaskInstance Finished" in screen_text(app)
        await pilot.press("c", "L")
        assert all(" INFO " not in ln for ln in log_lines(app, "Scheduler"))
        await pilot.press("c")
        assert any(" INFO " in ln for ln in log_lines(app, "Scheduler"))


async def test_saving_a_log_view_and_switching_to_local_time(
    demo: Simulator, sandbox: Sandbox, aws_settings: AwsSettings, tmp_path
) -> None:
    import stat

    worker_lines(sandbox)
    app = make_app(aws_settings, save_dir=tmp_path / "saved")
    async with app.run_test(size=(140, 44)) as pilot:
        await wait_until(pilot, lambda: len(log_lines(app, "Worker")) > 2, what="worker lines")
        await pilot.press("6", "s")
        await wait_until(
            pilot,
            lambda: any((tmp_path / "saved").glob("logs-demo-Worker-*.log")),
            what="saved file",
        )
        saved = next((tmp_path / "saved").glob("logs-demo-Worker-*.log"))
        assert stat.S_IMODE(saved.stat().st_mode) == 0o600
        body = saved.read_text().splitlines()
        assert body and all(" Worker worker_" in line for line in body)
        await pilot.press("T")
        assert "times are local" in screen_text(app)
        await pilot.press("T")
        assert "no times" in screen_text(app)
        lines = log_lines(app, "Worker")
        assert lines and not any(ln[:2].isdigit() and ln[2] == ":" for ln in lines)
        await pilot.press("T")
        assert all(
            (ln[:2].isdigit() and ln[2] == ":") or ln.startswith(" " * 9 + "│")
            for ln in log_lines(app, "Worker")
        )
