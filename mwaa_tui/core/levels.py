"""Log level parsing for Airflow's text format and JSON structlog lines."""

from __future__ import annotations

import json
import re

LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
LEVEL_RANK = {name: i for i, name in enumerate(LEVELS)}
_ALIASES = {"WARN": "WARNING", "FATAL": "CRITICAL", "ERR": "ERROR", "EXCEPTION": "ERROR"}

# `[ts] {file.py:12} LEVEL - msg` (MWAA doubles the braces), gunicorn `[ts] [pid] [LEVEL]`,
# and start-up scripts' `[LEVEL] - msg`.
_AIRFLOW = re.compile(r"\{\{?[^}]*\}\}?\s+([A-Z]+)\s+-\s")
_BRACKETED = re.compile(r"\[(DEBUG|INFO|WARNING|WARN|ERROR|CRITICAL|FATAL)\]")
_JSON_LEVEL = re.compile(r'"(?:level|levelname|log_level)"\s*:\s*"([A-Za-z]+)"')


def normalise(name: str) -> str | None:
    upper = name.upper()
    upper = _ALIASES.get(upper, upper)
    return upper if upper in LEVEL_RANK else None


def parse_level(message: str) -> str | None:
    """The level of a log line, or None when it has no recognisable one."""
    head = message[:400]
    m = _AIRFLOW.search(head)
    if m and (lvl := normalise(m.group(1))):
        return lvl
    if head.startswith("{"):
        m = _JSON_LEVEL.search(head)
        if m:
            return normalise(m.group(1))
        try:
            obj = json.loads(message)
        except ValueError:
            return None
        if isinstance(obj, dict):
            raw = obj.get("level") or obj.get("levelname")
            return normalise(raw) if isinstance(raw, str) else None
        return None
    m = _BRACKETED.search(head)
    if m:
        return normalise(m.group(1))
    return None


def at_least(level: str | None, threshold: str | None) -> bool:
    """Whether a line of `level` passes a `threshold` (lines without a level always pass)."""
    if threshold is None or level is None:
        return True
    return LEVEL_RANK.get(level, 0) >= LEVEL_RANK.get(threshold, 0)
