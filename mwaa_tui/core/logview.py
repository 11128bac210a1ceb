"""Which log events a view shows: a substring or regex filter and a level threshold."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from mwaa_tui.core.jsonlog import parse_line
from mwaa_tui.core.levels import at_least, normalise, parse_level
from mwaa_tui.core.snapshots import LogEvent, LogRow

THRESHOLDS: tuple[str | None, ...] = (None, "WARNING", "ERROR")


@dataclass(frozen=True, slots=True)
class LogFilter:
    text: str = ""
    """A case-insensitive substring, or a regular expression after `re:`."""
    level: str | None = None
    """Only lines at this level or above (lines without a level always pass)."""

    def describe(self) -> str:
        parts = []
        if self.text:
            parts.append(f"/{self.text}")
        if self.level:
            parts.append(f"{self.level} and above")
        return " · ".join(parts)


def compile_matcher(text: str) -> tuple[Callable[[str], bool] | None, str]:
    """A predicate for `text` (None matches everything), and an error message if invalid."""
    if not text:
        return None, ""
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
    """`shown` for an event kept as a `LogRow` (level at 6, message at 2)."""
    return at_least(row[6], flt.level) and (matcher is None or matcher(row[2]))


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
