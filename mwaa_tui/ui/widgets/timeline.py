"""What the status line and the header show of a recording or a replay: `● REC 1.2 MB`,
the replay's timeline (position, speed, markers) and the header's REPLAY badge."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from rich.text import Text

from mwaa_tui.core.format import clock_time, stamp
from mwaa_tui.core.timeline import MARKER_GLYPHS, Marker, track

if TYPE_CHECKING:
    from mwaa_tui.capture.replay import ReplayStatus

GLYPH_STYLE = {
    MARKER_GLYPHS["alarm"]: "bold red",
    MARKER_GLYPHS["trail"]: "bold magenta",
    MARKER_GLYPHS["bookmark"]: "bold yellow",
    MARKER_GLYPHS["error"]: "red",
    "●": "bold reverse",
}
BADGE_STYLE = "bold white on dark_magenta"


def recording_badge(text: str) -> Text:
    """`● REC 1.2 MB` in red, or nothing."""
    out = Text()
    if text:
        out.append(f" {text} ", style="bold white on red")
        out.append(" ")
    return out


def track_width(columns: int) -> int:
    """Cells of the timeline for a status line `columns` wide: a third of it, 12 to 80."""
    return max(12, min(80, columns // 3))


def replay_lead(status: ReplayStatus, markers: Iterable[Marker], columns: int) -> Text:
    """`▶ 10x 12:03:04 ─▲──●──★─ 12:09:57` to start the status line."""
    out = Text(no_wrap=True, overflow="ellipsis")
    if status.finished:
        out.append(" ■ END ", style=BADGE_STYLE)
    elif status.paused:
        out.append(f" ‖ {status.speed:g}× PAUSED ", style=BADGE_STYLE)
    else:
        out.append(f" ▶ {status.speed:g}× ", style=BADGE_STYLE)
    out.append(f" {clock_time(status.position)} ", style="bold")
    line = track(status.start, status.end, status.position, markers, track_width(columns))
    for glyph in line:
        out.append(glyph, style=GLYPH_STYLE.get(glyph, "dim"))
    out.append(f" {clock_time(status.end)} ", style="dim")
    if status.stopped:
        out.append(f" {status.stopped} ", style="bold yellow")
    out.append(" │", style="dim")
    return out


def replay_badge(name: str, position: float) -> str:
    """The header's words after REPLAY: the recording's file and the moment shown."""
    short = name if len(name) <= 40 else name[:39] + "…"
    return f"{short} · {stamp(position)}"
