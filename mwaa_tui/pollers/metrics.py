"""Metric discovery with ListMetrics and one GetMetricData call per refresh."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from mwaa_tui.aws.clients import AwsError, AwsGateway
from mwaa_tui.core.catalogue import AWS_MWAA, MWAA, DiscoveredSeries, choose_period, match_metrics
from mwaa_tui.core.cost import USD_PER_METRIC_REQUESTED
from mwaa_tui.core.snapshots import MetricSeries, MetricsSnapshot, Update
from mwaa_tui.pollers.base import Poller
from mwaa_tui.pollers.pages import pages

MAX_QUERIES_PER_CALL = 500
METRICS_BUDGET_USD_PER_HOUR = 0.015
"""What GetMetricData may cost per hour; with alarms and discovery the total stays < 0.02."""
REDISCOVER_EVERY = 900.0
DISCOVERY_STEP = 1.0
"""Seconds between polls while the first discovery is still under way."""


class MetricsPoller(Poller):
    source = "metrics"

    def __init__(
        self,
        gateway: AwsGateway,
        environment: str,
        *,
        range_seconds: int = 3600,
        extra: tuple[DiscoveredSeries, ...] = (),
        **kwargs: Any,
    ) -> None:
        super().__init__(gateway, **kwargs)
        self.environment = environment
        self.range_seconds = range_seconds
        self.extra = extra
        """Panels from the user's config file: fetched as given, not discovered."""
        self.series: list[DiscoveredSeries] = []
        self.visible: set[str] | None = None
        """Keys of the panels on screen; only these are fetched (None: all)."""
        self._last: dict[str, tuple[tuple[float, ...], tuple[float, ...]]] = {}
        self._discovered_at: float | None = None
        self._listing: list[dict[str, Any]] = []
        """ListMetrics pages of a discovery under way, kept across a failed page."""
        self._list_tokens: dict[str, str] = {}
        self._list_pages: dict[str, int] = {}
        self._listed_all: set[str] = set()

    def set_range(self, seconds: int) -> None:
        """Switch the time range: data of the old range is dropped, and a poll starts now."""
        self.range_seconds = seconds
        self._last.clear()
        self.wake()

    def set_visible(self, keys: set[str]) -> None:
        """Fetch only these panels from now on; poll at once if some have no data yet."""
        self.visible = keys
        if any(k not in self._last for k in keys):
            self.wake()

    async def discover(self, max_pages: int = 40) -> bool:
        """Read up to `max_pages` more ListMetrics pages over both namespaces; True once
        both are listed. A failed page raises, but the pages before it are kept: the next
        call resumes at the page that failed."""
        read = 0
        for namespace in (MWAA, AWS_MWAA):
            params: dict[str, Any] = {
                "Namespace": namespace,
                "Dimensions": [{"Name": "Environment", "Value": self.environment}],
            }
            while namespace not in self._listed_all:
                if read >= max_pages:
                    return False
                token = self._list_tokens.get(namespace)
                resp = await self.gateway.call(
                    "cloudwatch",
                    "list_metrics",
                    **({**params, "NextToken": token} if token else params),
                )
                read += 1
                self._listing.extend(resp.get("Metrics") or ())
                token = resp.get("NextToken")
                listed = self._list_pages[namespace] = self._list_pages.get(namespace, 0) + 1
                if not token or token == self._list_tokens.get(namespace) or listed >= 20:
                    self._listed_all.add(namespace)
                else:
                    self._list_tokens[namespace] = token
        return True

    @property
    def discovering(self) -> bool:
        """True until the first discovery has read every page: the panels still grow."""
        return self._discovered_at is None

    def _found(self) -> list[DiscoveredSeries]:
        return [*match_metrics(self._listing, self.environment), *self.extra]

    async def poll(self) -> Sequence[Update]:
        now = self.clock()
        last = self._discovered_at
        first = last is None
        if last is None or now - last > REDISCOVER_EVERY:
            try:
                # The first poll reads one page and shows what it found: on a throttled
                # account the pane fills after two calls, not after every page.
                done = await self.discover(1 if first and not self._listing else 40)
            except AwsError:
                if first and not self._listing:
                    raise
                # Keep what was found; discovery resumes at the failed page next poll.
                done = False
            if done:
                self.series = self._found()
                self._discovered_at = now
                self._listing, self._list_tokens, self._list_pages = [], {}, {}
                self._listed_all.clear()
            elif first:
                self.series = self._found()
        period = choose_period(self.range_seconds)
        # Complete periods only: a partial last period reads as a sudden drop.
        end = int(now) // period * period
        start = end - self.range_seconds
        # While the first discovery runs, the series found since the last poll are read with
        # those on screen: which rows the new panels take is known only once they are drawn,
        # and a call for them then would come a poll later (and make the calls depend on
        # timing).
        wanted = [
            s
            for s in self.series
            if self.visible is None or s.key in self.visible or (first and s.key not in self._last)
        ]
        points: dict[str, dict[float, float]] = {s.key: {} for s in wanted}
        for offset in range(0, len(wanted), MAX_QUERIES_PER_CALL):
            chunk = wanted[offset : offset + MAX_QUERIES_PER_CALL]
            await self._fetch(chunk, offset, start, end, period, points)
        for s in wanted:
            pts = sorted(points[s.key].items())
            self._last[s.key] = (tuple(t for t, _ in pts), tuple(v for _, v in pts))
        # Refresh follows the period (one-minute data each minute, hourly data less often),
        # and slows down when many panels are on screen, to stay inside the cost budget.
        affordable = len(wanted) * 3600 * USD_PER_METRIC_REQUESTED / METRICS_BUDGET_USD_PER_HOUR
        self.interval = max(self.base_interval, min(float(period), 900.0), affordable)
        if self.discovering:
            self.interval = DISCOVERY_STEP  # the rest of the panels, soon
        out = []
        for s in self.series:
            stamps, values = self._last.get(s.key, ((), ()))
            out.append(
                MetricSeries(
                    key=s.key,
                    label=s.label,
                    namespace=s.panel.namespace,
                    metric=s.panel.metric,
                    stat=s.panel.stat,
                    unit=s.panel.unit,
                    dimensions=s.dimensions,
                    timestamps=stamps,
                    values=values,
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
        params: dict[str, Any] = {
            "MetricDataQueries": queries,
            "StartTime": datetime.fromtimestamp(start, UTC),
            "EndTime": datetime.fromtimestamp(end, UTC),
            "ScanBy": "TimestampAscending",
        }
        answers = pages(self.gateway, "cloudwatch", "get_metric_data", params, max_pages=20)
        async for resp in answers:
            for result in resp.get("MetricDataResults") or ():
                key = ids.get(result.get("Id", ""))
                if key is None:
                    continue
                stamps = result.get("Timestamps") or ()
                values = result.get("Values") or ()
                for ts, value in zip(stamps, values, strict=False):
                    points[key][ts.timestamp()] = float(value)
