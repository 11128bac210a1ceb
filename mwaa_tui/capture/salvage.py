"""Rows rescued from a recording cut short, read from its pages without SQLite's b-trees.

SQLite reaches a table's rows through interior pages, and a growing table moves its upper
levels to pages allocated late: a file cut at half its length can leave rows from its first
minute unreachable, although every leaf page holding them is intact. Recordings only ever
append, so their leaf pages lie in time order; this reads every table leaf page that is
there (following overflow chains), decodes its records (the file format's serial types),
and tells the tables apart by the shape of their rows. What it finds goes into another
database with the same schema, where the reader carries on as with any recording.
"""

from __future__ import annotations

import os
import sqlite3
import struct
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from mwaa_tui.core.recording import COLUMNS, insert_statement

TABLE_LEAF = 0x0D
_SIZES = (0, 1, 2, 3, 4, 6, 8)

# Per column: n = the rowid (stored as NULL), i = integer, r = number, t = text, b = blob,
# and upper case for "or NULL". REAL columns store integral values as integers, so r takes
# both. `log_events` is schema 1's (a row per log line).
SHAPES: dict[str, str] = {
    "meta": "tt",
    "environments": "nrttt",
    "streams": "nt",
    "log_batches": "nrtiiiii",
    "log_chunks": "nbtbtbtb",
    "log_errors": "niitt",
    "log_events": "niititiTi",
    "metric_snapshots": "nrirrii",
    "metric_series": "nitttttttttt",
    "alarm_snapshots": "nrii",
    "alarm_states": "nitttRttttttRIt",
    "alarm_changes": "nirttttR",
    "trail_batches": "nriiii",
    "trail_events": "nitrttttIttttti",
    "health": "nrtRirRTttt",
    "airflow": "nrtt",
    "calls": "nrtttrri",
    "bookmarks": "nrttttr",
}


def _fits(code: str, value: Any) -> bool:
    if value is None:
        return code in "nTRI"
    kind = code.lower()
    if kind == "t":
        return isinstance(value, str)
    if kind == "i":
        return isinstance(value, int)
    if kind == "r":
        return isinstance(value, int | float)
    if kind == "b":
        return isinstance(value, bytes)
    return False


def classify(values: list[Any]) -> str | None:
    """Which table a record with these values belongs to, by its shape."""
    for table, shape in SHAPES.items():
        if len(shape) == len(values) and all(map(_fits, shape, values)):
            return table
    return None


def _varint(buf: bytes, i: int) -> tuple[int, int]:
    value = 0
    for _ in range(8):
        byte = buf[i]
        i += 1
        value = (value << 7) | (byte & 0x7F)
        if byte < 0x80:
            return value, i
    return (value << 8) | buf[i], i + 1


def decode_record(payload: bytes) -> list[Any]:
    """A record's values (text as UTF-8, the only encoding a recording is written in)."""
    header_size, i = _varint(payload, 0)
    types = []
    while i < header_size:
        serial, i = _varint(payload, i)
        types.append(serial)
    pos = header_size
    values: list[Any] = []
    for serial in types:
        if serial == 0:
            values.append(None)
        elif serial <= 6:
            size = _SIZES[serial]
            values.append(int.from_bytes(payload[pos : pos + size], "big", signed=True))
            pos += size
        elif serial == 7:
            values.append(struct.unpack(">d", payload[pos : pos + 8])[0])
            pos += 8
        elif serial in (8, 9):
            values.append(serial - 8)
        elif serial >= 12:
            size = (serial - 12) // 2
            chunk = payload[pos : pos + size]
            values.append(chunk.decode("utf-8") if serial % 2 else bytes(chunk))
            pos += size
        else:
            raise ValueError("reserved serial type")
    if pos > len(payload):
        raise ValueError("record runs past its payload")
    return values


class _Pages:
    def __init__(self, fd: int, page_size: int, pages: int) -> None:
        self.fd = fd
        self.page_size = page_size
        self.pages = pages

    def read(self, number: int) -> bytes | None:
        """Page `number` (from 1), or None when the file does not hold all of it."""
        if not 1 <= number <= self.pages:
            return None
        data = os.pread(self.fd, self.page_size, (number - 1) * self.page_size)
        return data if len(data) == self.page_size else None


def _cells(pages: _Pages, number: int, page: bytes, usable: int) -> Iterator[tuple[int, bytes]]:
    start = 100 if number == 1 else 0
    if page[start] != TABLE_LEAF:
        return
    count = int.from_bytes(page[start + 3 : start + 5], "big")
    most = usable - 35
    least = (usable - 12) * 32 // 255 - 23
    for k in range(count):
        try:
            at = start + 8 + 2 * k
            pointer = int.from_bytes(page[at : at + 2], "big")
            size, i = _varint(page, pointer)
            rowid, i = _varint(page, i)
            if size <= most:
                payload = page[i : i + size]
            else:
                local = least + (size - least) % (usable - 4)
                local = local if local <= most else least
                buf = bytearray(page[i : i + local])
                following = int.from_bytes(page[i + local : i + local + 4], "big")
                seen = 0
                while len(buf) < size:
                    overflow = pages.read(following)
                    seen += 1
                    if overflow is None or seen > pages.pages:
                        raise ValueError("overflow chain cut short")
                    following = int.from_bytes(overflow[:4], "big")
                    buf += overflow[4:usable]
                payload = bytes(buf[:size])
            if len(payload) == size:
                yield rowid, payload
        except (IndexError, ValueError):
            continue


def salvage(path: Path, target: sqlite3.Connection) -> int:
    """Copy every row found on the table leaf pages of `path` into `target`, a database
    with the recording schema. Returns how many rows were found."""
    fd = os.open(path, os.O_RDONLY)
    try:
        header = os.pread(fd, 100, 0)
        (page_size,) = struct.unpack(">H", header[16:18])
        page_size = 65536 if page_size == 1 else page_size
        usable = page_size - header[20]
        pages = _Pages(fd, page_size, os.fstat(fd).st_size // page_size)
        rows: dict[str, list[tuple[Any, ...]]] = {table: [] for table in SHAPES}
        found = 0
        for number in range(2, pages.pages + 1):  # page 1 is the schema
            page = pages.read(number)
            if page is None or page[0] != TABLE_LEAF:
                continue
            for rowid, payload in _cells(pages, number, page, usable):
                try:
                    values = decode_record(payload)
                except (IndexError, ValueError, UnicodeDecodeError):
                    continue
                table = classify(values)
                if table is None:
                    continue
                if SHAPES[table][0] == "n":
                    values[0] = rowid
                rows[table].append(tuple(values))
                found += 1
        for table, table_rows in rows.items():
            if not table_rows:
                continue
            insert = (
                insert_statement(table)
                if table in COLUMNS
                else f"INSERT INTO {table} VALUES (?, ?)"
            )
            target.executemany(insert.replace("INSERT", "INSERT OR REPLACE", 1), table_rows)
        target.commit()
        return found
    finally:
        os.close(fd)
