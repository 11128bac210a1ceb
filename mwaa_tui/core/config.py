"""Extra metric panels from the user's config file (TOML), validated entry by entry."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from mwaa_tui.core.catalogue import DiscoveredSeries, Panel
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
