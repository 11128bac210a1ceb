"""Reading a recording: checked on open, indexed in memory, decoded on demand.

Opening reads every update's header row (a few tens of thousands an hour: log batches,
not log lines) into an in-memory index ordered by `seq`; a batch's log lines (one row, or
a row per line in a schema-1 file), series, alarms and CloudTrail events are read when an
update is emitted. A file that is not a
recording, or from a newer version, is refused with one line (`RecordingError`). A file
cut short is read up to where it is readable, and `damaged` says where that is.
"""

from __future__ import annotations

import bisect
import contextlib
import sqlite3
import struct
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

from mwaa_tui.capture.recorder import RecordingError
from mwaa_tui.core.format import stamp
from mwaa_tui.core.recording import (
    ERROR_LEVELS,
    FORMAT,
    LEGACY_SCHEMA,
    LOG_CHUNK_COLUMNS,
    LOG_EVENT_COLUMNS,
    PACKED_SCHEMA,
    SCHEMA,
    SCHEMA_VERSION,
    AlarmChange,
    Bookmark,
    Row,
    alarm_change_from_row,
    alarm_from_row,
    alarms_from_rows,
    bookmark_from_row,
    call_from_row,
    chunk_is_clean,
    environment_from_row,
    health_from_row,
    log_batch_from_chunk,
    log_batch_from_rows,
    metrics_from_rows,
    opaque_from_row,
    scrub,
    trail_event_from_row,
    trail_from_rows,
)
from mwaa_tui.core.report import ErrorLine, LogCounts, ReportInput, SeriesPoints
from mwaa_tui.core.sanitize import sanitize
from mwaa_tui.core.snapshots import (
    Alarm,
    CallRecord,
    EnvironmentSnapshot,
    LogBatch,
    MetricsSnapshot,
    TrailEvent,
)
from mwaa_tui.core.timeline import Marker, build_markers

SQLITE_MAGIC = b"SQLite format 3\x00"

# table: (kind, columns read into the index)
_INDEXED: dict[str, tuple[str, str]] = {
    "environments": ("environment", "seq, at, name, status"),
    "log_batches": ("logs", "*"),
    "metric_snapshots": ("metrics", "*"),
    "alarm_snapshots": ("alarms", "*"),
    "trail_batches": ("trail", "*"),
    "health": ("health", "*"),
    "airflow": ("airflow", "seq, at, kind"),
    "calls": ("calls", "*"),
}
_CHILDREN = {
    "logs": ("log_events", 4, 5),
    "metrics": ("metric_series", 5, 6),
    "alarms": ("alarm_states", 2, 3),
    "trail": ("trail_events", 4, 5),
}
"""Kind: (child table, column of the first child id, column of the count) in its row; for
log batches, schema 1's (from 2 on, a batch's events are one `log_chunks` row, its seq)."""
_CHUNK = 2000


class Damaged(Exception):
    """The file could not be read past this point while replaying."""

    def __init__(self, at: float, reason: str) -> None:
        super().__init__(reason)
        self.at = at


@dataclass(frozen=True, slots=True)
class Entry:
    """One recorded update in the index: its order, receive time, kind and header row."""

    seq: int
    at: float
    kind: str
    row: Row

    @property
    def key(self) -> str:
        """What a newer update of the same kind replaces: the source of a health update,
        the component of a log batch, the kind of an opaque one."""
        if self.kind in ("health", "logs"):
            return str(self.row[2])
        if self.kind == "airflow":
            return str(self.row[2])
        return ""


def _connect(path: Path, *, cut: bool) -> sqlite3.Connection:
    """Read-only, never creating the file; read-only directories work too (immutable)."""
    uri = f"file:{quote(str(path.resolve()))}"
    for options in ("mode=ro", "mode=ro&immutable=1"):
        db = sqlite3.connect(f"{uri}?{options}", uri=True)
        try:
            if cut:
                # SQLite refuses a file shorter than its header says, unless told to take the
                # file's own size; the pages that are left can then be read.
                db.execute("PRAGMA writable_schema=ON")
            db.execute("SELECT 1 FROM sqlite_master LIMIT 1").fetchall()
            return db
        except sqlite3.OperationalError as exc:
            db.close()
            if "unable to open" not in str(exc):
                raise
        except BaseException:
            db.close()
            raise
    raise sqlite3.OperationalError("unable to open database file")


def _cut_short(path: Path) -> bool:
    """The SQLite header promises more pages than the file has (no WAL to supply them)."""
    if path.with_name(path.name + "-wal").exists():
        return False
    try:
        with path.open("rb") as fh:
            header = fh.read(100)
        size = path.stat().st_size
    except OSError:
        return False
    if len(header) < 100:
        return True
    (page_size,) = struct.unpack(">H", header[16:18])
    page_size = 65536 if page_size == 1 else page_size
    (pages,) = struct.unpack(">I", header[28:32])
    return bool(pages > 0 and size < pages * page_size)


class Recording:
    """A recording opened for reading; bookmarks can be added to it."""

    def __init__(self, path: Path, db: sqlite3.Connection, meta: dict[str, str]) -> None:
        self.path = path
        self.db = db
        self.meta = meta
        self.environment = sanitize(meta.get("environment", ""))
        self.region = sanitize(meta.get("region", ""))
        self.redacted = meta.get("redacted", "yes") != "no"
        self.started = _float(meta.get("started"), 0.0)
        self.packed = int(meta.get("schema", "1")) >= PACKED_SCHEMA
        """Log events a batch to a row (`log_chunks`), not a row per line (schema 1)."""
        self.damaged = ""
        """Where a damaged file stops being readable, in one line ("" when it is whole)."""
        self.salvaged = False
        """Read from the rows rescued from a damaged file (see `capture.salvage`)."""
        self.entries: list[Entry] = []
        self.ats: list[float] = []
        self.by_kind: dict[str, list[Entry]] = defaultdict(list)
        self.by_key: dict[tuple[str, str], list[Entry]] = defaultdict(list)
        self._ats: dict[object, list[float]] = {}
        self.streams: dict[int, str] = {}
        self._markers: tuple[Marker, ...] | None = None
        self._calls: list[CallRecord] | None = None

    # -- opening ---------------------------------------------------------------------------

    @classmethod
    def open(cls, path: Path | str) -> Recording:
        """Open and index a recording; `RecordingError` with one line when it cannot be."""
        path = Path(path)
        if not path.exists():
            raise RecordingError(f"{path}: no such file")
        if path.is_dir():
            raise RecordingError(f"{path} is a directory, not a recording")
        try:
            with path.open("rb") as fh:
                magic = fh.read(len(SQLITE_MAGIC))
        except OSError as exc:
            raise RecordingError(f"cannot read {path}: {exc.strerror}") from None
        if magic != SQLITE_MAGIC:
            raise RecordingError(f"{path} is not an mwaa-tui recording")
        cut = _cut_short(path)
        try:
            db = _connect(path, cut=cut)
        except sqlite3.DatabaseError as exc:
            raise RecordingError(
                f"{path} is not an mwaa-tui recording, or is damaged ({sanitize(exc)})"
            ) from None
        except sqlite3.Error as exc:
            raise RecordingError(f"cannot read {path}: {sanitize(exc)}") from None
        try:
            meta = cls._meta(path, db)
            recording = cls(path, db, meta)
            if cut or not recording._index():
                recording._salvage()
        except BaseException:
            db.close()
            raise
        return recording

    @staticmethod
    def _meta(path: Path, db: sqlite3.Connection) -> dict[str, str]:
        try:
            tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
            if "meta" not in tables:
                raise RecordingError(f"{path} is not an mwaa-tui recording")
            meta = {str(k): str(v) for k, v in db.execute("SELECT key, value FROM meta")}
        except sqlite3.Error:
            raise RecordingError(f"{path} is not an mwaa-tui recording (or is damaged)") from None
        if meta.get("format") != FORMAT:
            raise RecordingError(f"{path} is not an mwaa-tui recording")
        try:
            schema = int(meta.get("schema", ""))
        except ValueError:
            raise RecordingError(f"{path} is not an mwaa-tui recording (no schema)") from None
        if schema > SCHEMA_VERSION:
            raise RecordingError(
                f"{path} was written by a newer mwaa-tui (recording schema {schema}; this "
                f"version reads up to {SCHEMA_VERSION}): upgrade mwaa-tui to open it"
            )
        return meta

    def _index(self) -> bool:
        """Read every update's header row into the index; False if some could not be read
        (the file is damaged), True when all was there."""
        entries: list[Entry] = []
        whole = True
        for table, (kind, columns) in _INDEXED.items():
            rows, broken = self._read_all(f"SELECT {columns} FROM {table} ORDER BY seq")
            entries += [Entry(r[0], r[1], kind, r) for r in rows]
            whole &= not broken
        stream_rows, broken = self._read_all("SELECT id, name FROM streams")
        self.streams = {int(i): sanitize(n) for i, n in stream_rows}
        whole &= not broken
        entries.sort(key=lambda e: e.seq)
        for kind, (_, _, count_col) in _CHILDREN.items():
            own = [e for e in entries if e.kind == kind and e.row[count_col]]
            if own and not self._children_readable(own[-1]):
                whole = False
        if self.salvaged:
            complete = [e for e in entries if self._complete(e)]
            top = entries[-1].seq if entries else 0
            kept = {e.seq for e in complete}
            missing = [seq for seq in range(1, top + 1) if seq not in kept]
            tail = tail_start(missing, top)
            entries = [e for e in complete if e.seq < tail]
            last = entries[-1] if entries else None
            lost = sum(1 for seq in missing if seq < tail)
            self.damaged = (
                f"{self.path} is damaged (cut short?): readable up to "
                f"{stamp(last.at if last else self.started)}"
                + (f"; {lost:,} earlier updates are lost" if lost else "")
            )
        self.entries = entries
        self.ats = [e.at for e in entries]
        self._calls = self._markers = None
        self.by_kind.clear()
        self.by_key.clear()
        for e in entries:
            self.by_kind[e.kind].append(e)
            if e.kind in ("health", "logs", "airflow"):
                self.by_key[(e.kind, e.key)].append(e)
        self._ats = {kind: [e.at for e in es] for kind, es in self.by_kind.items()}
        self._ats.update({key: [e.at for e in es] for key, es in self.by_key.items()})
        return whole

    def _salvage(self) -> None:
        """Rescue the rows of a damaged file into a private temporary database (deleted on
        close) and index those, up to the first update that is not all there."""
        from mwaa_tui.capture.salvage import salvage

        rescued = sqlite3.connect("")
        try:
            for statement in (SCHEMA + LEGACY_SCHEMA).split(";"):
                if statement.strip():
                    rescued.execute(statement)
            salvage(self.path, rescued)
        except (OSError, sqlite3.Error) as exc:
            rescued.close()
            raise RecordingError(
                f"{self.path} is damaged beyond reading: {sanitize(exc)}"
            ) from None
        self.db.close()
        self.db = rescued
        self.salvaged = True
        self._index()

    def _child_rows(self, e: Entry) -> tuple[str, tuple[int, ...], int] | None:
        """Where the child rows of `e` are (a table and condition, its parameters) and how
        many there are, or None when it has none."""
        found = _CHILDREN.get(e.kind)
        if found is None or not e.row[found[2]]:
            return None
        if e.kind == "logs" and self.packed:
            return "log_chunks WHERE batch = ?", (e.seq,), 1
        child, first_col, count_col = found
        first, count = e.row[first_col], e.row[count_col]
        return f"{child} WHERE id BETWEEN ? AND ?", (first, first + count - 1), int(count)

    def _complete(self, e: Entry) -> bool:
        """Whether every child row of `e` is there (a rescued file can lack some)."""
        found = self._child_rows(e)
        if found is None:
            return True
        where, params, count = found
        (present,) = self.db.execute(f"SELECT count(*) FROM {where}", params).fetchone()
        return bool(present == count)

    def _read_all(self, sql: str, params: tuple[Any, ...] = ()) -> tuple[list[Row], bool]:
        """The rows of `sql` up to the first unreadable one; and whether there was one."""
        rows: list[Row] = []
        try:
            cursor = self.db.execute(sql, params)
            while chunk := cursor.fetchmany(_CHUNK):
                rows += chunk
        except sqlite3.DatabaseError:
            return rows, True
        return rows, False

    def _children_readable(self, e: Entry) -> bool:
        found = self._child_rows(e)
        if found is None:
            return True
        where, params, count = found
        try:
            rows = self.db.execute(f"SELECT * FROM {where}", params).fetchall()
        except sqlite3.DatabaseError:
            return False
        return len(rows) == count

    def close(self) -> None:
        with contextlib.suppress(sqlite3.Error):
            self.db.close()

    def __enter__(self) -> Recording:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- what is in it ---------------------------------------------------------------------

    @property
    def start(self) -> float:
        return self.ats[0] if self.ats else self.started

    @property
    def end(self) -> float:
        return self.ats[-1] if self.ats else self.started

    def counts(self) -> dict[str, int]:
        """Updates per kind, and log lines."""
        out = {kind: len(es) for kind, es in sorted(self.by_kind.items())}
        out["log lines"] = sum(e.row[5] for e in self.by_kind.get("logs", ()))
        return out

    def first_environment(self) -> EnvironmentSnapshot | None:
        """The environment as first recorded: what the header paints before anything plays."""
        found = self.by_kind.get("environment")
        if not found:
            return None
        update = self.update(found[0])
        return update if isinstance(update, EnvironmentSnapshot) else None

    def summary(self) -> list[str]:
        """A few lines about the recording, for `mwaa-tui replay` and the sources screen."""
        counts = self.counts()
        span = self.end - self.start
        lines = [
            f"recording of {self.environment or '?'}"
            + (f" in {self.region}" if self.region else "")
            + f": {stamp(self.start)} to {stamp(self.end)} ({span / 60:.1f} min)",
            f"log lines: {counts.get('log lines', 0):,} (in {counts.get('logs', 0):,} polls); "
            f"metric snapshots: {counts.get('metrics', 0)}; alarm snapshots: "
            f"{counts.get('alarms', 0)}; CloudTrail batches: {counts.get('trail', 0)}; "
            f"health updates: {counts.get('health', 0)}; API calls: {counts.get('calls', 0):,}",
        ]
        by_kind: dict[str, int] = defaultdict(int)
        for m in self.markers():
            by_kind[m.kind] += 1
        lines.append(
            f"markers: alarm changes {by_kind['alarm']}, CloudTrail errors {by_kind['trail']}, "
            f"bursts of ERROR lines {by_kind['error']}, bookmarks {by_kind['bookmark']}"
        )
        lines.append("secrets masked" if self.redacted else "recorded with --no-redact")
        if self.damaged:
            lines.append(self.damaged)
        return [sanitize(line) for line in lines]

    # -- decoding ----------------------------------------------------------------------------

    def _children(self, e: Entry) -> list[Row]:
        child, first_col, count_col = _CHILDREN[e.kind]
        first, count = e.row[first_col], e.row[count_col]
        if not count:
            return []
        return self.db.execute(
            f"SELECT * FROM {child} WHERE id BETWEEN ? AND ? ORDER BY id",
            (first, first + count - 1),
        ).fetchall()

    def update(self, e: Entry, *, last_events: int | None = None) -> object | None:
        """The update of one index entry, sanitised (a file can come from anyone); None for
        an opaque kind this version does not know. `last_events` keeps only a log batch's
        newest events. Raises `Damaged` if its rows cannot be read."""
        try:
            update = self._decode(e, last_events)
            if e.kind == "logs" and self.packed:
                return update  # checked as it was read
            scrubbed: object | None = scrub(update, redact_secrets=False)
            return scrubbed
        except sqlite3.DatabaseError as exc:
            raise Damaged(e.at, sanitize(exc)) from None
        except (TypeError, ValueError, KeyError, AttributeError, IndexError) as exc:
            # Rows that decode to nonsense: a damaged or doctored file, not a bug to show.
            raise Damaged(
                e.at, f"a row of {e.kind} does not decode ({type(exc).__name__})"
            ) from None

    def _decode(self, e: Entry, last_events: int | None) -> object | None:
        kind = e.kind
        if kind == "logs" and self.packed:
            chunk = (
                self.db.execute(
                    f"SELECT {LOG_CHUNK_COLUMNS} FROM log_chunks WHERE batch = ?", (e.seq,)
                ).fetchone()
                if e.row[5]
                else None
            )
            batch = log_batch_from_chunk(e.row, chunk, self.streams, last_events)
            if chunk_is_clean(chunk) and batch.component.isprintable():
                return batch  # the common case: the texts checked as they were read
            cleaned: LogBatch = scrub(batch, redact_secrets=False)
            return cleaned
        if kind == "logs":
            first, count = e.row[4], e.row[5]
            if last_events is not None and last_events < count:
                first, count = first + count - last_events, last_events
            rows = (
                self.db.execute(
                    f"SELECT {LOG_EVENT_COLUMNS} FROM log_events WHERE id BETWEEN ? AND ? "
                    "ORDER BY id",
                    (first, first + count - 1),
                ).fetchall()
                if count
                else []
            )
            return log_batch_from_rows(e.row, rows, self.streams)
        if kind == "health":
            return health_from_row(e.row)
        if kind == "calls":
            return call_from_row(e.row)
        if kind == "metrics":
            return metrics_from_rows(e.row, self._children(e))
        if kind == "alarms":
            return alarms_from_rows(self._children(e))
        if kind == "trail":
            return trail_from_rows(e.row, self._children(e))
        if kind == "environment":
            row = self.db.execute("SELECT * FROM environments WHERE seq = ?", (e.seq,)).fetchone()
            return environment_from_row(row)
        if kind == "airflow":
            row = self.db.execute("SELECT * FROM airflow WHERE seq = ?", (e.seq,)).fetchone()
            return opaque_from_row(row)
        return None

    # -- time --------------------------------------------------------------------------------

    def position(self, at: float) -> int:
        """How many entries were received at or before `at`."""
        return bisect.bisect_right(self.ats, at)

    def state_entries(self, at: float, buffer_lines: int) -> list[tuple[Entry, int | None]]:
        """What rebuilds the screen at `at`, in recorded order: the latest environment,
        metrics and alarms; the latest health of each source and the latest state of each
        opaque kind; every CloudTrail batch; and per component the newest log batches that
        fill a pane's buffer of `buffer_lines` (the oldest of them cut to fit). Each entry
        comes with how many of its newest events to keep (None: all)."""
        chosen: list[tuple[Entry, int | None]] = []
        for kind in ("environment", "metrics", "alarms"):
            i = bisect.bisect_right(self._ats.get(kind, []), at)
            if i:
                chosen.append((self.by_kind[kind][i - 1], None))
        for key, entries in self.by_key.items():
            i = bisect.bisect_right(self._ats[key], at)
            if key[0] != "logs":
                if i:
                    chosen.append((entries[i - 1], None))
                continue
            left = buffer_lines
            while i > 0 and left > 0:
                i -= 1
                count = entries[i].row[5]
                if count:
                    chosen.append((entries[i], left if count > left else None))
                    left -= count
        i = bisect.bisect_right(self._ats.get("trail", []), at)
        chosen += [(e, None) for e in self.by_kind.get("trail", [])[:i]]
        chosen.sort(key=lambda pair: pair[0].seq)
        return chosen

    def calls_between(self, lo: float, hi: float) -> list[CallRecord]:
        if self._calls is None:  # decoded once: a seek hands over an hour of them
            self._calls = [call_from_row(e.row) for e in self.by_kind.get("calls", [])]
        ats = self._ats.get("calls", [])
        first, last = bisect.bisect_left(ats, lo), bisect.bisect_right(ats, hi)
        return self._calls[first:last]

    # -- markers and bookmarks -------------------------------------------------------------

    def alarm_changes(
        self, lo: float = float("-inf"), hi: float = float("inf")
    ) -> list[AlarmChange]:
        rows, _ = self._read_all(
            "SELECT * FROM alarm_changes WHERE at BETWEEN ? AND ? ORDER BY id",
            (lo, min(hi, self.end)),
        )
        return [alarm_change_from_row(r) for r in rows]

    def trail_errors(self) -> list[tuple[float, TrailEvent]]:
        """(Receive time, event) of every recorded CloudTrail event with an error."""
        received = {e.seq: e.at for e in self.by_kind.get("trail", [])}
        rows, _ = self._read_all("SELECT * FROM trail_events WHERE error_code != '' ORDER BY id")
        return [
            (received[r[1]], scrub(trail_event_from_row(r), redact_secrets=False))
            for r in rows
            if r[1] in received
        ]

    def bookmarks(self) -> list[Bookmark]:
        rows, _ = self._read_all("SELECT * FROM bookmarks ORDER BY at, id")
        return [scrub(bookmark_from_row(r), redact_secrets=False) for r in rows]

    def markers(self) -> tuple[Marker, ...]:
        """Alarm changes, CloudTrail errors, bookmarks and bursts of ERROR lines, in time
        order (computed once, and again after a bookmark is added)."""
        if self._markers is None:
            errors = [(e.at, str(e.row[2]), int(e.row[6])) for e in self.by_kind.get("logs", [])]
            self._markers = build_markers(
                self.alarm_changes(), self.trail_errors(), self.bookmarks(), errors
            )
        return self._markers

    def add_bookmark(
        self,
        at: float,
        kind: str,
        target: str = "",
        note: str = "",
        text: str = "",
        *,
        clock: Callable[[], float] = time.time,
    ) -> Bookmark:
        """Store a bookmark in the file (replay's `m`); `RecordingError` if it cannot be."""
        bookmark = scrub(
            Bookmark(at, kind, target, note, text, clock()), redact_secrets=self.redacted
        )
        try:
            db = sqlite3.connect(self.path, timeout=5)
            try:
                with db:
                    cursor = db.execute(
                        "INSERT INTO bookmarks VALUES (NULL, ?, ?, ?, ?, ?, ?)",
                        (bookmark.at, bookmark.kind, bookmark.target, bookmark.note,
                         bookmark.text, bookmark.created),
                    )  # fmt: skip
                    new_id = cursor.lastrowid or 0
            finally:
                db.close()
        except sqlite3.Error as exc:
            raise RecordingError(
                f"cannot add the bookmark to {self.path}: {sanitize(exc)}"
            ) from None
        self._markers = None
        return Bookmark(
            bookmark.at, bookmark.kind, bookmark.target, bookmark.note, bookmark.text,
            bookmark.created, new_id,
        )  # fmt: skip

    # -- the report --------------------------------------------------------------------------

    def _last_event_id(self, at: float) -> int:
        """The id of the newest log event received at or before `at` (0: none)."""
        logs = self.by_kind.get("logs", [])
        i = bisect.bisect_right(self._ats.get("logs", []), at)
        while i > 0:
            i -= 1
            if logs[i].row[5]:
                return int(logs[i].row[4] + logs[i].row[5] - 1)
        return 0

    def bookmark_line(self, b: Bookmark) -> str:
        """The line a bookmark marks: its own text, else the log line it names."""
        if b.text or b.kind != "log":
            return b.text
        component, _, event_id = b.target.partition(":")
        if not event_id:
            return ""
        if self.packed:
            return self._packed_line(component, event_id, b.at)
        rows, _ = self._read_all(
            "SELECT message FROM log_events WHERE id <= ? AND event_id = ? ORDER BY id DESC "
            "LIMIT 1",
            (self._last_event_id(b.at), event_id),
        )
        return sanitize(rows[0][0], multiline=True) if rows else ""

    def _packed_line(self, component: str, event_id: str, at: float) -> str:
        """The newest line of `component` with `event_id` received at or before `at`."""
        key = ("logs", component)
        batches = self.by_key.get(key, [])
        for e in reversed(batches[: bisect.bisect_right(self._ats.get(key, []), at)]):
            if not e.row[5]:
                continue
            rows, _ = self._read_all(
                "SELECT event_ids, messages FROM log_chunks WHERE batch = ?", (e.seq,)
            )
            if not rows or not isinstance(rows[0][0], str) or event_id not in rows[0][0]:
                continue
            ids, messages = str(rows[0][0]).split("\x00"), str(rows[0][1]).split("\x00")
            if event_id in ids and len(ids) == len(messages):
                where = len(ids) - 1 - ids[::-1].index(event_id)
                return sanitize(messages[where], multiline=True)
        return ""

    def report_input(self, lo: float, hi: float) -> ReportInput:
        """Everything the report needs for the window [`lo`, `hi`]: what the monitor received
        in it (a CloudTrail event fetched in the window counts, whenever it happened; the
        timeline shows each at its own time)."""
        env_entries = [e for e in self.by_kind.get("environment", []) if e.at <= hi]
        snapshot = self.update(env_entries[-1]) if env_entries else None
        alarms_before = [e for e in self.by_kind.get("alarms", []) if e.at <= lo]
        alarming: tuple[Alarm, ...] = ()
        if alarms_before:
            rows = self._children(alarms_before[-1])
            alarming = tuple(a for a in (alarm_from_row(r) for r in rows) if a.state == "ALARM")
        trail = tuple(e for at, e in self.trail_errors() if lo <= at <= hi)
        bookmarks = tuple((b, self.bookmark_line(b)) for b in self.bookmarks() if lo <= b.at <= hi)
        counts: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
        batches = [e for e in self.by_kind.get("logs", []) if lo <= e.at <= hi]
        for e in batches:
            c = counts[str(e.row[2])]
            c[0] += e.row[5]
            c[1] += e.row[6]
            c[2] += e.row[7]
        error_lines: list[ErrorLine] = []
        with_errors = [e for e in batches if e.row[6]]
        if with_errors:
            firsts = [int(e.row[4]) for e in with_errors]
            levels = ", ".join(f"'{level}'" for level in ERROR_LEVELS)
            errors = (
                "log_errors WHERE" if self.packed else f"log_events WHERE level IN ({levels}) AND"
            )
            rows, _ = self._read_all(
                f"SELECT id, timestamp, message FROM {errors} id BETWEEN ? AND ? ORDER BY id",
                (firsts[0], with_errors[-1].row[4] + with_errors[-1].row[5] - 1),
            )
            for event_id, timestamp, message in rows:
                i = bisect.bisect_right(firsts, event_id) - 1
                if i < 0:
                    continue
                batch = with_errors[i]
                if event_id < batch.row[4] + batch.row[5]:
                    error_lines.append(ErrorLine(str(batch.row[2]), timestamp, message))
        return ReportInput(
            environment=self.environment,
            region=self.region,
            window=(lo, hi),
            recording=(self.start, self.end),
            snapshot=snapshot if isinstance(snapshot, EnvironmentSnapshot) else None,
            alarm_changes=tuple(self.alarm_changes(lo, hi)),
            alarming_at_start=alarming,
            trail_errors=trail,
            bookmarks=bookmarks,
            logs={k: LogCounts(*v) for k, v in counts.items()},
            error_lines=tuple(error_lines),
            metrics=self._metric_points(lo, hi),
            calls=tuple(self.calls_between(lo, hi)),
            redacted=self.redacted,
            damaged=self.damaged,
        )

    def _metric_points(self, lo: float, hi: float) -> tuple[SeriesPoints, ...]:
        points: dict[str, dict[float, float]] = {}
        about: dict[str, tuple[str, str, str, str]] = {}
        for e in self.by_kind.get("metrics", []):
            if not lo <= e.at <= hi:
                continue
            update = self.update(e)
            if not isinstance(update, MetricsSnapshot):
                continue
            for s in update.series:
                about[s.key] = (s.label, s.metric, s.stat, s.unit)
                merged = points.setdefault(s.key, {})
                # A point is its period's start: one that overlaps the window counts.
                for t, v in zip(s.timestamps, s.values, strict=False):
                    if lo - update.period < t <= hi:
                        merged[t] = v
        out = []
        for key, (label, metric, stat, unit) in about.items():
            pts = sorted(points[key].items())
            out.append(
                SeriesPoints(
                    label, metric, stat, unit, tuple(t for t, _ in pts), tuple(v for _, v in pts)
                )
            )
        return tuple(out)

    def iter_updates(self, start: int, stop: int) -> Iterator[tuple[Entry, object]]:
        """Entries [start, stop) with their updates (opaque kinds unknown here skipped)."""
        for e in self.entries[start:stop]:
            update = self.update(e)
            if update is not None:
                yield e, update


LOSS_WINDOW = 200
"""Updates looked at together to tell where a rescued file's readable part ends."""


def tail_start(missing: list[int], top: int) -> int:
    """The first update (by seq) of the part lost to a cut, given the sorted seqs missing
    from 1 to `top`: the first missing one from which at least half of the next
    `LOSS_WINDOW` are missing too. A table's first page moves to wherever the file ends
    when that page fills (SQLite moves a root's rows down a level), so a cut file also
    lacks a few scattered early updates; those are lost, but the replay goes on past them.
    Past the cut only stragglers remain: the newest rows of slow tables, whose page was
    allocated before it."""
    j = 0
    for i, seq in enumerate(missing):
        high = min(seq + LOSS_WINDOW, top + 1)
        while j < len(missing) and missing[j] < high:
            j += 1
        if (j - i) * 2 >= high - seq:
            return seq
    return top + 1


def _float(text: str | None, default: float) -> float:
    try:
        return float(text) if text is not None else default
    except ValueError:
        return default
