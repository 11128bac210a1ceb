"""Airflow 3 task logs: JSON lines written by structlog.

Each line is an object with `timestamp`, `level`, `event`, usually `logger`, and any extra
keys (`chan`, `error_detail`, values bound by the task). Shown as one readable line: time,
level, event, then the extra keys; the line detail pretty-prints the object.

The message has been sanitised already, but JSON can spell an escape as `\\u001b`: every
value taken out of it is sanitised again.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from mwaa_tui.core.levels import normalise
from mwaa_tui.core.sanitize import sanitize

CORE_KEYS = ("timestamp", "level", "event", "logger")


@dataclass(frozen=True, slots=True)
class StructuredLine:
    timestamp: str
    level: str | None
    """Normalised: INFO, ERROR, ... (None when absent or unknown)."""
    event: str
    logger: str = ""
    extras: tuple[tuple[str, str], ...] = ()
    """The other keys, in the line's order, each value as compact JSON text."""

    def field(self, name: str) -> str | None:
        """A field's text (`level` normalised), or None when the line lacks it."""
        if name == "level":
            return self.level
        if name in ("timestamp", "event", "logger"):
            value = getattr(self, name)
            return value if value or name == "event" else None
        return next((v for k, v in self.extras if k == name), None)


def load(message: str) -> dict[str, object] | None:
    """The JSON object of a structlog line, or None for any other line."""
    head = message.lstrip()
    if not head.startswith("{") or "event" not in head:
        return None
    try:
        obj = json.loads(head)
    except ValueError:
        return None
    return obj if isinstance(obj, dict) and "event" in obj else None


def _value(value: object) -> str:
    if isinstance(value, str):
        return sanitize(value)
    return sanitize(json.dumps(value, ensure_ascii=False, default=str))


def parse_line(message: str) -> StructuredLine | None:
    """A structlog JSON line's parts, sanitised; None when it is not one."""
    obj = load(message)
    if obj is None:
        return None
    level = obj.get("level")
    return StructuredLine(
        timestamp=_value(obj.get("timestamp", "")),
        level=normalise(level) if isinstance(level, str) else None,
        event=_value(obj.get("event", "")),
        logger=_value(obj.get("logger", "")),
        extras=tuple((sanitize(k), _value(v)) for k, v in obj.items() if k not in CORE_KEYS),
    )


def short_time(timestamp: str) -> str:
    """`2026-11-25T11:40:01.123456Z` -> `11:40:01.123`; the text as is if unreadable."""
    try:
        parsed = datetime.fromisoformat(timestamp)
    except ValueError:
        return timestamp
    return parsed.strftime("%H:%M:%S.") + f"{parsed.microsecond // 1000:03d}"


EXTRAS = " · "
"""What separates a readable line's event from its extra keys (drawn dimmed)."""


def readable(line: StructuredLine, *, with_time: bool = True) -> str:
    """`11:40:01.123 ERROR Task failed · logger=task chan=stderr`: one line for a log view.
    Without `with_time` the line's own timestamp is left out (the view shows the event's)."""
    stamp = short_time(line.timestamp) if with_time else ""
    head = " ".join(p for p in (stamp, line.level or "", line.event) if p)
    tail = ([f"logger={line.logger}"] if line.logger else []) + [f"{k}={v}" for k, v in line.extras]
    return f"{head}{EXTRAS}{' '.join(tail)}" if tail else head


def pretty(message: str) -> str | None:
    """The object indented, for the line detail (sanitised, newlines kept); None if the
    message is not a structlog line."""
    obj = load(message)
    if obj is None:
        return None
    return sanitize(json.dumps(obj, indent=2, ensure_ascii=False, default=str), multiline=True)
