"""A Logs Insights search over a time range: the service scans, the client reads the rows."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from mwaa_tui.aws.clients import AwsGateway
from mwaa_tui.core.logview import insights_query, insights_timestamp
from mwaa_tui.core.sanitize import sanitize
from mwaa_tui.core.snapshots import QueryProgress, Update
from mwaa_tui.pollers.base import Poller
from mwaa_tui.pollers.logs import to_event

RESULT_LIMIT = 1000


async def start_query(
    gateway: AwsGateway, groups: Sequence[str], text: str, start_s: int, end_s: int
) -> str:
    resp = await gateway.call(
        "logs",
        "start_query",
        logGroupNames=list(groups),
        startTime=start_s,
        endTime=end_s,
        queryString=insights_query(text, RESULT_LIMIT),
        limit=RESULT_LIMIT,
    )
    return str(resp["queryId"])


async def query_progress(
    gateway: AwsGateway, query_id: str, components: Mapping[str, str], *, redact: bool
) -> QueryProgress:
    """The query's status and statistics; its events (oldest first) once complete.

    `components` maps each log group name to its component."""
    resp = await gateway.call("logs", "get_query_results", queryId=query_id)
    stats = resp.get("statistics") or {}
    status = sanitize(resp.get("status") or "Unknown")
    events = []
    if status == "Complete":
        for row in resp.get("results") or ():
            fields = {f.get("field"): f.get("value", "") for f in row}
            group = str(fields.get("@log", "")).split(":", 1)[-1]
            raw: dict[str, Any] = {
                "timestamp": insights_timestamp(str(fields.get("@timestamp", ""))),
                "message": fields.get("@message", ""),
                "logStreamName": fields.get("@logStream", ""),
                "eventId": fields.get("@ptr", ""),
            }
            events.append(to_event(components.get(group, "?"), raw, redact_secrets=redact))
        events.sort(key=lambda e: (e.timestamp, e.component, e.stream))
    return QueryProgress(
        status=status,
        records_matched=int(stats.get("recordsMatched") or 0),
        records_scanned=int(stats.get("recordsScanned") or 0),
        bytes_scanned=int(stats.get("bytesScanned") or 0),
        events=tuple(events),
    )


async def stop_query(gateway: AwsGateway, query_id: str) -> None:
    await gateway.call("logs", "stop_query", queryId=query_id)


class InsightsPoller(Poller):
    """One query's status and statistics at the poll interval, its rows once complete. A
    failed read backs off as any poller's does; the query runs on in the service."""

    source = "insights"

    def __init__(
        self,
        gateway: AwsGateway,
        query_id: str,
        components: Mapping[str, str],
        *,
        redact: bool,
        **kw: Any,
    ) -> None:
        super().__init__(gateway, **kw)
        self.query_id = query_id
        self.components = components
        self.redact = redact

    async def poll(self) -> Sequence[Update]:
        progress = await query_progress(
            self.gateway, self.query_id, self.components, redact=self.redact
        )
        self.finished = progress.done
        return [progress]
