"""The recording file's format, and every update kind as rows and back.

A recording is one SQLite file (written by `mwaa_tui.capture`). Every update the pollers
emit gets a sequence number (`seq`, the order it was emitted in) and its receive time
(`at`, epoch seconds, never going backwards within a file), and becomes one row of its
kind's table; what an update holds many of (series, alarms, CloudTrail events) goes to a
child table, in consecutive ids named by the parent's `first_*` and count columns. A log
batch's events are numbered the same way but packed into one `log_chunks` row, a column
each (texts joined by NUL, which no sanitised text holds; numbers as little-endian int64),
since a row per line cost more to write and to read than anything else in a recording;
its ERROR and CRITICAL lines are copied to `log_errors` for the report. Nothing here does
I/O: the schema is text, rows are tuples.
"""

from __future__ import annotations

import dataclasses
import json
import sys
import types
import typing
from array import array
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import Enum
from functools import cache
from typing import Any

from mwaa_tui.core import snapshots
from mwaa_tui.core.redact import redact
from mwaa_tui.core.sanitize import sanitize
from mwaa_tui.core.snapshots import (
    Alarm,
    AlarmsSnapshot,
    CallRecord,
    EnvironmentSnapshot,
    ErrorInfo,
    ErrorKind,
    HealthUpdate,
    LogBatch,
    LogEvent,
    MetricSeries,
    MetricsSnapshot,
    SourceHealth,
    TrailBatch,
    TrailEvent,
)

# A replay's own kinds live with the other updates; named here too, where they began.
from mwaa_tui.core.snapshots import CallBatch as CallBatch
from mwaa_tui.core.snapshots import ReplayReset as ReplayReset

FORMAT = "mwaa-tui recording"
"""`meta.format`: what tells a recording from any other SQLite file."""
SCHEMA_VERSION = 2
"""`meta.schema`: raised when a table or column changes meaning; a reader refuses newer.
2: log events packed a batch to a row in `log_chunks` (1: a `log_events` row per line,
still read)."""
PACKED_SCHEMA = 2
"""The first schema with `log_chunks`."""

ERROR_LEVELS = ("ERROR", "CRITICAL")

Row = tuple[Any, ...]

SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE environments (
    seq INTEGER PRIMARY KEY, at REAL NOT NULL, name TEXT NOT NULL, status TEXT NOT NULL,
    data TEXT NOT NULL);
CREATE INDEX environments_at ON environments (at);
CREATE TABLE streams (id INTEGER PRIMARY KEY, name TEXT NOT NULL);
CREATE TABLE log_batches (
    seq INTEGER PRIMARY KEY, at REAL NOT NULL, component TEXT NOT NULL,
    polled_to INTEGER NOT NULL, first_event INTEGER NOT NULL, events INTEGER NOT NULL,
    errors INTEGER NOT NULL, warnings INTEGER NOT NULL);
CREATE INDEX log_batches_at ON log_batches (at);
CREATE TABLE log_chunks (
    batch INTEGER PRIMARY KEY, timestamps BLOB NOT NULL, messages TEXT NOT NULL,
    streams BLOB NOT NULL, event_ids TEXT NOT NULL, ingestion_times BLOB NOT NULL,
    levels TEXT NOT NULL, late BLOB NOT NULL);
CREATE TABLE log_errors (
    id INTEGER PRIMARY KEY, batch INTEGER NOT NULL, timestamp INTEGER NOT NULL,
    message TEXT NOT NULL, level TEXT NOT NULL);
CREATE TABLE metric_snapshots (
    seq INTEGER PRIMARY KEY, at REAL NOT NULL, period INTEGER NOT NULL, start REAL NOT NULL,
    "end" REAL NOT NULL, first_series INTEGER NOT NULL, series INTEGER NOT NULL);
CREATE INDEX metric_snapshots_at ON metric_snapshots (at);
CREATE TABLE metric_series (
    id INTEGER PRIMARY KEY, snapshot INTEGER NOT NULL, key TEXT NOT NULL, label TEXT NOT NULL,
    namespace TEXT NOT NULL, metric TEXT NOT NULL, stat TEXT NOT NULL, unit TEXT NOT NULL,
    dimensions TEXT NOT NULL, timestamps TEXT NOT NULL, "values" TEXT NOT NULL,
    grp TEXT NOT NULL);
CREATE TABLE alarm_snapshots (
    seq INTEGER PRIMARY KEY, at REAL NOT NULL, first_alarm INTEGER NOT NULL,
    alarms INTEGER NOT NULL);
CREATE INDEX alarm_snapshots_at ON alarm_snapshots (at);
CREATE TABLE alarm_states (
    id INTEGER PRIMARY KEY, snapshot INTEGER NOT NULL, name TEXT NOT NULL, state TEXT NOT NULL,
    reason TEXT NOT NULL, updated REAL, kind TEXT NOT NULL, namespace TEXT NOT NULL,
    metric TEXT NOT NULL, dimensions TEXT NOT NULL, statistic TEXT NOT NULL,
    comparison TEXT NOT NULL, threshold REAL, period INTEGER, rule TEXT NOT NULL);
CREATE TABLE alarm_changes (
    id INTEGER PRIMARY KEY, seq INTEGER NOT NULL, at REAL NOT NULL, name TEXT NOT NULL,
    old_state TEXT NOT NULL, new_state TEXT NOT NULL, reason TEXT NOT NULL, updated REAL);
CREATE INDEX alarm_changes_at ON alarm_changes (at);
CREATE TABLE trail_batches (
    seq INTEGER PRIMARY KEY, at REAL NOT NULL, older INTEGER NOT NULL,
    exhausted INTEGER NOT NULL, first_event INTEGER NOT NULL, events INTEGER NOT NULL);
CREATE INDEX trail_batches_at ON trail_batches (at);
CREATE TABLE trail_events (
    id INTEGER PRIMARY KEY, batch INTEGER NOT NULL, event_id TEXT NOT NULL, time REAL NOT NULL,
    name TEXT NOT NULL, user TEXT NOT NULL, source_ip TEXT NOT NULL, user_agent TEXT NOT NULL,
    read_only INTEGER, error_code TEXT NOT NULL, error_message TEXT NOT NULL,
    resource TEXT NOT NULL, requested_name TEXT NOT NULL, raw TEXT NOT NULL,
    parsed INTEGER NOT NULL);
CREATE TABLE health (
    seq INTEGER PRIMARY KEY, at REAL NOT NULL, source TEXT NOT NULL, last_ok REAL,
    failures INTEGER NOT NULL, interval REAL NOT NULL, next_attempt REAL, error_kind TEXT,
    error_message TEXT NOT NULL, error_action TEXT NOT NULL, error_hint TEXT NOT NULL);
CREATE INDEX health_at ON health (at);
CREATE TABLE airflow (
    seq INTEGER PRIMARY KEY, at REAL NOT NULL, kind TEXT NOT NULL, data TEXT NOT NULL);
CREATE INDEX airflow_at ON airflow (at);
CREATE TABLE calls (
    seq INTEGER PRIMARY KEY, at REAL NOT NULL, service TEXT NOT NULL, operation TEXT NOT NULL,
    outcome TEXT NOT NULL, latency REAL NOT NULL, call_at REAL NOT NULL, units INTEGER NOT NULL);
CREATE INDEX calls_at ON calls (at);
CREATE TABLE bookmarks (
    id INTEGER PRIMARY KEY, at REAL NOT NULL, kind TEXT NOT NULL, target TEXT NOT NULL,
    note TEXT NOT NULL, text TEXT NOT NULL, created REAL NOT NULL);
CREATE INDEX bookmarks_at ON bookmarks (at);
"""

LEGACY_SCHEMA = """
CREATE TABLE log_events (
    id INTEGER PRIMARY KEY, batch INTEGER NOT NULL, timestamp INTEGER NOT NULL,
    message TEXT NOT NULL, stream INTEGER NOT NULL, event_id TEXT NOT NULL,
    ingestion_time INTEGER NOT NULL, level TEXT, late INTEGER NOT NULL);
CREATE INDEX log_events_errors ON log_events (id) WHERE level IN ('ERROR', 'CRITICAL');
"""
"""Schema 1's table of log lines, a row each: what a rescued schema-1 file is read into."""

COLUMNS: dict[str, int] = {
    "environments": 5,
    "streams": 2,
    "log_batches": 8,
    "log_chunks": 8,
    "log_errors": 5,
    "log_events": 9,
    "metric_snapshots": 7,
    "metric_series": 12,
    "alarm_snapshots": 4,
    "alarm_states": 15,
    "alarm_changes": 8,
    "trail_batches": 6,
    "trail_events": 15,
    "health": 11,
    "airflow": 4,
    "calls": 8,
    "bookmarks": 7,
}
"""Columns per table, for the INSERT statements; in the order rows are written, parents
before their children."""

UPDATE_TABLES = (
    "environments",
    "log_batches",
    "metric_snapshots",
    "alarm_snapshots",
    "trail_batches",
    "health",
    "airflow",
    "calls",
)
"""The tables with one row per recorded update, keyed by `seq`."""


# -- records that are not poller updates ----------------------------------------------------


@dataclass(frozen=True, slots=True)
class Bookmark:
    """A moment the user marked, live or in replay."""

    at: float
    """The receive time it marks: where a replay seeks to."""
    kind: str
    """`log`, `alarm`, `trail` or `moment`."""
    target: str = ""
    """What it marks: `log_target(event)`, an alarm name, a CloudTrail event id."""
    note: str = ""
    text: str = ""
    """The marked line as shown, when the caller has it (else the report looks it up)."""
    created: float = 0.0
    id: int = 0


@dataclass(frozen=True, slots=True)
class Mark:
    """What `m` marks: a log line, an alarm, a CloudTrail event, or the moment."""

    kind: str
    target: str = ""
    text: str = ""
    """The marked thing as shown, kept with the bookmark."""

    @property
    def label(self) -> str:
        return {"log": "log line", "alarm": "alarm", "trail": "CloudTrail event"}.get(
            self.kind, "this moment"
        )


@dataclass(frozen=True, slots=True)
class AlarmChange:
    """One alarm moving between states, as two successive alarm snapshots showed it."""

    at: float
    name: str
    old_state: str
    new_state: str
    reason: str = ""
    updated: float | None = None
    """The alarm's own state-change time, when it gave one."""


class CallCursor:
    """Picks the records not seen before out of a sliding window of call records (the
    client layer's `CallStats.recent(now)`, oldest first), so each call is recorded once
    however often the window is looked at."""

    def __init__(self) -> None:
        self.last = float("-inf")
        """The time of the newest record taken."""
        self.taken_at_last = 0
        """How many records at exactly `last` were taken (calls can share a clock tick)."""

    def take(self, records: Iterable[CallRecord]) -> list[CallRecord]:
        fresh: list[CallRecord] = []
        same = 0
        for r in records:
            if r.at > self.last:
                fresh.append(r)
            elif r.at == self.last:
                same += 1
                if same > self.taken_at_last:
                    fresh.append(r)
        if fresh:
            newest = fresh[-1].at
            ties = sum(1 for r in fresh if r.at == newest)
            self.taken_at_last = ties + (self.taken_at_last if newest == self.last else 0)
            self.last = newest
        return fresh


def log_target(event: LogEvent) -> str:
    """A bookmark's target for a log line: `component:event_id`."""
    return f"{event.component}:{event.event_id}"


def parse_log_target(target: str) -> tuple[str, str]:
    component, _, event_id = target.partition(":")
    return component, event_id


# -- opaque kinds -----------------------------------------------------------------------------

OPAQUE_KINDS: dict[str, type[Any]] = {}
"""Update kinds stored as JSON in the `airflow` table, by class name (the Airflow pane's
state registers itself with `register_opaque`)."""


def register_opaque(cls: type[Any]) -> type[Any]:
    """Record `cls` (a frozen dataclass of strings, numbers, tuples, enums and nested
    dataclasses) as JSON, and decode it back on replay. Usable as a class decorator."""
    if not dataclasses.is_dataclass(cls):
        raise TypeError(f"{cls.__name__} is not a dataclass")
    OPAQUE_KINDS[cls.__name__] = cls
    return cls


# The Airflow pane's state, once snapshots.py defines it, is the first opaque kind.
_AIRFLOW = getattr(snapshots, "AirflowSnapshot", None)
if isinstance(_AIRFLOW, type):
    register_opaque(_AIRFLOW)


def to_plain(value: Any) -> Any:
    """A dataclass (of tuples, enums, nested dataclasses) as JSON-ready lists and dicts."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, tuple | list):
        return [to_plain(v) for v in value]
    if value is None or isinstance(value, str | int | float | bool):
        return value
    raise TypeError(f"cannot record a {type(value).__name__}")


@cache
def _hints(cls: type[Any]) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def from_plain(tp: Any, data: Any) -> Any:
    """The inverse of `to_plain`, guided by the type annotations of `tp`."""
    if tp is Any or tp is object:
        return data
    origin = typing.get_origin(tp)
    if origin is typing.Union or origin is types.UnionType:
        options = [a for a in typing.get_args(tp) if a is not type(None)]
        if data is None:
            return None
        for option in options:
            if option in (int, float, str, bool) and isinstance(data, option):
                return float(data) if option is float else data
        return from_plain(options[0], data)
    if origin is tuple:
        args = typing.get_args(tp)
        if len(args) == 2 and args[1] is Ellipsis:
            return tuple(from_plain(args[0], v) for v in data)
        return tuple(from_plain(a, v) for a, v in zip(args, data, strict=True))
    if isinstance(tp, type) and dataclasses.is_dataclass(tp):
        hints = _hints(tp)
        kwargs = {
            f.name: from_plain(hints[f.name], data[f.name])
            for f in dataclasses.fields(tp)
            if f.init and f.name in data
        }
        return tp(**kwargs)
    if isinstance(tp, type) and issubclass(tp, Enum):
        return tp(data)
    if tp is float:
        return float(data)
    return data


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


# -- scrubbing at the file's edge -------------------------------------------------------------


_CONTROLS = bytes([*range(32), 127])
"""The ASCII characters that are not printable (`str.isprintable`)."""


@cache
def _unprintable(allowed: str) -> bytes:
    return bytes(c for c in _CONTROLS if chr(c) not in allowed)


def _printable(text: str, allowed: str = "") -> bool:
    """Whether every character of `text` is printable or one of `allowed` (the sanitiser
    keeps newlines; NUL joins a chunk's texts). ASCII text, the common case, is checked
    by deleting its control bytes in one C pass, some 3x faster than `str.isprintable`."""
    if text.isascii():
        raw = text.encode("ascii")
        return len(raw.translate(None, _unprintable(allowed))) == len(raw)
    for c in allowed:
        text = text.replace(c, "")
    return text.isprintable()


def _safe(text: str) -> bool:
    """Nothing for the sanitiser to do: printable, but for newlines (which it keeps)."""
    return _printable(text, "\n")


def _all_safe(events: tuple[LogEvent, ...]) -> bool:
    """Whether no event of a batch has anything for the sanitiser (one joined test; a
    batch names a few streams, each tested once)."""
    if not _printable("".join([e.message for e in events]), "\n"):
        return False
    return _printable("".join({e.stream for e in events}) + "".join([e.event_id for e in events]))


def _clean(text: str, redact_secrets: bool) -> str:
    # Already sanitised upstream: this never cuts (pollers did) and never joins lines.
    if not _safe(text):
        text = sanitize(text, multiline=True, max_chars=1 << 40)
    return redact(text) if redact_secrets else text


def scrub(update: Any, *, redact_secrets: bool) -> Any:
    """`update` with every string sanitised (and redacted when asked), the same object when
    nothing changes. The pollers do this already; this makes sure nothing reaches a file,
    or comes out of one, without it."""
    if isinstance(update, LogBatch):
        events = update.events
        # The common case, one pass in C over the batch: nothing to sanitise, and nothing
        # to redact or its poller redacted it already (after sanitising, as this would).
        if (
            (update.redacted or not redact_secrets)
            and _all_safe(events)
            and update.component.isprintable()
        ):
            return update
        cleaned: list[LogEvent] | None = None
        for i, e in enumerate(events):
            message = _clean(e.message, redact_secrets)
            stream = e.stream if e.stream.isprintable() else sanitize(e.stream)
            event_id = e.event_id if e.event_id.isprintable() else sanitize(e.event_id)
            if message != e.message or stream != e.stream or event_id != e.event_id:
                if cleaned is None:
                    cleaned = list(events[:i])
                cleaned.append(
                    dataclasses.replace(e, message=message, stream=stream, event_id=event_id)
                )
            elif cleaned is not None:
                cleaned.append(e)
        component = sanitize(update.component)
        if cleaned is None and component == update.component:
            return update
        return LogBatch(
            component,
            tuple(events if cleaned is None else cleaned),
            update.polled_to,
            update.redacted,
        )
    return _scrub_value(update, redact_secrets, 0)


def _scrub_value(value: Any, redact_secrets: bool, depth: int) -> Any:
    if isinstance(value, str):
        cleaned = _clean(value, redact_secrets)
        return value if cleaned == value else cleaned
    if depth > 32:
        return value
    if isinstance(value, tuple):
        items = tuple(_scrub_value(v, redact_secrets, depth + 1) for v in value)
        return value if all(a is b for a, b in zip(items, value, strict=True)) else items
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        changes = {}
        for f in dataclasses.fields(value):
            old = getattr(value, f.name)
            new = _scrub_value(old, redact_secrets, depth + 1)
            if new is not old:
                changes[f.name] = new
        return dataclasses.replace(value, **changes) if changes else value
    return value


# -- updates to rows --------------------------------------------------------------------------

Rows = dict[str, list[Row]]


def alarm_changes(
    previous: Mapping[str, str] | None, snapshot: AlarmsSnapshot, at: float
) -> list[AlarmChange]:
    """The alarms whose state differs from `previous` (name to state); none for the first
    snapshot, whose states are where the recording starts, not changes."""
    if previous is None:
        return []
    return [
        AlarmChange(at, a.name, previous[a.name], a.state, a.reason, a.updated)
        for a in snapshot.alarms
        if a.name in previous and previous[a.name] != a.state
    ]


RECORDED = (
    EnvironmentSnapshot,
    LogBatch,
    MetricsSnapshot,
    AlarmsSnapshot,
    TrailBatch,
    HealthUpdate,
    CallRecord,
)


def recordable(update: object) -> bool:
    """Whether a recording keeps this kind of update (the others are skipped)."""
    return isinstance(update, RECORDED) or type(update).__name__ in OPAQUE_KINDS


class Encoder:
    """Turns updates into rows, numbering child rows and naming log streams once."""

    def __init__(self) -> None:
        self.next_id = {
            "log_events": 1,
            "metric_series": 1,
            "alarm_states": 1,
            "trail_events": 1,
            "alarm_changes": 1,
        }
        self.streams: dict[str, int] = {}
        self.alarm_states: dict[str, str] | None = None

    def _ids(self, table: str, n: int) -> int:
        first = self.next_id[table]
        self.next_id[table] = first + n
        return first

    def _stream(self, name: str, out: Rows) -> int:
        sid = self.streams.get(name)
        if sid is None:
            sid = self.streams[name] = len(self.streams) + 1
            out.setdefault("streams", []).append((sid, name))
        return sid

    def encode(self, seq: int, at: float, update: object) -> Rows | None:
        """The rows of one update, or None for a kind that is not recorded."""
        out: Rows = {}
        if isinstance(update, LogBatch):
            events = update.events
            first = self._ids("log_events", len(events))
            levels = [e.level for e in events]
            errors = sum(levels.count(level) for level in ERROR_LEVELS)
            out["log_batches"] = [
                (seq, at, update.component, update.polled_to, first, len(events), errors,
                 levels.count("WARNING"))
            ]  # fmt: skip
            if not events:
                return out
            known, stream = self.streams, self._stream
            sids = [known.get(e.stream) or stream(e.stream, out) for e in events]
            out["log_chunks"] = [
                (
                    seq,
                    _int_blob([e.timestamp for e in events]),
                    _joined([e.message for e in events]),
                    _int_blob(sids),
                    _joined([e.event_id for e in events]),
                    _int_blob([e.ingestion_time for e in events]),
                    _joined([level or "" for level in levels]),
                    bytes([e.late for e in events]),
                )
            ]
            if errors:
                out["log_errors"] = [
                    (n, seq, e.timestamp, e.message, e.level)
                    for n, e in enumerate(events, first)
                    if e.level in ERROR_LEVELS
                ]
        elif isinstance(update, HealthUpdate):
            out["health"] = [health_row(seq, at, update)]
        elif isinstance(update, EnvironmentSnapshot):
            out["environments"] = [(seq, at, update.name, update.status, _json(to_plain(update)))]
        elif isinstance(update, MetricsSnapshot):
            first = self._ids("metric_series", len(update.series))
            out["metric_snapshots"] = [
                (seq, at, update.period, update.start, update.end, first, len(update.series))
            ]
            out["metric_series"] = [
                metric_series_row(n, seq, s) for n, s in enumerate(update.series, first)
            ]
        elif isinstance(update, AlarmsSnapshot):
            first = self._ids("alarm_states", len(update.alarms))
            out["alarm_snapshots"] = [(seq, at, first, len(update.alarms))]
            out["alarm_states"] = [alarm_row(n, seq, a) for n, a in enumerate(update.alarms, first)]
            changes = alarm_changes(self.alarm_states, update, at)
            if changes:
                cid = self._ids("alarm_changes", len(changes))
                out["alarm_changes"] = [
                    (n, seq, c.at, c.name, c.old_state, c.new_state, c.reason, c.updated)
                    for n, c in enumerate(changes, cid)
                ]
            self.alarm_states = {a.name: a.state for a in update.alarms}
        elif isinstance(update, TrailBatch):
            first = self._ids("trail_events", len(update.events))
            out["trail_batches"] = [
                (seq, at, int(update.older), int(update.exhausted), first, len(update.events))
            ]
            out["trail_events"] = [trail_row(n, seq, e) for n, e in enumerate(update.events, first)]
        elif isinstance(update, CallRecord):
            out["calls"] = [call_row(seq, at, update)]
        elif type(update).__name__ in OPAQUE_KINDS:
            out["airflow"] = [(seq, at, type(update).__name__, _json(to_plain(update)))]
        else:
            return None
        return out


def health_row(seq: int, at: float, update: HealthUpdate) -> Row:
    h = update.health
    e = h.error
    return (
        seq, at, h.source, h.last_ok, h.failures, h.interval, h.next_attempt,
        e.kind.value if e else None, e.message if e else "", e.action if e else "",
        e.hint if e else "",
    )  # fmt: skip


def health_from_row(row: Row) -> HealthUpdate:
    _, _, source, last_ok, failures, interval, next_attempt, kind, message, action, hint = row
    error = ErrorInfo(ErrorKind(kind), message, action, hint) if kind is not None else None
    return HealthUpdate(SourceHealth(source, last_ok, error, failures, interval, next_attempt))


def environment_from_row(row: Row) -> EnvironmentSnapshot:
    snapshot: EnvironmentSnapshot = from_plain(EnvironmentSnapshot, json.loads(row[4]))
    return snapshot


LOG_EVENT_COLUMNS = "timestamp, message, stream, event_id, ingestion_time, level, late"
"""The columns of schema 1's `log_events` that `log_batch_from_rows` reads, in
`LogEvent`'s order."""
LOG_CHUNK_COLUMNS = "timestamps, messages, streams, event_ids, ingestion_times, levels, late"
"""The columns of `log_chunks` that `log_batch_from_chunk` reads."""
_SEP = "\x00"
_SWAP = sys.byteorder != "little"


def _joined(texts: list[str]) -> str:
    """`texts` joined by NUL; a NUL inside one (only a hand-made update can hold it: the
    sanitiser removes them) is dropped so that the pieces come back as they went."""
    text = _SEP.join(texts)
    if text.count(_SEP) != len(texts) - 1:
        text = _SEP.join([t.replace(_SEP, "") for t in texts])
    return text


def _int_blob(values: list[int]) -> bytes:
    packed = array("q", values)
    if _SWAP:
        packed.byteswap()
    return packed.tobytes()


def _ints(blob: bytes) -> list[int]:
    packed = array("q")
    packed.frombytes(blob)
    if _SWAP:
        packed.byteswap()
    return packed.tolist()


def chunk_is_clean(chunk: Row | None) -> bool:
    """Whether the texts of a `log_chunks` row (its `LOG_CHUNK_COLUMNS`) hold nothing for
    the sanitiser: a pass in C over each, the joins as they are read."""
    if chunk is None:
        return True
    messages, event_ids = chunk[1], chunk[3]
    if not isinstance(messages, str) or not isinstance(event_ids, str):
        return False
    return _printable(messages, _SEP + "\n") and _printable(event_ids, _SEP)


def log_batch_from_chunk(
    batch_row: Row, chunk: Row | None, streams: Mapping[int, str], last: int | None = None
) -> LogBatch:
    """A log batch from its `log_batches` row and its `log_chunks` row's
    `LOG_CHUNK_COLUMNS` (None when it has no events); `last` keeps only the newest events.
    A chunk whose columns do not hold the batch's count of events raises ValueError."""
    component, polled_to, count = batch_row[2], batch_row[3], batch_row[5]
    if not count:
        return LogBatch(component, (), polled_to)
    if chunk is None:
        raise ValueError("a log batch without its events")
    stamps, messages, sids, event_ids, ingested, levels, late = chunk
    columns = (
        _ints(stamps),
        messages.split(_SEP),
        _ints(sids),
        event_ids.split(_SEP),
        _ints(ingested),
        levels.split(_SEP),
        bytes(late),
    )
    if any(len(column) != count for column in columns):
        raise ValueError("a log chunk does not hold its batch's events")
    if last is not None and last < count:
        columns = tuple(column[-last:] for column in columns)  # type: ignore[assignment]
    stream = streams.get
    # One comprehension, no call per event: a seek decodes tens of thousands of them.
    events = tuple(
        [
            LogEvent(component, ts, message, stream(sid, ""), event_id, ingest, level or None,
                     flag == 1)
            for ts, message, sid, event_id, ingest, level, flag in zip(*columns, strict=True)
        ]
    )  # fmt: skip
    return LogBatch(component, events, polled_to)


def log_batch_from_rows(
    batch_row: Row, event_rows: Iterable[Row], streams: Mapping[int, str]
) -> LogBatch:
    """A log batch from its `log_batches` row and its events' `LOG_EVENT_COLUMNS`."""
    component, polled_to = batch_row[2], batch_row[3]
    stream = streams.get
    # One comprehension, no call per event: a seek decodes tens of thousands of them.
    events = tuple(
        [
            LogEvent(component, ts, message, stream(sid, ""), event_id, ingested, level, late == 1)
            for ts, message, sid, event_id, ingested, level, late in event_rows
        ]
    )
    return LogBatch(component, events, polled_to)


def metric_series_row(n: int, snapshot: int, s: MetricSeries) -> Row:
    return (
        n, snapshot, s.key, s.label, s.namespace, s.metric, s.stat, s.unit,
        _json(s.dimensions), _json(s.timestamps), _json(s.values), s.group,
    )  # fmt: skip


def metric_series_from_row(row: Row) -> MetricSeries:
    _, _, key, label, namespace, metric, stat, unit, dims, stamps, values, group = row
    return MetricSeries(
        key, label, namespace, metric, stat, unit,
        tuple((str(a), str(b)) for a, b in json.loads(dims)),
        tuple(float(t) for t in json.loads(stamps)),
        tuple(float(v) for v in json.loads(values)),
        group,
    )  # fmt: skip


def metrics_from_rows(snapshot_row: Row, series_rows: Iterable[Row]) -> MetricsSnapshot:
    _, _, period, start, end, _, _ = snapshot_row
    series = tuple(metric_series_from_row(r) for r in series_rows)
    return MetricsSnapshot(series, period, start, end)


def alarm_row(n: int, snapshot: int, a: Alarm) -> Row:
    return (
        n, snapshot, a.name, a.state, a.reason, a.updated, a.kind, a.namespace, a.metric,
        _json(a.dimensions), a.statistic, a.comparison, a.threshold, a.period, a.rule,
    )  # fmt: skip


def alarm_from_row(row: Row) -> Alarm:
    (_, _, name, state, reason, updated, kind, namespace, metric, dims, statistic, comparison,
     threshold, period, rule) = row  # fmt: skip
    return Alarm(
        name, state, reason, updated, kind, namespace, metric,
        tuple((str(a), str(b)) for a, b in json.loads(dims)),
        statistic, comparison, threshold, period, rule,
    )  # fmt: skip


def alarms_from_rows(alarm_rows: Iterable[Row]) -> AlarmsSnapshot:
    return AlarmsSnapshot(tuple(alarm_from_row(r) for r in alarm_rows))


def alarm_change_from_row(row: Row) -> AlarmChange:
    _, _, at, name, old, new, reason, updated = row
    return AlarmChange(at, name, old, new, reason, updated)


def trail_row(n: int, batch: int, e: TrailEvent) -> Row:
    return (
        n, batch, e.event_id, e.time, e.name, e.user, e.source_ip, e.user_agent,
        None if e.read_only is None else int(e.read_only), e.error_code, e.error_message,
        e.resource, e.requested_name, e.raw, int(e.parsed),
    )  # fmt: skip


def trail_event_from_row(row: Row) -> TrailEvent:
    (_, _, event_id, time, name, user, source_ip, user_agent, read_only, error_code,
     error_message, resource, requested_name, raw, parsed) = row  # fmt: skip
    return TrailEvent(
        event_id, time, name, user, source_ip, user_agent,
        None if read_only is None else bool(read_only), error_code, error_message, resource,
        requested_name, raw, bool(parsed),
    )  # fmt: skip


def trail_from_rows(batch_row: Row, event_rows: Iterable[Row]) -> TrailBatch:
    _, _, older, exhausted, _, _ = batch_row
    events = tuple(trail_event_from_row(r) for r in event_rows)
    return TrailBatch(events, bool(older), bool(exhausted))


def call_row(seq: int, at: float, r: CallRecord) -> Row:
    return (seq, at, r.service, r.operation, r.outcome, r.latency, r.at, r.units)


def call_from_row(row: Row) -> CallRecord:
    _, _, service, operation, outcome, latency, call_at, units = row
    return CallRecord(service, operation, outcome, latency, call_at, units)


def opaque_from_row(row: Row) -> object | None:
    """An opaque update, or None when this version does not know its kind."""
    cls = OPAQUE_KINDS.get(row[2])
    return None if cls is None else from_plain(cls, json.loads(row[3]))


def bookmark_row(b: Bookmark) -> Row:
    return (b.id or None, b.at, b.kind, b.target, b.note, b.text, b.created)


def bookmark_from_row(row: Row) -> Bookmark:
    n, at, kind, target, note, text, created = row
    return Bookmark(at, kind, target, note, text, created, n)


def insert_statement(table: str) -> str:
    marks = ", ".join("?" * COLUMNS[table])
    return f"INSERT INTO {table} VALUES ({marks})"


BULK_TABLES = frozenset({"log_errors"})
"""Tables that take many rows a second (a busy tail's ERROR lines: hundreds) and hold no
blob: written by `bulk_insert_statement`, all rows in one statement."""
BULK_FROM = 8
"""Rows from which a bulk table's rows go in one statement."""


def bulk_insert_statement(table: str) -> str:
    """An INSERT of every row of a JSON array of rows (`bulk_rows`), in one statement:
    SQLite steps through them in C, where `executemany` hands each row across the GIL
    (a writer thread beside a busy event loop pays for every crossing)."""
    values = ", ".join(f"json_extract(value, '$[{i}]')" for i in range(COLUMNS[table]))
    return f"INSERT INTO {table} SELECT {values} FROM json_each(?)"


def bulk_rows(rows: list[Row]) -> str:
    """Rows of strings, integers, floats and None as one JSON array (exact both ways)."""
    return json.dumps(rows, ensure_ascii=False, separators=(",", ":"))
