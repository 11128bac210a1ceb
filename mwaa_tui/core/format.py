"""Small text helpers shared by the UI and plain output."""

from __future__ import annotations

import math
from datetime import UTC, datetime
from functools import lru_cache

from mwaa_tui.core.snapshots import SourceHealth

STALE_AFTER_INTERVALS = 3.0


def epoch_seconds(value: object) -> float | None:
    """A timestamp from botocore (a datetime) or a number, as epoch seconds."""
    if isinstance(value, datetime):
        return value.timestamp()
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    return None


def relative(seconds: float) -> str:
    """`4s`, `3m`, `2h`, `5d` for a duration."""
    s = max(0, int(seconds))
    if s < 60:
        return f"{s}s"
    if s < 3600:
        return f"{s // 60}m"
    if s < 86400:
        return f"{s // 3600}h"
    return f"{s // 86400}d"


def ago(when: float | None, now: float) -> str:
    return "never" if when is None else f"{relative(now - when)} ago"


def clock_time(epoch: float, *, utc: bool = True) -> str:
    """`HH:MM:SS`; log lines come many to a second, so each second is formatted once."""
    return _clock_time(int(epoch // 1), utc)


@lru_cache(maxsize=4096)
def _clock_time(second: int, utc: bool) -> str:
    dt = datetime.fromtimestamp(second, UTC) if utc else datetime.fromtimestamp(second)
    return dt.strftime("%H:%M:%S")


def stamp(epoch: float, *, utc: bool = True) -> str:
    dt = datetime.fromtimestamp(epoch, UTC) if utc else datetime.fromtimestamp(epoch)
    return dt.strftime("%Y-%m-%d %H:%M:%S") + ("Z" if utc else "")


def is_stale(health: SourceHealth, now: float) -> bool:
    if health.last_ok is None:
        return health.failures > 0
    limit = max(30.0, health.interval * STALE_AFTER_INTERVALS)
    return now - health.last_ok > limit


def coarse_ago(when: float, now: float) -> str:
    """`just now`, `20s ago`, `3m ago`: coarse on purpose, so a pane's border is not
    repainted every second over a slow link."""
    age = max(0.0, now - when)
    if age < 10:
        return "just now"
    if age < 60:
        return f"{int(age) // 10 * 10}s ago"
    return f"{relative(age)} ago"


def health_line(health: SourceHealth | None, now: float) -> tuple[str, str]:
    """The text for a pane's health, and its severity: ok, warn, error or wait."""
    if health is None or (health.last_ok is None and health.error is None):
        return ("loading…", "wait")
    parts = []
    if health.last_ok is not None:
        parts.append(f"updated {coarse_ago(health.last_ok, now)}")
    severity = "ok"
    if is_stale(health, now):
        parts.insert(0, "STALE")
        severity = "warn"
    if health.error is not None:
        parts.append(health.error.describe())
        severity = "error" if health.last_ok is None or severity == "warn" else "warn"
    return (" · ".join(parts), severity)


_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}
MAX_DURATION = 90 * 86400.0
"""Anything longer is a typo (`--since 1e308`), not a window or interval anyone means."""


def parse_duration(text: str) -> float:
    """`90s`, `10m`, `2h`, `1d` (or plain seconds) to seconds: finite, positive, at most
    90 days. The ValueError's message says what is wrong, for the user."""
    raw = text.strip().lower()
    if not raw:
        raise ValueError("empty duration")
    number, scale = (raw[:-1], _UNITS[raw[-1]]) if raw[-1] in _UNITS else (raw, 1)
    try:
        seconds = float(number) * scale
    except ValueError:
        raise ValueError("not a duration") from None
    # NaN fails every comparison, so test for the good range rather than the bad one.
    if not (math.isfinite(seconds) and seconds > 0):
        raise ValueError("not a positive duration")
    if seconds > MAX_DURATION:
        raise ValueError("longer than 90 days")
    return seconds


def ingestion_delay(timestamp_ms: int, ingestion_ms: int) -> str:
    """How long CloudWatch took to ingest an event after its timestamp."""
    if not ingestion_ms or not timestamp_ms:
        return "unknown"
    delay = (ingestion_ms - timestamp_ms) / 1000
    if delay < 0:
        return f"ingested {-delay:.1f} s before its timestamp (clock skew)"
    if delay < 60:
        return f"{delay:.1f} s"
    if delay < 3600:
        return f"{delay / 60:.1f} min"
    return f"{delay / 3600:.1f} h"


def human_bytes(n: float) -> str:
    """`1.2 MB`: decimal units, as AWS bills them."""
    for unit in ("B", "kB", "MB", "GB"):
        if n < 1000 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1000
    return f"{n:.1f} GB"
