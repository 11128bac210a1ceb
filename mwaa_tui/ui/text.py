"""Turning sanitised strings into Rich `Text` (never markup), and the colours of states,
severities and log lines."""

from __future__ import annotations

import re

from rich.highlighter import Highlighter
from rich.style import Style
from rich.text import Text

from mwaa_tui.core.jsonlog import EXTRAS
from mwaa_tui.core.logview import TAGS
from mwaa_tui.core.sanitize import sanitize

STATE_STYLE = {"ALARM": "bold red", "INSUFFICIENT_DATA": "yellow", "OK": "green"}
STATE_ICON = {"ALARM": "●", "INSUFFICIENT_DATA": "◌", "OK": "●"}
SEVERITY_STYLE = {"ok": "dim", "wait": "dim italic", "warn": "yellow", "error": "bold red"}
ENV_STATUS_STYLE = {
    "AVAILABLE": "bold green",
    "CREATING": "yellow",
    "UPDATING": "yellow",
    "PENDING": "yellow",
    "MAINTENANCE": "yellow",
    "CREATING_SNAPSHOT": "yellow",
    "ROLLING_BACK": "bold red",
    "UPDATE_FAILED": "bold red",
    "CREATE_FAILED": "bold red",
    "UNAVAILABLE": "bold red",
    "DELETING": "red",
    "DELETED": "red",
}


def without_colour(text: Text) -> Text:
    """`text` for a terminal without colour (NO_COLOR, TERM=dumb): a badge (a background,
    or reversed colour) becomes bold reverse, other colours go, bold, dim and the rest
    stay. Greyed, a red badge on a dark bar would be grey on grey."""
    out = Text(text.plain, style=_plain(text.style), justify=text.justify, end=text.end)
    out.no_wrap, out.overflow = text.no_wrap, text.overflow
    for span in text.spans:
        out.stylize(_plain(span.style), span.start, span.end)
    return out


def _plain(style: str | Style) -> Style:
    style = Style.parse(style) if isinstance(style, str) else style
    if style.bgcolor is not None or (style.reverse and style.color is not None):
        return Style(bold=True, reverse=True)
    return Style(
        bold=style.bold,
        dim=style.dim,
        italic=style.italic,
        underline=style.underline,
        strike=style.strike,
        reverse=style.reverse,
    )


def safe(value: object, style: str = "") -> Text:
    """A single-line Text from anything, sanitised again on the way in (cheap, idempotent)."""
    return Text(sanitize(value), style=style, no_wrap=True, end="")


def state_text(state: str) -> Text:
    label = "INSUF" if state == "INSUFFICIENT_DATA" else state
    return Text(f"{STATE_ICON.get(state, '?')} {label}", style=STATE_STYLE.get(state, ""))


TAG_STYLE = {"DAG": "magenta", "Sched": "cyan", "Task": "blue", "Web": "green", "Worker": "yellow"}
"""The colour of each component's tag (`core.logview.TAGS`) in the merged view."""
_TAG_NAMES = "|".join(re.escape(tag) for view, tag in TAGS.items() if view != "All")


class LevelHighlighter(Highlighter):
    """Colours time, component tag and level in lines `core.logview.format_row` wrote."""

    _time = re.compile(r"^\d\d:\d\d:\d\d")
    _tag = re.compile(rf"^(?:\d\d:\d\d:\d\d )?(?:late )?({_TAG_NAMES}) ")
    _late = re.compile(r"^(?:\d\d:\d\d:\d\d )?(late) ")
    _error = re.compile(
        r"\b(ERROR|CRITICAL|FATAL)\b|\[(?:ERROR|CRITICAL)\]|\"level\": ?\"(?:error|critical)\"",
        re.I,
    )
    _warning = re.compile(r"\b(WARNING|WARN)\b|\[WARNING\]|\"level\": ?\"warn(?:ing)?\"", re.I)
    _debug = re.compile(r"\bDEBUG\b")
    _structured = re.compile(
        rf"^(?:[\d:.]+ )?(?:late )?(?:(?:{_TAG_NAMES}) +)?(?:DEBUG|INFO|WARNING|ERROR|CRITICAL) "
    )
    """A JSON line made readable (`core.jsonlog.readable`): its extra keys are dimmed."""

    def highlight(self, text: Text) -> None:
        plain = text.plain
        if plain.lstrip(" ").startswith("│ "):
            text.stylize("dim")
            return
        if m := self._time.match(plain):
            text.stylize("dim", 0, m.end())
        if m := self._late.match(plain):
            text.stylize("bold yellow", m.start(1), m.end(1))
        if m := self._tag.match(plain):
            text.stylize(TAG_STYLE.get(m.group(1), ""), m.start(1), m.end(1))
        if m := self._error.search(plain):
            text.stylize("bold red", m.start(), m.end())
            text.stylize("red", m.end())
        elif m := self._warning.search(plain):
            text.stylize("bold yellow", m.start(), m.end())
        elif m := self._debug.search(plain):
            text.stylize("dim", m.start(), m.end())
        if (m := self._structured.match(plain)) and (at := plain.find(EXTRAS, m.end())) >= 0:
            text.stylize("dim", at)
