"""The one sanitiser for every string that comes from AWS.

Log lines, alarm names, CloudTrail fields and error messages are untrusted.
Escape sequences must never reach the terminal and control characters must
never reach a widget. Rich markup is left as literal text here: widgets receive
the result as `Text`/`Content`, never as markup.
"""

from __future__ import annotations

import re

# ESC-introduced sequences: CSI, OSC/DCS/SOS/PM/APC strings (to BEL or ST), and
# two-character escapes. An unterminated string swallows the rest of the text,
# which is what a terminal would do too.
_ESCAPES = re.compile(
    r"""
      \x1b\[[0-?]*[ -/]*[@-~]?              # CSI
    | \x1b[\]PX^_].*?(?:\x07|\x1b\\|\x9c|$)  # OSC, DCS, SOS, PM, APC
    | \x1b[ -/]*[0-~]?                      # nF / Fp / Fe / Fs escapes, lone ESC
    """,
    re.VERBOSE | re.DOTALL,
)
# C1 string introducers (8-bit OSC, DCS, ...) up to their terminator.
_C1_STRINGS = re.compile(r"[\x90\x98\x9d\x9e\x9f].*?(?:\x07|\x9c|$)", re.DOTALL)
# 8-bit CSI with its parameters.
_C1_CSI = re.compile(r"\x9b[0-?]*[ -/]*[@-~]?")
# Remaining C0 (but tab and newline), DEL, C1, and bidi overrides that can
# reorder what the reader sees ("Trojan Source").
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")

DEFAULT_MAX_CHARS = 64 * 1024


def sanitize(text: object, *, multiline: bool = False, max_chars: int = DEFAULT_MAX_CHARS) -> str:
    """Return `text` with escapes and controls removed, safe to draw.

    Single-line fields (names, table cells) get newlines and tabs turned into
    spaces. Text longer than `max_chars` is cut with a marker saying how much.
    """
    if text is None:
        return ""
    s = text if isinstance(text, str) else str(text)
    # Fast path: nothing to strip (isprintable is False for every control, C1 and bidi
    # character, and for tab and newline, which take the long way).
    if len(s) <= max_chars and s.isprintable():
        return s
    if len(s) > max_chars:
        cut = len(s) - max_chars
        s = s[:max_chars]
        suffix = f" … [{cut} more characters]"
    else:
        suffix = ""
    if "\x1b" in s:
        s = _ESCAPES.sub("", s)
    s = _C1_STRINGS.sub("", s)
    s = _C1_CSI.sub("", s)
    s = s.replace("\r\n", "\n").replace("\r", "\n")
    s = _CONTROLS.sub("", s)
    s = s.expandtabs(4) if multiline else s.replace("\t", " ").replace("\n", " ")
    return s + suffix


def sanitize_lines(text: object, *, max_chars: int = DEFAULT_MAX_CHARS) -> list[str]:
    """Sanitise a possibly multi-line message and split it into display lines."""
    return sanitize(text, multiline=True, max_chars=max_chars).rstrip("\n").split("\n")
