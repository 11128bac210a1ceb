"""CloudTrail LookupEvents for MWAA's event source, newest first."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from mwaa_tui.aws.clients import AwsGateway
from mwaa_tui.core.logstate import SeenIds
from mwaa_tui.core.snapshots import TrailBatch
from mwaa_tui.core.trail import parse_event
from mwaa_tui.pollers.base import Poller

EVENT_SOURCE = "airflow.amazonaws.com"
FIRST_POLL_PAGES = 2


class TrailPoller(Poller):
    source = "cloudtrail"

    def __init__(self, gateway: AwsGateway, **kwargs: Any) -> None:
        super().__init__(gateway, **kwargs)
        self.seen = SeenIds(20_000)
        self._first = True

    async def poll(self) -> Sequence[object]:
        pages = FIRST_POLL_PAGES if self._first else 1
        token: str | None = None
        fresh = []
        for _ in range(pages):
            params: dict[str, Any] = {
                "LookupAttributes": [
                    {"AttributeKey": "EventSource", "AttributeValue": EVENT_SOURCE}
                ],
                "MaxResults": 50,
            }
            if token:
                params["NextToken"] = token
            resp = await self.gateway.call("cloudtrail", "lookup_events", **params)
            for raw in resp.get("Events") or ():
                event = parse_event(raw)
                if self.seen.add(event.event_id):
                    fresh.append(event)
            token = resp.get("NextToken")
            if not token:
                break
        self._first = False
        fresh.sort(key=lambda e: e.time, reverse=True)
        return [TrailBatch(tuple(fresh))] if fresh else []
