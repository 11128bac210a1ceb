"""The user's config file (TOML), validated entry by entry: extra metric panels, alarms
to list, poll intervals and key remaps. Pure: `mwaa_tui/settings.py` reads the file."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import Any

from mwaa_tui.core.catalogue import DiscoveredSeries, Panel
from mwaa_tui.core.format import parse_duration
from mwaa_tui.core.sanitize import sanitize

STATS = frozenset({"Average", "Sum", "Minimum", "Maximum", "SampleCount"})


def parse_alarm_names(data: Mapping[str, Any]) -> tuple[list[str], list[str]]:
    """`alarms = ["name", ...]`: alarms to list although their metrics do not name the
    environment."""
    raw = data.get("alarms", [])
    if not isinstance(raw, list) or not all(isinstance(n, str) for n in raw):
        return [], ["config: `alarms` must be a list of alarm names"]
    return list(raw), []


def parse_panels(data: Mapping[str, Any]) -> tuple[list[DiscoveredSeries], list[str]]:
    """Panels from `[[panel]]` tables; a bad entry yields one message naming it, the rest load."""
    raw = data.get("panel", [])
    if not isinstance(raw, list):
        return [], ["config: `panel` must be a list of tables ([[panel]])"]
    panels: list[DiscoveredSeries] = []
    errors: list[str] = []
    for index, entry in enumerate(raw, start=1):
        label = f"panel {index}"
        if isinstance(entry, dict) and isinstance(entry.get("name"), str):
            label = f"panel {index} ({sanitize(entry['name'])})"
        problem = _problem(entry)
        if problem:
            errors.append(f"config: {label} skipped: {problem}")
            continue
        dims = tuple(sorted((str(k), str(v)) for k, v in (entry.get("dimensions") or {}).items()))
        panel = Panel(
            group="Yours",
            label=sanitize(entry["name"]),
            namespace=entry["namespace"],
            metric=entry["metric"],
            stat=entry.get("stat", "Average"),
            unit=str(entry.get("unit", "")),
            dims=frozenset(k for k, _ in dims),
            bad=str(entry.get("bad", "high")),
        )
        key = f"config|{panel.namespace}|{panel.metric}|{panel.stat}|" + "|".join(
            f"{k}={v}" for k, v in dims
        )
        panels.append(DiscoveredSeries(key, panel.label, panel, dims))
    return panels, errors


def _problem(entry: object) -> str:
    if not isinstance(entry, dict):
        return "not a table"
    for field in ("name", "namespace", "metric"):
        if not isinstance(entry.get(field), str) or not entry[field].strip():
            return f"`{field}` is missing or not text"
    stat = entry.get("stat", "Average")
    if stat not in STATS:
        return f"`stat` must be one of {', '.join(sorted(STATS))}, not {sanitize(stat)!r}"
    dims = entry.get("dimensions", {})
    if not isinstance(dims, dict) or not all(isinstance(v, str) for v in dims.values()):
        return "`dimensions` must be a table of text values"
    if len(dims) > 30:
        return "`dimensions` can have at most 30 entries"
    return ""


INTERVAL_RANGE = (1.0, 3600.0)
"""Seconds: faster than once a second spends the account's quotas for nothing; slower
than an hour is no monitor."""


def parse_intervals(
    data: Mapping[str, Any], names: Iterable[str]
) -> tuple[dict[str, float], list[str]]:
    """`[intervals]`: seconds between polls of each source named in `names`, as a number
    or a duration (`90s`, `2m`); a bad entry yields one message naming it, the rest load."""
    raw = data.get("intervals", {})
    if not isinstance(raw, dict):
        return {}, ["config: `intervals` must be a table ([intervals])"]
    known = list(names)
    out: dict[str, float] = {}
    errors: list[str] = []
    low, high = INTERVAL_RANGE
    for name, value in raw.items():
        label = f"config: [intervals] {sanitize(name)}"
        if name not in known:
            errors.append(f"{label} skipped: not a source; use {', '.join(known)}")
            continue
        seconds = _seconds(value)
        if seconds is None or not low <= seconds <= high:
            errors.append(
                f"{label} skipped: must be {low:g} s to {high / 60:g} min, "
                f"not {sanitize(repr(value))}"
            )
            continue
        out[name] = seconds
    return out, errors


def _seconds(value: object) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value) if math.isfinite(value) else None
    if isinstance(value, str):
        try:
            return parse_duration(value)
        except ValueError:
            return None
    return None


def parse_keys(data: Mapping[str, Any]) -> tuple[dict[str, str], list[str]]:
    """`[keys]`: binding id → the keys to press instead (`"logs.pause" = "space"`, several
    comma-separated). Which ids exist is the screen's to say; here, the shape."""
    raw = data.get("keys", {})
    if not isinstance(raw, dict):
        return {}, ["config: `keys` must be a table ([keys])"]
    out: dict[str, str] = {}
    errors: list[str] = []
    for binding, keys in raw.items():
        label = f"config: [keys] {sanitize(binding)}"
        if not isinstance(keys, str) or not all(k.strip() for k in keys.split(",")):
            errors.append(f'{label} skipped: give the keys as text, e.g. "ctrl+r" or "p,space"')
            continue
        out[binding] = ",".join(k.strip() for k in keys.split(","))
    return out, errors
