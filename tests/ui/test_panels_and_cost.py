"""Metric panels that say when they have no data or only old data, and the status line's
cost (projected from the first seconds, then measured) and pacing."""

from __future__ import annotations

import re
import time
from datetime import UTC, datetime
from typing import Any

from textual.app import App, ComposeResult

from mwaa_tui.aws.clients import AwsSettings
from mwaa_tui.core.cost import CostEstimate
from mwaa_tui.core.snapshots import CallSummary, OperationPace
from mwaa_tui.sandbox import Sandbox
from mwaa_tui.sandbox.simulator import Simulator
from mwaa_tui.ui.widgets.metric_row import MetricRow
from mwaa_tui.ui.widgets.status import StatusLine
from tests.conftest import wait_until
from tests.ui.helpers import make_app, metric_labels, screen_text


async def test_status_line_projects_then_measures_and_names_the_worst_pace() -> None:
    class Host(App[None]):
        def compose(self) -> ComposeResult:
            yield StatusLine()

    app = Host()
    async with app.run_test(size=(160, 3)):
        status = app.query_one(StatusLine)
        pace = OperationPace("FilterLogEvents", 2.1, 5.0, throttled_share=0.31)
        status.show(CallSummary(per_minute=12), projected=CostEstimate(720, 128, 0.0125), pace=pace)
        text = str(status.render())
        assert "≈ $0.013/h projected" in text
        assert "FilterLogEvents paced 2.1/s · 31 % throttled" in text
        status.show(CallSummary(usd_per_hour=0.004, metrics_per_hour=300), projected=None)
        text = str(status.render())
        assert "≈ $0.004/h" in text and "projected" not in text and "paced" not in text


async def test_the_cost_shows_within_the_first_seconds(
    demo: Simulator, aws_settings: AwsSettings
) -> None:
    app = make_app(aws_settings)
    async with app.run_test(size=(120, 40)) as pilot:
        status = app.query_one(StatusLine)
        await wait_until(
            pilot, lambda: "$" in str(status.render()), timeout=5, what="a cost figure"
        )
        assert "projected" in str(status.render())
        await wait_until(pilot, lambda: bool(metric_labels(app)), what="panels")
        # Once the panels are known the projection counts them.
        await wait_until(
            pilot,
            lambda: (
                "metrics/h" in str(status.render()) and "(0 metrics/h)" not in str(status.render())
            ),
            timeout=10,
            what="the panels in the projection",
        )


def put_points(
    sandbox: Sandbox, name: str, function: str, points: list[tuple[float, float]]
) -> None:
    datapoints: list[dict[str, Any]] = [
        {
            "MetricName": name,
            "Dimensions": [
                {"Name": "Environment", "Value": "demo"},
                {"Name": "Function", "Value": function},
            ],
            "Value": value,
            "Timestamp": datetime.fromtimestamp(at, UTC).replace(tzinfo=None),
        }
        for at, value in points
    ]
    with sandbox.lock:
        sandbox.cloudwatch.put_metric_data("AmazonMWAA", datapoints)


async def test_panels_say_no_data_or_how_old_their_value_is(
    sandbox: Sandbox, aws_settings: AwsSettings
) -> None:
    sandbox.create_environment("demo")
    now = time.time()
    # Heartbeat: only three hours ago, outside the 1h range. Parse time: half an hour
    # ago. DagBag: every minute up to now.
    put_points(sandbox, "SchedulerHeartbeat", "Scheduler", [(now - 3 * 3600, 12.0)])
    put_points(
        sandbox, "TotalParseTime", "DAG Processing", [(now - 1800 - i * 60, 3.0) for i in range(3)]
    )
    put_points(sandbox, "DagBagSize", "DAG Processing", [(now - i * 60, 4.0) for i in range(1, 30)])
    app = make_app(aws_settings)
    async with app.run_test(size=(140, 40)) as pilot:
        await wait_until(
            pilot,
            lambda: {"Heartbeat", "Parse time", "DagBag"} <= set(metric_labels(app)),
            what="panels",
        )
        rows = {row.series.label: row for row in app.query(MetricRow)}
        await wait_until(pilot, lambda: bool(rows["DagBag"].series.values), what="DagBag data")
        await pilot.pause()

        def row_text(label: str) -> str:
            return " ".join(str(w.render()) for w in rows[label].query("Label") if w.display)

        assert rows["Heartbeat"].has_class("-nodata")
        assert row_text("Heartbeat") == "Heartbeat no data"
        assert not rows["Heartbeat"].query_one(".metric-spark").display
        # The snapshot ends at the last whole minute: the value is 29 or 30 minutes old.
        assert re.fullmatch(r"Parse time 3s–3s 3s · (29|30)m ago", row_text("Parse time"))
        assert re.fullmatch(r"DagBag 4–4 4", row_text("DagBag"))
        shown = screen_text(app)
        assert "no data" in shown and "m ago" in shown
