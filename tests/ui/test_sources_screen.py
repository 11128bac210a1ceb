"""The sources screen (`!`) and the footer's `!` that shows while a source fails."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

from mwaa_tui.aws.clients import AwsSettings
from mwaa_tui.core.snapshots import (
    ErrorInfo,
    ErrorKind,
    OperationPace,
    SourceHealth,
)
from mwaa_tui.sandbox import Sandbox
from mwaa_tui.sandbox.simulator import Simulator
from mwaa_tui.ui.screens.help import HelpScreen
from mwaa_tui.ui.screens.sources import SourcesScreen, SourcesView
from tests.conftest import wait_until
from tests.ui.helpers import make_app, screen_text

NOW = 1_764_072_000.0
DENIED = (
    "User: arn:aws:sts::123456789012:assumed-role/oncall-readonly/sandbox is not authorized to "
    "perform: cloudtrail:LookupEvents because no identity-based policy allows the "
    "cloudtrail:LookupEvents action [bold]not markup[/bold] and these are the last words"
)


def constructed_view() -> SourcesView:
    """Values the sandbox cannot produce on demand: a throttled source with its next
    attempt, a paced operation, a source that has not answered yet."""
    return SourcesView(
        now=NOW,
        health={
            "cloudtrail": SourceHealth(
                "cloudtrail",
                None,
                ErrorInfo(ErrorKind.DENIED, DENIED, "cloudtrail:LookupEvents"),
                4,
                30.0,
                NOW + 100,
            ),
            "logs:Task": SourceHealth(
                "logs:Task",
                NOW - 75,
                ErrorInfo(ErrorKind.THROTTLED, "Rate exceeded", "logs:FilterLogEvents"),
                2,
                3.0,
                NOW + 7,
            ),
            "metrics": SourceHealth("metrics", NOW - 12, None, 0, 60.0),
        },
        intervals={"alarms": 30.0, "metrics": 60.0, "logs:Task": 3.0, "cloudtrail": 30.0},
        paces=(
            OperationPace("FilterLogEvents", 2.1, 5.0, throttled_share=0.31, attempts=40),
            OperationPace("GetMetricData", 50.0, 50.0, attempts=1),
        ),
        environment="demo",
        environment_arn="arn:aws:airflow:eu-west-1:123456789012:environment/demo",
    )


class ScreenHost(App[None]):
    CSS_PATH = "../../mwaa_tui/ui/app.tcss"

    def __init__(self, view: SourcesView) -> None:
        super().__init__()
        self.view = view

    def compose(self) -> ComposeResult:
        yield Footer()

    def on_mount(self) -> None:
        self.push_screen(SourcesScreen(lambda: self.view))


async def test_every_source_with_its_error_in_full_and_the_statement_that_fixes_it() -> None:
    app = ScreenHost(constructed_view())
    # 80 columns wrap the message; rows enough to see all of it at once.
    async with app.run_test(size=(80, 60)) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, SourcesScreen), what="screen")
        screen = app.screen
        assert isinstance(screen, SourcesScreen)
        text = screen.shown_text()
        # Failing first, then the usual order; the one without an answer says so.
        order = [
            text.index(s) for s in ("logs:Task  FAILING", "cloudtrail  FAILING", "metrics  ok")
        ]
        assert order == sorted(order)
        assert "alarms  waiting for the first answer" in text
        assert "2 of 4 failing  1 waiting for a first answer" in text
        assert "last success never" in text
        assert "12s ago" in text and "1m ago" in text
        assert "every 30s · 4 failures in a row · next attempt in 1m 40s" in text
        assert "every 3s · 2 failures in a row · next attempt in 7s" in text
        assert "FilterLogEvents 2.1/s of 5.0/s · paced · 31 % throttled" in text
        assert (
            "GetMetricData 50.0/s of 50.0/s" in text
            and "ListMetrics: no pace in the last minute" in text
        )
        assert '"Resource": "*"' in text and '"cloudtrail:LookupEvents"' in text
        # On screen, wrapped and not cut: every character of the message, in order, literally.
        shown = "".join(screen_text(app).replace("│", "").split())
        assert "accessdenied:therolelackscloudtrail:LookupEvents" in shown
        assert "".join(DENIED.split()) in shown
        assert "…" not in shown
        await pilot.press("c")
        assert '"cloudtrail:LookupEvents"' in app.clipboard and '"Version"' in app.clipboard
        await pilot.press("!")
        assert not isinstance(app.screen, SourcesScreen)


async def test_the_screen_follows_new_answers() -> None:
    view = constructed_view()
    app = ScreenHost(view)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, SourcesScreen), what="screen")
        screen = app.screen
        assert isinstance(screen, SourcesScreen)
        app.view = SourcesView(
            now=NOW + 5,
            health={**view.health, "alarms": SourceHealth("alarms", NOW + 4, None, 0, 30.0)},
            intervals=view.intervals,
        )
        screen.redraw()
        assert "alarms  ok" in screen.shown_text()
        assert "waiting for the first answer" not in screen.shown_text()


async def test_a_denied_source_reads_in_full_and_the_footer_key_comes_and_goes(
    demo: Simulator, sandbox: Sandbox, aws_settings: AwsSettings
) -> None:
    sandbox.faults.deny.add("cloudtrail")
    app = make_app(aws_settings)
    async with app.run_test(size=(160, 48)) as pilot:

        def footer_keys() -> list[str]:
            return [k.description for k in app.screen.query(FooterKey)]

        await wait_until(
            pilot,
            lambda: (
                app.state.health.get("cloudtrail") is not None
                and app.state.health["cloudtrail"].error is not None
            ),
            what="the denial",
        )
        await wait_until(pilot, lambda: "Errors" in footer_keys(), what="the footer's !")
        await wait_until(
            pilot,
            lambda: all(
                app.state.health.get(s) is not None and app.state.health[s].last_ok is not None
                for s in ("environment", "logs:Worker")
            ),
            what="other sources answering",
        )
        await pilot.press("!")
        await wait_until(pilot, lambda: isinstance(app.screen, SourcesScreen), what="screen")
        screen = app.screen
        assert isinstance(screen, SourcesScreen)
        text = screen.shown_text()
        assert "cloudtrail  FAILING" in text
        assert "missing cloudtrail:LookupEvents" in text
        assert "not authorized to perform: cloudtrail:LookupEvents" in text
        statement = text[text.index("{") : text.index("}") + 1]
        assert '"cloudtrail:LookupEvents"' in statement and '"Effect": "Allow"' in statement
        assert "environment  ok" in text and "logs:Worker  ok" in text
        await pilot.press("escape")
        assert not isinstance(app.screen, SourcesScreen)
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        assert "Every source's health and last error in full" in app.screen.text
        await pilot.press("escape")
        sandbox.faults.clear()
        await pilot.press("r")
        await wait_until(
            pilot,
            lambda: app.state.health["cloudtrail"].error is None and "Errors" not in footer_keys(),
            timeout=15,
            what="recovery hides the footer's !",
        )
        # The key still opens the screen with nothing failing.
        await pilot.press("!")
        await wait_until(pilot, lambda: isinstance(app.screen, SourcesScreen), what="screen")
        assert "cloudtrail  ok" in app.screen.shown_text()  # type: ignore[attr-defined]
