"""Which log events a view shows: a substring or regex filter and a level threshold."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from mwaa_tui.core.levels import at_least
from mwaa_tui.core.snapshots import LogEvent

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


def shown(event: LogEvent, flt: LogFilter, matcher: Callable[[str], bool] | None) -> bool:
    return at_least(event.level, flt.level) and (matcher is None or matcher(event.message))


def next_threshold(level: str | None) -> str | None:
    return (
        THRESHOLDS[(THRESHOLDS.index(level) + 1) % len(THRESHOLDS)] if level in THRESHOLDS else None
    )
