"""Incident capture end to end: the demo recorded over real HTTP by the real pollers, replayed
with no endpoint, reported; speed and seek on a fake clock; bad files; real OS failures."""

from __future__ import annotations

import asyncio
import json
import os
import random
import shutil
import signal
import sqlite3
import stat
import subprocess
import sys
import time
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

import pytest

from mwaa_tui.aws.clients import AwsGateway, AwsSettings
from mwaa_tui.capture import (
    Recorder,
    Recording,
    RecordingError,
    ReplaySource,
    default_recording_path,
)
from mwaa_tui.cli import CliError, main, record_option
from mwaa_tui.core.recording import (
    LEGACY_SCHEMA,
    SCHEMA,
    SCHEMA_VERSION,
    CallBatch,
    ReplayReset,
    log_target,
)
from mwaa_tui.core.snapshots import (
    Alarm,
    AlarmsSnapshot,
    CallRecord,
    EnvironmentSnapshot,
    ErrorInfo,
    ErrorKind,
    HealthUpdate,
    LogBatch,
    LogEvent,
    MetricsSnapshot,
    SourceHealth,
    TrailBatch,
    TrailEvent,
)
from mwaa_tui.pollers.alarms import AlarmsPoller
from mwaa_tui.pollers.environment import EnvironmentPoller
from mwaa_tui.pollers.logs import LogPoller
from mwaa_tui.pollers.metrics import MetricsPoller
from mwaa_tui.pollers.trail import TrailPoller
from mwaa_tui.sandbox import Sandbox
from mwaa_tui.sandbox.server import DEMO_CREDENTIALS
from mwaa_tui.sandbox.simulator import Simulator
from mwaa_tui.sandbox.trail_story import hostile_trail_event
from tests.clock import FakeClock
from tests.conftest import put_events

SECRET_LINE = "connecting to postgres with password=hunter2 as AKIAIOSFODNN7EXAMPLE"
HOSTILE_LINE = (
    "[x] {t.py:1} ERROR - \x1b]0;pwned\x07owned \x1b[2J\x9b31m [link=http://evil]y[/link]"
)
ESCAPES = ("\x1b", "\x07", "\x9b")


def no_aws_env(tmp: Path) -> dict[str, str]:
    """An environment with no credentials and an endpoint nothing listens on."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(
        AWS_ENDPOINT_URL="http://127.0.0.1:9",
        AWS_SHARED_CREDENTIALS_FILE=str(tmp / "none"),
        AWS_CONFIG_FILE=str(tmp / "none"),
        AWS_EC2_METADATA_DISABLED="true",
    )
    return env


# -- the demo, recorded -----------------------------------------------------------------


@dataclass
class DemoRecording:
    path: Path
    emitted: list[object]
    """What the pollers emitted, in order."""
    alarm: str
    """The alarm moved to ALARM during the recording."""
    calls: int


async def record_demo(sandbox: Sandbox, path: Path) -> DemoRecording:
    settings = AwsSettings(
        region=sandbox.region, endpoint_url=sandbox.url, static_credentials=DEMO_CREDENTIALS
    )
    emitted: list[object] = []
    async with AwsGateway(settings, env={}) as gateway:
        recorder = Recorder(path, "demo", region=sandbox.region, commit_every=0.2)

        def emit(update: object) -> None:
            emitted.append(update)
            recorder.record(update, time.time())

        await EnvironmentPoller(gateway, "demo", interval=30.0).step(emit)
        snapshot = next(u for u in emitted if isinstance(u, EnvironmentSnapshot))
        logs = [
            LogPoller(gateway, cfg, since_seconds=180, interval=3.0)
            for cfg in snapshot.logging
            if cfg.enabled and cfg.group_name
        ]
        alarms = AlarmsPoller(gateway, "demo", interval=30.0)
        others = [
            alarms,
            TrailPoller(gateway, interval=30.0),
            MetricsPoller(gateway, "demo", interval=60.0),
        ]
        for poller in [*logs, *others]:
            await poller.step(emit)
        first = next(u for u in emitted if isinstance(u, AlarmsSnapshot))
        name = next(a.name for a in first.alarms if a.state != "ALARM" and a.kind == "MetricAlarm")
        with sandbox.lock:
            sandbox.cloudwatch.set_alarm_state(name, "Threshold Crossed: a test", "{}", "ALARM")
        for poller in [*logs, alarms]:
            await poller.step(emit)
        calls = gateway.stats.recent(time.time())
        recorder.record_calls(calls, time.time())
        recorder.close()
    return DemoRecording(path, emitted, name, len(calls))


@pytest.fixture(scope="module")
def demo_recording(
    _sandbox_server: Sandbox, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[DemoRecording]:
    sandbox = _sandbox_server
    sandbox.reset()
    sandbox.clock = time.time
    try:
        sim = Simulator(sandbox, environment="demo", seed=3)
        now = time.time()
        sim.setup(now)
        hostile_trail_event(sim, now - 30)
        group = sandbox.mwaa.environments["demo"].group_name("Worker")
        ms = int(now * 1000)
        put_events(sandbox, group, "capture", [(ms - 2000, SECRET_LINE), (ms - 1000, HOSTILE_LINE)])
        path = tmp_path_factory.mktemp("capture") / "demo.sqlite"
        yield asyncio.run(record_demo(sandbox, path))
    finally:
        sandbox.reset()


REPLAY = r"""
import json, sys
from mwaa_tui.capture import Recording, ReplaySource
from mwaa_tui.core.snapshots import AlarmsSnapshot, LogBatch, TrailBatch

out = []
clock = [0.0]
with Recording.open(sys.argv[1]) as recording:
    source = ReplaySource(recording, out.append, clock=lambda: clock[0], speed=60.0)
    while not source.finished:
        clock[0] += 1.0
        source.step()
print(json.dumps({
    "lines": [[e.component, e.event_id, e.message] for u in out if isinstance(u, LogBatch)
              for e in u.events],
    "alarms": [[[a.name, a.state] for a in u.alarms] for u in out
               if isinstance(u, AlarmsSnapshot)],
    "trail": [[e.event_id, e.error_code] for u in out if isinstance(u, TrailBatch)
              for e in u.events],
    "aws": sorted({m.split(".")[0] for m in sys.modules} & {"aiobotocore", "botocore", "boto3", "aiohttp"}),
}))
"""


def _lines(updates: list[object]) -> list[list[str]]:
    return [
        [e.component, e.event_id, e.message]
        for u in updates
        if isinstance(u, LogBatch)
        for e in u.events
    ]


def test_the_demo_replays_with_no_endpoint_and_no_aws_client(
    demo_recording: DemoRecording, tmp_path: Path
) -> None:
    proc = subprocess.run(
        [sys.executable, "-c", REPLAY, str(demo_recording.path)],
        capture_output=True,
        text=True,
        env=no_aws_env(tmp_path),
        timeout=60,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    seen = json.loads(proc.stdout)
    assert seen["aws"] == []  # the AWS stack was never imported: no client could be made
    recorded = _lines(demo_recording.emitted)
    assert len(recorded) > 100
    assert seen["lines"] == json.loads(json.dumps(recorded))
    assert any("password=****" in line[2] for line in seen["lines"])
    states = [dict(map(tuple, s)) for s in seen["alarms"]]
    assert states[0][demo_recording.alarm] != "ALARM"
    assert states[-1][demo_recording.alarm] == "ALARM"
    assert any(code == "AccessDenied" for _, code in seen["trail"])
    trail = [
        [e.event_id, e.error_code]
        for u in demo_recording.emitted
        if isinstance(u, TrailBatch)
        for e in u.events
    ]
    assert seen["trail"] == trail


def test_the_recording_holds_no_secret_and_no_escape(demo_recording: DemoRecording) -> None:
    # The log pollers mark what they redacted: the recorder took those lines as they came.
    batches = [u for u in demo_recording.emitted if isinstance(u, LogBatch) and u.events]
    assert batches and all(b.redacted for b in batches)
    raw = demo_recording.path.read_bytes()
    assert b"hunter2" not in raw and b"IOSFODNN7EXAMPLE" not in raw
    assert not list(demo_recording.path.parent.glob("*-wal"))  # folded in on close
    db = sqlite3.connect(demo_recording.path)
    texts = [
        value
        for (table,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        for row in db.execute(f"SELECT * FROM {table}")
        for value in row
        if isinstance(value, str)
    ]
    db.close()
    assert any("owned" in t for t in texts)  # the hostile line is there, defused
    assert not [t for t in texts if any(c in t for c in ESCAPES)]
    assert stat.S_IMODE(demo_recording.path.stat().st_mode) == 0o600


def test_the_report_of_the_demo(
    demo_recording: DemoRecording, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["report", str(demo_recording.path)]) == 0
    text = capsys.readouterr().out
    assert f"{demo_recording.alarm}: OK -> ALARM" in text or (
        f"{demo_recording.alarm}: INSUFFICIENT_DATA -> ALARM" in text
    )
    assert "denied  CreateCliToken by triggerMwaaDAGRole/triggerMwaaDAG" in text
    assert "AccessDenied: User: arn:aws:sts::" in text
    assert "hunter2" not in text and "IOSFODNN7EXAMPLE" not in text
    assert not any(c in text for c in ESCAPES)
    assert "owned" in text  # the hostile ERROR line is listed, without its escapes
    assert "## The monitor's own API calls" in text and "FilterLogEvents" in text
    assert main(["report", str(demo_recording.path), "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert any(i["kind"] == "alarm" and i["alarm"] == demo_recording.alarm for i in doc["timeline"])
    denied = [i for i in doc["timeline"] if i["kind"] == "denied"]
    assert denied and denied[0]["event"] == "CreateCliToken"
    assert "is not authorized to perform: airflow:CreateCliToken" in denied[0]["error_message"]
    assert doc["calls"]["total"] == demo_recording.calls
    worker = next(c for c in doc["logs"] if c["component"] == "Worker")
    assert worker["errors"] >= 1
    assert doc["metrics"] and doc["environment"]["name"] == "demo"


def test_the_report_needs_no_credentials_and_writes_a_private_file(
    demo_recording: DemoRecording, tmp_path: Path
) -> None:
    out = tmp_path / "INC-1.md"
    command = [sys.executable, "-m", "mwaa_tui", "report", str(demo_recording.path), "-o", str(out)]
    env = no_aws_env(tmp_path)
    proc = subprocess.run(command, capture_output=True, text=True, env=env, timeout=60, check=False)
    assert proc.returncode == 0, proc.stderr
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    assert "# Incident report: `demo`" in out.read_text()
    before = out.read_bytes()
    again = subprocess.run(
        command, capture_output=True, text=True, env=env, timeout=60, check=False
    )
    assert again.returncode == 2
    assert again.stderr.strip().splitlines() == [
        f"mwaa-tui: error: -o: {out} exists: a report never overwrites a file"
    ]
    assert out.read_bytes() == before


# -- a synthetic recording, on a fake clock ----------------------------------------------

START = 1_764_072_000.0
BUFFER = 100


def synthetic_updates(minutes: float = 10, lines: int = 10) -> Iterator[tuple[float, object]]:
    """Ten minutes of five components polled every 3 s, with an alarm that fires at 5 min and
    a denied CloudTrail call at 6 min."""
    n = 0
    for step in range(int(minutes * 20)):
        t = START + step * 3.0
        if step % 10 == 0:
            yield t, EnvironmentSnapshot("demo", "AVAILABLE" if step < 100 else "UPDATING")
            state = "ALARM" if t >= START + 300 else "OK"
            yield (
                t,
                AlarmsSnapshot(
                    (Alarm("failures", state, f"state {state}", t), Alarm("quiet", "OK", "", None))
                ),
            )
            yield t, MetricsSnapshot((), 60, t - 3600, t)
        for c in ("Scheduler", "Task", "Worker", "WebServer", "DAGProcessing"):
            level = "ERROR" if c == "Task" and 150 <= step < 160 else "INFO"
            events = tuple(
                LogEvent(
                    c, int(t * 1000) + i, f"{level} - {c} {n + i}", "s", f"{c}-{n + i}", level=level
                )
                for i in range(lines)
            )
            n += lines
            yield t, LogBatch(c, events, int(t * 1000))
            yield t, HealthUpdate(SourceHealth(f"logs:{c}", t, None, 0, 3.0))
        yield t, CallRecord("logs", "FilterLogEvents", "ok", 0.01, t)
        if step == 120:
            yield (
                t,
                TrailBatch(
                    (
                        TrailEvent(
                            "denied-1",
                            t - 30,
                            "CreateCliToken",
                            "lambda",
                            error_code="AccessDenied",
                        ),
                    )
                ),
            )


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("synthetic") / "ten-minutes.sqlite"
    recorder = Recorder(path, "demo", started=START)
    for at, update in synthetic_updates():
        recorder.record(update, at)
    recorder.bookmark(START + 400, "log", "Task:Task-6010", "looked odd")
    recorder.close()
    return path


@dataclass
class Screen:
    """The smallest reducer of what a replay emits, to compare two routes to one moment."""

    buffer: int = BUFFER
    logs: dict[str, deque[str]] = field(default_factory=dict)
    latest: dict[type, object] = field(default_factory=dict)
    health: dict[str, SourceHealth] = field(default_factory=dict)
    trail: set[str] = field(default_factory=set)
    calls: list[CallRecord] = field(default_factory=list)
    resets: list[float] = field(default_factory=list)

    def __call__(self, update: object) -> None:
        if isinstance(update, ReplayReset):
            self.resets.append(update.at)
            self.logs.clear()
            self.latest.clear()
            self.health.clear()
            self.trail.clear()
            self.calls.clear()
        elif isinstance(update, LogBatch):
            kept = self.logs.setdefault(update.component, deque(maxlen=self.buffer))
            kept.extend(e.event_id for e in update.events)
        elif isinstance(update, HealthUpdate):
            self.health[update.health.source] = update.health
        elif isinstance(update, TrailBatch):
            self.trail |= {e.event_id for e in update.events}
        elif isinstance(update, CallBatch):
            self.calls += update.records
        else:
            self.latest[type(update)] = update

    def state(self) -> tuple[object, ...]:
        return (
            {c: list(d) for c, d in self.logs.items()},
            self.latest,
            self.health,
            self.trail,
        )


def test_speeds_pause_and_the_end_on_a_fake_clock(synthetic: Path) -> None:
    with Recording.open(synthetic) as recording:
        clock, screen = FakeClock(), Screen()
        source = ReplaySource(recording, screen, clock=clock, buffer_lines=BUFFER)
        assert source.now() == recording.start and source.speed == 1.0
        source.step()
        assert source.cursor == recording.position(recording.start) > 0
        for speed, wall, moved in ((1.0, 9.0, 9.0), (10.0, 3.0, 30.0), (60.0, 2.0, 120.0)):
            before = source.now()
            source.set_speed(speed)
            clock.advance(wall)
            assert source.now() == pytest.approx(before + moved)
            source.step()
            assert source.cursor == recording.position(source.now())
        assert all(e.at <= source.now() for e in recording.entries[: source.cursor])
        source.toggle()
        paused_at = source.now()
        clock.advance(30)
        assert source.step() == 0 and source.now() == paused_at
        source.toggle()
        clock.advance(1)
        assert source.now() == pytest.approx(paused_at + 60)
        assert source.faster() == 1.0  # after 60x comes 1x
        source.set_speed(60.0)
        clock.advance(3600)
        source.step()
        assert source.finished and source.paused and source.now() == recording.end
        assert source.cursor == len(recording.entries)


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_a_seek_rebuilds_the_state_that_playing_reaches(synthetic: Path, seed: int) -> None:
    rng = random.Random(seed)
    with Recording.open(synthetic) as recording:
        at = rng.uniform(recording.start, recording.end)
        played, clock = Screen(), FakeClock()
        source = ReplaySource(recording, played, clock=clock, buffer_lines=BUFFER, speed=60.0)
        while source.now() < at:
            clock.advance(min(0.5, (at - source.now()) / 60))
            source.step()
        assert source.now() == pytest.approx(at)
        sought = Screen()
        # Start somewhere else first: the seek must also undo what was shown.
        jumper = ReplaySource(recording, sought, clock=FakeClock(), buffer_lines=BUFFER)
        jumper.seek(rng.uniform(recording.start, recording.end))
        jumper.seek(at)
        assert sought.resets[-1] == at
        assert sought.state() == played.state()
        assert all(len(lines) <= BUFFER for lines in sought.logs.values())
        assert sought.calls == [c for c in played.calls if c.at > at - 3600]
        # And it plays on from there, as the other did.
        for s in (source, jumper):
            s.set_speed(60.0)
            s.resume()
        clock.advance(2)
        source.step()
        jumper.clock.advance(2)  # type: ignore[attr-defined]
        jumper.step()
        assert sought.state() == played.state()


def test_markers_and_seeking_to_them(synthetic: Path) -> None:
    with Recording.open(synthetic) as recording:
        markers = recording.markers()
        assert [m.kind for m in markers] == ["alarm", "trail", "bookmark", "error"]
        screen = Screen()
        source = ReplaySource(recording, screen, clock=FakeClock(), buffer_lines=BUFFER)
        source.pause()
        alarm = source.next_marker()
        assert alarm is not None and alarm.kind == "alarm" and source.now() == alarm.at
        shown = screen.latest[AlarmsSnapshot]
        assert isinstance(shown, AlarmsSnapshot) and shown.alarms[0].state == "ALARM"
        assert source.paused  # a seek keeps a paused replay paused
        assert [source.next_marker() for _ in range(3)] == list(markers[1:])
        assert source.next_marker() is None
        assert source.previous_marker() == markers[2]
        assert source.previous_marker() == markers[1]
        shown = screen.latest[EnvironmentSnapshot]
        assert isinstance(shown, EnvironmentSnapshot) and shown.status == "UPDATING"
        assert source.now() == markers[1].at
        assert markers[3].label == "Task: 10 ERROR lines"


def test_bookmarks_survive_closing_and_reopening(synthetic: Path, tmp_path: Path) -> None:
    path = tmp_path / "copy.sqlite"
    shutil.copy(synthetic, path)
    with Recording.open(path) as recording:
        (live,) = recording.bookmarks()
        assert (live.kind, live.target, live.note) == ("log", "Task:Task-6010", "looked odd")
        assert recording.bookmark_line(live) == "INFO - Task 6010"  # looked up in the file
        event = LogEvent("Worker", 1, "x", event_id="Worker-25")
        added = recording.add_bookmark(START + 100, "log", log_target(event), "replay \x1b[31mnote")
        assert added.id and "\x1b" not in added.note
        assert [m.kind for m in recording.markers()].count("bookmark") == 2
    with Recording.open(path) as again:
        notes = [b.note for b in again.bookmarks()]
        assert notes == ["replay note", "looked odd"]  # in time order, escape gone
        assert again.bookmark_line(again.bookmarks()[0]) == "INFO - Worker 25"


# -- durability and OS failures ------------------------------------------------------------

CRASH = r"""
import sys, time
from pathlib import Path
from mwaa_tui.capture import Recorder
from mwaa_tui.core.snapshots import LogBatch, LogEvent

recorder = Recorder(Path(sys.argv[1]), "demo")
for n in range(30):
    recorder.record(LogBatch("Worker", (LogEvent("Worker", n, f"line {n}", "s", str(n)),)), time.time())
    time.sleep(0.02)
print("recorded", flush=True)
time.sleep(600)
"""


def test_a_crash_loses_at_most_the_last_second(tmp_path: Path) -> None:
    path = tmp_path / "crash.sqlite"
    proc = subprocess.Popen(
        [sys.executable, "-c", CRASH, str(path)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert proc.stdout is not None and proc.stdout.readline().strip() == "recorded"
        # No flush, no close: the writer's timer commits within about a second.
        deadline = time.monotonic() + 5
        lines = 0
        while lines < 30 and time.monotonic() < deadline:
            with Recording.open(path) as live:
                lines = live.counts()["log lines"]
            time.sleep(0.1)
        assert lines == 30
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
    with Recording.open(path) as after:
        assert after.counts()["log lines"] == 30 and not after.damaged


def test_a_path_in_a_regular_file_cannot_be_recorded_to(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("x")
    with pytest.raises(RecordingError) as err:
        Recorder(blocker / "r.sqlite", "demo")
    assert str(err.value) == f"cannot record: {blocker} is not a directory"
    with pytest.raises(RecordingError, match=r"(?i)not a directory"):
        default_recording_path("demo", base=blocker)
    assert blocker.read_text() == "x"


def test_a_recording_never_overwrites(tmp_path: Path) -> None:
    existing = tmp_path / "kept.sqlite"
    existing.write_text("precious")
    dangling = tmp_path / "link.sqlite"
    dangling.symlink_to(tmp_path / "nowhere")
    for path in (existing, dangling):
        with pytest.raises(RecordingError, match="exists: a recording never overwrites"):
            Recorder(path, "demo")
    assert existing.read_text() == "precious" and not (tmp_path / "nowhere").exists()


FILE_SIZE_LIMIT = r"""
import json, random, resource, signal, sys, time
from pathlib import Path
from mwaa_tui.capture import Recorder
from mwaa_tui.core.snapshots import LogBatch, LogEvent

signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
rng = random.Random(int(sys.argv[2]))
limit = rng.randint(300_000, 1_500_000)
resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
stops = []
recorder = Recorder(Path(sys.argv[1]), "demo", commit_every=rng.choice([0.05, 0.2]), on_stop=stops.append)
n = 0
deadline = time.monotonic() + 30
while recorder.active and time.monotonic() < deadline:
    events = tuple(
        LogEvent("Worker", n + i, "x" * rng.randint(20, 3000), "s", str(n + i))
        for i in range(rng.randint(1, 200))
    )
    n += len(events)
    recorder.record(LogBatch("Worker", events), time.time())
    if rng.random() < 0.3:
        recorder.flush()
    time.sleep(0.001)
# Monitoring goes on: the emit path keeps calling, and nothing raises.
for _ in range(100):
    recorder.record(LogBatch("Worker", ()), time.time())
    recorder.bookmark(time.time(), "moment")
flushed = recorder.flush()
recorder.size_bytes()
recorder.close()
print(json.dumps({"stops": stops, "flushed": flushed, "active": recorder.active}))
"""


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_a_file_size_limit_stops_the_recording_with_one_message(tmp_path: Path, seed: int) -> None:
    path = tmp_path / "limited.sqlite"
    proc = subprocess.run(
        [sys.executable, "-c", FILE_SIZE_LIMIT, str(path), str(seed)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == ""
    result = json.loads(proc.stdout)
    (message,) = result["stops"]
    assert message.startswith(f"recording stopped: cannot write {path}: ")
    assert "\n" not in message and "Traceback" not in message
    assert result == {"stops": [message], "flushed": False, "active": False}
    # What was committed before the limit is still a recording.
    with Recording.open(path) as what_is_left:
        assert what_is_left.environment == "demo"


def test_the_file_and_its_write_ahead_log_are_private(tmp_path: Path) -> None:
    path = tmp_path / "private.sqlite"
    recorder = Recorder(path, "demo")
    recorder.record(HealthUpdate(SourceHealth("logs:Worker", 1.0)), 1.0)
    assert recorder.flush()
    assert recorder.size_bytes() > 0
    files = sorted(p.name for p in tmp_path.iterdir())
    assert files == ["private.sqlite", "private.sqlite-shm", "private.sqlite-wal"]
    for name in files:
        assert stat.S_IMODE((tmp_path / name).stat().st_mode) == 0o600, name
    recorder.close()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["private.sqlite"]


def test_health_errors_are_sanitised_and_redacted_in_the_file(tmp_path: Path) -> None:
    path = tmp_path / "health.sqlite"
    recorder = Recorder(path, "demo")
    error = ErrorInfo(
        ErrorKind.NETWORK, "cannot reach http://u:s3cr3t@proxy:3128 \x1b[31mred", "logs:X"
    )
    recorder.record(HealthUpdate(SourceHealth("logs:Worker", None, error, 1)), 1.0)
    recorder.close()
    with Recording.open(path) as recording:
        (entry,) = recording.entries
        update = recording.update(entry)
    assert isinstance(update, HealthUpdate) and update.health.error is not None
    assert update.health.error.message == "cannot reach http://u:****@proxy:3128 red"
    assert b"s3cr3t" not in path.read_bytes()


def test_the_default_path_is_in_the_data_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    first = default_recording_path("prod/eu west", now=START)
    assert (
        first == tmp_path / "data/mwaa-tui/recordings/mwaa-tui-prod_eu_west-20251125T120000Z.sqlite"
    )
    assert stat.S_IMODE(first.parent.stat().st_mode) == 0o700
    first.write_text("")
    assert default_recording_path("prod/eu west", now=START).name.endswith("Z-1.sqlite")


# -- bad input ---------------------------------------------------------------------------


def _error_line(capsys: pytest.CaptureFixture[str]) -> str:
    err = capsys.readouterr().err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in err, err
    assert lines[0].startswith("mwaa-tui: error: ")
    return lines[0]


def _bad_files(tmp: Path, good: Path) -> dict[str, Path]:
    files = {}
    files["missing"] = tmp / "missing.sqlite"
    files["directory"] = tmp
    files["empty"] = tmp / "empty.sqlite"
    files["empty"].write_bytes(b"")
    files["garbage"] = tmp / "garbage.sqlite"
    files["garbage"].write_bytes(random.Random(4).randbytes(8192))
    files["garbage with a header"] = tmp / "header.sqlite"
    files["garbage with a header"].write_bytes(
        b"SQLite format 3\x00" + random.Random(5).randbytes(8192)
    )
    other = files["another database"] = tmp / "other.sqlite"
    with sqlite3.connect(other) as db:
        db.execute("CREATE TABLE meta (key TEXT, value TEXT)")
        db.execute("INSERT INTO meta VALUES ('format', 'something else')")
    db.close()
    newer = files["newer schema"] = tmp / "newer.sqlite"
    shutil.copy(good, newer)
    with sqlite3.connect(newer) as db:
        db.execute("UPDATE meta SET value = '99' WHERE key = 'schema'")
    db.close()
    return files


EXPECTED = {
    "missing": "no such file",
    "directory": "is a directory, not a recording",
    "empty": "is not an mwaa-tui recording",
    "garbage": "is not an mwaa-tui recording",
    "garbage with a header": "is not an mwaa-tui recording, or is damaged",
    "another database": "is not an mwaa-tui recording",
    "newer schema": "was written by a newer mwaa-tui (recording schema 99; this version reads up "
    f"to {SCHEMA_VERSION}): upgrade mwaa-tui to open it",
}


@pytest.mark.parametrize("command", ["replay", "report"])
def test_bad_files_get_one_line_and_exit_2(
    command: str, synthetic: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for name, path in _bad_files(tmp_path, synthetic).items():
        assert main([command, str(path)]) == 2, name
        line = _error_line(capsys)
        assert EXPECTED[name] in line, (name, line)


@pytest.mark.parametrize("share", [0.3, 0.6, 0.9])
def test_a_file_cut_short_is_read_up_to_where_it_is_readable(
    share: float, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "cut.sqlite"
    recorder = Recorder(path, "demo", started=START)
    last = START
    for at, update in synthetic_updates(minutes=10, lines=40):
        if at > last:  # a commit per poll, as the writer's timer makes them live
            assert recorder.flush()
            last = at
        recorder.record(update, at)
    recorder.close()
    with Recording.open(path) as whole:
        total, end = len(whole.entries), whole.end
    with path.open("r+b") as fh:
        fh.truncate(int(path.stat().st_size * share))
    with Recording.open(path) as cut:
        assert cut.damaged.startswith(f"{path} is damaged (cut short?): readable up to ")
        assert 0 < len(cut.entries) < total and cut.end < end
        screen = Screen()
        clock = FakeClock()
        source = ReplaySource(cut, screen, clock=clock, speed=60.0)
        while not source.finished:
            clock.advance(5)
            source.step()
        assert source.stopped and screen.logs
    assert main(["replay", str(path)]) == 0
    out = capsys.readouterr().out
    assert "is damaged (cut short?): readable up to" in out
    assert main(["report", str(path)]) == 0
    captured = capsys.readouterr()
    assert "warning:" in captured.err and "readable up to" in captured.err
    assert "The recording is damaged" in captured.out


def test_replay_summarises_a_recording(synthetic: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["replay", str(synthetic)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("recording of demo: 2025-11-25 12:00:00Z to 2025-11-25 12:09:57Z")
    assert "log lines: 10,000" in out
    assert (
        "markers: alarm changes 1, CloudTrail errors 1, bursts of ERROR lines 1, bookmarks 1" in out
    )


def test_report_windows(synthetic: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert (
        main(
            ["report", str(synthetic), "--from", "12:04", "--to", "2025-11-25T12:05:30Z", "--json"]
        )
        == 0
    )
    doc = json.loads(capsys.readouterr().out)
    assert doc["window"] == {
        "from": "2025-11-25T12:04:00Z",
        "to": "2025-11-25T12:05:30Z",
        "seconds": 90.0,
    }
    assert [i["kind"] for i in doc["timeline"]] == ["alarm"]
    assert main(["report", str(synthetic), "--from", "2m", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["window"]["from"] == "2025-11-25T12:07:57Z" and doc["alarms_at_start"]
    assert main(["report", str(synthetic), "--from", "13:00"]) == 2
    assert "the window is empty" in _error_line(capsys)
    assert main(["report", str(synthetic), "--to", "soon"]) == 2
    assert "'soon' is not a time: use HH:MM (UTC)" in _error_line(capsys)


# -- --record at the edge ------------------------------------------------------------------


def test_record_flag_is_checked_before_anything_starts(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    existing = tmp_path / "taken.sqlite"
    existing.write_text("")
    assert main(["--env", "x", "--record", str(existing)]) == 2
    assert _error_line(capsys).endswith(
        f"{existing} exists: a recording never overwrites a file (see mwaa-tui --help)"
    )
    missing = tmp_path / "no" / "r.sqlite"
    assert main(["--env", "x", "--record", str(missing)]) == 2
    assert f"no directory {missing.parent}" in _error_line(capsys)
    assert not missing.parent.exists()


def test_record_option_goes_to_the_app_config_field_when_there_is_one(tmp_path: Path) -> None:
    import dataclasses

    from mwaa_tui.settings import AppConfig

    path = tmp_path / "r.sqlite"
    assert record_option(None) == {}
    if "record_path" in {f.name for f in dataclasses.fields(AppConfig)}:
        assert record_option(path) == {"record_path": path}
    else:
        with pytest.raises(CliError, match="cannot record yet"):
            record_option(path)


async def test_run_plays_in_real_time_until_the_end(tmp_path: Path) -> None:
    from tests.conftest import async_wait_until

    path = tmp_path / "short.sqlite"
    recorder = Recorder(path, "demo", started=START)
    for at, update in synthetic_updates(minutes=0.5, lines=1):
        recorder.record(update, at)
    recorder.close()
    with Recording.open(path) as recording:
        screen = Screen()
        source = ReplaySource(recording, screen, speed=60.0)  # 27 s of recording: under 0.5 s
        task = asyncio.create_task(source.run())
        try:
            await async_wait_until(lambda: source.finished, timeout=10, what="the end")
            assert source.paused and source.cursor == len(recording.entries)
            assert sum(len(d) for d in screen.logs.values()) == recording.counts()["log lines"]
            source.seek(recording.start)
            source.resume()
            await async_wait_until(lambda: source.finished, timeout=10, what="the end again")
        finally:
            task.cancel()


def test_a_secret_behind_a_control_character_never_reaches_the_file(tmp_path: Path) -> None:
    """A batch marked as redacted that its poller did not make (the sanitiser would join a
    key together) is cleaned and redacted in full on its way in."""
    path = tmp_path / "marked.sqlite"
    recorder = Recorder(path, "demo", started=START)
    line = "AKIA\x1b[0mIOSFODNN7EXAMPLE password\x07=hunter2"
    recorder.record(
        LogBatch("Worker", (LogEvent("Worker", 1, line, "s", "1"),), redacted=True), START
    )
    recorder.close()
    raw = path.read_bytes()
    assert b"AKIA" in raw and b"IOSFODNN7EXAMPLE" not in raw and b"hunter2" not in raw


def test_a_schema_1_recording_still_replays_and_reports(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "schema-1.sqlite"
    db = sqlite3.connect(path)
    # Schema 1 is schema 2 with a row per log line in place of the packed tables.
    db.executescript(SCHEMA + LEGACY_SCHEMA + "DROP TABLE log_chunks; DROP TABLE log_errors;")
    db.executemany(
        "INSERT INTO meta VALUES (?, ?)",
        [("format", "mwaa-tui recording"), ("schema", "1"), ("environment", "demo"),
         ("started", repr(START))],
    )  # fmt: skip
    db.execute("INSERT INTO streams VALUES (1, 's')")
    db.execute("INSERT INTO log_batches VALUES (1, ?, 'Task', 0, 1, 2, 1, 0)", (START,))
    db.execute("INSERT INTO log_batches VALUES (2, ?, 'Task', 0, 3, 1, 0, 0)", (START + 5,))
    db.executemany(
        "INSERT INTO log_events VALUES (?, ?, ?, ?, 1, ?, 0, ?, 0)",
        [(1, 1, 1000, "ERROR - the old way", "e1", "ERROR"), (2, 1, 1001, "INFO - a", "e2", "INFO"),
         (3, 2, 1002, "INFO - b", "e3", "INFO")],
    )  # fmt: skip
    db.execute(
        "INSERT INTO bookmarks VALUES (NULL, ?, 'log', 'Task:e1', 'see', '', ?)", (START, START)
    )
    db.commit()
    db.close()
    with Recording.open(path) as recording:
        assert not recording.packed and not recording.damaged
        out: list[object] = []
        ReplaySource(recording, out.append, clock=FakeClock()).seek(recording.end)
        lines = [e.message for u in out if isinstance(u, LogBatch) for e in u.events]
        assert lines == ["ERROR - the old way", "INFO - a", "INFO - b"]
        (bookmark,) = recording.bookmarks()
        assert recording.bookmark_line(bookmark) == "ERROR - the old way"
    assert main(["report", str(path)]) == 0
    assert "ERROR - the old way" in capsys.readouterr().out


def test_a_bookmark_finds_its_line_in_a_packed_recording(tmp_path: Path) -> None:
    path = tmp_path / "packed.sqlite"
    recorder = Recorder(path, "demo", started=START)
    events = tuple(LogEvent("Task", n, f"line {n}", "s", f"e{n}") for n in range(5))
    recorder.record(LogBatch("Task", events[:3]), START)
    recorder.record(LogBatch("Task", events[3:]), START + 3)
    recorder.bookmark(START + 3, "log", "Task:e1")
    recorder.close()
    with Recording.open(path) as recording:
        assert recording.packed
        (bookmark,) = recording.bookmarks()
        assert recording.bookmark_line(bookmark) == "line 1"
        assert recording.bookmark_line(replace(bookmark, at=START - 1)) == ""


def test_a_doctored_recording_is_sanitised_on_the_way_out(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A recording is a file anyone can hand over: what comes out of it is cleaned again."""
    path = tmp_path / "doctored.sqlite"
    recorder = Recorder(path, "demo", started=START)
    recorder.record(
        LogBatch("Task", (LogEvent("Task", 1, "ERROR - fine", "s", "1", level="ERROR"),)), START
    )
    recorder.record(AlarmsSnapshot((Alarm("a", "OK", "", None),)), START)
    recorder.record(AlarmsSnapshot((Alarm("a", "ALARM", "fine", None),)), START + 1)
    recorder.close()
    with sqlite3.connect(path) as db:
        hostile = "ERROR - \x1b]52;c;ZXZpbA==\x07copied\x1b[2J"
        db.execute("UPDATE log_chunks SET messages = ?", (hostile,))
        db.execute("UPDATE log_errors SET message = ?", (hostile,))
        db.execute("UPDATE alarm_changes SET reason = ?", ("\x9b6nasked",))
        db.execute("UPDATE meta SET value = ? WHERE key = 'environment'", ("de\x1b[31mmo",))
    db.close()
    with Recording.open(path) as recording:
        out: list[object] = []
        source = ReplaySource(recording, out.append, clock=FakeClock())
        source.seek(recording.end)
        (batch,) = [u for u in out if isinstance(u, LogBatch)]
        assert batch.events[0].message == "ERROR - copied"
        assert recording.environment == "demo"
    assert main(["report", str(path)]) == 0
    text = capsys.readouterr().out
    assert not any(c in text for c in ESCAPES)
    assert "copied" in text and "asked" in text


@pytest.mark.parametrize("errors", [3, 40])
def test_error_lines_reach_the_report_one_by_one_or_in_bulk(
    tmp_path: Path, errors: int, capsys: pytest.CaptureFixture[str]
) -> None:
    """A busy tail's ERROR lines go into the file in one statement (`bulk_insert_statement`),
    a few a row at a time: both read back as they went in, numbers as numbers."""
    path = tmp_path / "errors.sqlite"
    recorder = Recorder(path, "demo", started=START)
    events = tuple(
        LogEvent(
            "Worker", 1_764_072_000_000 + n, f"ERROR - failure {n} \"quoted\" \\ é", "s",
            f"{n:056d}", level="ERROR" if n < errors else "INFO",
        )
        for n in range(errors + 5)
    )  # fmt: skip
    recorder.record(LogBatch("Worker", events, redacted=True), START)
    recorder.close()
    db = sqlite3.connect(path)
    rows = db.execute(
        "SELECT id, batch, timestamp, typeof(timestamp), message, level FROM log_errors"
    ).fetchall()
    db.close()
    assert rows == [
        (n + 1, 1, e.timestamp, "integer", e.message, "ERROR")
        for n, e in enumerate(events[:errors])
    ]
    assert main(["report", str(path)]) == 0
    assert 'failure 0 "quoted" \\ é' in capsys.readouterr().out
