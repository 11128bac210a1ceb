"""A recording's timeline: its markers, and the times a user types for a window or a seek."""

from __future__ import annotations

import bisect
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from mwaa_tui.core.format import parse_duration
from mwaa_tui.core.recording import AlarmChange, Bookmark
from mwaa_tui.core.sanitize import sanitize
from mwaa_tui.core.snapshots import TrailEvent

ERROR_BURST_GAP = 30.0
"""ERROR lines of one component less than this many seconds after the previous ones belong
to the same burst, which is one marker: a failing task writes them for minutes, and a
marker every poll would make "next marker" crawl."""
PREVIOUS_GRACE = 1.0
""""Previous" from just past a marker goes to the one before it, as in a media player."""

MARKER_KINDS = ("alarm", "trail", "bookmark", "error")


@dataclass(frozen=True, slots=True)
class Marker:
    at: float
    """The receive time to seek to: the moment the thing reached the screen."""
    kind: str
    """`alarm` (a state change), `trail` (a CloudTrail error), `bookmark`, `error` (ERROR
    lines)."""
    label: str


def build_markers(
    changes: Iterable[AlarmChange],
    trail_errors: Iterable[tuple[float, TrailEvent]],
    bookmarks: Iterable[Bookmark],
    error_batches: Iterable[tuple[float, str, int]],
) -> tuple[Marker, ...]:
    """Every marker, in time order. `trail_errors` are (receive time, event); `error_batches`
    are (receive time, component, ERROR lines) of the log batches that had any."""
    out = [
        Marker(c.at, "alarm", sanitize(f"{c.name}: {c.old_state} → {c.new_state}")) for c in changes
    ]
    out += [
        Marker(at, "trail", sanitize(f"{e.name} {e.error_code} ({e.user})"))
        for at, e in trail_errors
        if e.error_code
    ]
    out += [
        Marker(b.at, "bookmark", sanitize(b.note or f"{b.kind} {b.target}".strip()))
        for b in bookmarks
    ]
    last_error: dict[str, float] = {}
    for at, component, count in sorted(error_batches):
        if count <= 0:
            continue
        previous = last_error.get(component)
        last_error[component] = at
        if previous is not None and at - previous < ERROR_BURST_GAP:
            continue
        noun = "line" if count == 1 else "lines"
        out.append(Marker(at, "error", sanitize(f"{component}: {count} ERROR {noun}")))
    order = {kind: i for i, kind in enumerate(MARKER_KINDS)}
    out.sort(key=lambda m: (m.at, order.get(m.kind, 9)))
    return tuple(out)


def next_marker(markers: Sequence[Marker], at: float) -> Marker | None:
    """The first marker after `at`."""
    i = bisect.bisect_right([m.at for m in markers], at)
    return markers[i] if i < len(markers) else None


def previous_marker(markers: Sequence[Marker], at: float) -> Marker | None:
    """The last marker before `at` (more than `PREVIOUS_GRACE` before it)."""
    i = bisect.bisect_left([m.at for m in markers], at - PREVIOUS_GRACE)
    return markers[i - 1] if i > 0 else None


# -- typed times ------------------------------------------------------------------------------

_CLOCK = re.compile(r"^(\d{1,2}):(\d{2})(?::(\d{2}))?$")

TIME_HELP = "HH:MM (UTC), an ISO 8601 time, or a duration before the end such as 30m"


def parse_moment(text: str, *, start: float, end: float) -> float:
    """Epoch seconds for what a user typed about a recording from `start` to `end`:
    `HH:MM[:SS]` (UTC, on the recording's day that puts it inside it), an ISO 8601 time
    (UTC unless it says otherwise), or a duration (`30m`) before the end. The ValueError's
    message is for the user."""
    raw = text.strip()
    clock = _CLOCK.match(raw)
    if clock:
        hour, minute, second = int(clock[1]), int(clock[2]), int(clock[3] or 0)
        if hour > 23 or minute > 59 or second > 59:
            raise ValueError(f"{sanitize(text)!r} is not a time of day")
        return _on_recording_day(hour, minute, second, start, end)
    if "-" in raw[1:] or "T" in raw:
        try:
            moment = datetime.fromisoformat(raw.replace("z", "Z").replace("Z", "+00:00"))
        except ValueError:
            raise ValueError(f"{sanitize(text)!r} is not a time: use {TIME_HELP}") from None
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        return moment.timestamp()
    try:
        return end - parse_duration(raw)
    except ValueError:
        raise ValueError(f"{sanitize(text)!r} is not a time: use {TIME_HELP}") from None


SEEK_HELP = f"{TIME_HELP}; or -5m / +5m from here"


def seek_target(text: str, *, start: float, end: float, position: float) -> float:
    """Where a replay's seek goes for what the user typed: `-5m` and `+30s` move from
    `position`; anything else is a `parse_moment`. Always within [`start`, `end`]."""
    raw = text.strip()
    if raw[:1] in ("-", "+"):
        try:
            step = parse_duration(raw[1:])
        except ValueError:
            raise ValueError(f"{sanitize(text)!r} is not a time: use {SEEK_HELP}") from None
        at = position - step if raw[0] == "-" else position + step
    else:
        try:
            at = parse_moment(raw, start=start, end=end)
        except ValueError:
            raise ValueError(f"{sanitize(text)!r} is not a time: use {SEEK_HELP}") from None
    return min(max(at, start), end)


def _on_recording_day(hour: int, minute: int, second: int, start: float, end: float) -> float:
    first = datetime.fromtimestamp(start, UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    days = max(0, math.ceil((end - first.timestamp()) / 86400))
    candidates = [
        (first + timedelta(days=d)).replace(hour=hour, minute=minute, second=second).timestamp()
        for d in range(days + 1)
    ]
    # Typed to the minute, a start of 11:00:23 is still "11:00".
    floor = start - start % 60
    for c in candidates:
        if floor <= c <= end:
            return c
    return min(candidates, key=lambda c: min(abs(c - start), abs(c - end)))


def window(
    start: float, end: float, since: str | None = None, until: str | None = None
) -> tuple[float, float]:
    """The report's window within a recording from `start` to `end`."""
    lo = parse_moment(since, start=start, end=end) if since else start
    hi = parse_moment(until, start=start, end=end) if until else end
    lo, hi = max(lo, start), min(hi, end)
    if lo > hi or (lo == hi and start != end):
        raise ValueError(
            "the window is empty: the recording runs from "
            f"{_stamp(start)} to {_stamp(end)}, and --from must come before --to"
        )
    return lo, hi


def _stamp(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m-%d %H:%M:%SZ")


MARKER_GLYPHS = {"alarm": "▲", "trail": "◆", "bookmark": "★", "error": "!"}


def track(start: float, end: float, position: float, markers: Iterable[Marker], width: int) -> str:
    """The replay's timeline as `width` characters: `─` with a glyph per marker (the first
    kind of `MARKER_KINDS` wins a cell) and `●` at the position."""
    width = max(width, 1)
    cells = ["─"] * width
    span = end - start

    def cell(at: float) -> int:
        if span <= 0:
            return width - 1
        return min(width - 1, max(0, int((at - start) / span * width)))

    rank = {kind: i for i, kind in enumerate(MARKER_KINDS)}
    best: dict[int, int] = {}
    for m in markers:
        i = cell(m.at)
        r = rank.get(m.kind, len(MARKER_KINDS))
        if i not in best or r < best[i]:
            best[i] = r
            cells[i] = MARKER_GLYPHS.get(m.kind, "·")
    cells[cell(position)] = "●"
    return "".join(cells)
