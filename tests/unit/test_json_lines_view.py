"""Airflow 3's JSON task-log lines in the log views: one readable line (time, level,
event, the extra keys dimmed), and the filter on a field (`level:error`)."""

from __future__ import annotations

import json

from rich.text import Text

from mwaa_tui.core.levels import parse_level
from mwaa_tui.core.logview import LogFilter, compile_matcher, format_row, row_shown
from mwaa_tui.core.snapshots import LogEvent
from mwaa_tui.ui.text import LevelHighlighter

T0 = 1_764_072_000.0


STRUCTURED = json.dumps(
    {
        "timestamp": "2025-11-25T11:59:40.123456Z",
        "level": "error",
        "event": "Task failed with exception [bold]x[/bold]",
        "logger": "airflow.task",
        "chan": "stderr",
    },
    separators=(",", ":"),
)


def event(message: str, component: str = "Task") -> LogEvent:
    return LogEvent(component, int(T0 * 1000) - 20_000, message, level=parse_level(message))


def test_json_lines_are_one_readable_line_with_the_extras_dimmed() -> None:
    row = event(STRUCTURED).row()
    (line,) = format_row(row, tag=True)
    assert line == (
        "11:59:40 Task   ERROR Task failed with exception [bold]x[/bold]"
        " · logger=airflow.task chan=stderr"
    )
    # With the view's times off, the line's own time (to the millisecond) stays.
    (bare,) = format_row(row, tag=False, times="off")
    assert bare.startswith("11:59:40.123 ERROR Task failed")
    text = Text(line)
    LevelHighlighter().highlight(text)
    extras = line.index(" · logger")
    styles_after = {str(s.style) for s in text.spans if s.start <= extras < s.end}
    assert any("dim" in s for s in styles_after)
    assert any("bold red" in str(s.style) for s in text.spans if s.start == line.index("ERROR"))
    # Markup in the event is text, never markup.
    assert "[bold]x[/bold]" in text.plain


def test_the_filter_matches_a_field_of_json_lines() -> None:
    info = json.dumps({"timestamp": "t", "level": "info", "event": "fine", "logger": "airflow.x"})
    rows = [event(STRUCTURED).row(), event(info).row(), event("ERROR - a text line").row()]
    for text, wanted in (
        ("level:error", [True, False, False]),
        ("logger:airflow.task", [True, False, False]),
        ("fine", [False, True, False]),
    ):
        matcher, error = compile_matcher(text)
        assert error == "" and matcher is not None
        assert [row_shown(r, LogFilter(text), matcher) for r in rows] == wanted, text
    assert compile_matcher("level:loud")[1].startswith("unknown level")
