"""CloudTrail LookupEvents for MWAA's event source, newest first, and paging back."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from mwaa_tui.aws.clients import AwsGateway
from mwaa_tui.core.logstate import SeenIds
from mwaa_tui.core.snapshots import TrailBatch, TrailEvent, Update
from mwaa_tui.core.trail import parse_event
from mwaa_tui.pollers.base import Emit, Poller

EVENT_SOURCE = "airflow.amazonaws.com"
LOOKUP = {"AttributeKey": "EventSource", "AttributeValue": EVENT_SOURCE}
"""LookupEvents takes one attribute per call; the source is the one that matters."""


class TrailPoller(Poller):
    """Polls the newest page for new events; `load_older` pages back on request.

    Both go through the client layer, which keeps LookupEvents under its
    account-wide 2 requests per second.
    """

    source = "cloudtrail"

    def __init__(self, gateway: AwsGateway, *, redact: bool = True, **kwargs: Any) -> None:
        super().__init__(gateway, **kwargs)
        self.redact = redact
        self.seen = SeenIds(200_000)
        self.older_token: str | None = None
        self.exhausted = False
        self._first = True

    async def _page(self, token: str | None) -> tuple[list[TrailEvent], str | None]:
        # NextToken is only valid with identical parameters, so they never change.
        params: dict[str, Any] = {"LookupAttributes": [LOOKUP], "MaxResults": 50}
        if token:
            params["NextToken"] = token
        resp = await self.gateway.call("cloudtrail", "lookup_events", **params)
        fresh = []
        for raw in resp.get("Events") or ():
            event = parse_event(raw, redact_secrets=self.redact)
            if self.seen.add(event.event_id):
                fresh.append(event)
        return fresh, resp.get("NextToken")

    async def poll(self) -> Sequence[Update]:
        fresh, token = await self._page(None)
        if self._first:
            self._first = False
            self.older_token = token
            self.exhausted = token is None
        fresh.sort(key=lambda e: e.time, reverse=True)
        return [TrailBatch(tuple(fresh), exhausted=self.exhausted)] if fresh else []

    async def load_older(self, emit: Emit) -> int:
        """Fetch the next older page; returns how many events it added."""
        if self.exhausted or self.older_token is None:
            self.exhausted = True
            emit(TrailBatch((), older=True, exhausted=True))
            return 0
        fresh, self.older_token = await self._page(self.older_token)
        self.exhausted = self.older_token is None
        fresh.sort(key=lambda e: e.time, reverse=True)
        emit(TrailBatch(tuple(fresh), older=True, exhausted=self.exhausted))
        return len(fresh)
