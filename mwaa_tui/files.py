"""Saving what the user asked to keep: private files that never overwrite."""

from __future__ import annotations

import errno
import os
import re
from datetime import UTC, datetime
from pathlib import Path

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")
_EPOCH_SECONDS = re.compile(r"-(\d{10})$")
"""A name's trailing epoch seconds, as callers used to stamp it."""


def utc_stamp(epoch: float) -> str:
    """`20261201T203012Z`: a moment as a file name shows it, readable and in time order."""
    return datetime.fromtimestamp(epoch, UTC).strftime("%Y%m%dT%H%M%SZ")


def default_directory() -> Path:
    """`$XDG_DATA_HOME/mwaa-tui` (usually `~/.local/share/mwaa-tui`)."""
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "mwaa-tui"


def save_private(directory: Path, name: str, text: str, *, when: float | None = None) -> Path:
    """Write `text` to a new file in `directory` with mode 0600 and return its path.

    With `when` (epoch seconds) the name gets its UTC time before the extension:
    `logs-demo-All.log` becomes `logs-demo-All-20261201T203012Z.log`; a name that ends in
    epoch seconds (`logs-demo-All-1796157012.log`) gets the same form in their place.
    The directory is created 0700 if missing. An existing file is never replaced:
    the name gets a numeric suffix instead. A failed write (a full disk) leaves no
    truncated file behind, and every OSError names the path it failed on.
    """
    _make_directory(directory)
    stem, dot, suffix = _UNSAFE.sub("_", name).strip("._").rpartition(".")
    if not dot:
        stem, suffix = suffix, ""
    stem = _EPOCH_SECONDS.sub(lambda m: "-" + utc_stamp(int(m.group(1))), stem)
    if when is not None:
        stem = f"{stem}-{utc_stamp(when)}"
    ext = f".{suffix}" if suffix else ""
    for n in range(1000):
        candidate = directory / (f"{stem}{ext}" if n == 0 else f"{stem}-{n}{ext}")
        try:
            fd = os.open(candidate, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
        except FileExistsError:
            continue
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                fh.write(text)
        except OSError as exc:
            candidate.unlink(missing_ok=True)
            raise _naming(exc, candidate) from exc
        return candidate
    raise FileExistsError(errno.EEXIST, f"no free file name for {name}", str(directory))


def _make_directory(directory: Path) -> None:
    try:
        directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    except FileExistsError:
        # mkdir says "file exists" when a regular file sits where the directory should be.
        raise NotADirectoryError(
            errno.ENOTDIR, os.strerror(errno.ENOTDIR), str(directory)
        ) from None
    except OSError as exc:
        raise _naming(exc, directory) from exc


def _naming(exc: OSError, path: Path) -> OSError:
    """`exc` with `path` as its file name when it has none (a write reports no path)."""
    if exc.filename is not None or exc.errno is None:
        return exc
    return OSError(exc.errno, exc.strerror or os.strerror(exc.errno), str(path))
