"""Log views: which events a view shows (a substring or regex filter and a level
threshold) and how it writes them, line by line. Every view formats through here: the
tail, the task log, Insights results and the window around a moment."""

from __future__ import annotations

import re
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from mwaa_tui.core.format import clock_time
from mwaa_tui.core.jsonlog import parse_line, readable
from mwaa_tui.core.levels import at_least, normalise, parse_level
from mwaa_tui.core.snapshots import (
    COMPONENTS,
    ROW_COMPONENT,
    ROW_LATE,
    ROW_LEVEL,
    ROW_MESSAGE,
    ROW_STREAM,
    ROW_TIME,
    LogEvent,
    LogRow,
)

THRESHOLDS: tuple[str | None, ...] = (None, "WARNING", "ERROR")

VIEWS: tuple[str, ...] = ("All", *COMPONENTS)
"""The merged view, then one per component: the log panes' number keys 1-6."""
TAGS: dict[str, str] = {
    "All": "All",
    "DAGProcessing": "DAG",
    "Scheduler": "Sched",
    "Task": "Task",
    "WebServer": "Web",
    "Worker": "Worker",
}
"""Each view's short name: in the merged view's lines, the pane title and the header."""
TIMES = ("utc", "local", "off")


@dataclass(frozen=True, slots=True)
class LogFilter:
    text: str = ""
    """A case-insensitive substring, or a regular expression after `re:`."""
    level: str | None = None
    """Only lines at this level or above. In a view (`RowFilter`) a line without a level
    goes with the last levelled line of its stream: a traceback's lines with their ERROR.
    `shown` (plain mode, line by line) lets every line without a level through."""

    def describe(self) -> str:
        parts = []
        if self.text:
            parts.append(f"/{self.text}")
        if self.level:
            parts.append(f"{self.level} and above + the unlevelled lines that follow them")
        return " · ".join(parts)


def compile_matcher(text: str) -> tuple[Callable[[str], bool] | None, str]:
    """A predicate for `text` (None matches everything), and an error message if invalid:
    a field of Airflow 3's JSON lines (`level:error`, see `compile_field_matcher`), a
    regular expression after `re:`, or else a case-insensitive substring."""
    if not text:
        return None, ""
    field = compile_field_matcher(text)
    if field is not None:
        return field
    if text.startswith("re:"):
        try:
            pattern = re.compile(text[3:], re.IGNORECASE)
        except re.error as exc:
            return None, f"not a valid regular expression: {exc}"
        return (lambda s: pattern.search(s) is not None), ""
    needle = text.lower()
    return (lambda s: needle in s.lower()), ""


_FIELD_FILTER = re.compile(r"^(?P<field>[A-Za-z_][A-Za-z0-9_]*):(?P<value>[^\s/].*)$")


def compile_field_matcher(text: str) -> tuple[Callable[[str], bool] | None, str] | None:
    """`level:error` or `logger:airflow.task`: a predicate on one field of Airflow 3's JSON
    lines, and an error message; None when `text` is no field filter (`re:...`, or text
    with no `field:` in front), for `compile_matcher`.

    `level` compares the line's level (JSON or text lines); other fields match a
    case-insensitive substring of the field's value. A line without the field (a text line,
    or `s3://bucket` typed as a search) falls back to a substring of the whole filter."""
    m = _FIELD_FILTER.match(text)
    if m is None or m["field"] == "re":
        return None
    name, value = m["field"], m["value"].lower()
    whole = text.lower()
    if name.lower() == "level":
        wanted = normalise(value)
        if wanted is None:
            return None, f"unknown level {value!r}: use debug, info, warning, error or critical"

        def level_is(message: str) -> bool:
            line = parse_line(message)
            return (line.level if line else parse_level(message)) == wanted

        return level_is, ""

    def field_has(message: str) -> bool:
        line = parse_line(message)
        found = line.field(name) if line else None
        return value in found.lower() if found is not None else whole in message.lower()

    return field_has, ""


def shown(event: LogEvent, flt: LogFilter, matcher: Callable[[str], bool] | None) -> bool:
    return at_least(event.level, flt.level) and (matcher is None or matcher(event.message))


def row_shown(row: LogRow, flt: LogFilter, matcher: Callable[[str], bool] | None) -> bool:
    """`shown` for an event kept as a `LogRow`."""
    return at_least(row[ROW_LEVEL], flt.level) and (matcher is None or matcher(row[ROW_MESSAGE]))


STREAMS_REMEMBERED = 10_000
"""Streams whose last level a `RowFilter` keeps (task logs: one stream per attempt)."""


class RowFilter:
    """A view's filter over its rows, seen oldest first. A row without a level takes the
    level of the last levelled row of its stream (component and stream), so a traceback's
    continuation lines stay with their ERROR and access lines with the server's INFO; a row
    whose stream has shown no level yet is held back by a threshold, since nothing says
    it reaches it."""

    def __init__(self, flt: LogFilter, matcher: Callable[[str], bool] | None = None) -> None:
        self.filter = flt
        self.matcher = matcher
        self._last: OrderedDict[tuple[str, str], str] = OrderedDict()

    def level_of(self, row: LogRow) -> str | None:
        """The row's own level, or its stream's last one (without remembering anything)."""
        level = row[ROW_LEVEL]
        return level if level is not None else self._last.get((row[ROW_COMPONENT], row[ROW_STREAM]))

    def __call__(self, row: LogRow) -> bool:
        """Whether the view shows `row`, the next in time; its level is remembered."""
        if self.filter.level is None:  # no threshold: nothing to remember (a new one starts anew)
            return self.matcher is None or self.matcher(row[ROW_MESSAGE])
        level = row[ROW_LEVEL]
        if level is None:
            return self._passes(row, self.level_of(row))
        key = (row[ROW_COMPONENT], row[ROW_STREAM])
        self._last[key] = level
        self._last.move_to_end(key)
        if len(self._last) > STREAMS_REMEMBERED:
            self._last.popitem(last=False)
        return self._passes(row, level)

    def peek(self, row: LogRow) -> bool:
        """Whether `row` would be shown now, remembering nothing (to count what waits)."""
        return self._passes(row, self.level_of(row))

    def _passes(self, row: LogRow, level: str | None) -> bool:
        threshold = self.filter.level
        if threshold is not None and (level is None or not at_least(level, threshold)):
            return False
        return self.matcher is None or self.matcher(row[ROW_MESSAGE])


def filter_rows(
    rows: Iterable[LogRow], flt: LogFilter, matcher: Callable[[str], bool] | None
) -> list[LogRow]:
    """The rows a view under `flt` shows, from `rows` in time order."""
    keep = RowFilter(flt, matcher)
    return [r for r in rows if keep(r)]


# Airflow's own `[2026-11-25T11:53:11.000+0000] ` prefix repeats the event time shown first.
_AIRFLOW_TS = re.compile(r"^\[\d{4}-\d\d-\d\d[T ][\d:.,]+(?:[+-]\d{2}:?\d{2}|Z)?\] ")


def format_row(row: LogRow, *, tag: bool, times: str = "utc") -> list[str]:
    """Display lines for one event kept as a `LogRow`: time (`utc`, `local` or `off`),
    `late`, an optional component tag, the message, and its continuation lines."""
    message = row[ROW_MESSAGE]
    parts = [] if times == "off" else [clock_time(row[ROW_TIME] / 1000, utc=times == "utc")]
    if row[ROW_LATE]:
        parts.append("late")
    if tag:
        component = row[ROW_COMPONENT]
        parts.append(f"{TAGS.get(component, component):<6}")
    head = " ".join(parts) + " " if parts else ""
    if message.startswith("["):
        message = _AIRFLOW_TS.sub("", message, count=1)
    elif message.startswith("{") and (line := parse_line(message)) is not None:
        # Airflow 3's JSON lines, readable; their own time only when the view shows none.
        return [head + readable(line, with_time=times == "off")]
    if "\n" not in message:
        return [head + message]
    indent = "" if times == "off" else " " * 9
    lines = message.split("\n")
    return [head + lines[0], *(f"{indent}│ {extra}" for extra in lines[1:])]


def message_column(*, tag: bool, times: str = "utc") -> int:
    """Where `format_row` starts a message: past `HH:MM:SS ` and the tag (`Sched  `). A
    wrapped line's further rows are indented to it."""
    return (0 if times == "off" else 9) + (7 if tag else 0)


def event_rows(events: Iterable[LogEvent], *, tag: bool) -> list[tuple[str, LogRow]]:
    """The display lines of whole events (task log, Insights, a window), each with its row."""
    return [(line, row) for row in (e.row() for e in events) for line in format_row(row, tag=tag)]


def next_threshold(level: str | None) -> str | None:
    return (
        THRESHOLDS[(THRESHOLDS.index(level) + 1) % len(THRESHOLDS)] if level in THRESHOLDS else None
    )


def compile_search(text: str) -> tuple[re.Pattern[str] | None, str]:
    """A pattern that finds `text` (case-insensitive substring, or a regex after `re:`)."""
    if not text:
        return None, ""
    if text.startswith("re:"):
        try:
            return re.compile(text[3:], re.IGNORECASE), ""
        except re.error as exc:
            return None, f"not a valid regular expression: {exc}"
    return re.compile(re.escape(text), re.IGNORECASE), ""


def insights_query(text: str, limit: int = 1000) -> str:
    """A Logs Insights query for lines containing `text` (or `re:PATTERN`), newest first."""
    pattern = text[3:] if text.startswith("re:") else re.escape(text)
    pattern = pattern.replace("/", r"\/")
    return (
        "fields @timestamp, @message, @logStream, @log"
        f" | filter @message like /(?i){pattern}/"
        f" | sort @timestamp desc | limit {limit}"
    )


def insights_timestamp(value: str) -> int:
    """Epoch ms from an Insights `@timestamp` (`2026-11-25 10:00:00.123`, UTC); 0 if unreadable."""
    try:
        parsed = datetime.strptime(value.strip()[:23], "%Y-%m-%d %H:%M:%S.%f")
    except ValueError:
        try:
            parsed = datetime.strptime(value.strip()[:19], "%Y-%m-%d %H:%M:%S")
        except ValueError:
            return 0
    return int(parsed.replace(tzinfo=UTC).timestamp() * 1000)
