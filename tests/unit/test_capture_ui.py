"""The pieces of incident capture under the screen: typed seeks, the state a seek forgets,
the timeline's text, and the session's recording and replay without an app."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from mwaa_tui.capture import Recorder, Recording
from mwaa_tui.capture.replay import ReplayStatus
from mwaa_tui.core.recording import CallBatch, Mark, ReplayReset
from mwaa_tui.core.snapshots import (
    Alarm,
    AlarmsSnapshot,
    CallRecord,
    EnvironmentSnapshot,
    HealthUpdate,
    LogBatch,
    LogEvent,
    SourceHealth,
    TrailBatch,
    TrailEvent,
    Update,
)
from mwaa_tui.core.state import MonitorState
from mwaa_tui.core.timeline import Marker, seek_target
from mwaa_tui.ui.capture import LiveCapture, state_updates
from mwaa_tui.ui.replay import ReplayCapture
from mwaa_tui.ui.widgets.timeline import recording_badge, replay_badge, replay_lead, track_width

START = 1_764_072_000.0
"""2025-11-25T12:00:00Z."""
END = START + 600


# -- seeks --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("-5m", START + 100),
        ("+90s", START + 490),
        ("+1h", END),  # never past the end
        ("-1h", START),  # nor before the start
        ("12:03", START + 180),
        ("12:03:30", START + 210),
        ("2025-11-25T12:07:00Z", START + 420),
        ("2m", END - 120),  # as the report's --from: before the end
    ],
)
def test_a_typed_seek_lands_inside_the_recording(typed: str, expected: float) -> None:
    assert seek_target(typed, start=START, end=END, position=START + 400) == expected


@pytest.mark.parametrize("typed", ["soon", "-", "+x", "25:00", "", "-\x1b[2Jm"])
def test_a_typed_seek_that_is_not_a_time_says_what_to_type(typed: str) -> None:
    with pytest.raises(ValueError, match="is not a time") as caught:
        seek_target(typed, start=START, end=END, position=START)
    assert "\x1b" not in str(caught.value)
    assert "-5m" in str(caught.value) or "time of day" in str(caught.value)


# -- the state a seek forgets --------------------------------------------------------------


def test_reset_forgets_everything_shown_and_keeps_the_trail_store() -> None:
    state = MonitorState("demo", EnvironmentSnapshot("demo", "AVAILABLE"))
    state.health["alarms"] = SourceHealth("alarms", START)
    state.set_alarms(AlarmsSnapshot((Alarm("a", "ALARM", "", None),)))
    store = state.trail
    store.add(TrailBatch((TrailEvent("e1", START, "CreateCliToken", "u"),), exhausted=True))
    state.calls.record(CallRecord("logs", "FilterLogEvents", "ok", 0.1, START))
    state.reset()
    assert state.environment is None and state.alarms is None and state.health == {}
    assert state.trail is store and store.events == [] and not store.exhausted
    assert state.calls.summary(START).total == 0
    # A batch seen before the reset counts again after it.
    assert store.add(TrailBatch((TrailEvent("e1", START, "CreateCliToken", "u"),)))
    assert state.set_alarms(AlarmsSnapshot((Alarm("a", "OK", "", None),))) == []


def test_the_state_now_as_updates_starts_a_recording_begun_with_R() -> None:
    state = MonitorState("demo", EnvironmentSnapshot("demo", "AVAILABLE"))
    assert state_updates(state) == [EnvironmentSnapshot("demo", "AVAILABLE")]
    state.health["metrics"] = SourceHealth("metrics", START)
    alarms = AlarmsSnapshot((Alarm("a", "OK", "", None),))
    state.set_alarms(alarms)
    state.trail.add(TrailBatch((TrailEvent("e1", START, "X", "u"),)))
    kinds = [type(u).__name__ for u in state_updates(state)]
    assert kinds == ["EnvironmentSnapshot", "HealthUpdate", "AlarmsSnapshot", "TrailBatch"]


# -- what the status line and the header say -----------------------------------------------


def status(**kw: object) -> ReplayStatus:
    values: dict[str, object] = dict(
        position=START + 300, start=START, end=END, speed=10.0, paused=False, finished=False
    )
    values.update(kw)
    return ReplayStatus(**values)  # type: ignore[arg-type]


def test_the_timeline_shows_speed_position_markers_and_the_end() -> None:
    markers = [Marker(START + 60, "alarm", "a"), Marker(START + 540, "bookmark", "b")]
    text = replay_lead(status(), markers, 120).plain
    assert text.startswith(" ▶ 10×  12:05:00 ") and text.rstrip().endswith("12:10:00  │")
    line = text.split(" 12:05:00 ")[1].split(" 12:10:00")[0]
    assert len(line) == track_width(120) == 40
    assert line.index("▲") < line.index("●") < line.index("★")
    assert "PAUSED" in replay_lead(status(paused=True), markers, 80).plain
    assert "■ END" in replay_lead(status(finished=True), [], 80).plain
    cut = replay_lead(status(stopped="x is damaged: the replay ends at 12:04"), [], 80).plain
    assert "the replay ends at 12:04" in cut
    assert track_width(30) == 12 and track_width(1000) == 80


def test_the_badges() -> None:
    assert recording_badge("").plain == ""
    assert recording_badge("● REC 1.2 MB").plain == " ● REC 1.2 MB  "
    assert replay_badge("incident.sqlite", START + 61) == "incident.sqlite · 2025-11-25 12:01:01Z"
    long = replay_badge("x" * 80 + ".sqlite", START)
    assert long.startswith("x" * 39 + "…") and len(long.split(" · ")[0]) == 40


# -- the session's recording, without an app -----------------------------------------------


class Said:
    def __init__(self) -> None:
        self.lines: list[tuple[str, str]] = []

    def __call__(self, message: str, severity: str) -> None:
        self.lines.append((message, severity))


def live(tmp_path: Path, said: Said, name: str | None = "demo") -> LiveCapture:
    clock = iter(range(10**6)).__next__
    return LiveCapture(
        lambda: name,
        region="eu-west-1",
        redact=True,
        directory=tmp_path,
        clock=lambda: START + clock(),
        notify=said,
    )


def test_a_live_recording_starts_records_and_stops(tmp_path: Path) -> None:
    said = Said()
    capture = live(tmp_path, said)
    assert capture.badge() == "" and not capture.recording
    assert capture.bookmark(START, Mark("moment"), "x") is None
    assert said.lines[-1] == ("no recording is running: R starts one, then m marks", "warning")
    path = capture.start(seed=[EnvironmentSnapshot("demo", "AVAILABLE")])
    assert path is not None and path.parent == tmp_path / "recordings"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert capture.start() == path  # one at a time
    event = LogEvent("Worker", 1, "password=hunter2", "s", "1")
    capture.record(LogBatch("Worker", (event,)), START + 1)
    capture.record_calls([CallRecord("logs", "FilterLogEvents", "ok", 0.1, START)], START + 2)
    mark = capture.bookmark(START + 1, Mark("log", "Worker:1", "the line"), "odd")
    assert mark is not None and capture.list_bookmarks() == [mark]
    assert capture.badge().startswith("● REC ")
    assert capture.stop() == path and capture.recorder is None and capture.badge() == ""
    with Recording.open(path) as recording:
        assert recording.counts()["environment"] == 1 and recording.counts()["calls"] == 1
        assert [b.note for b in recording.bookmarks()] == ["odd"]
        assert b"hunter2" not in path.read_bytes()


def test_a_recording_that_cannot_start_says_why_once(tmp_path: Path) -> None:
    said = Said()
    assert live(tmp_path, said, name=None).start() is None
    assert said.lines == [("pick an environment first: there is nothing to record yet", "warning")]
    taken = tmp_path / "taken.sqlite"
    taken.write_text("")
    assert live(tmp_path, said).start(taken) is None
    assert said.lines[-1][1] == "error" and "never overwrites" in said.lines[-1][0]
    assert taken.read_text() == ""


def short_recording(path: Path) -> Path:
    recorder = Recorder(path, "demo", started=START)
    for step in range(10):
        t = START + step * 10
        recorder.record(EnvironmentSnapshot("demo", "AVAILABLE"), t)
        recorder.record(HealthUpdate(SourceHealth("environment", t)), t)
        if step in (0, 5):
            recorder.record(AlarmsSnapshot((Alarm("a", "OK" if step else "ALARM", "", None),)), t)
    recorder.close()
    return path


def test_a_replay_plays_through_the_emit_it_is_given(tmp_path: Path) -> None:
    emitted: list[Update] = []
    now = [0.0]
    replay = ReplayCapture(
        Recording.open(short_recording(tmp_path / "r.sqlite")),
        emitted.append,
        clock=lambda: now[0],
        buffer_lines=100,
        notify=Said(),
    )
    assert replay.now() == START and replay.name == "r.sqlite"
    assert replay.slower() == 60.0 and replay.slower() == 10.0 and replay.faster() == 60.0
    assert [m.kind for m in replay.markers()] == ["alarm"]
    assert replay.next_marker() == replay.markers()[0] and replay.now() == START + 50
    assert isinstance(emitted[0], ReplayReset) and not any(
        isinstance(u, CallBatch) for u in emitted
    )
    assert replay.seek_text("nope").startswith("'nope' is not a time")
    assert replay.seek_text("-20s") == "" and replay.now() == START + 30
    replay.seek(START + 90)
    replay.source.step()
    assert replay.status().finished
    replay.toggle()  # Space at the end: from the start again, playing
    assert replay.now() == START and not replay.status().paused
    mark = replay.bookmark(START + 20, Mark("alarm", "a", "a: OK"), "before")
    assert mark is not None and [b.note for b in replay.list_bookmarks()] == ["before"]
    assert "bookmark" in [m.kind for m in replay.markers()]
    replay.close()
