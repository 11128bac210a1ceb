"""Following one component's log group with FilterLogEvents."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from mwaa_tui.aws.clients import AwsError, AwsGateway
from mwaa_tui.core.levels import parse_level
from mwaa_tui.core.logstate import LogFollower
from mwaa_tui.core.redact import redact
from mwaa_tui.core.sanitize import sanitize
from mwaa_tui.core.snapshots import LogBatch, LogConfig, LogEvent, Update
from mwaa_tui.pollers.base import PartialPoll, Poller
from mwaa_tui.pollers.pages import pages

MAX_PAGES_PER_POLL = 20
PAGE_EVENTS = 2_500
"""Events per FilterLogEvents page (AWS allows 10,000): parsing a page blocks the event
loop, and a quarter of the maximum keeps that under a key press's budget on a busy group,
while a quiet group's poll still fits in one page."""


def to_event(component: str, raw: dict[str, Any], *, redact_secrets: bool = True) -> LogEvent:
    message = raw.get("message", "")
    text = sanitize(message, multiline=True)
    return LogEvent(
        component=component,
        timestamp=int(raw.get("timestamp", 0)),
        message=redact(text) if redact_secrets else text,
        stream=sanitize(raw.get("logStreamName", "")),
        event_id=sanitize(raw.get("eventId", "")),
        ingestion_time=int(raw.get("ingestionTime", 0)),
        level=parse_level(message),
    )


class LogPoller(Poller):
    """Emits a `LogBatch` of events not seen before, oldest first, after every poll."""

    def __init__(
        self,
        gateway: AwsGateway,
        config: LogConfig,
        *,
        since_seconds: float = 600,
        redact: bool = True,
        **kwargs: Any,
    ) -> None:
        self.source = f"logs:{config.component}"
        super().__init__(gateway, **kwargs)
        self.config = config
        self.redact = redact
        start_ms = int((self.clock() - since_seconds) * 1000)
        self.follower = LogFollower(start_ms)

    async def poll(self) -> Sequence[Update]:
        polled_to = int(self.clock() * 1000)
        got: list[LogEvent] = []
        try:
            await filter_pages(
                self.gateway,
                self.config,
                self.follower.next_start_ms,
                None,
                redact=self.redact,
                max_pages=MAX_PAGES_PER_POLL,
                skip=self.follower.delivered,
                into=got,
            )
        except AwsError as exc:
            if not got:
                raise
            # Pages come in time order: keep what arrived, read on from there next time.
            # (A throttled third page would otherwise throw away the first two.)
            newest = max(e.timestamp for e in got)
            raise PartialPoll([self._batch(got, newest - 1)], exc) from exc
        # Sent even when empty: the merged output waits on every component's progress.
        return [self._batch(got, polled_to)]

    def _batch(self, events: list[LogEvent], polled_to: int) -> LogBatch:
        events = self.follower.accept(events)
        return LogBatch(self.config.component, tuple(events), polled_to, redacted=self.redact)


async def filter_pages(
    gateway: AwsGateway,
    config: LogConfig,
    start_ms: int,
    end_ms: int | None,
    *,
    redact: bool,
    max_pages: int,
    skip: Callable[[str], bool] | None = None,
    into: list[LogEvent] | None = None,
) -> list[LogEvent]:
    """FilterLogEvents over one group, paginated by hand: the same token can come back, and
    empty pages can carry one. Events whose id `skip` accepts are not parsed at all. With
    `into`, events are added to it as pages arrive, so a failure keeps the pages before."""
    events: list[LogEvent] = into if into is not None else []
    params: dict[str, Any] = {
        "logGroupName": config.group_name,
        "startTime": start_ms,
        "limit": PAGE_EVENTS,
    }
    if end_ms is not None:
        params["endTime"] = end_ms
    async for resp in pages(
        gateway, "logs", "filter_log_events", params, token_key="nextToken", max_pages=max_pages
    ):
        events.extend(
            to_event(config.component, e, redact_secrets=redact)
            for e in resp.get("events") or ()
            if skip is None or not skip(str(e.get("eventId", "")))
        )
    return events


async def fetch_window(
    gateway: AwsGateway,
    configs: Sequence[LogConfig],
    start_ms: int,
    end_ms: int,
    *,
    redact: bool = True,
    max_pages: int = 10,
) -> list[LogEvent]:
    """Every enabled component's events between two times, each once, in time order."""
    events: list[LogEvent] = []
    seen: set[tuple[str, str]] = set()
    for cfg in configs:
        if cfg.enabled and cfg.group_name:
            for e in await filter_pages(
                gateway, cfg, start_ms, end_ms, redact=redact, max_pages=max_pages
            ):
                if (e.component, e.event_id) not in seen:
                    seen.add((e.component, e.event_id))
                    events.append(e)
    events.sort(key=lambda e: (e.timestamp, e.component, e.stream, e.event_id))
    return events
