"""Writing a recording: every update the pollers emit, with its receive time.

`record()` only queues (it runs on the app's emit path); a writer thread scrubs, encodes
and commits the queue about every second, so a crash or a lost SSH session loses at most
the last second, and the event loop never waits on the disk. The writer shares the app's
process and its GIL, so what it does per log line is kept to a few C passes: a batch
that its log poller redacted (`LogBatch.redacted`) is checked, not redacted again, and a
batch is one row (see `mwaa_tui.core.recording`), not one per line.
A write that fails (a full disk, a file-size limit, a vanished file system) stops the
recording with one message, handed to `on_stop` once on the caller's next call;
monitoring goes on.
"""

from __future__ import annotations

import contextlib
import os
import re
import sqlite3
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from pathlib import Path

from mwaa_tui import __version__
from mwaa_tui.core.recording import (
    BULK_FROM,
    BULK_TABLES,
    COLUMNS,
    FORMAT,
    SCHEMA,
    SCHEMA_VERSION,
    Bookmark,
    CallCursor,
    Encoder,
    Row,
    bookmark_row,
    bulk_insert_statement,
    bulk_rows,
    insert_statement,
    recordable,
    scrub,
)
from mwaa_tui.core.sanitize import sanitize
from mwaa_tui.core.snapshots import CallRecord
from mwaa_tui.files import default_directory

COMMIT_EVERY = 1.0
"""Seconds between commits: what a crash can lose."""

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


class RecordingError(Exception):
    """A recording that cannot be started or read, in one plain line for the user."""


def default_recording_path(
    environment: str, *, now: float | None = None, base: Path | None = None
) -> Path:
    """`$XDG_DATA_HOME/mwaa-tui/recordings/mwaa-tui-<env>-<UTC timestamp>.sqlite`, with a
    numeric suffix if that name is taken; the directory is created 0700."""
    directory = (base or default_directory()) / "recordings"
    try:
        directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    except FileExistsError:
        raise RecordingError(f"cannot record to {directory}: not a directory") from None
    except OSError as exc:
        raise RecordingError(f"cannot record to {directory}: {_reason(exc)}") from None
    stamp = datetime.fromtimestamp(time.time() if now is None else now, UTC)
    env = _UNSAFE.sub("_", environment).strip("._") or "environment"
    stem = f"mwaa-tui-{env}-{stamp:%Y%m%dT%H%M%SZ}"
    for n in range(1000):
        candidate = directory / (f"{stem}.sqlite" if n == 0 else f"{stem}-{n}.sqlite")
        if not os.path.lexists(candidate):
            return candidate
    raise RecordingError(f"no free recording name in {directory}")


def check_new_recording(path: Path) -> str | None:
    """Why a recording cannot be created at `path` (it exists, or its directory does not),
    or None. Creating it can still fail; this is for a clear line before anything starts."""
    if os.path.lexists(path):
        return f"{path} exists: a recording never overwrites a file"
    parent = path.parent
    if not parent.exists():
        return f"no directory {parent} for {path}"
    if not parent.is_dir():
        return f"{parent} is not a directory"
    return None


def _reason(exc: BaseException) -> str:
    """What went wrong, in words: the OS's or SQLite's, without a traceback."""
    if isinstance(exc, OSError) and exc.errno is not None:
        return exc.strerror or os.strerror(exc.errno)
    if isinstance(exc, sqlite3.Error):
        code = getattr(exc, "sqlite_errorname", "")
        if code == "SQLITE_FULL":
            return "the disk is full"
        return sanitize(str(exc)) or code or "write failed"
    return sanitize(f"{type(exc).__name__}: {exc}")


def create_private_file(path: Path) -> None:
    """Create `path` empty with mode 0600, failing if anything is there already."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
    os.close(fd)


class Recorder:
    """Records updates to a new file at `path`; see the module's docstring.

    Construction creates the file (0600, never over an existing one) and raises
    `RecordingError` if it cannot; after that no method raises.
    """

    def __init__(
        self,
        path: Path,
        environment: str,
        *,
        redact: bool = True,
        region: str = "",
        started: float | None = None,
        commit_every: float = COMMIT_EVERY,
        on_stop: Callable[[str], None] | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.path = Path(path)
        self.environment = environment
        self.redact = redact
        self.commit_every = commit_every
        self.on_stop = on_stop
        self.clock = clock
        self.started = clock() if started is None else started
        self.failure: str | None = None
        """Why the recording stopped early, once it has."""
        self.skipped = 0
        """Updates of kinds that are not recorded."""
        self.recorded = 0
        """Updates committed to the file."""
        self._told = False
        self._closed = False
        self._seq = 0
        self._last_at = float("-inf")
        self._pending: deque[tuple[int, float, object] | threading.Event] = deque()
        self._encoder = Encoder()
        self._calls = CallCursor()
        self._wake = threading.Event()
        self._closing = False
        self._size = 0
        self._bulk = True
        """Whether this SQLite has JSON, for `bulk_insert_statement`."""
        self._db = self._create(region)
        self._thread = threading.Thread(target=self._run, name="recorder", daemon=True)
        self._thread.start()

    # -- the caller's side -----------------------------------------------------------------

    @property
    def active(self) -> bool:
        return not self._closed and self.failure is None

    def record(self, update: object, received_at: float) -> None:
        """Queue one update received at `received_at` (epoch seconds). Never raises."""
        if self.failure is not None or self._closed:
            self._tell()
            return
        if not recordable(update):
            self.skipped += 1
            return
        # Receive times never go backwards in a file, even if the wall clock does.
        at = received_at if received_at > self._last_at else self._last_at
        self._last_at = at
        self._seq += 1
        self._pending.append((self._seq, at, update))

    def record_calls(self, records: Iterable[CallRecord], received_at: float) -> None:
        """Record the client layer's calls among `records` not recorded before: hand it
        `gateway.stats.recent(now)` every few seconds (calls are not poller updates)."""
        for rec in self._calls.take(records):
            self.record(rec, received_at)

    def bookmark(
        self, at: float, kind: str, target: str = "", note: str = "", text: str = ""
    ) -> None:
        """Mark the moment `at` (a receive time), e.g. a log line (`log_target`), an alarm or
        a CloudTrail event, with an optional note and the marked line as shown."""
        if self.failure is not None or self._closed:
            self._tell()
            return
        self._pending.append((0, at, Bookmark(at, kind, target, note, text, self.clock())))

    def flush(self, timeout: float = 10.0) -> bool:
        """Commit what is queued now; True once it is on disk (False if the recording
        stopped or the write did not finish in `timeout`)."""
        if self.failure is not None or self._closed:
            self._tell()
            return False
        done = threading.Event()
        self._pending.append(done)
        self._wake.set()
        deadline = time.monotonic() + timeout
        # The writer may stop between the check above and the append: do not wait for it.
        while not (finished := done.wait(0.05)):
            if not self._thread.is_alive() or time.monotonic() > deadline:
                break
        self._tell()
        return finished and self.failure is None

    def size_bytes(self) -> int:
        """The file's size with its write-ahead log, for `● REC 12 MB`."""
        total = 0
        for p in (self.path, self.path.with_name(self.path.name + "-wal")):
            with contextlib.suppress(OSError):
                total += p.stat().st_size
        self._size = total or self._size
        self._tell()
        return self._size

    def close(self) -> None:
        """Write what is queued, fold the write-ahead log into the file, and close it."""
        if self._closed:
            return
        self._closing = True
        self._wake.set()
        self._thread.join(timeout=30)
        self._closed = True
        if self._thread.is_alive():
            # Still writing after half a minute: leave the connection to the writer thread.
            self.failure = self.failure or f"recording stopped: {self.path} did not keep up"
            self._tell()
            return
        if self.failure is None:
            try:
                with self._db:
                    self._db.execute(
                        "INSERT OR REPLACE INTO meta VALUES ('ended', ?)",
                        (repr(self._last_at if self.recorded else self.started),),
                    )
                self._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
                # A finished recording is one self-contained file, readable anywhere.
                with contextlib.suppress(sqlite3.OperationalError):
                    self._db.execute("PRAGMA journal_mode=DELETE")
            except (sqlite3.Error, OSError) as exc:
                self._fail(exc)
        with contextlib.suppress(sqlite3.Error):
            self._db.close()
        self._tell()

    def _tell(self) -> None:
        if self.failure is not None and not self._told:
            self._told = True
            if self.on_stop is not None:
                self.on_stop(self.failure)

    # -- the file ----------------------------------------------------------------------------

    def _create(self, region: str) -> sqlite3.Connection:
        problem = check_new_recording(self.path)
        if problem:
            raise RecordingError(f"cannot record: {problem}")
        try:
            create_private_file(self.path)
        except OSError as exc:
            raise RecordingError(f"cannot record to {self.path}: {_reason(exc)}") from None
        try:
            db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
            try:
                db.execute("PRAGMA journal_mode=WAL")
                # Commits reach the OS (safe from a crash of this process) without an fsync.
                db.execute("PRAGMA synchronous=NORMAL")
                db.execute("PRAGMA busy_timeout=2000")
                db.execute("BEGIN")
                for statement in SCHEMA.split(";"):
                    if statement.strip():
                        db.execute(statement)
                meta = {
                    "format": FORMAT,
                    "schema": str(SCHEMA_VERSION),
                    "environment": sanitize(self.environment),
                    "region": sanitize(region),
                    "started": repr(self.started),
                    "redacted": "yes" if self.redact else "no",
                    "version": __version__,
                }
                db.executemany("INSERT INTO meta VALUES (?, ?)", meta.items())
                db.execute("COMMIT")
            except BaseException:
                db.close()
                raise
        except (sqlite3.Error, OSError) as exc:
            # The file is ours (O_EXCL): a recording that never started leaves nothing.
            for suffix in ("", "-wal", "-shm"):
                with contextlib.suppress(OSError):
                    self.path.with_name(self.path.name + suffix).unlink()
            raise RecordingError(f"cannot record to {self.path}: {_reason(exc)}") from None
        return db

    def _run(self) -> None:
        while True:
            self._wake.wait(self.commit_every)
            self._wake.clear()
            closing = self._closing
            try:
                self._write()
            except Exception as exc:  # a bug must not take the monitor down with it
                self._fail(exc)
            if closing or self.failure is not None:
                self._release()
                return

    def _release(self) -> None:
        """Wake every `flush()` still waiting; what is queued after a failure is dropped."""
        while self._pending:
            item = self._pending.popleft()
            if isinstance(item, threading.Event):
                item.set()

    def _write(self) -> None:
        items: list[tuple[int, float, object]] = []
        flushes: list[threading.Event] = []
        pending = self._pending
        while pending:
            item = pending.popleft()
            if isinstance(item, threading.Event):
                flushes.append(item)
            else:
                items.append(item)
        try:
            if items and self.failure is None:
                self._commit(items)
        finally:
            for done in flushes:
                done.set()

    def _commit(self, items: list[tuple[int, float, object]]) -> None:
        rows: dict[str, list[Row]] = {}
        encoded = 0
        for seq, at, update in items:
            if isinstance(update, Bookmark):
                rows.setdefault("bookmarks", []).append(
                    bookmark_row(scrub(update, redact_secrets=self.redact))
                )
                continue
            try:
                clean = scrub(update, redact_secrets=self.redact)
                found = self._encoder.encode(seq, at, clean)
            except (TypeError, ValueError, AttributeError, KeyError):
                found = None  # a kind this version cannot write: skip it, keep the rest
            if found is None:
                self.skipped += 1
                continue
            encoded += 1
            for table, table_rows in found.items():
                rows.setdefault(table, []).extend(table_rows)
        try:
            self._db.execute("BEGIN")
            for table in COLUMNS:
                if rows.get(table):
                    self._insert(table, rows[table])
            self._db.execute("COMMIT")
        except (sqlite3.Error, OSError) as exc:
            with contextlib.suppress(sqlite3.Error):
                self._db.execute("ROLLBACK")
            self._fail(exc)
            return
        self.recorded += encoded

    def _insert(self, table: str, rows: list[Row]) -> None:
        if self._bulk and table in BULK_TABLES and len(rows) >= BULK_FROM:
            try:
                self._db.execute(bulk_insert_statement(table), (bulk_rows(rows),))
                return
            except sqlite3.OperationalError as exc:
                if "no such function" not in str(exc):
                    raise
                self._bulk = False  # an SQLite built without JSON: a row at a time
        self._db.executemany(insert_statement(table), rows)

    def _fail(self, exc: BaseException) -> None:
        if self.failure is None:
            self.failure = f"recording stopped: cannot write {self.path}: {_reason(exc)}"


def write_private(path: Path, text: str) -> None:
    """Write `text` to a new file at `path` (0600, never over an existing one); a failed
    write leaves no file behind."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
    except OSError:
        path.unlink(missing_ok=True)
        raise
