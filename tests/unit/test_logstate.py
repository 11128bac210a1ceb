from __future__ import annotations

from mwaa_tui.core.logstate import Interleaver, LogFollower, RingBuffer, SeenIds
from mwaa_tui.core.snapshots import LogEvent


def ev(ts: int, eid: str, component: str = "Worker") -> LogEvent:
    return LogEvent(component=component, timestamp=ts, message=f"m{eid}", event_id=eid)


def test_seen_ids_forget_the_oldest_beyond_capacity() -> None:
    seen = SeenIds(capacity=3)
    assert all(seen.add(x) for x in "abc")
    assert not seen.add("a")
    seen.add("d")
    assert len(seen) == 3
    assert "a" not in seen
    assert seen.add("a")


def test_ring_buffer_stays_bounded() -> None:
    ring: RingBuffer[int] = RingBuffer(5)
    ring.extend(range(12))
    assert list(ring) == [7, 8, 9, 10, 11]
    assert ring.dropped == 7


def test_follower_dedupes_orders_and_moves_start_back_by_overlap() -> None:
    f = LogFollower(start_ms=1_000, overlap_ms=500)
    assert f.next_start_ms == 1_000
    first = f.accept([ev(3_000, "b"), ev(2_000, "a")])
    assert [e.event_id for e in first] == ["a", "b"]
    assert f.next_start_ms == 2_500
    again = f.accept([ev(2_000, "a"), ev(3_000, "b"), ev(3_100, "c")])
    assert [e.event_id for e in again] == ["c"]
    assert not any(e.late for e in first + again)


def test_follower_flags_late_events_but_keeps_them() -> None:
    f = LogFollower(start_ms=0)
    f.accept([ev(5_000, "new")])
    late = f.accept([ev(4_000, "old")])
    assert [(e.event_id, e.late) for e in late] == [("old", True)]
    assert f.newest_ms == 5_000


def test_interleaver_waits_for_every_component_then_releases_in_time_order() -> None:
    il = Interleaver(lag_ms=0)
    il.set_components(["Scheduler", "Worker"])
    assert il.add("Worker", [ev(100, "w1"), ev(300, "w2")], polled_to=400) == []
    out = il.add("Scheduler", [ev(200, "s1", "Scheduler")], polled_to=350)
    assert [e.event_id for e in out] == ["w1", "s1", "w2"]
    assert il.pending == 0


def test_interleaver_marks_events_older_than_released_as_late() -> None:
    il = Interleaver(lag_ms=0)
    il.set_components(["Worker"])
    il.add("Worker", [ev(100, "a")], polled_to=500)
    out = il.add("Worker", [ev(50, "b")], polled_to=600)
    assert [(e.event_id, e.late) for e in out] == [("b", True)]


def test_interleaver_ignores_components_that_are_not_active() -> None:
    il = Interleaver(lag_ms=0)
    il.set_components(["Worker"])
    out = il.add("Worker", [ev(100, "a")], polled_to=200)
    assert [e.event_id for e in out] == ["a"]


def test_log_filter_text_regex_and_level() -> None:
    from mwaa_tui.core.logview import LogFilter, compile_matcher, next_threshold, shown

    err = LogEvent("Task", 1, "[x] {a.py:1} ERROR - S3 403 Forbidden", event_id="1", level="ERROR")
    info = LogEvent("Task", 2, "[x] {a.py:1} INFO - fetched rows", event_id="2", level="INFO")
    plain = LogEvent("Web", 3, "GET /health 200", event_id="3", level=None)
    matcher, error = compile_matcher("forbidden")
    assert not error and [shown(e, LogFilter("forbidden"), matcher) for e in (err, info)] == [
        True,
        False,
    ]
    matcher, error = compile_matcher(r"re:\b40[0-9]\b")
    assert (
        not error
        and shown(err, LogFilter("re:..."), matcher)
        and not shown(plain, LogFilter(), matcher)
    )
    assert compile_matcher("re:(")[1].startswith("not a valid regular expression")
    warn_up = LogFilter(level="WARNING")
    assert [shown(e, warn_up, None) for e in (err, info, plain)] == [True, False, True]
    assert [next_threshold(x) for x in (None, "WARNING", "ERROR")] == ["WARNING", "ERROR", None]


def test_the_overlap_shrinks_on_a_busy_group_and_grows_back_when_quiet() -> None:
    follower = LogFollower(0)
    busy = [LogEvent("Worker", 100_000 + i * 2, f"m{i}", event_id=f"b{i}") for i in range(3_000)]
    follower.accept(busy)  # 500 lines/s
    assert follower.overlap_ms == 10_000 and follower.busy
    assert follower.delivered("b5") and not follower.delivered("new")
    newest = 100_000 + 2_999 * 2
    starts = []
    for _ in range(4):  # only every fourth poll re-reads the overlap on a busy group
        starts.append(follower.next_start_ms)
        follower.accept([])
    assert starts == [newest, newest, newest, newest - 10_000]
    quiet = [LogEvent("Worker", 160_000 + i * 1_000, f"q{i}", event_id=f"q{i}") for i in range(5)]
    follower.accept(quiet)
    assert follower.overlap_ms == 30_000 and not follower.busy
    assert follower.next_start_ms == 164_000 - 30_000


def test_a_kept_log_row_is_not_tracked_by_the_garbage_collector() -> None:
    import gc

    event = LogEvent("Worker", 1, "message", "stream", "id", 2, "INFO", False)
    row = event.row()
    gc.collect()
    assert not gc.is_tracked(row)
    assert LogEvent.from_row(row) == event
