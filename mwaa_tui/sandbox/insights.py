"""CloudWatch Logs Insights, as far as mwaa-tui uses it: StartQuery, GetQueryResults and
StopQuery over moto's stored events. moto's own has no `filter` and no StopQuery.

The subset: `fields …`, `filter @message like /REGEX/`, `sort @timestamp asc|desc`,
`limit N`. A query runs for `duration` seconds of the sandbox clock, reporting growing
statistics, then completes; StopQuery cancels it.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

_LIKE = re.compile(r"filter\s+@message\s+like\s+/(?P<re>(?:\\/|[^/])*)/", re.I)
_SORT = re.compile(r"sort\s+@timestamp\s+(?P<dir>asc|desc)", re.I)
_LIMIT = re.compile(r"limit\s+(?P<n>\d+)", re.I)


class QueryError(ValueError):
    pass


@dataclass
class Query:
    query_id: str
    groups: list[str]
    started: float
    duration: float
    rows: list[list[dict[str, str]]]
    scanned: int
    bytes_scanned: int
    status: str = "Running"
    stopped_at: float | None = None
    """Share of the scan done when StopQuery came."""
    matched: int = field(init=False)

    def __post_init__(self) -> None:
        self.matched = len(self.rows)


def parse(query: str) -> tuple[re.Pattern[str] | None, bool, int]:
    """(message pattern, newest first, limit) for the supported subset."""
    pattern = None
    if m := _LIKE.search(query):
        source = m.group("re").replace(r"\/", "/")
        flags = 0
        if source.startswith("(?i)"):
            source, flags = source[4:], re.I
        try:
            pattern = re.compile(source, flags)
        except re.error as exc:
            raise QueryError(f"invalid regular expression: {exc}") from None
    elif "filter" in query:
        raise QueryError("the sandbox supports only `filter @message like /REGEX/`")
    sort = _SORT.search(query)
    newest_first = sort is None or sort.group("dir").lower() == "desc"
    limit = int(m.group("n")) if (m := _LIMIT.search(query)) else 1000
    return pattern, newest_first, min(limit, 10_000)


def run(
    events: Iterable[tuple[str, str, Any]],
    query: str,
    start_s: int,
    end_s: int,
) -> tuple[list[list[dict[str, str]]], int, int]:
    """Rows for (group, stream, moto event) triples in range, records and bytes scanned."""
    pattern, newest_first, limit = parse(query)
    hits: list[tuple[int, str, str, Any]] = []
    scanned = size = 0
    for group, stream, e in events:
        if not start_s * 1000 <= e.timestamp <= end_s * 1000 + 999:
            continue
        scanned += 1
        size += len(e.message.encode()) + 26
        if pattern is None or pattern.search(e.message):
            hits.append((e.timestamp, group, stream, e))
    hits.sort(key=lambda h: h[0], reverse=newest_first)
    rows = [
        [
            {"field": "@timestamp", "value": _iso(ts)},
            {"field": "@message", "value": e.message},
            {"field": "@logStream", "value": stream},
            {"field": "@log", "value": f"000000000000:{group}"},
            {"field": "@ptr", "value": str(e.event_id)},
        ]
        for ts, group, stream, e in hits[:limit]
    ]
    return rows, scanned, size


def _iso(ms: int) -> str:
    return (
        datetime.fromtimestamp(ms / 1000, UTC).strftime("%Y-%m-%d %H:%M:%S.") + f"{ms % 1000:03d}"
    )


class Insights:
    """The queries of one sandbox."""

    def __init__(self, clock: Callable[[], float], duration: float = 2.0) -> None:
        self.clock = clock
        self.duration = duration
        self.queries: dict[str, Query] = {}

    def start(
        self, groups: list[str], events: Iterable[tuple[str, str, Any]], params: dict[str, Any]
    ) -> Query:
        rows, scanned, size = run(
            events, params.get("queryString", ""), int(params["startTime"]), int(params["endTime"])
        )
        query = Query(str(uuid.uuid4()), groups, self.clock(), self.duration, rows, scanned, size)
        self.queries[query.query_id] = query
        return query

    def results(self, query_id: str) -> dict[str, Any] | None:
        query = self.queries.get(query_id)
        if query is None:
            return None
        if query.status == "Running" and self.clock() - query.started >= query.duration:
            query.status = "Complete"
        share = query.stopped_at if query.stopped_at is not None else self._share(query)
        rows = query.rows if query.status == "Complete" else []
        return {
            "status": query.status,
            "results": rows,
            "statistics": {
                "recordsMatched": float(int(query.matched * share)),
                "recordsScanned": float(int(query.scanned * share)),
                "bytesScanned": float(int(query.bytes_scanned * share)),
            },
        }

    def _share(self, query: Query) -> float:
        if query.status == "Complete" or query.duration <= 0:
            return 1.0
        return min(1.0, (self.clock() - query.started) / query.duration)

    def stop(self, query_id: str) -> bool:
        query = self.queries.get(query_id)
        if query is None or query.status != "Running":
            return False
        query.stopped_at = self._share(query)
        query.status = "Cancelled"
        return True
