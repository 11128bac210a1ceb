"""Metric discovery with ListMetrics and one GetMetricData call per refresh."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from mwaa_tui.aws.clients import AwsGateway
from mwaa_tui.core.catalogue import AWS_MWAA, MWAA, DiscoveredSeries, choose_period, match_metrics
from mwaa_tui.core.snapshots import MetricSeries, MetricsSnapshot
from mwaa_tui.pollers.base import Poller

MAX_QUERIES_PER_CALL = 500
REDISCOVER_EVERY = 900.0


class MetricsPoller(Poller):
    source = "metrics"

    def __init__(
        self, gateway: AwsGateway, environment: str, *, range_seconds: int = 3600, **kwargs: Any
    ) -> None:
        super().__init__(gateway, **kwargs)
        self.environment = environment
        self.range_seconds = range_seconds
        self.series: list[DiscoveredSeries] = []
        self._discovered_at: float | None = None

    async def discover(self) -> list[DiscoveredSeries]:
        listed: list[dict[str, Any]] = []
        for namespace in (MWAA, AWS_MWAA):
            token: str | None = None
            for _ in range(20):
                params: dict[str, Any] = {
                    "Namespace": namespace,
                    "Dimensions": [{"Name": "Environment", "Value": self.environment}],
                }
                if token:
                    params["NextToken"] = token
                resp = await self.gateway.call("cloudwatch", "list_metrics", **params)
                listed.extend(resp.get("Metrics") or ())
                token = resp.get("NextToken")
                if not token:
                    break
        return match_metrics(listed, self.environment)

    async def poll(self) -> Sequence[object]:
        now = self.clock()
        if self._discovered_at is None or now - self._discovered_at > REDISCOVER_EVERY:
            self.series = await self.discover()
            self._discovered_at = now
        period = choose_period(self.range_seconds)
        # Complete periods only: a partial last period reads as a sudden drop.
        end = int(now) // period * period
        start = end - self.range_seconds
        points: dict[str, dict[float, float]] = {s.key: {} for s in self.series}
        for offset in range(0, len(self.series), MAX_QUERIES_PER_CALL):
            chunk = self.series[offset : offset + MAX_QUERIES_PER_CALL]
            await self._fetch(chunk, offset, start, end, period, points)
        out = []
        for s in self.series:
            pts = sorted(points[s.key].items())
            out.append(
                MetricSeries(
                    key=s.key,
                    label=s.label,
                    namespace=s.panel.namespace,
                    metric=s.panel.metric,
                    stat=s.panel.stat,
                    unit=s.panel.unit,
                    dimensions=s.dimensions,
                    timestamps=tuple(t for t, _ in pts),
                    values=tuple(v for _, v in pts),
                    group=s.panel.group,
                )
            )
        return [MetricsSnapshot(tuple(out), period, float(start), float(end))]

    async def _fetch(
        self,
        chunk: list[DiscoveredSeries],
        offset: int,
        start: int,
        end: int,
        period: int,
        points: dict[str, dict[float, float]],
    ) -> None:
        ids = {f"m{offset + i}": s.key for i, s in enumerate(chunk)}
        queries = [
            {
                "Id": qid,
                "MetricStat": {
                    "Metric": {
                        "Namespace": s.panel.namespace,
                        "MetricName": s.panel.metric,
                        "Dimensions": [{"Name": k, "Value": v} for k, v in s.dimensions],
                    },
                    "Period": period,
                    "Stat": s.panel.stat,
                },
                "ReturnData": True,
            }
            for qid, s in zip(ids, chunk, strict=True)
        ]
        token: str | None = None
        for _ in range(20):
            params: dict[str, Any] = {
                "MetricDataQueries": queries,
                "StartTime": datetime.fromtimestamp(start, UTC),
                "EndTime": datetime.fromtimestamp(end, UTC),
                "ScanBy": "TimestampAscending",
            }
            if token:
                params["NextToken"] = token
            resp = await self.gateway.call("cloudwatch", "get_metric_data", **params)
            for result in resp.get("MetricDataResults") or ():
                key = ids.get(result.get("Id", ""))
                if key is None:
                    continue
                stamps = result.get("Timestamps") or ()
                values = result.get("Values") or ()
                for ts, value in zip(stamps, values, strict=False):
                    points[key][ts.timestamp()] = float(value)
            token = resp.get("NextToken")
            if not token:
                break
