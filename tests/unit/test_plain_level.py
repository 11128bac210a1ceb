"""`mwaa-tui logs --level`: lines without a level go with their stream's last levelled line,
as on screen (a traceback stays with its ERROR; access lines stay out at ERROR)."""

from __future__ import annotations

import io
import os
from pathlib import Path

from mwaa_tui.core.logview import LogFilter
from mwaa_tui.core.snapshots import LogEvent
from mwaa_tui.plain import Printer
from mwaa_tui.settings import PlainOptions


def test_lines_without_a_level_follow_their_streams_last_level() -> None:
    out = io.StringIO()
    options = PlainOptions(
        components=("Worker", "WebServer"), filter=LogFilter("", "ERROR"), fields=()
    )
    printer = Printer(options, out)
    printer.write(
        [
            LogEvent("WebServer", 1, '10.0.0.1 - "GET /health HTTP/1.1" 200', "web", "a"),
            LogEvent("Worker", 2, "INFO - starting", "w1", "b", level="INFO"),
            LogEvent("Worker", 3, "ERROR - Task failed", "w1", "c", level="ERROR"),
            LogEvent("Worker", 4, "Traceback (most recent call last):", "w1", "d"),
            LogEvent("Worker", 5, "  boom", "w2", "e"),  # another stream: nothing says ERROR
            LogEvent("Worker", 6, "INFO - next", "w1", "f", level="INFO"),
            LogEvent("Worker", 7, "  after INFO", "w1", "g"),
        ]
    )
    assert out.getvalue().splitlines() == [
        "ERROR - Task failed",
        "Traceback (most recent call last):",
    ]


def test_a_reader_gone_is_noticed_without_a_write_and_a_file_never_looks_gone(
    tmp_path: Path,
) -> None:
    options = PlainOptions(components=("Worker",), filter=LogFilter("", ""), fields=())
    read_end, write_end = os.pipe()
    with os.fdopen(write_end, "w") as pipe, (tmp_path / "out.log").open("w") as file:
        to_pipe, to_file, to_buffer = (
            Printer(options, pipe),
            Printer(options, file),
            Printer(options, io.StringIO()),
        )
        for printer in (to_pipe, to_file, to_buffer):
            printer.check_reader()
            assert not printer.closed.is_set()
        os.close(read_end)  # `head` exits
        for printer in (to_pipe, to_file, to_buffer):
            printer.check_reader()
        assert to_pipe.closed.is_set()
        assert not to_file.closed.is_set() and not to_buffer.closed.is_set()
