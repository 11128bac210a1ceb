"""The one sanitiser against a hostile corpus."""

from __future__ import annotations

import pytest
from rich.text import Text

from mwaa_tui.core.sanitize import sanitize, sanitize_lines

HOSTILE = {
    "csi clear screen": "before\x1b[2Jafter",
    "csi colour": "\x1b[31mred\x1b[0m",
    "csi cursor report": "x\x1b[6ny",
    "osc title bel": "\x1b]0;pwned\x07visible",
    "osc title st": "\x1b]2;pwned\x1b\\visible",
    "osc 8 hyperlink": "\x1b]8;;https://evil.example\x1b\\click\x1b]8;;\x1b\\",
    "dcs": "\x1bP1$r0m\x1b\\ok",
    "c1 csi": "a\x9b31mb",
    "c1 osc": "a\x9d0;title\x07b",
    "lone esc": "trailing\x1b",
    "nul and bell": "a\x00b\x07c",
    "backspace overwrite": "safe\x08\x08\x08\x08evil",
    "carriage return overwrite": "ok\rEVIL",
    "bidi override": "abc\u202edcba",
    "delete": "a\x7fb",
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_no_escape_or_control_survives(name: str) -> None:
    out = sanitize(HOSTILE[name])
    assert "\x1b" not in out
    assert not any(ord(c) < 0x20 or 0x7F <= ord(c) <= 0x9F for c in out), repr(out)
    assert "\u202e" not in out


def test_visible_text_is_kept() -> None:
    assert sanitize("before\x1b[2Jafter") == "beforeafter"
    assert sanitize("\x1b]0;pwned\x07visible") == "visible"
    assert sanitize("\x1b]8;;https://evil.example\x1b\\click\x1b]8;;\x1b\\") == "click"
    assert sanitize("\x1b[31mred\x1b[0m") == "red"


@pytest.mark.parametrize(
    "markup", ["[bold red]evil[/]", "[link=https://evil.example]x[/link]", "[admin]", "[/]"]
)
def test_markup_stays_literal_text(markup: str) -> None:
    # The sanitiser leaves brackets alone; widgets get Text, which never parses markup.
    out = sanitize(markup)
    assert out == markup
    assert Text(out).plain == markup
    assert not Text(out).spans


def test_single_line_fields_lose_newlines_and_tabs() -> None:
    assert sanitize("a\nb\tc") == "a b c"


def test_multiline_keeps_lines_and_expands_tabs() -> None:
    assert sanitize_lines("a\n\tb\r\nc") == ["a", "    b", "c"]


def test_huge_line_is_cut_with_a_count() -> None:
    out = sanitize("x" * 200_000, max_chars=1000)
    assert out.startswith("x" * 1000)
    assert out.endswith("[199000 more characters]")


def test_wide_and_rtl_text_pass_unchanged() -> None:
    for s in ("日本語のログ 🚀", "שלום עולם", "مرحبا"):
        assert sanitize(s) == s


def test_non_strings_and_none() -> None:
    assert sanitize(None) == ""
    assert sanitize(42) == "42"
