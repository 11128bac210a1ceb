"""The incident report: what a recording holds for a window, as Markdown or JSON.

`build_report` turns what the reader gathered (`ReportInput`) into one JSON-ready
document; `markdown` renders that same document for a ticket. Every string from the
recording is sanitised again here (a recording is a file anyone can hand over), and
everything quoted from AWS sits in fenced text blocks, so Markdown never interprets it.
"""

from __future__ import annotations

import json
import re
import statistics
import textwrap
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from mwaa_tui.core.cost import estimate
from mwaa_tui.core.recording import AlarmChange, Bookmark
from mwaa_tui.core.sanitize import sanitize
from mwaa_tui.core.snapshots import Alarm, CallRecord, EnvironmentSnapshot, TrailEvent

MAX_GROUPS = 10
"""Distinct errors listed per component; the rest are counted."""
MAX_TIMELINE = 500
LINE_CHARS = 240
"""Quoted lines are cut here: a report is read, not grepped."""
SPARK_WIDTH = 40
SPARKS = "▁▂▃▄▅▆▇█"
WRAP = 100


@dataclass(frozen=True, slots=True)
class ErrorLine:
    component: str
    timestamp: int
    """Event time, epoch ms."""
    message: str


@dataclass(frozen=True, slots=True)
class LogCounts:
    lines: int = 0
    errors: int = 0
    """ERROR and CRITICAL lines."""
    warnings: int = 0


@dataclass(frozen=True, slots=True)
class SeriesPoints:
    """One metric panel's points in the window, merged over every snapshot, oldest first."""

    label: str
    metric: str
    stat: str
    unit: str
    timestamps: tuple[float, ...]
    values: tuple[float, ...]


@dataclass(frozen=True, slots=True)
class ReportInput:
    environment: str
    window: tuple[float, float]
    recording: tuple[float, float]
    """The recording's first and last receive times."""
    region: str = ""
    snapshot: EnvironmentSnapshot | None = None
    """The environment as last seen in the window."""
    alarm_changes: tuple[AlarmChange, ...] = ()
    alarming_at_start: tuple[Alarm, ...] = ()
    """Alarms in ALARM when the window opens."""
    trail_errors: tuple[TrailEvent, ...] = ()
    bookmarks: tuple[tuple[Bookmark, str], ...] = ()
    """Each bookmark with the line it marks (empty when there is none to show)."""
    logs: Mapping[str, LogCounts] = field(default_factory=dict)
    error_lines: tuple[ErrorLine, ...] = ()
    metrics: tuple[SeriesPoints, ...] = ()
    calls: tuple[CallRecord, ...] = ()
    redacted: bool = True
    damaged: str = ""


# -- pieces -----------------------------------------------------------------------------------


def iso(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _one_line(text: object, limit: int = LINE_CHARS) -> str:
    s = sanitize(text, max_chars=1 << 20)
    return s if len(s) <= limit else s[: limit - 1] + "…"


def _first_line(message: str) -> str:
    return _one_line(message.split("\n", 1)[0].rstrip())


_PREFIX = re.compile(r"^\[[^\]]{0,64}\]\s*")
_VARIABLE = re.compile(
    r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|0x[0-9a-f]+|\d+", re.I
)


def error_signature(line: str) -> str:
    """What makes two error lines "the same error": the line without its leading
    `[timestamp]` and with numbers, hex and UUIDs blanked."""
    return _VARIABLE.sub("#", _PREFIX.sub("", line, count=1))


def group_errors(lines: Iterable[ErrorLine]) -> dict[str, list[dict[str, Any]]]:
    """Per component, each distinct error (by `error_signature` of its first line): how many
    times, when first, and its first line as first seen; most frequent first."""
    groups: dict[str, dict[str, dict[str, Any]]] = defaultdict(dict)
    for line in lines:
        first = _first_line(line.message)
        sig = error_signature(first)
        found = groups[line.component].get(sig)
        if found is None:
            groups[line.component][sig] = {
                "count": 1,
                "first_seen": line.timestamp / 1000,
                "line": first,
            }
        else:
            found["count"] += 1
            if line.timestamp / 1000 < found["first_seen"]:
                found["first_seen"], found["line"] = line.timestamp / 1000, first
    return {
        c: sorted(g.values(), key=lambda x: (-x["count"], x["first_seen"]))
        for c, g in groups.items()
    }


def sparkline(values: Sequence[float], width: int = SPARK_WIDTH) -> str:
    """`▁▂▅█▃`: at most `width` characters, each the largest value of its share of points."""
    finite = [v for v in values if v == v and abs(v) != float("inf")]
    if not finite:
        return ""
    if len(finite) > width:
        size = len(finite) / width
        finite = [max(finite[int(i * size) : int((i + 1) * size) or 1]) for i in range(width)]
    low, high = min(finite), max(finite)
    if high == low:
        return SPARKS[0] * len(finite)
    scale = (len(SPARKS) - 1) / (high - low)
    return "".join(SPARKS[round((v - low) * scale)] for v in finite)


def number(value: float) -> str:
    if value != value:
        return "NaN"
    if float(value).is_integer() and abs(value) < 1e15:
        return f"{int(value):,}"
    return f"{value:,.4g}" if abs(value) >= 1 else f"{value:.3g}"


def _summarise_metric(s: SeriesPoints) -> dict[str, Any]:
    values = [v for v in s.values if v == v]
    out: dict[str, Any] = {
        "panel": _one_line(s.label),
        "metric": _one_line(s.metric),
        "stat": _one_line(s.stat),
        "unit": _one_line(s.unit),
        "points": len(values),
    }
    if values:
        out |= {
            "min": min(values),
            "max": max(values),
            "last": values[-1],
            "sparkline": sparkline(values),
        }
    return out


def _calls(calls: Sequence[CallRecord], seconds: float) -> dict[str, Any]:
    by_op: dict[str, list[CallRecord]] = defaultdict(list)
    for c in calls:
        by_op[_one_line(c.operation)].append(c)
    rows = []
    for op, records in sorted(by_op.items(), key=lambda kv: (-len(kv[1]), kv[0])):
        outcomes = Counter(r.outcome for r in records)
        ok = [r.latency for r in records if r.outcome == "ok"]
        rows.append(
            {
                "operation": op,
                "service": _one_line(records[0].service),
                "calls": len(records),
                "throttled": outcomes["throttled"],
                "denied": outcomes["denied"],
                "errors": sum(n for o, n in outcomes.items() if o not in ("ok", "throttled")),
                "median_ms": round(statistics.median(ok) * 1000, 1) if ok else None,
            }
        )
    cost = estimate(calls, seconds)
    return {
        "total": len(calls),
        "by_operation": rows,
        "metrics_requested": sum(c.units for c in calls if c.operation == "GetMetricData"),
        "usd_per_hour": round(cost.usd_per_hour, 6),
        "estimated_usd": round(cost.usd_per_hour * max(seconds, 0.0) / 3600, 6),
    }


def _is_denial(e: TrailEvent) -> bool:
    code = e.error_code.lower()
    return "denied" in code or "unauthorized" in code


# -- the document -----------------------------------------------------------------------------


def build_report(inp: ReportInput) -> dict[str, Any]:
    """The report as one JSON-ready document (the Markdown is rendered from it)."""
    lo, hi = inp.window
    snap = inp.snapshot
    environment: dict[str, Any] = {"name": _one_line(inp.environment)}
    if inp.region:
        environment["region"] = _one_line(inp.region)
    if snap is not None:
        environment |= {
            "status": _one_line(snap.status),
            "airflow_version": _one_line(snap.airflow_version),
            "environment_class": _one_line(snap.environment_class),
        }
        if snap.last_update and snap.last_update.status:
            lu = snap.last_update
            environment["last_update"] = {
                "status": _one_line(lu.status),
                "error": _one_line(f"{lu.error_code} {lu.error_message}".strip()),
            }
    timeline: list[dict[str, Any]] = [
        {
            "time": iso(c.updated if c.updated is not None else c.at),
            "seen": iso(c.at),
            "kind": "alarm",
            "alarm": _one_line(c.name),
            "from": _one_line(c.old_state),
            "to": _one_line(c.new_state),
            "reason": _one_line(c.reason, 2000),
        }
        for c in inp.alarm_changes
    ]
    seen: set[str] = set()
    for e in inp.trail_errors:
        if e.event_id in seen or not e.error_code:
            continue
        seen.add(e.event_id)
        timeline.append(
            {
                "time": iso(e.time),
                "kind": "denied" if _is_denial(e) else "cloudtrail error",
                "event": _one_line(e.name),
                "user": _one_line(e.user),
                "source_ip": _one_line(e.source_ip),
                "error_code": _one_line(e.error_code),
                "error_message": _one_line(e.error_message, 2000),
                "event_id": _one_line(e.event_id),
            }
        )
    timeline.sort(key=lambda item: item["time"])
    omitted = max(0, len(timeline) - MAX_TIMELINE)
    groups = group_errors(inp.error_lines)
    logs = []
    for component in sorted(set(inp.logs) | set(groups)):
        counts = inp.logs.get(component, LogCounts())
        distinct = groups.get(component, [])
        logs.append(
            {
                "component": _one_line(component),
                "lines": counts.lines,
                "errors": counts.errors,
                "warnings": counts.warnings,
                "distinct_errors": len(distinct),
                "errors_first_lines": [
                    {**g, "first_seen": iso(g["first_seen"])} for g in distinct[:MAX_GROUPS]
                ],
            }
        )
    return {
        "title": f"Incident report: {_one_line(inp.environment)}",
        "environment": environment,
        "window": {"from": iso(lo), "to": iso(hi), "seconds": round(hi - lo, 3)},
        "recording": {
            "from": iso(inp.recording[0]),
            "to": iso(inp.recording[1]),
            "redacted": inp.redacted,
            "damaged": _one_line(inp.damaged, 2000) or None,
        },
        "alarms_at_start": [
            {"alarm": _one_line(a.name), "state": _one_line(a.state), "reason": _one_line(a.reason)}
            for a in inp.alarming_at_start
        ],
        "timeline": timeline[:MAX_TIMELINE],
        "timeline_omitted": omitted,
        "bookmarks": [
            {
                "time": iso(b.at),
                "kind": _one_line(b.kind),
                "target": _one_line(b.target),
                "note": _one_line(b.note, 2000),
                "line": _first_line(line) if line else "",
            }
            for b, line in inp.bookmarks
        ],
        "logs": logs,
        "metrics": [_summarise_metric(s) for s in inp.metrics],
        "calls": _calls(inp.calls, hi - lo),
    }


def to_json(doc: Mapping[str, Any]) -> str:
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"


# -- Markdown ---------------------------------------------------------------------------------


def _fenced(lines: Sequence[str]) -> list[str]:
    """A text block no line of which can close it (the fence outgrows any backtick run)."""
    longest = max((len(run) for line in lines for run in re.findall(r"`+", line)), default=0)
    fence = "`" * max(3, longest + 1)
    return [f"{fence}text", *lines, fence, ""]


def _code(text: str) -> str:
    """An inline code span, whatever backticks `text` holds."""
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    ticks = "`" * (longest + 1)
    pad = " " if text.startswith("`") or text.endswith("`") or not text else ""
    return f"{ticks}{pad}{text}{pad}{ticks}"


def _clock(iso_time: str, day: str) -> str:
    """`12:03:15Z` within the window's first day, the full time otherwise."""
    return iso_time[11:] if iso_time[:10] == day else iso_time.replace("T", " ")


def _wrapped(text: str, indent: int) -> list[str]:
    pad = " " * indent
    # Never split a word: an ARN or a URL broken at a hyphen cannot be searched for.
    return (
        textwrap.wrap(
            text,
            WRAP,
            initial_indent=pad,
            subsequent_indent=pad,
            break_long_words=False,
            break_on_hyphens=False,
        )
        or []
    )


def _span(seconds: float) -> str:
    """`45 s`, `12 min`, `2 h 5 min`."""
    s = round(seconds)
    if s < 120:
        return f"{s} s"
    if s < 7200:
        return f"{round(s / 60)} min"
    return f"{s // 3600} h {round(s % 3600 / 60)} min"


def markdown(doc: Mapping[str, Any]) -> str:
    """The report for a ticket: headings and lists of our own words, quoted text in blocks."""
    day = doc["window"]["from"][:10]
    env = doc["environment"]
    out = [f"# Incident report: {_code(env['name'])}", ""]
    facts = [_code(env["name"])]
    facts += [env[k] for k in ("status", "region") if env.get(k)]
    if env.get("airflow_version"):
        facts.append(f"Airflow {env['airflow_version']}")
    if env.get("environment_class"):
        facts.append(env["environment_class"])
    window = doc["window"]
    rec = doc["recording"]
    out += [
        "- Environment: " + " · ".join(_markdown_safe(f) if i else f for i, f in enumerate(facts)),
        f"- Window: {window['from'].replace('T', ' ')} to {window['to'].replace('T', ' ')} "
        f"({_span(window['seconds'])})",
        f"- Recorded: {rec['from'].replace('T', ' ')} to {rec['to'].replace('T', ' ')}, "
        + ("secrets masked" if rec["redacted"] else "secrets NOT masked (--no-redact)"),
    ]
    if env.get("last_update"):
        lu = env["last_update"]
        out.append(f"- Last update: {_markdown_safe(lu['status'])}")
    out.append("")
    if rec.get("damaged"):
        out += ["The recording is damaged:", "", *_fenced(_wrapped(rec["damaged"], 0))]
    if env.get("last_update", {}).get("error"):
        out += _fenced(_wrapped(env["last_update"]["error"], 0))

    out += ["## Timeline", ""]
    if doc["alarms_at_start"]:
        lines = []
        for a in doc["alarms_at_start"]:
            lines.append(f"{a['alarm']}  {a['state']}")
            lines += _wrapped(a["reason"], 4)
        out += ["In ALARM when the window opens:", "", *_fenced(lines)]
    if doc["timeline"]:
        lines = []
        for item in doc["timeline"]:
            when = _clock(item["time"], day)
            if item["kind"] == "alarm":
                lines.append(f"{when}  alarm   {item['alarm']}: {item['from']} -> {item['to']}")
                lines += _wrapped(item["reason"], 4)
            else:
                who = f" by {item['user']}" if item["user"] else ""
                where = f" from {item['source_ip']}" if item["source_ip"] else ""
                lines.append(f"{when}  {item['kind']}  {item['event']}{who}{where}")
                lines += _wrapped(f"{item['error_code']}: {item['error_message']}", 4)
        if doc["timeline_omitted"]:
            lines.append(f"… and {doc['timeline_omitted']} more")
        out += _fenced(lines)
    else:
        out += ["No alarm changed state and no CloudTrail call failed in the window.", ""]

    out += ["## Bookmarks", ""]
    if doc["bookmarks"]:
        lines = []
        for b in doc["bookmarks"]:
            target = f" {b['target']}" if b["target"] else ""
            lines.append(f"{_clock(b['time'], day)}  {b['kind']}{target}")
            if b["note"]:
                lines += _wrapped(f"note: {b['note']}", 4)
            if b["line"]:
                lines.append(f"    {b['line']}")
        out += _fenced(lines)
    else:
        out += ["None.", ""]

    out += ["## Logs", ""]
    if doc["logs"]:
        width = max(9, *(len(c["component"]) for c in doc["logs"]))
        lines = [f"{'component':<{width}}  {'lines':>10}  {'ERROR':>8}  {'WARNING':>8}"]
        for c in doc["logs"]:
            lines.append(
                f"{c['component']:<{width}}  {c['lines']:>10,}  {c['errors']:>8,}  "
                f"{c['warnings']:>8,}"
            )
        out += _fenced(lines)
        for c in doc["logs"]:
            if not c["errors_first_lines"]:
                continue
            n = c["distinct_errors"]
            out += [f"### {_code(c['component'])}: {n} distinct error{'s' if n != 1 else ''}", ""]
            lines = []
            for g in c["errors_first_lines"]:
                lines.append(f"{g['count']:>6,}×  first {_clock(g['first_seen'], day)}")
                lines.append(f"    {g['line']}")
            if n > len(c["errors_first_lines"]):
                lines.append(f"… and {n - len(c['errors_first_lines'])} more")
            out += _fenced(lines)
    else:
        out += ["No log lines in the window.", ""]

    out += ["## Metrics", ""]
    if doc["metrics"]:
        width = max(len(m["panel"]) for m in doc["metrics"])
        lines = []
        for m in doc["metrics"]:
            if not m["points"]:
                lines.append(f"{m['panel']:<{width}}  no data")
                continue
            unit = "" if m["unit"] in ("", "None", "Count") else f" {m['unit']}"
            lines.append(
                f"{m['panel']:<{width}}  min {number(m['min'])}  max {number(m['max'])}  "
                f"last {number(m['last'])}{unit}  {m['sparkline']}"
            )
        out += _fenced(lines)
    else:
        out += ["No metric data in the window.", ""]

    calls = doc["calls"]
    out += ["## The monitor's own API calls", ""]
    if calls["by_operation"]:
        width = max(9, *(len(r["operation"]) for r in calls["by_operation"]))
        lines = [
            f"{'operation':<{width}}  {'calls':>7}  {'throttled':>9}  {'denied':>6}  "
            f"{'errors':>6}  {'median':>9}"
        ]
        for r in calls["by_operation"]:
            median = f"{r['median_ms']:.0f} ms" if r["median_ms"] is not None else "-"
            lines.append(
                f"{r['operation']:<{width}}  {r['calls']:>7,}  {r['throttled']:>9,}  "
                f"{r['denied']:>6,}  {r['errors']:>6,}  {median:>9}"
            )
        out += _fenced(lines)
    noun = "call" if calls["total"] == 1 else "calls"
    out += [
        f"{calls['total']:,} {noun}; estimated cost USD {calls['estimated_usd']:.4f} for the "
        f"window (USD {calls['usd_per_hour']:.4f} per hour, CloudWatch list prices, free tier "
        "ignored).",
        "",
    ]
    return "\n".join(out)


def _markdown_safe(text: str) -> str:
    """Our short facts (a status, a region) as plain words: anything else goes in code."""
    return text if re.fullmatch(r"[A-Za-z0-9 ._:/-]*", text) else _code(text)
