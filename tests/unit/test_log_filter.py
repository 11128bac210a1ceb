"""The level threshold over a view's rows: a line without a level goes with the last
levelled line of its stream, and the label says so; task attempts' outcomes."""

from __future__ import annotations

from mwaa_tui.core.logview import LogFilter, RowFilter, compile_matcher, filter_rows
from mwaa_tui.core.snapshots import LogEvent, LogRow
from mwaa_tui.core.tasklogs import TaskAttempt, attempt_state, failed, retried


def row(t: int, component: str, stream: str, message: str, level: str | None) -> LogRow:
    return LogEvent(component, t, message, stream, f"{stream}-{t}", level=level).row()


TASK = "dag_id=etl/run_id=r/task_id=load/attempt=1.log"
ROWS = [
    row(1, "WebServer", "web", '10.0.0.1 - - "GET /health HTTP/1.1" 200', None),
    row(2, "Task", TASK, "{taskinstance.py:1} INFO - Starting attempt 1 of 3", "INFO"),
    row(3, "Task", TASK, "{taskinstance.py:1} ERROR - Task failed with exception", "ERROR"),
    row(4, "Task", TASK, "Traceback (most recent call last):", None),
    row(5, "WebServer", "web", '10.0.0.2 - - "GET /home HTTP/1.1" 200', None),
    row(6, "Task", TASK, '  File "sensor.py", line 9, in poke', None),
    row(7, "Task", TASK, "{taskinstance.py:1} INFO - Marking task as UP_FOR_RETRY", "INFO"),
    row(8, "Task", TASK, "  a line after the INFO one", None),
]


def messages(rows: list[LogRow]) -> list[str]:
    return [r[2] for r in rows]


def test_at_error_a_tracebacks_lines_stay_with_their_error_and_access_lines_go() -> None:
    shown = messages(filter_rows(ROWS, LogFilter(level="ERROR"), None))
    assert shown == [
        "{taskinstance.py:1} ERROR - Task failed with exception",
        "Traceback (most recent call last):",
        '  File "sensor.py", line 9, in poke',
    ]
    # WARNING: the same; without a threshold every line.
    assert messages(filter_rows(ROWS, LogFilter(level="WARNING"), None)) == shown
    assert len(filter_rows(ROWS, LogFilter(), None)) == len(ROWS)


def test_each_stream_is_followed_on_its_own() -> None:
    rows = [
        row(1, "Task", "a", "ERROR - boom", "ERROR"),
        row(2, "Task", "b", "continued in another stream", None),
        row(3, "Worker", "a", "same stream name, another component", None),
        row(4, "Task", "a", "continued in its own stream", None),
    ]
    assert messages(filter_rows(rows, LogFilter(level="ERROR"), None)) == [
        "ERROR - boom",
        "continued in its own stream",
    ]


def test_the_text_filter_still_applies_line_by_line_under_a_threshold() -> None:
    matcher, _ = compile_matcher("sensor")
    shown = filter_rows(ROWS, LogFilter("sensor", "ERROR"), matcher)
    assert messages(shown) == ['  File "sensor.py", line 9, in poke']


def test_counting_what_waits_remembers_nothing() -> None:
    keep = RowFilter(LogFilter(level="ERROR"))
    assert not keep.peek(ROWS[3])  # its stream has shown no level yet
    assert keep(ROWS[2]) and keep.peek(ROWS[3])
    assert not keep.peek(ROWS[6]) and keep.peek(ROWS[3])  # peeking at the INFO line kept ERROR
    assert not keep(ROWS[6]) and not keep.peek(ROWS[3])


def test_the_label_says_where_lines_without_a_level_go() -> None:
    assert LogFilter(level="ERROR").describe() == (
        "ERROR and above + the unlevelled lines that follow them"
    )
    assert LogFilter("boom").describe() == "/boom"


def test_an_attempt_up_for_retry_is_not_a_failure() -> None:
    base = TaskAttempt("s", "d", "r", "t", 1)
    retry = TaskAttempt("s", "d", "r", "t", 1, has_errors=True, retried=True)
    failure = TaskAttempt("s", "d", "r", "t", 2, has_errors=True)
    assert [attempt_state(a) for a in (base, retry, failure)] == [
        "",
        "up for retry",
        "ERROR lines",
    ]
    assert failed([base, retry, failure]) == 1 and retried([base, retry, failure]) == 1
