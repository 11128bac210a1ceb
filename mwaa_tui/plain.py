"""`mwaa-tui logs`: the log tail as plain lines (or JSON) on stdout, for grep, jq and files.

The same pollers, dedupe, ordering and redaction as the screen; no Textual.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import select
import sys
import time
from collections.abc import Callable, Sequence
from typing import TextIO, assert_never

from mwaa_tui.aws.clients import AwsGateway, AwsSettings
from mwaa_tui.core.format import stamp
from mwaa_tui.core.logstate import Interleaver
from mwaa_tui.core.logview import RowFilter, compile_matcher
from mwaa_tui.core.snapshots import (
    AirflowSnapshot,
    AlarmsSnapshot,
    CallBatch,
    EnvironmentSnapshot,
    HealthUpdate,
    LogBatch,
    LogConfig,
    LogEvent,
    MetricsSnapshot,
    QueryProgress,
    ReplayReset,
    TaskLogBatch,
    TrailBatch,
    Update,
)
from mwaa_tui.pollers.logs import LogPoller, fetch_window
from mwaa_tui.settings import PlainOptions

FIELDS = ("time", "component", "stream")
BACKFILL_PAGES = 10_000
"""A one-off read follows every page (the follower's per-poll cap does not apply)."""
READER_CHECK_SECONDS = 0.5
"""How often a follow with nothing to print asks whether its reader is still there."""


def format_line(event: LogEvent, fields: Sequence[str]) -> str:
    """The event as text: the fields, then the message. Every line of a multi-line message
    (a traceback) starts with the same fields, so grep keeps its time and component."""
    parts = []
    for name in fields:
        if name == "time":
            parts.append(stamp(event.timestamp / 1000).replace(" ", "T"))
        elif name == "component":
            parts.append(f"{event.component:<13}")
        elif name == "stream":
            parts.append(event.stream)
    if not parts:
        return event.message
    prefix = " ".join(parts)
    return "\n".join(f"{prefix} {line}" for line in event.message.rstrip("\n").split("\n"))


def format_json(event: LogEvent) -> str:
    return json.dumps(
        {
            "timestamp": event.timestamp,
            "time": stamp(event.timestamp / 1000).replace(" ", "T"),
            "component": event.component,
            "stream": event.stream,
            "level": event.level,
            "message": event.message,
            "eventId": event.event_id,
            "ingestionTime": event.ingestion_time,
            "late": event.late,
        },
        ensure_ascii=False,
    )


class Printer:
    """Writes events that pass the filter; remembers whether the reader went away."""

    def __init__(self, options: PlainOptions, out: TextIO) -> None:
        self.options = options
        self.out = out
        matcher, _ = compile_matcher(options.filter.text)
        # As on screen: a line without a level goes with its stream's last levelled line.
        self.shows = RowFilter(options.filter, matcher)
        self.closed = asyncio.Event()
        """Set when the reader went away (a closed pipe)."""
        self.printed = 0

    def write(self, events: Sequence[LogEvent]) -> None:
        if self.closed.is_set():
            return
        lines = [
            format_json(e) if self.options.as_json else format_line(e, self.options.fields)
            for e in events
            if self.shows(e.row())
        ]
        if not lines:
            return
        try:
            self.out.write("\n".join(lines) + "\n")
            self.out.flush()
        except BrokenPipeError:
            self.closed.set()
            return
        self.printed += len(lines)

    def check_reader(self) -> None:
        """Notice a reader that went away while there was nothing to write (`| head -1`
        after the backlog): a write would say so, but a quiet follow may not write for
        hours. As `tail -f` does, ask the pipe itself: POLLERR once its read end is closed."""
        if self.closed.is_set():
            return
        try:
            fd = self.out.fileno()
        except (AttributeError, OSError, ValueError):
            return  # not a file (a test's buffer): only a write can tell
        if not hasattr(select, "poll"):
            return  # a platform without poll(2): only a write can tell
        poller = select.poll()
        poller.register(fd, 0)  # no events asked: POLLERR and POLLHUP are always reported
        if any(mask & (select.POLLERR | select.POLLHUP) for _, mask in poller.poll(0)):
            self.closed.set()


def enabled_configs(
    snapshot: EnvironmentSnapshot, components: Sequence[str], warn: Callable[[str], None]
) -> list[LogConfig]:
    configs = []
    for component in components:
        cfg = snapshot.log_config(component)
        if cfg is None or not cfg.enabled or not cfg.group_name:
            level = cfg.level if cfg is not None else None
            warn(f"{component} logs are disabled (level {level or '?'}); skipped")
        else:
            configs.append(cfg)
    return configs


async def run_plain(
    settings: AwsSettings,
    snapshot: EnvironmentSnapshot,
    options: PlainOptions,
    *,
    out: TextIO = sys.stdout,
    err: TextIO = sys.stderr,
    clock: Callable[[], float] = time.time,
) -> int:
    def warn(text: str) -> None:
        print(f"mwaa-tui: {text}", file=err, flush=True)

    configs = enabled_configs(snapshot, options.components, warn)
    if not configs:
        warn("no enabled component to read")
        return 1
    printer = Printer(options, out)
    async with AwsGateway(settings, clock=clock) as gateway:
        if not options.follow:
            await _read_once(gateway, configs, options, printer, clock)
        else:
            await _follow(gateway, configs, options, printer, warn, clock)
    return 0


async def _read_once(
    gateway: AwsGateway,
    configs: Sequence[LogConfig],
    options: PlainOptions,
    printer: Printer,
    clock: Callable[[], float],
) -> None:
    end_ms = int(clock() * 1000)
    start_ms = end_ms - int(options.since_seconds * 1000)
    printer.write(
        await fetch_window(
            gateway, configs, start_ms, end_ms, redact=options.redact, max_pages=BACKFILL_PAGES
        )
    )


async def _follow(
    gateway: AwsGateway,
    configs: Sequence[LogConfig],
    options: PlainOptions,
    printer: Printer,
    warn: Callable[[str], None],
    clock: Callable[[], float],
) -> None:
    interleaver = Interleaver() if len(configs) > 1 else None
    if interleaver is not None:
        interleaver.set_components(c.component for c in configs)
    problems: dict[str, str] = {}

    def emit(update: Update) -> None:
        match update:
            case LogBatch(component=component, events=events, polled_to=polled_to):
                ready = (
                    interleaver.add(component, events, polled_to)
                    if interleaver is not None
                    else list(events)
                )
                printer.write(ready)
            case HealthUpdate(health=health):
                problem = health.error.describe() if health.error else ""
                if problem != problems.get(health.source, ""):
                    problems[health.source] = problem
                    source = health.source.removeprefix("logs:")
                    said = f"{problem}; retrying" if problem else "reading again"
                    warn(f"{source}: {said}")
            case (
                EnvironmentSnapshot()
                | MetricsSnapshot()
                | AlarmsSnapshot()
                | TrailBatch()
                | AirflowSnapshot()
                | CallBatch()
                | ReplayReset()
                | TaskLogBatch()
                | QueryProgress()
            ):
                pass  # log pollers emit none of these
            case unknown:
                assert_never(unknown)

    pollers = [
        LogPoller(
            gateway,
            cfg,
            since_seconds=options.since_seconds,
            redact=options.redact,
            interval=options.interval,
            clock=clock,
        )
        for cfg in configs
    ]
    tasks = [asyncio.create_task(p.run(emit)) for p in pollers]
    try:
        while not printer.closed.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(printer.closed.wait(), READER_CHECK_SECONDS)
            printer.check_reader()
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
