"""An alarm can be read: its name whole at 80x24, Enter opens its detail (state, since,
the whole reason, condition, threshold, dimensions), and the detail's keys open its
history, its chart over the pane's range and the logs around its change."""

from __future__ import annotations

from typing import Any

from mwaa_tui.aws.clients import AwsSettings
from mwaa_tui.core.snapshots import Alarm
from mwaa_tui.sandbox.simulator import Simulator
from mwaa_tui.ui.screens.alarm_detail import AlarmDetail, detail_text
from mwaa_tui.ui.screens.alarm_history import AlarmHistory
from mwaa_tui.ui.screens.chart import MetricChart
from mwaa_tui.ui.screens.help import HelpScreen
from mwaa_tui.ui.screens.log_window import LogWindow
from mwaa_tui.ui.widgets.alarms import AlarmTable
from mwaa_tui.ui.widgets.metrics import MetricsPanel
from tests.conftest import FIXED_NOW, wait_until
from tests.ui.helpers import alarm_names, make_app

S3_ALARM = "demo-S3KeySensor-OperatorFailures"


def screen_lines(app: Any) -> list[str]:
    return [strip.text for strip in app.screen._compositor.render_strips()]


def words(app: Any, selector: str) -> str:
    """The text on screen inside the widget `selector`, its lines joined and spaces
    collapsed: a wrapped reason reads whole."""
    box = app.screen.query_one(selector).region
    lines = screen_lines(app)[box.y : box.bottom]
    text = " ".join(line[box.x : box.right].strip(" │╭╮╰╯─") for line in lines)
    return " ".join(text.split())


async def test_enter_opens_the_alarm_in_full_and_its_keys_work(
    demo: Simulator, aws_settings: AwsSettings
) -> None:
    app = make_app(aws_settings)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_until(pilot, lambda: S3_ALARM in alarm_names(app), what="alarms")
        table = app.main.query_one(AlarmTable)
        await wait_until(pilot, lambda: table.size.width > 0, what="the table laid out")
        await pilot.pause()
        # The name whole at 80 columns: the state's word gave way, not the name.
        table.focus()
        table.move_cursor(row=alarm_names(app).index(S3_ALARM))
        await pilot.pause()
        assert any(S3_ALARM in line for line in screen_lines(app)), screen_lines(app)

        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, AlarmDetail), what="the detail")
        await pilot.pause()
        alarm = table.highlighted()
        assert alarm is not None and alarm.name == S3_ALARM
        shown = words(app, "#alarm-detail")
        for part in (
            S3_ALARM,
            f"state ● {alarm.state}",
            "since ",
            "condition OperatorFailures Sum > 5 over 60s",
            "threshold 5",
            "dimensions Environment=demo Operator=S3KeySensor",
            " ".join(alarm.reason.split()),  # the whole reason, wrapped, not cut
        ):
            assert part in shown, (part, screen_lines(app))
        assert "esc Close h History g Chart l Logs around" in " ".join(words(app, "Footer").split())

        await pilot.press("question_mark")
        await wait_until(pilot, lambda: isinstance(app.screen, HelpScreen), what="its keys")
        assert "The highlighted alarm" not in words(app, "#help-body")  # its own, not the pane's
        assert "This alarm's state changes" in words(app, "#help-body")
        await pilot.press("escape")
        await wait_until(
            pilot, lambda: isinstance(app.screen, AlarmDetail), what="back from its keys"
        )

        await pilot.press("h")
        await wait_until(pilot, lambda: isinstance(app.screen, AlarmHistory), what="history")
        history = app.screen
        assert isinstance(history, AlarmHistory) and history.alarm_name == S3_ALARM
        await pilot.press("escape")
        await wait_until(
            pilot, lambda: isinstance(app.screen, AlarmDetail), what="back from the history"
        )

        await pilot.press("l")
        await wait_until(pilot, lambda: isinstance(app.screen, LogWindow), what="logs then")
        window = app.screen
        assert isinstance(window, LogWindow)
        assert window.heading == f"Logs around {S3_ALARM} → {alarm.state}"
        assert window.moment == alarm.updated
        # Pushed from a one-off: its keys work once it has mounted and taken the focus.
        await wait_until(
            pilot, lambda: app.focused is not None and app.focused.screen is window, what="ready"
        )
        await pilot.press("escape")
        await wait_until(
            pilot, lambda: isinstance(app.screen, AlarmDetail), what="back from the logs"
        )
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.screen is app.main, what="the main screen")


async def test_the_chart_from_the_detail_spans_the_panes_range(
    demo: Simulator, aws_settings: AwsSettings
) -> None:
    app = make_app(aws_settings)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(pilot, lambda: S3_ALARM in alarm_names(app), what="alarms")
        panel = app.main.query_one(MetricsPanel)
        panel.focus()
        while "24h" not in str(app.main.query_one("#metrics").border_title):
            await pilot.press("t")
        await wait_until(
            pilot,
            lambda: (
                app.state.metrics is not None
                and app.state.metrics.end - app.state.metrics.start == 86400
            ),
            what="the 24h snapshot",
        )
        table = app.main.query_one(AlarmTable)
        table.focus()
        table.move_cursor(row=alarm_names(app).index(S3_ALARM))
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, AlarmDetail), what="the detail")
        await pilot.press("g")
        await wait_until(pilot, lambda: isinstance(app.screen, MetricChart), what="the chart")
        chart = app.screen
        snap = app.state.metrics
        assert isinstance(chart, MetricChart) and snap is not None
        assert chart.span == (snap.start, snap.end, snap.period)
        assert chart.series[0].metric == "OperatorFailures"


def test_a_composite_alarm_and_hostile_text_read_whole_and_inert() -> None:
    composite = Alarm(
        "demo-Incident",
        "ALARM",
        "arn:aws:cloudwatch:eu-west-1:1:alarm:demo-S3KeySensor-OperatorFailures "
        "transitioned to ALARM \x1b[31mat\x1b[0m [bold]Monday[/bold]",
        FIXED_NOW - 90,
        kind="CompositeAlarm",
        rule='ALARM("demo-S3KeySensor-OperatorFailures") OR ALARM("demo-SchedulerHeartbeat")',
    )
    text = detail_text(composite, FIXED_NOW).plain
    assert 'rule       ALARM("demo-S3KeySensor-OperatorFailures") OR' in text
    assert "since      2025-11-25 11:58:30Z  (1m ago)" in text
    assert "\x1b" not in text and "[bold]Monday[/bold]" in text
    assert "threshold" not in text  # a composite has none
