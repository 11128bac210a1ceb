"""The recording's pure parts: rows and back, scrubbing, markers, typed times, the report."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from enum import Enum
from typing import Any

import pytest

from mwaa_tui.core import recording as rec
from mwaa_tui.core import snapshots
from mwaa_tui.core.recording import (
    AlarmChange,
    Bookmark,
    Encoder,
    Rows,
    alarm_changes,
    from_plain,
    register_opaque,
    scrub,
    to_plain,
)
from mwaa_tui.core.report import (
    ErrorLine,
    LogCounts,
    ReportInput,
    SeriesPoints,
    build_report,
    error_signature,
    group_errors,
    markdown,
    sparkline,
    to_json,
)
from mwaa_tui.core.snapshots import (
    Alarm,
    AlarmsSnapshot,
    CallRecord,
    EnvironmentSnapshot,
    ErrorInfo,
    ErrorKind,
    HealthUpdate,
    LastUpdate,
    LogBatch,
    LogConfig,
    LogEvent,
    MetricSeries,
    MetricsSnapshot,
    SourceHealth,
    TrailBatch,
    TrailEvent,
)
from mwaa_tui.core.timeline import (
    ERROR_BURST_GAP,
    Marker,
    build_markers,
    next_marker,
    parse_moment,
    previous_marker,
    track,
    window,
)

T0 = 1_764_072_000.0  # 2025-11-25T12:00:00Z

ENVIRONMENT = EnvironmentSnapshot(
    "prod",
    "UPDATE_FAILED",
    arn="arn:aws:airflow:eu-west-1:1:environment/prod",
    airflow_version="2.10.3",
    environment_class="mw1.medium",
    min_workers=1,
    max_workers=None,
    schedulers=2,
    webserver_url="abc.eu-west-1.airflow.amazonaws.com",
    created_at=T0 - 86400.5,
    logging=(
        LogConfig("Worker", True, "INFO", "arn:aws:logs:eu-west-1:1:log-group:w:*", "w"),
        LogConfig("Task", False, "WARNING"),
    ),
    last_update=LastUpdate("FAILED", T0 - 60, "USER", "E1", "pip could not resolve\nline 2"),
)
LOGS = LogBatch(
    "Worker",
    (
        LogEvent("Worker", 1, "plain", "s1", "9" * 56, 2, "INFO", False),
        LogEvent("Worker", 3, "multi\n  line ünïcode", "s2", "e2", 0, None, True),
        LogEvent("Worker", 4, "", "s1", "e3", 5, "ERROR", False),
    ),
    polled_to=123_456,
)
METRICS = MetricsSnapshot(
    (
        MetricSeries(
            "k1", "Running tasks", "AmazonMWAA", "RunningTasks", "Maximum", "Count",
            (("Environment", "prod"), ("Function", "Executor")), (T0, T0 + 60.0), (1.0, 2.5),
            "Executor",
        ),
        MetricSeries("k2", "Empty", "AWS/MWAA", "CPUUtilization", "Average", "Percent", ()),
    ),
    60,
    T0 - 3600,
    T0,
)  # fmt: skip
ALARMS = AlarmsSnapshot(
    (
        Alarm("a", "ALARM", "Threshold Crossed", T0, "MetricAlarm", "AmazonMWAA", "M",
              (("Environment", "prod"),), "Sum", "GreaterThanThreshold", 5.0, 60),
        Alarm("c", "OK", "", None, "CompositeAlarm", rule='ALARM("a")'),
    )
)  # fmt: skip
TRAIL = TrailBatch(
    (
        TrailEvent("e1", T0, "CreateCliToken", "role/s", "1.2.3.4", "Boto3/1", False,
                   "AccessDenied", "not authorized", "env/prod", "prod", '{\n  "a": 1\n}'),
        TrailEvent("e2", T0 + 1, "GetEnvironment", "u", read_only=True, parsed=False),
        TrailEvent("e3", T0 + 2, "X", "u", read_only=None),
    ),
    older=True,
    exhausted=True,
)  # fmt: skip
HEALTHS = [
    HealthUpdate(SourceHealth("logs:Worker", T0, None, 0, 3.0)),
    HealthUpdate(SourceHealth("alarms", None, None, 0, 30.0, None)),
    *(
        HealthUpdate(
            SourceHealth("metrics", T0 - 5, ErrorInfo(kind, "m", "cw:GetMetricData", "h"), 2, 60.0,
                         T0 + 7.5)
        )
        for kind in ErrorKind
    ),
]  # fmt: skip
CALL = CallRecord("cloudwatch", "GetMetricData", "ok", 0.123, T0 + 0.5, 20)


def decode(rows: Rows, streams: dict[int, str]) -> object:
    """What the reader does with one update's rows (its SELECT of `LOG_CHUNK_COLUMNS` is the
    chunk row from the second column on)."""
    for sid, name in rows.get("streams", []):
        streams[sid] = name
    if "log_batches" in rows:
        chunk = rows["log_chunks"][0][1:] if "log_chunks" in rows else None
        return rec.log_batch_from_chunk(rows["log_batches"][0], chunk, streams)
    if "health" in rows:
        return rec.health_from_row(rows["health"][0])
    if "environments" in rows:
        return rec.environment_from_row(rows["environments"][0])
    if "metric_snapshots" in rows:
        return rec.metrics_from_rows(rows["metric_snapshots"][0], rows["metric_series"])
    if "alarm_snapshots" in rows:
        return rec.alarms_from_rows(rows["alarm_states"])
    if "trail_batches" in rows:
        return rec.trail_from_rows(rows["trail_batches"][0], rows["trail_events"])
    if "calls" in rows:
        return rec.call_from_row(rows["calls"][0])
    if "airflow" in rows:
        return rec.opaque_from_row(rows["airflow"][0])
    raise AssertionError(rows)


def round_trip(updates: list[object]) -> list[object]:
    encoder = Encoder()
    streams: dict[int, str] = {}
    out = []
    for seq, update in enumerate(updates, 1):
        rows = encoder.encode(seq, T0 + seq, update)
        assert rows is not None
        for table, table_rows in rows.items():
            assert all(len(r) == rec.COLUMNS[table] for r in table_rows), table
        out.append(decode(rows, streams))
    return out


def test_every_update_kind_round_trips_to_an_equal_dataclass() -> None:
    updates: list[object] = [
        ENVIRONMENT,
        replace(ENVIRONMENT, last_update=None, logging=()),
        LOGS,
        LogBatch("Task", (), 7),
        replace(LOGS, events=LOGS.events[1:]),  # streams seen before keep their ids
        METRICS,
        MetricsSnapshot((), 300, 0.0, 1.5),
        ALARMS,
        AlarmsSnapshot(()),
        TRAIL,
        TrailBatch(()),
        *HEALTHS,
        CALL,
    ]
    back = round_trip(updates)
    assert back == updates
    assert [type(u) for u in back] == [type(u) for u in updates]
    late = back[2]
    assert isinstance(late, LogBatch) and late.events[1].late is True  # a bool, not 1


def test_stream_names_are_stored_once() -> None:
    encoder = Encoder()
    first = encoder.encode(1, T0, LOGS)
    second = encoder.encode(2, T0, LOGS)
    assert first is not None and second is not None
    assert sorted(name for _, name in first["streams"]) == ["s1", "s2"]
    assert "streams" not in second
    # Child ids run on across updates, so a parent's first id and count name its rows.
    assert second["log_batches"][0][4] == first["log_batches"][0][4] + len(LOGS.events)


def test_log_batches_count_their_error_and_warning_lines() -> None:
    batch = LogBatch(
        "Task",
        tuple(
            LogEvent("Task", n, "x", "s", str(n), level=level)
            for n, level in enumerate(["ERROR", "CRITICAL", "WARNING", "INFO", None, "ERROR"])
        ),
    )
    rows = Encoder().encode(1, T0, batch)
    assert rows is not None
    assert rows["log_batches"][0][6:] == (3, 1)


def test_a_batch_is_one_chunk_that_decodes_whole_or_its_newest_lines() -> None:
    events = tuple(
        LogEvent("Task", 10 + n, f"line {n}\nsecond", f"s{n % 2}", f"id{n}", 20 + n, level, n == 3)
        for n, level in enumerate(["ERROR", None, "INFO", "CRITICAL", "WARNING"])
    )
    batch = LogBatch("Task", events, 99)
    rows = Encoder().encode(1, T0, batch)
    assert rows is not None and "log_events" not in rows
    (chunk,) = rows["log_chunks"]
    streams = {sid: name for sid, name in rows["streams"]}
    assert rec.log_batch_from_chunk(rows["log_batches"][0], chunk[1:], streams) == batch
    newest = rec.log_batch_from_chunk(rows["log_batches"][0], chunk[1:], streams, last=2)
    assert newest.events == events[-2:]
    # The report's error lines, numbered as the batch numbers its events.
    first = rows["log_batches"][0][4]
    assert [(r[0], r[4]) for r in rows["log_errors"]] == [(first, "ERROR"), (first + 3, "CRITICAL")]
    with pytest.raises(ValueError):
        rec.log_batch_from_chunk((*rows["log_batches"][0][:5], 6, 0, 0), chunk[1:], streams)


def test_a_nul_in_a_hand_made_line_cannot_shift_the_others() -> None:
    batch = LogBatch("Task", (LogEvent("Task", 1, "a\x00b", "s", "1"), LogEvent("Task", 2, "c")))
    rows = Encoder().encode(1, T0, batch)
    assert rows is not None
    back = rec.log_batch_from_chunk(rows["log_batches"][0], rows["log_chunks"][0][1:], {1: "s"})
    assert [e.message for e in back.events] == ["ab", "c"]


def test_a_batch_its_poller_redacted_is_not_redacted_again_but_still_sanitised() -> None:
    # The mark's contract: its poller redacted it, so a recording takes it as it is.
    masked = LogBatch("Worker", (LogEvent("Worker", 1, "password=hunter2"),), redacted=True)
    assert scrub(masked, redact_secrets=True) is masked
    assert scrub(replace(masked, redacted=False), redact_secrets=True) is not masked
    # Marked, but not as the poller makes them: sanitising would join a key together, so
    # the whole batch is cleaned and redacted.
    hidden = LogBatch(
        "Worker", (LogEvent("Worker", 1, "key AKIA\x07IOSFODNN7EXAMPLE password=hunter2"),),
        redacted=True,
    )  # fmt: skip
    message = scrub(hidden, redact_secrets=True).events[0].message
    assert message.startswith("key AKIA") and "IOSFODNN7EXAMPLE" not in message
    assert "hunter2" not in message


@pytest.mark.parametrize("allowed", ["", "\n", "\x00\n"])
def test_the_fast_printable_check_agrees_with_isprintable(allowed: str) -> None:
    # Every ASCII character, and a sample beyond (the Latin-1 controls, bidi overrides).
    for code in [*range(256), 0x200B, 0x202E, 0x2028, 0x3000, 0xFEFF, 0x1F600]:
        char = chr(code)
        expected = char.isprintable() or char in allowed
        for text in (char, f"plain text {char} more", f"{char}é"):
            assert rec._printable(text, allowed) is expected, (code, text)


@pytest.mark.parametrize("field", ["message", "stream", "event_id"])
@pytest.mark.parametrize("bad", ["\x1b", "\x7f", "\r", "\u202e", "\x00"])
def test_a_marked_batch_with_a_control_character_anywhere_is_cleaned(field: str, bad: str) -> None:
    events = tuple(LogEvent("Worker", n, f"line {n}", f"s{n % 2}", str(n)) for n in range(50))
    spoilt = replace(events[37], **{field: getattr(events[37], field) + bad})
    batch = LogBatch("Worker", (*events[:37], spoilt, *events[38:]), redacted=True)
    clean = scrub(batch, redact_secrets=True)
    assert clean is not batch
    assert bad not in getattr(clean.events[37], field)
    assert clean.events[:37] == events[:37] and clean.events[38:] == events[38:]


@register_opaque
@dataclass(frozen=True, slots=True)
class Pane:
    """An opaque kind with what the Airflow pane's state holds: nesting, optionals, enums."""

    class Mood(Enum):
        CALM = "calm"
        BUSY = "busy"

    title: str
    rows: tuple[tuple[str, int], ...] = ()
    nested: tuple[LastUpdate, ...] = ()
    mood: Mood = Mood.CALM
    at: float | None = None
    count: int | None = None


def test_an_opaque_kind_round_trips_as_json() -> None:
    pane = Pane("dag runs", (("etl", 3),), (LastUpdate("FAILED", 1.5),), Pane.Mood.BUSY, 2.0, 7)
    assert round_trip([pane, Pane("empty")]) == [pane, Pane("empty")]
    rows = Encoder().encode(1, T0, pane)
    assert rows is not None
    assert json.loads(rows["airflow"][0][3])["mood"] == "busy"
    assert from_plain(Pane, to_plain(pane)) == pane


def test_an_opaque_kind_this_version_does_not_know_decodes_to_nothing() -> None:
    assert rec.opaque_from_row((1, T0, "FromTheFuture", "{}")) is None


def test_the_airflow_state_is_an_opaque_kind_once_it_exists() -> None:
    airflow = getattr(snapshots, "AirflowSnapshot", None)
    if airflow is None:
        pytest.skip("snapshots.py has no AirflowSnapshot yet")
    assert rec.OPAQUE_KINDS["AirflowSnapshot"] is airflow
    state = airflow("2.10.3")
    assert round_trip([state]) == [state]


def test_kinds_that_are_not_recorded_give_no_rows() -> None:
    assert Encoder().encode(1, T0, object()) is None
    assert Encoder().encode(1, T0, "text") is None
    assert not rec.recordable(object()) and not rec.recordable(Bookmark(T0, "log"))
    assert all(
        rec.recordable(u) for u in (ENVIRONMENT, LOGS, METRICS, ALARMS, TRAIL, CALL, Pane("x"))
    )


def test_the_call_cursor_takes_each_call_once() -> None:
    cursor = rec.CallCursor()
    a, b, c = (CallRecord("logs", "FilterLogEvents", "ok", 0.1, T0 + t) for t in (1, 2, 2))
    assert cursor.take([a, b]) == [a, b]
    assert cursor.take([a, b]) == []  # the same window looked at again
    assert cursor.take([a, b, c]) == [c]  # a call in the same clock tick as the last one
    d = CallRecord("logs", "FilterLogEvents", "ok", 0.1, T0 + 3)
    assert cursor.take([b, c, d]) == [d]  # the window slid on
    assert cursor.take([]) == []


# -- scrubbing ------------------------------------------------------------------------------

HOSTILE = "\x1b]0;pwned\x07ok \x1b[31mred\x1b[0m \x9b2J \u202eevil\u202c"


def _strings(value: Any) -> list[str]:
    plain = to_plain(value)
    out: list[str] = []

    def walk(v: Any) -> None:
        if isinstance(v, str):
            out.append(v)
        elif isinstance(v, dict):
            for x in v.values():
                walk(x)
        elif isinstance(v, list):
            for x in v:
                walk(x)

    walk(plain)
    return out


def _unsafe(text: str) -> bool:
    return any(c in text for c in "\x1b\x07\x9b\u202e\u202c")


@pytest.mark.parametrize(
    "update",
    [
        LogBatch("Worker", (LogEvent("Worker", 1, f"line {HOSTILE}\nnext", HOSTILE, HOSTILE),)),
        HealthUpdate(
            SourceHealth("logs", None, ErrorInfo(ErrorKind.NETWORK, HOSTILE, HOSTILE, HOSTILE))
        ),
        AlarmsSnapshot((Alarm(HOSTILE, "ALARM", HOSTILE, None, rule=HOSTILE),)),
        TrailBatch((TrailEvent("e", T0, HOSTILE, HOSTILE, error_message=HOSTILE, raw=HOSTILE),)),
        replace(ENVIRONMENT, name=HOSTILE, last_update=LastUpdate(HOSTILE, error_message=HOSTILE)),
        Bookmark(T0, "log", HOSTILE, HOSTILE, HOSTILE),
    ],
    ids=["logs", "health", "alarms", "trail", "environment", "bookmark"],
)
def test_scrub_removes_escapes_from_every_string(update: object) -> None:
    for redact_secrets in (True, False):
        clean = scrub(update, redact_secrets=redact_secrets)
        assert type(clean) is type(update)
        strings = _strings(clean)
        assert strings and not any(_unsafe(s) for s in strings)
        assert any("ok" in s for s in strings)


def test_scrub_keeps_newlines_and_never_cuts() -> None:
    long = "x" * 100_000 + "\nend"
    batch = LogBatch("Task", (LogEvent("Task", 1, long),))
    assert scrub(batch, redact_secrets=True) is batch


def test_scrub_redacts_secrets_only_when_asked() -> None:
    secret = "login password=hunter2 key AKIAIOSFODNN7EXAMPLE"
    batch = LogBatch("Worker", (LogEvent("Worker", 1, secret),))
    masked = scrub(batch, redact_secrets=True)
    assert "hunter2" not in masked.events[0].message
    assert "IOSFODNN7EXAMPLE" not in masked.events[0].message
    assert scrub(batch, redact_secrets=False) is batch
    health = HealthUpdate(
        SourceHealth(
            "logs", None, ErrorInfo(ErrorKind.NETWORK, "cannot reach http://u:s3cr3t@proxy:8080")
        )
    )
    error = scrub(health, redact_secrets=True).health.error
    assert error is not None and "s3cr3t" not in error.message


def test_scrub_returns_clean_updates_unchanged() -> None:
    for update in (ENVIRONMENT, LOGS, METRICS, ALARMS, TRAIL, *HEALTHS, CALL):
        assert scrub(update, redact_secrets=True) is update


# -- alarm changes and markers -----------------------------------------------------------


def test_alarm_changes_between_snapshots() -> None:
    first = AlarmsSnapshot((Alarm("a", "OK", "", None), Alarm("b", "OK", "", None)))
    assert alarm_changes(None, first, T0) == []
    second = AlarmsSnapshot(
        (
            Alarm("a", "ALARM", "crossed", T0 + 5),
            Alarm("b", "OK", "", None),
            Alarm("n", "ALARM", "", None),
        )
    )
    changes = alarm_changes({"a": "OK", "b": "OK"}, second, T0 + 9)
    assert changes == [AlarmChange(T0 + 9, "a", "OK", "ALARM", "crossed", T0 + 5)]


def test_the_encoder_records_alarm_changes_as_history() -> None:
    encoder = Encoder()
    first = encoder.encode(1, T0, AlarmsSnapshot((Alarm("a", "OK", "", None),)))
    assert first is not None and "alarm_changes" not in first
    second = encoder.encode(2, T0 + 30, AlarmsSnapshot((Alarm("a", "ALARM", "why", T0 + 20),)))
    assert second is not None
    (row,) = second["alarm_changes"]
    assert rec.alarm_change_from_row(row) == AlarmChange(
        T0 + 30, "a", "OK", "ALARM", "why", T0 + 20
    )


def test_markers_in_time_order_with_error_bursts_as_one() -> None:
    errors = [(T0 + t, "Task", 2) for t in (10, 13, 16, 19)]  # one burst, a poll apart
    errors += [
        (T0 + 19 + ERROR_BURST_GAP + 1, "Task", 1),
        (T0 + 12, "Worker", 1),
        (T0 + 5, "Task", 0),
    ]
    markers = build_markers(
        [AlarmChange(T0 + 12, "a", "OK", "ALARM")],
        [(T0 + 11, TRAIL.events[0]), (T0 + 11, TRAIL.events[1])],  # the second has no error
        [Bookmark(T0 + 1, "log", "Worker:1", "first sign")],
        errors,
    )
    assert [(m.at - T0, m.kind) for m in markers] == [
        (1, "bookmark"),
        (10, "error"),
        (11, "trail"),
        (12, "alarm"),
        (12, "error"),
        (19 + ERROR_BURST_GAP + 1, "error"),
    ]
    assert markers[0].label == "first sign"
    assert "AccessDenied" in markers[2].label


def test_next_and_previous_marker() -> None:
    markers = (Marker(T0 + 10, "alarm", ""), Marker(T0 + 20, "error", ""))
    assert next_marker(markers, T0) == markers[0]
    assert next_marker(markers, T0 + 10) == markers[1]  # not the one it stands on
    assert next_marker(markers, T0 + 20) is None
    assert previous_marker(markers, T0 + 20) == markers[0]  # just jumped there: the one before
    assert previous_marker(markers, T0 + 25) == markers[1]
    assert previous_marker(markers, T0 + 10.5) is None
    assert previous_marker((), T0) is None and next_marker((), T0) is None


def test_track_places_markers_and_the_position() -> None:
    markers = (
        Marker(T0 + 50, "alarm", ""),
        Marker(T0 + 50, "error", ""),
        Marker(T0 + 99, "trail", ""),
    )
    line = track(T0, T0 + 100, T0, markers, 10)
    assert line == "●────▲───◆"
    assert track(T0, T0, T0, (), 5) == "────●"


# -- typed times ----------------------------------------------------------------------------


def epoch(text: str) -> float:
    return datetime.fromisoformat(text).replace(tzinfo=UTC).timestamp()


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("12:30", "2025-11-25T12:30:00"),
        ("12:00", "2025-11-25T12:00:00"),  # the recording's own minute counts
        ("23:59:30", "2025-11-25T23:59:30"),
        ("00:15", "2025-11-26T00:15:00"),  # after midnight: the next day
        ("2025-11-25T13:00:00Z", "2025-11-25T13:00:00"),
        ("2025-11-25T14:00:00+01:00", "2025-11-25T13:00:00"),
        ("2025-11-25 12:45", "2025-11-25T12:45:00"),  # no zone: UTC
        ("30m", "2025-11-26T00:00:00"),  # before the end (00:30)
        ("90s", "2025-11-26T00:28:30"),
    ],
)
def test_typed_times(typed: str, expected: str) -> None:
    start, end = epoch("2025-11-25T12:00:23"), epoch("2025-11-26T00:30:00")
    assert parse_moment(typed, start=start, end=end) == epoch(expected)


@pytest.mark.parametrize(
    "typed", ["", "25:00", "12:61", "yesterday", "\x1b[31m", "2025-13-01", "-5m"]
)
def test_bad_typed_times_say_what_to_type(typed: str) -> None:
    with pytest.raises(ValueError) as err:
        parse_moment(typed, start=T0, end=T0 + 3600)
    assert "\x1b" not in str(err.value)


def test_the_window_is_clipped_to_the_recording_and_never_empty() -> None:
    assert window(T0, T0 + 3600) == (T0, T0 + 3600)
    assert window(T0, T0 + 3600, "11:00", "30m") == (T0, T0 + 1800)
    with pytest.raises(ValueError, match="window is empty"):
        window(T0, T0 + 3600, "12:40", "12:20")
    with pytest.raises(ValueError, match="window is empty"):
        window(T0, T0 + 3600, "14:00")


# -- the report -----------------------------------------------------------------------------


def test_error_lines_are_grouped_by_their_first_line_with_numbers_blanked() -> None:
    lines = [
        ErrorLine(
            "Task", 2000, "[2025-11-25T12:00:02] {ti.py:12} ERROR - Task 7 failed\nTraceback"
        ),
        ErrorLine("Task", 1000, "[2025-11-25T12:00:01] {ti.py:12} ERROR - Task 3 failed"),
        ErrorLine("Task", 3000, "[2025-11-25T12:00:03] {ti.py:99} ERROR - other 0x1f"),
        ErrorLine("Worker", 3000, "boom"),
    ]
    assert error_signature("[ts] x 12 0xff 3f2a0c1e-7b1d-4c1a-9a8e-1234567890ab") == "x # # #"
    groups = group_errors(lines)
    assert [g["count"] for g in groups["Task"]] == [2, 1]
    assert groups["Task"][0]["line"].endswith("Task 3 failed")  # the first seen, first line
    assert groups["Task"][0]["first_seen"] == 1.0
    assert groups["Worker"][0]["line"] == "boom"


def test_sparkline() -> None:
    assert sparkline([]) == ""
    assert sparkline([5, 5]) == "▁▁"
    assert sparkline([0, 1, 2, 3, 4, 5, 6, 7]) == "▁▂▃▄▅▆▇█"
    assert sparkline([0.0, math.nan, 7.0]) == "▁█"
    wide = sparkline([float(i % 10) for i in range(1000)], width=40)
    assert len(wide) == 40


def hostile_input() -> ReportInput:
    nasty = "\x1b]8;;http://evil\x07click\x1b]8;;\x07 ``` </pre> [x](http://evil) \x9b2J"
    return ReportInput(
        environment="prod",
        region="eu-west-1",
        window=(T0, T0 + 1800),
        recording=(T0 - 60, T0 + 3600),
        snapshot=ENVIRONMENT,
        alarm_changes=(AlarmChange(T0 + 60, f"alarm {nasty}", "OK", "ALARM", nasty, T0 + 50),),
        alarming_at_start=(Alarm("still-firing", "ALARM", "since yesterday", T0 - 999),),
        trail_errors=(
            TRAIL.events[0],
            TRAIL.events[0],  # the same event fetched twice
            replace(TRAIL.events[0], event_id="x", user=nasty, error_message=nasty),
        ),
        bookmarks=((Bookmark(T0 + 70, "log", "Task:1", nasty), f"the line {nasty}"),),
        logs={"Task": LogCounts(100, 2, 5), "Worker": LogCounts(10, 0, 0)},
        error_lines=(ErrorLine("Task", int(T0 * 1000), f"ERROR - {nasty}\nTraceback"),),
        metrics=(
            SeriesPoints("Failures", "OperatorFailures", "Sum", "Count", (T0, T0 + 60), (0.0, 9.0)),
            SeriesPoints("Nothing", "X", "Average", "Percent", (), ()),
        ),
        calls=(
            CALL,
            CallRecord("logs", "FilterLogEvents", "throttled", 0.2, T0),
            CallRecord("cloudwatch", "DescribeAlarms", "ok", 0.05, T0),
        ),
    )


def test_the_report_holds_the_story_and_no_escape_byte() -> None:
    doc = build_report(hostile_input())
    text, as_json = markdown(doc), to_json(doc)
    for out in (text, as_json):
        assert not any(c in out for c in "\x1b\x07\x9b"), out
    assert json.loads(as_json) == doc
    kinds = [item["kind"] for item in doc["timeline"]]
    assert kinds.count("denied") == 2 and kinds.count("alarm") == 1  # the repeat is dropped
    assert doc["timeline"][0]["time"] == "2025-11-25T12:00:00Z"  # CloudTrail's own time
    assert doc["alarms_at_start"][0]["alarm"] == "still-firing"
    assert "AccessDenied" in text and "CreateCliToken by role/s from 1.2.3.4" in text
    assert "OK -> ALARM" in text and "still-firing" in text
    assert doc["logs"][0]["errors"] == 2 and doc["logs"][0]["distinct_errors"] == 1
    failures = doc["metrics"][0]
    assert (failures["min"], failures["max"], failures["last"]) == (0.0, 9.0, 9.0)
    assert failures["sparkline"] == "▁█"
    assert doc["metrics"][1]["points"] == 0 and "no data" in text
    calls = doc["calls"]
    assert calls["total"] == 3 and calls["metrics_requested"] == 20
    assert calls["estimated_usd"] > 0
    assert doc["recording"]["redacted"] is True


def test_quoted_text_cannot_escape_its_block() -> None:
    text = markdown(build_report(hostile_input()))
    # Every line with quoted text sits between fences longer than any backtick run in it.
    fence = None
    for line in text.splitlines():
        if fence is None and line.startswith("```") and line.endswith("text"):
            fence = line[: -len("text")]
        elif fence is not None and line == fence:
            fence = None
        elif fence is None:
            assert "evil" not in line, line
    assert fence is None
    assert "````text" in text  # the ``` inside the quotes made the fence longer


def test_an_empty_window_still_reports() -> None:
    doc = build_report(ReportInput("prod", (T0, T0), (T0, T0)))
    text = markdown(doc)
    assert "No alarm changed state" in text and "No log lines" in text
    assert doc["calls"]["estimated_usd"] == 0
