"""Metric charts, time ranges and alarm actions, against the sandbox."""

from __future__ import annotations

import re
from datetime import datetime

from mwaa_tui.aws.clients import AwsSettings
from mwaa_tui.core.snapshots import MetricSeries
from mwaa_tui.pollers.metrics import MetricsPoller
from mwaa_tui.sandbox.simulator import Simulator
from mwaa_tui.ui.screens.alarm_history import AlarmHistory
from mwaa_tui.ui.screens.chart import MetricChart, render_chart, time_labels
from mwaa_tui.ui.screens.log_window import LogWindow
from mwaa_tui.ui.widgets.alarms import AlarmTable
from mwaa_tui.ui.widgets.metrics import MetricsPanel
from tests.conftest import wait_until
from tests.ui.helpers import alarm_names, make_app, metric_labels, screen_text, toasts

S3_ALARM = "demo-S3KeySensor-OperatorFailures"


async def test_chart_of_a_metric_shows_its_alarm_threshold(
    demo: Simulator, aws_settings: AwsSettings
) -> None:
    app = make_app(aws_settings)
    async with app.run_test(size=(140, 44)) as pilot:
        await wait_until(pilot, lambda: "OpFail S3KeySensor" in metric_labels(app), what="metrics")
        await wait_until(pilot, lambda: S3_ALARM in alarm_names(app), what="alarms")
        metrics = app.pollers.get("metrics", MetricsPoller)
        # The rows move while discovery still adds panels: pick one once they stand still.
        await wait_until(
            pilot, lambda: metrics is not None and not metrics.discovering, what="discovery"
        )
        await pilot.pause()
        panel = app.main.query_one(MetricsPanel)
        panel.focus()
        panel.action_move(metric_labels(app).index("OpFail S3KeySensor"))
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, MetricChart), what="chart")
        await pilot.pause()
        text = screen_text(app)
        assert "AmazonMWAA OperatorFailures (Sum)" in text
        assert f"threshold of {S3_ALARM}: OperatorFailures Sum > 5" in text
        assert "local time" in text
        await pilot.press("escape")
        await pilot.press("t")
        assert "Metrics · 3h" in str(app.main.query_one("#metrics").border_title)
        poller = app.pollers.get("metrics", MetricsPoller)
        assert isinstance(poller, MetricsPoller) and poller.range_seconds == 3 * 3600


async def test_alarm_history_and_the_logs_around_its_change(
    demo: Simulator, aws_settings: AwsSettings
) -> None:
    app = make_app(aws_settings)
    async with app.run_test(size=(140, 44)) as pilot:
        await wait_until(pilot, lambda: S3_ALARM in alarm_names(app), what="alarms")
        table = app.main.query_one(AlarmTable)
        table.focus()
        table.move_cursor(row=alarm_names(app).index(S3_ALARM))
        await pilot.press("h")
        await wait_until(pilot, lambda: isinstance(app.screen, AlarmHistory), what="history")
        assert "Alarm updated from INSUFFICIENT_DATA to OK" in screen_text(app)
        await pilot.press("escape")
        await pilot.press("l")
        await wait_until(pilot, lambda: isinstance(app.screen, LogWindow), what="log window")
        window = app.screen
        assert isinstance(window, LogWindow) and len(window.events) > 0
        # Every component's: which ones wrote then depends on the story (Task has quiet
        # minutes).
        components = {e.component for e in window.events}
        assert "Scheduler" in components and len(components) >= 2


async def test_a_state_change_while_watching_is_notified_and_counted(
    demo: Simulator, sandbox, aws_settings: AwsSettings
) -> None:
    app = make_app(aws_settings, bell=True)
    async with app.run_test(notifications=True, size=(140, 44)) as pilot:
        await wait_until(pilot, lambda: S3_ALARM in alarm_names(app), what="alarms")
        with sandbox.lock:
            sandbox.cloudwatch.alarms[S3_ALARM].update_state(
                "Threshold Crossed: test", "{}", "ALARM"
            )
        await pilot.press("r")
        await wait_until(
            pilot,
            lambda: any(f"{S3_ALARM}: OK → ALARM" in t for t in toasts(app)),
            what="notification",
        )
        assert alarm_names(app)[0] == S3_ALARM
        await wait_until(pilot, lambda: "1 in ALARM" in screen_text(app), what="header count")


def test_a_chart_over_several_days_names_the_day_of_each_point() -> None:
    noon = datetime(2025, 11, 25, 12).timestamp()  # local time, whatever the zone
    assert time_labels([noon, noon + 3600]) == ("%H:%M", "H:M")
    assert time_labels([noon - 86400, noon]) == ("%m-%d %H:%M", "m-d H:M")
    week = tuple(noon - 7 * 86400 + i * 3600 for i in range(7 * 24 + 1))
    series = MetricSeries(
        "k", "Queued", "AmazonMWAA", "QueuedTasks", "Sum", "Count", (), week, (1.0,) * len(week)
    )
    axis = render_chart([series], [], 120, 20).plain.splitlines()[-3:]
    shown = {day for line in axis for day in re.findall(r"\b\d\d-\d\d(?= \d\d:\d\d)", line)}
    assert len(shown) >= 3, axis
