"""What the panes draw, kept out of the widgets: the monitor's state, the CloudTrail store,
the pausable log buffer, keyed row diffs and the log views' line format."""

from __future__ import annotations

from mwaa_tui.core.diff import diff_rows
from mwaa_tui.core.logstate import LogBuffer
from mwaa_tui.core.logview import event_rows, format_row
from mwaa_tui.core.snapshots import (
    ROW_MESSAGE,
    ROW_TIME,
    Alarm,
    AlarmsSnapshot,
    ErrorInfo,
    ErrorKind,
    LogEvent,
    LogRow,
    SourceHealth,
    TrailBatch,
    TrailEvent,
)
from mwaa_tui.core.state import FIRST_DATA, MonitorState, TrailStore


def trail(event_id: str, at: float, error: str = "") -> TrailEvent:
    return TrailEvent(event_id, at, "CreateCliToken", "alice", error_code=error)


def row(ts: int, message: str = "m") -> LogRow:
    return LogEvent("Worker", ts, message, event_id=f"e{ts}").row()


# -- CloudTrail store ------------------------------------------------------------------------


def test_the_trail_store_keeps_each_event_once_newest_first() -> None:
    store = TrailStore()
    assert store.add(TrailBatch((trail("a", 10), trail("b", 30))))
    assert not store.add(TrailBatch((trail("a", 10),)))
    assert store.add(TrailBatch((trail("c", 20), trail("b", 30)), older=True, exhausted=True))
    assert [e.event_id for e in store.events] == ["b", "c", "a"]
    assert store.exhausted and store.newest == 30


def test_the_trail_store_counts_errors_since_a_moment() -> None:
    store = TrailStore()
    store.add(TrailBatch((trail("a", 100, "AccessDenied"), trail("b", 5000, "AccessDenied"))))
    store.add(TrailBatch((trail("c", 5100),)))
    assert store.errors_since(4000) == 1
    assert store.errors_since(0) == 2


# -- the monitor's state ---------------------------------------------------------------------


def alarm(name: str, state: str) -> Alarm:
    return Alarm(name, state, "", None)


def test_alarm_changes_are_told_from_the_second_poll_on() -> None:
    state = MonitorState("demo")
    assert state.set_alarms(AlarmsSnapshot((alarm("a", "OK"), alarm("b", "OK")))) == []
    changes = state.set_alarms(AlarmsSnapshot((alarm("a", "ALARM"), alarm("b", "OK"))))
    assert [(c.alarm.name, c.was, c.alarm.state) for c in changes] == [("a", "OK", "ALARM")]
    assert state.in_alarm == 1


def test_every_kind_of_data_completes_the_start_once() -> None:
    state = MonitorState("demo")
    completed = [state.saw(kind) for kind in [*sorted(FIRST_DATA), "logs"]]
    assert completed == [False] * (len(FIRST_DATA) - 1) + [True, False]
    assert state.complete


def test_an_outage_shows_in_a_source_before_its_next_poll() -> None:
    state = MonitorState("demo")
    state.health["metrics"] = SourceHealth("metrics", last_ok=100.0, interval=60)
    state.health["logs:Worker"] = SourceHealth("logs:Worker", last_ok=100.0, interval=3)
    down = ErrorInfo(ErrorKind.NETWORK, "cannot reach the endpoint")
    outages = {"cloudwatch": (150.0, down)}
    metrics = state.health_of("metrics", outages)
    assert metrics is not None and metrics.error == down
    assert state.health_of("logs:Worker", outages) == state.health["logs:Worker"]
    assert state.failing is False  # as polled; the outage is only shown


def test_the_worst_log_source_is_the_one_failing_most() -> None:
    state = MonitorState("demo")
    throttled = ErrorInfo(ErrorKind.THROTTLED, "slow down", "logs:FilterLogEvents")
    state.health["logs:Task"] = SourceHealth("logs:Task", last_ok=1.0)
    state.health["logs:Worker"] = SourceHealth("logs:Worker", 1.0, throttled, failures=2)
    state.health["logs:Scheduler"] = SourceHealth("logs:Scheduler", 1.0, throttled, failures=1)
    worst = state.worst_health(state.log_sources, {})
    assert worst is not None and worst.source == "logs:Worker"


# -- the pausable log buffer -----------------------------------------------------------------


def everything(_: LogRow) -> bool:
    return True


def test_the_buffer_hands_over_new_rows_in_time_order() -> None:
    buffer = LogBuffer(10)
    buffer.add([row(3), row(1), row(2)], everything)
    assert [r[ROW_TIME] for r in buffer.take()] == [1, 2, 3]
    assert buffer.take() == []


def test_a_paused_buffer_holds_new_rows_and_counts_those_dropped_that_would_show() -> None:
    buffer = LogBuffer(4)
    buffer.paused = True
    errors_only = lambda r: "ERROR" in r[ROW_MESSAGE]  # noqa: E731
    buffer.add([row(i, "ERROR" if i % 2 else "INFO") for i in range(10)], errors_only)
    assert buffer.take() == []
    assert len(buffer.pending) == 4
    assert buffer.dropped == 3  # 1, 3 and 5 went; 7 and 9 still wait
    assert buffer.waiting(errors_only) == 5
    buffer.paused = False
    assert [r[ROW_TIME] for r in buffer.take()] == [6, 7, 8, 9]
    assert buffer.waiting(errors_only) == 0


def test_drawing_afresh_while_paused_leaves_the_waiting_rows_waiting() -> None:
    buffer = LogBuffer(10)
    buffer.add([row(1), row(2)], everything)
    assert len(buffer.take()) == 2
    buffer.paused = True
    buffer.add([row(3)], everything)
    assert [r[ROW_TIME] for r in buffer.everything()] == [1, 2]
    assert len(buffer.pending) == 1
    buffer.paused = False
    assert [r[ROW_TIME] for r in buffer.everything()] == [1, 2, 3]
    assert buffer.pending == []


def test_a_cleared_buffer_keeps_nothing() -> None:
    buffer = LogBuffer(3)
    buffer.add([row(1)], everything)
    buffer.clear()
    assert list(buffer.kept) == [] and buffer.take() == []


# -- keyed row diffs -------------------------------------------------------------------------


def test_a_row_diff_changes_only_what_differs() -> None:
    shown = {"a": ("1", "x"), "b": ("2", "y"), "c": ("3", "z")}
    diff = diff_rows(["a", "b", "c"], shown, [("a", ("1", "x")), ("c", ("3", "Z"))])
    assert diff.removed == ("b",)
    assert diff.changed == (("c", 1),)
    assert diff.added == ()
    assert not diff.reorder


def test_new_rows_at_the_top_need_a_reorder_and_older_ones_at_the_end_do_not() -> None:
    shown = {"b": ("b",), "a": ("a",)}
    on_top = diff_rows(["b", "a"], shown, [("c", ("c",)), ("b", ("b",)), ("a", ("a",))])
    assert on_top.added == ("c",) and on_top.reorder
    at_end = diff_rows(["b", "a"], shown, [("b", ("b",)), ("a", ("a",)), ("z", ("z",))])
    assert at_end.added == ("z",) and not at_end.reorder
    assert diff_rows(["b", "a"], shown, [("b", ("b",)), ("a", ("a",))]).empty


def test_a_changed_order_alone_is_a_reorder() -> None:
    shown = {"a": ("a",), "b": ("b",)}
    diff = diff_rows(["a", "b"], shown, [("b", ("b",)), ("a", ("a",))])
    assert diff.reorder and diff.order == ("b", "a")
    assert not (diff.removed or diff.added or diff.changed)


# -- the line format of every log view -------------------------------------------------------


def test_a_line_has_its_time_tag_and_continuation_lines() -> None:
    event = LogEvent("Scheduler", 1_764_072_000_000, "first\nsecond", late=True)
    assert format_row(event.row(), tag=True) == ["12:00:00 late Sched  first", "         │ second"]
    assert format_row(event.row(), tag=False, times="off") == ["late first", "│ second"]


def test_airflow_s_own_time_prefix_is_not_repeated() -> None:
    message = "[2025-11-25T12:00:00.000+0000] {taskinstance.py:2612} INFO - done"
    event = LogEvent("Task", 1_764_072_000_000, message)
    assert event_rows([event], tag=False) == [
        ("12:00:00 {taskinstance.py:2612} INFO - done", event.row())
    ]
