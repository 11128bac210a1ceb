"""Task-log streams and one attempt's whole log, read from the Task group."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from mwaa_tui.aws.clients import AwsError, AwsGateway
from mwaa_tui.core.sanitize import sanitize
from mwaa_tui.core.snapshots import LogEvent, TaskLogBatch, Update
from mwaa_tui.core.tasklogs import TaskAttempt, attempt_finished, parse_stream
from mwaa_tui.pollers.base import PartialPoll, Poller
from mwaa_tui.pollers.logs import to_event
from mwaa_tui.pollers.pages import pages

STREAM_PAGES = 10
"""DescribeLogStreams pages of 50, newest first: the last 500 attempts."""
ERROR_PAGES = 10
GET_EVENTS_PAGES = 50
"""GetLogEvents pages (up to 1 MB each) read at once before drawing."""


async def list_attempts(
    gateway: AwsGateway, group: str, since_ms: int, *, max_pages: int = STREAM_PAGES
) -> tuple[list[TaskAttempt], int]:
    """Attempts whose streams had events since `since_ms`, newest first, marked when they
    have ERROR lines and when Airflow marked them UP_FOR_RETRY; and how many other streams
    were skipped."""
    attempts: list[TaskAttempt] = []
    other = 0
    params = {"logGroupName": group, "orderBy": "LastEventTime", "descending": True, "limit": 50}
    async for resp in pages(
        gateway, "logs", "describe_log_streams", params, token_key="nextToken", max_pages=max_pages
    ):
        older = False
        for raw in resp.get("logStreams") or ():
            last = int(raw.get("lastEventTimestamp") or raw.get("creationTime") or 0)
            if older := last < since_ms:
                break
            parsed = parse_stream(sanitize(raw.get("logStreamName", "")))
            if parsed is None:
                other += 1
                continue
            first = int(raw.get("firstEventTimestamp") or last)
            attempts.append(replace(parsed, first_ms=first, last_ms=last))
        if older:
            break  # newest first: the rest are older than the window
    failing = await error_streams(gateway, group, since_ms)
    retrying = await error_streams(gateway, group, since_ms, pattern="UP_FOR_RETRY")
    marked = [
        replace(a, has_errors=a.stream in failing, retried=a.stream in retrying) for a in attempts
    ]
    return marked, other


async def error_streams(
    gateway: AwsGateway,
    group: str,
    since_ms: int,
    *,
    pattern: str = "ERROR",
    max_pages: int = ERROR_PAGES,
) -> set[str]:
    """Streams with lines matching `pattern` since `since_ms` (ERROR lines, or Airflow's
    `Marking task as UP_FOR_RETRY`): the service filters, one request a page."""
    found: set[str] = set()
    params = {"logGroupName": group, "startTime": since_ms, "filterPattern": pattern}
    async for resp in pages(
        gateway, "logs", "filter_log_events", params, token_key="nextToken", max_pages=max_pages
    ):
        found.update(sanitize(e.get("logStreamName", "")) for e in resp.get("events") or ())
    return found


class PartialRead(Exception):
    """GetLogEvents failed after some pages: the events read so far, the token to go on
    from, and the error. Nothing is read twice when the caller retries from `token`."""

    def __init__(self, events: list[LogEvent], token: str | None, error: AwsError) -> None:
        super().__init__(str(error))
        self.events = events
        self.token = token
        self.error = error


async def read_attempt(
    gateway: AwsGateway,
    group: str,
    stream: str,
    token: str | None,
    *,
    redact: bool,
    max_pages: int = GET_EVENTS_PAGES,
) -> tuple[list[LogEvent], str | None]:
    """The attempt's events from its first line (or after `token`), oldest first, and the
    forward token to continue from. GetLogEvents returns the same token at the end.

    A failure after the first page raises `PartialRead` with what was read."""
    events: list[LogEvent] = []
    for _ in range(max_pages):
        params: dict[str, Any] = {
            "logGroupName": group,
            "logStreamName": stream,
            "startFromHead": True,
        }
        if token:
            params["nextToken"] = token
        try:
            resp = await gateway.call("logs", "get_log_events", **params)
        except AwsError as exc:
            if events:
                raise PartialRead(events, token, exc) from None
            raise
        page = resp.get("events") or ()
        events.extend(
            to_event("Task", {**e, "logStreamName": stream}, redact_secrets=redact) for e in page
        )
        following = resp.get("nextForwardToken")
        if not page or not following or following == token:
            return events, following or token
        token = following
    return events, token


class TaskLogPoller(Poller):
    """One attempt's log from its first line, read on at the poll interval until Airflow
    logs a final state. A failed read backs off as any poller's does, and the next one
    goes on from the last page read: nothing is read twice."""

    source = "tasklog"

    def __init__(
        self, gateway: AwsGateway, group: str, attempt: TaskAttempt, *, redact: bool, **kw: Any
    ) -> None:
        super().__init__(gateway, **kw)
        self.group = group
        self.attempt = attempt
        self.redact = redact
        self.token: str | None = None

    async def poll(self) -> Sequence[Update]:
        stream = self.attempt.stream
        try:
            events, self.token = await read_attempt(
                self.gateway, self.group, stream, self.token, redact=self.redact
            )
        except PartialRead as partial:
            self.token = partial.token
            raise PartialPoll([self._batch(partial.events)], partial.error) from None
        return [self._batch(events)]

    def _batch(self, events: list[LogEvent]) -> TaskLogBatch:
        self.finished = attempt_finished(e.message for e in events)
        return TaskLogBatch(self.attempt.stream, tuple(events), finished=self.finished)
