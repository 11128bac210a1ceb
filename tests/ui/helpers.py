"""Building the app against the sandbox for pilot tests."""

from __future__ import annotations

import time
from typing import Any

from textual.app import App
from textual.widgets._toast import Toast

from mwaa_tui.aws.clients import AwsSettings
from mwaa_tui.sandbox import Sandbox
from mwaa_tui.ui.app import AppConfig, Intervals, MwaaApp
from mwaa_tui.ui.widgets.alarms import AlarmTable
from mwaa_tui.ui.widgets.header import EnvironmentHeader
from mwaa_tui.ui.widgets.logview import LogView
from mwaa_tui.ui.widgets.metric_row import MetricRow
from mwaa_tui.ui.widgets.trail_table import TrailTable
from tests.conftest import put_events

FAST = Intervals(environment=1.0, logs=0.3, metrics=2.0, alarms=0.5, trail=1.0)


def make_app(settings: AwsSettings, environment: str | None = "demo", **kwargs: Any) -> MwaaApp:
    kwargs.setdefault("intervals", FAST)
    return MwaaApp(AppConfig(aws=settings, environment=environment, **kwargs))


def header_text(app: MwaaApp) -> str:
    return app.query_one(EnvironmentHeader).render_header(app.clock()).plain


def log_lines(app: MwaaApp, view: str = "All") -> list[str]:
    return list(app.query_one(f"#log-view-{view}", LogView).lines)


def alarm_names(app: MwaaApp) -> list[str]:
    return [a.name for a in app.query_one(AlarmTable).alarms]


def trail_names(app: MwaaApp) -> list[str]:
    return [e.name for e in app.query_one(TrailTable).events]


def metric_labels(app: MwaaApp) -> list[str]:
    return [row.series.label for row in app.query(MetricRow)]


def subtitle(app: MwaaApp, pane: str) -> str:
    return str(app.query_one(f"#{pane}").border_subtitle or "")


def screen_text(app: MwaaApp) -> str:
    """The visible text of the current screen, from Textual's own screenshot."""
    import html
    import re

    svg = app.export_screenshot()
    return "".join(html.unescape(t) for t in re.findall(r"<text[^>]*>(.*?)</text>", svg)).replace(
        "\xa0", " "
    )


def worker_lines(sandbox: Sandbox, count: int = 5, environment: str = "demo") -> None:
    """A few Worker lines of the last minute. The simulated story writes Worker lines only
    around task attempts, which a test's first seconds may not include."""
    group = sandbox.mwaa.environments[environment].group_name("Worker")
    now = int(time.time() * 1000)
    lines = [(now - 60_000 + i * 1000, f"worker heartbeat {i}") for i in range(count)]
    put_events(sandbox, group, "worker_test.log", lines)


def styled_runs(app: MwaaApp) -> list[tuple[str, str]]:
    """The screen's text in runs of one style each, with the style drawn (from Textual's
    own screenshot): what a user sees, colours included."""
    import html
    import re

    svg = app.export_screenshot()
    styles = dict(re.findall(r"\.(terminal-[\w-]+) \{ ([^}]*) \}", svg))
    return [
        (html.unescape(text).replace("\xa0", " "), styles.get(cls, ""))
        for cls, text in re.findall(r'<text class="([^"]+)"[^>]*>(.*?)</text>', svg)
    ]


def run_with(app: MwaaApp, text: str) -> tuple[str, str]:
    """The first run of the screen's text that holds `text`, with its style."""
    return next(run for run in styled_runs(app) if text in run[0])


def toasts(app: App[Any], severity: str | None = None) -> list[str]:
    """The notifications on screen as the user reads them (markup would show as styling,
    so a literal `[bold]` here proves it was drawn as text), those of `severity` only."""
    return [
        toast.render().plain
        for toast in app.screen.query(Toast)
        if severity is None or toast.has_class(f"-{severity}")
    ]
