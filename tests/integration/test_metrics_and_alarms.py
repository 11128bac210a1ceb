"""Metric discovery and fetching, alarms (composite too), against the sandbox."""

from __future__ import annotations

import time

from moto.cloudwatch.models import MetricDatum

from mwaa_tui.aws.clients import AwsGateway
from mwaa_tui.core.snapshots import AlarmsSnapshot, MetricsSnapshot
from mwaa_tui.pollers.alarms import AlarmsPoller
from mwaa_tui.pollers.metrics import DISCOVERY_STEP, MAX_QUERIES_PER_CALL, MetricsPoller
from mwaa_tui.sandbox import Sandbox
from mwaa_tui.sandbox.evaluator import naive_utc
from mwaa_tui.sandbox.simulator import Simulator


async def snapshot_of(poller: MetricsPoller) -> MetricsSnapshot:
    out = await poller.poll()
    assert isinstance(out[0], MetricsSnapshot)
    return out[0]


async def discovered(poller: MetricsPoller) -> MetricsSnapshot:
    """Poll until the first discovery has read every page."""
    snap = await snapshot_of(poller)
    for _ in range(50):
        if not poller.discovering:
            return snap
        snap = await snapshot_of(poller)
    raise AssertionError("discovery never finished")


async def test_the_first_poll_shows_the_first_page_of_panels_at_once(
    demo: Simulator, gateway: AwsGateway
) -> None:
    """On a throttled account every call is dear: panels appear after two, not after all
    the discovery pages."""
    poller = MetricsPoller(gateway, "demo", interval=60)
    first = await snapshot_of(poller)
    assert first.series and any(s.values for s in first.series)
    assert gateway.stats.totals[("ListMetrics", "ok")] == 1
    assert gateway.stats.totals[("GetMetricData", "ok")] == 1
    assert poller.discovering and poller.interval == DISCOVERY_STEP
    full = await discovered(poller)
    assert {s.key for s in first.series} < {s.key for s in full.series}
    assert poller.interval >= 60


async def test_discovery_finds_per_operator_series_and_one_call_serves_all(
    demo: Simulator, gateway: AwsGateway
) -> None:
    poller = MetricsPoller(gateway, "demo", interval=60)
    snap = await discovered(poller)
    calls = gateway.stats.totals[("GetMetricData", "ok")]
    labels = [s.label for s in snap.series]
    assert {
        "OpFail S3KeySensor",
        "OpFail PythonOperator",
        "Parse etl_orders.py",
        "Count BaseWorker",
        "CPU BaseWorker",
    } <= set(labels)
    assert len(labels) == len(set(labels))
    assert all(s.values for s in snap.series if not s.label.endswith("AdditionalWorker"))
    assert all(list(s.timestamps) == sorted(s.timestamps) for s in snap.series)
    worker_count = next(s for s in snap.series if s.label == "Count BaseWorker")
    assert set(worker_count.values) == {1.0}
    await snapshot_of(poller)
    assert gateway.stats.totals[("GetMetricData", "ok")] == calls + 1  # one call serves all


async def test_more_than_500_queries_are_chunked(sandbox: Sandbox, gateway: AwsGateway) -> None:
    sandbox.create_environment("big")
    now = time.time()
    minute = int(now) // 60 * 60 - 120
    with sandbox.lock:
        for i in range(MAX_QUERIES_PER_CALL + 100):
            sandbox.cloudwatch.metric_data.append(
                MetricDatum(
                    "AmazonMWAA",
                    "OperatorFailures",
                    float(i % 7),
                    [
                        {"Name": "Environment", "Value": "big"},
                        {"Name": "Operator", "Value": f"Op{i:04d}"},
                    ],
                    naive_utc(minute + 5),
                )
            )
    poller = MetricsPoller(gateway, "big", interval=60)
    snap = await discovered(poller)
    assert len(snap.series) == 600
    calls = gateway.stats.totals[("GetMetricData", "ok")]
    await snapshot_of(poller)
    assert gateway.stats.totals[("GetMetricData", "ok")] == calls + 2  # 600 queries: 2 calls
    assert all(s.values for s in snap.series)
    poller.set_visible({snap.series[0].key, snap.series[1].key})
    await snapshot_of(poller)
    assert gateway.stats.totals[("GetMetricData", "ok")] == calls + 3


async def test_alarms_of_this_environment_composites_included(
    demo: Simulator, gateway: AwsGateway
) -> None:
    out = await AlarmsPoller(gateway, "demo", interval=30).poll()
    assert isinstance(out[0], AlarmsSnapshot)
    alarms = {a.name: a for a in out[0].alarms}
    assert "demo-Incident" in alarms and alarms["demo-Incident"].kind == "CompositeAlarm"
    assert "staging-Incident" not in alarms and "staging-SchedulerHeartbeat" not in alarms
    assert alarms["demo-Incident"].state == "OK"


async def test_refresh_slows_down_to_stay_inside_the_cost_budget(
    demo: Simulator, gateway: AwsGateway
) -> None:
    from mwaa_tui.core.cost import USD_PER_METRIC_REQUESTED
    from mwaa_tui.pollers.metrics import METRICS_BUDGET_USD_PER_HOUR

    poller = MetricsPoller(gateway, "demo", interval=60)
    snap = await discovered(poller)
    per_hour = len(snap.series) * (3600 / poller.interval) * USD_PER_METRIC_REQUESTED
    assert poller.interval >= 60 and per_hour <= METRICS_BUDGET_USD_PER_HOUR + 1e-9
    poller.set_visible({s.key for s in snap.series[:10]})
    await snapshot_of(poller)
    assert poller.interval == 60
