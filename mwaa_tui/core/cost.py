"""What the monitor's own polling costs, from public CloudWatch pricing.

The one place the prices live. Figures are US East (N. Virginia) list prices per the
CloudWatch pricing page; other regions differ slightly. The estimate ignores the free
tier (1M requests a month, which GetMetricData is never part of), so it errs high.

- GetMetricData: billed per metric requested, USD 0.01 per 1,000 metrics.
- Other CloudWatch API requests (ListMetrics, DescribeAlarms, DescribeAlarmHistory):
  USD 0.01 per 1,000 requests.
- CloudWatch Logs FilterLogEvents/GetLogEvents/DescribeLogStreams, MWAA GetEnvironment
  and CloudTrail LookupEvents (event history) are not billed per request. Logs Insights
  (USD 0.005 per GB scanned) and Live Tail (per minute) are billed by use and are not
  part of the default polling.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from mwaa_tui.core.snapshots import CallRecord

USD_PER_METRIC_REQUESTED = 0.01 / 1000
USD_PER_CLOUDWATCH_REQUEST = 0.01 / 1000
USD_PER_GB_SCANNED = 0.005
"""Logs Insights, charged on each query's `bytesScanned`."""
PER_METRIC_OPERATIONS = frozenset({"GetMetricData"})
PER_REQUEST_OPERATIONS = frozenset({"ListMetrics", "DescribeAlarms", "DescribeAlarmHistory"})


@dataclass(frozen=True, slots=True)
class CostEstimate:
    metrics_per_hour: float
    billed_requests_per_hour: float
    usd_per_hour: float


def estimate(records: Iterable[CallRecord], seconds: float) -> CostEstimate:
    """Cost per hour of the calls in `records`, observed over `seconds`."""
    metrics = 0
    requests = 0
    for r in records:
        if r.operation in PER_METRIC_OPERATIONS:
            metrics += r.units
        elif r.operation in PER_REQUEST_OPERATIONS:
            requests += 1
    scale = 3600.0 / max(seconds, 1.0)
    usd = metrics * USD_PER_METRIC_REQUESTED + requests * USD_PER_CLOUDWATCH_REQUEST
    return CostEstimate(metrics * scale, requests * scale, usd * scale)


@dataclass(frozen=True, slots=True)
class PollingPlan:
    """What the pollers are set to call, for a cost projected before any call is made."""

    metrics_fetched: int = 0
    """Metric panels requested by each GetMetricData refresh (those on screen)."""
    metrics_interval: float = 0.0
    """Seconds between GetMetricData refreshes (0: not polled)."""
    list_metrics_pages: int = 0
    """ListMetrics pages per discovery."""
    rediscover_every: float = 900.0
    """Seconds between discoveries (the metrics poller's `REDISCOVER_EVERY`)."""
    alarms_interval: float = 0.0
    """Seconds between DescribeAlarms polls (0: not polled)."""
    alarms_pages: int = 1
    """DescribeAlarms pages per poll."""
    alarm_history_per_hour: float = 0.0
    """DescribeAlarmHistory runs only when asked for."""


def _per_hour(interval: float) -> float:
    return 3600.0 / interval if interval > 0 else 0.0


def project_cost(plan: PollingPlan) -> CostEstimate:
    """Cost per hour of following `plan`: the figure shown until measured calls replace it."""
    metrics = plan.metrics_fetched * _per_hour(plan.metrics_interval)
    requests = (
        plan.list_metrics_pages * _per_hour(plan.rediscover_every)
        + plan.alarms_pages * _per_hour(plan.alarms_interval)
        + plan.alarm_history_per_hour
    )
    usd = metrics * USD_PER_METRIC_REQUESTED + requests * USD_PER_CLOUDWATCH_REQUEST
    return CostEstimate(metrics, requests, usd)


def insights_cost(bytes_scanned: int) -> float:
    """USD for one Logs Insights query that scanned this many bytes."""
    return bytes_scanned / 1e9 * USD_PER_GB_SCANNED
