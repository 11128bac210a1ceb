"""Incident capture on the screen: the demo recorded by the app over real HTTP and replayed
with no endpoint, the replay's keys on a fake clock, bookmarks live and in replay, `R`,
and a recording whose file fails while the monitor goes on."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import mwaa_tui.ui.app
from mwaa_tui.aws.clients import AwsSettings
from mwaa_tui.capture import Recorder, Recording
from mwaa_tui.core.recording import log_target
from mwaa_tui.core.snapshots import (
    Alarm,
    AlarmsSnapshot,
    CallRecord,
    EnvironmentSnapshot,
    HealthUpdate,
    LogBatch,
    LogEvent,
    MetricsSnapshot,
    SourceHealth,
    TrailBatch,
    TrailEvent,
)
from mwaa_tui.sandbox import Sandbox
from mwaa_tui.sandbox.simulator import Simulator
from mwaa_tui.ui.app import AppConfig, MwaaApp
from mwaa_tui.ui.capture import LiveCapture
from mwaa_tui.ui.replay import ReplayCapture
from mwaa_tui.ui.screens.bookmarks import BookmarkList, TextPrompt
from mwaa_tui.ui.screens.chart import MetricChart
from mwaa_tui.ui.screens.line_detail import LineDetail
from mwaa_tui.ui.widgets.alarms import AlarmTable
from mwaa_tui.ui.widgets.logs import LogPanes
from mwaa_tui.ui.widgets.logview import LogView
from mwaa_tui.ui.widgets.metrics import MetricsPanel
from mwaa_tui.ui.widgets.trail_table import TrailTable
from tests.clock import FakeClock
from tests.conftest import put_events, wait_until
from tests.ui.helpers import (
    FAST,
    alarm_names,
    header_text,
    log_lines,
    make_app,
    screen_text,
    trail_names,
)

APP_CSS = str(Path(mwaa_tui.ui.app.__file__).with_name("app.tcss"))
"""A subclass's stylesheet is looked for beside the subclass: point it at the app's."""


class Watched(MwaaApp):
    """The app, keeping every notification it shows (what the user reads)."""

    CSS_PATH = APP_CSS

    def __init__(self, config: AppConfig) -> None:
        super().__init__(config)
        self.said: list[str] = []

    def notify(self, message: str, *args: Any, **kwargs: Any) -> None:
        self.said.append(str(message))
        super().notify(message, *args, **kwargs)


class Trap:
    """A port that listens and counts who connects: an AWS endpoint a replay must not use."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen()
        self.sock.settimeout(0.1)
        self.connections = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.sock.getsockname()[1]}"

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self.connections += 1
            conn.close()

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=2)
        self.sock.close()


@pytest.fixture
def trap() -> Iterator[Trap]:
    t = Trap()
    yield t
    t.close()


def replay_app(path: Path, trap: Trap, clock: FakeClock | None = None) -> Watched:
    """`mwaa-tui replay FILE` as the CLI builds it, pointed at an endpoint that counts."""
    recording = Recording.open(path)
    extra: dict[str, Any] = {"replay_clock": clock} if clock is not None else {}
    return Watched(
        AppConfig(
            aws=AwsSettings(region=recording.region or "eu-west-1", endpoint_url=trap.url),
            environment=recording.environment,
            initial=recording.first_environment(),
            replay=recording,
            intervals=FAST,
            **extra,
        )
    )


def recording_demo(aws_settings: AwsSettings, path: Path, save_dir: Path) -> Watched:
    """`mwaa-tui --env demo --record PATH` against the sandbox."""
    return Watched(
        AppConfig(
            aws=aws_settings,
            environment="demo",
            intervals=FAST,
            record_path=path,
            save_dir=save_dir,
        )
    )


def replay_of(app: MwaaApp) -> ReplayCapture:
    assert isinstance(app.capture, ReplayCapture)
    return app.capture


def status_text(app: MwaaApp) -> str:
    return str(app.main.query_one("#status").render())


def flushed_lines(app: MwaaApp, view: str = "All") -> set[str]:
    app.main.query_one(LogPanes).flush()
    return set(log_lines(app, view))


# -- the demo, recorded by the app and replayed with no endpoint ---------------------------


async def test_the_demo_recorded_by_the_app_replays_offline_on_the_same_screen(
    demo: Simulator, sandbox: Sandbox, aws_settings: AwsSettings, tmp_path: Path, trap: Trap
) -> None:
    path = tmp_path / "demo.sqlite"
    live = recording_demo(aws_settings, path, tmp_path)
    async with live.run_test(size=(160, 48)) as pilot:
        await wait_until(
            pilot,
            lambda: bool(log_lines(live) and trail_names(live) and alarm_names(live)),
            what="every pane",
        )
        assert "● REC" in status_text(live)
        name = next(
            a.name for a in live.state.alarm_list if a.state == "OK" and a.kind == "MetricAlarm"
        )
        with sandbox.lock:
            sandbox.cloudwatch.set_alarm_state(name, "Threshold Crossed: a test", "{}", "ALARM")
        group = sandbox.mwaa.environments["demo"].group_name("Worker")
        marker = f"recorded-{time.time_ns()} ERROR - the line to find again"
        put_events(sandbox, group, "capture", [(int(time.time() * 1000), marker)])
        await wait_until(
            pilot,
            lambda: (
                f"{name}: OK → ALARM" in live.said
                and any(marker in line for line in flushed_lines(live))
            ),
            what="the alarm change and the new line",
        )
        await pilot.press("R")  # stop recording: what is shown now was all received before
        assert "● REC" not in status_text(live)
        shown_live = flushed_lines(live)
        trail_live = set(trail_names(live))
    assert isinstance(live.capture, LiveCapture) and live.capture.recorder is None

    replay = replay_app(path, trap)
    async with replay.run_test(size=(160, 48)) as pilot:
        await wait_until(pilot, lambda: "REPLAY" in header_text(replay), what="the badge")
        assert "demo.sqlite" in header_text(replay)
        status = replay_of(replay).status()
        assert status.speed == 1.0 and not status.paused
        with Recording.open(path) as recording:
            start = recording.start
        assert start <= status.position < start + 2  # from the start, at 1x
        await pilot.press("greater_than_sign", "greater_than_sign")  # 60x
        assert replay_of(replay).status().speed == 60.0
        await wait_until(
            pilot, lambda: replay_of(replay).status().finished, timeout=20, what="the end"
        )
        shown = flushed_lines(replay)
        assert any(marker in line for line in shown)
        assert shown_live <= shown
        assert f"{name}: OK → ALARM" in replay.said  # the same message path as live
        table = replay.main.query_one(AlarmTable)
        assert next(a.state for a in table.alarms if a.name == name) == "ALARM"
        assert set(trail_names(replay)) == trail_live
        assert "END" in status_text(replay)
        # The live keys on what was replayed: a line in full, a chart.
        view = replay.main.query_one("#log-view-All", LogView)
        view.focus()
        await pilot.press("up", "enter")
        await wait_until(pilot, lambda: isinstance(replay.screen, LineDetail), what="the line")
        await pilot.press("escape")
        replay.main.query_one(MetricsPanel).focus()
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(replay.screen, MetricChart), what="a chart")
        await pilot.press("escape")
        assert replay.gateway is None
    assert trap.connections == 0


# -- a synthetic recording, on a fake clock ------------------------------------------------

START = 1_764_072_000.0
"""2025-11-25T12:00:00Z."""


def ten_minutes(path: Path) -> Path:
    """Five components polled every 3 s; an alarm fires at 5 min, a denied call comes at
    6 min, the Task component writes ERROR lines from 7.5 min; a bookmark at 400 s."""
    recorder = Recorder(path, "demo", region="eu-west-1", started=START)
    n = 0
    for step in range(200):
        t = START + step * 3.0
        if step % 10 == 0:
            recorder.record(EnvironmentSnapshot("demo", "AVAILABLE"), t)
            state = "ALARM" if t >= START + 300 else "OK"
            recorder.record(AlarmsSnapshot((Alarm("failures", state, f"state {state}", t),)), t)
            recorder.record(MetricsSnapshot((), 60, t - 3600, t), t)
        for c in ("Scheduler", "Task", "Worker", "WebServer", "DAGProcessing"):
            level = "ERROR" if c == "Task" and 150 <= step < 160 else "INFO"
            events = tuple(
                LogEvent(c, int(t * 1000) + i, f"{level} - {c} line {n + i}", "s", f"{c}-{n + i}",
                         level=level)
                for i in range(3)
            )  # fmt: skip
            n += 3
            recorder.record(LogBatch(c, events, int(t * 1000)), t)
            recorder.record(HealthUpdate(SourceHealth(f"logs:{c}", t, None, 0, 3.0)), t)
        recorder.record(CallRecord("logs", "FilterLogEvents", "ok", 0.01, t), t)
        if step == 120:
            denied = TrailEvent("denied-1", t - 30, "CreateCliToken", "lambda",
                                error_code="AccessDenied")  # fmt: skip
            recorder.record(TrailBatch((denied,)), t)
    recorder.bookmark(START + 400, "log", "Task:Task-6010", "looked odd")
    recorder.close()
    return path


@pytest.fixture
def synthetic(tmp_path: Path) -> Path:
    return ten_minutes(tmp_path / "ten-minutes.sqlite")


def position(app: MwaaApp) -> float:
    return replay_of(app).status().position


async def test_speed_pause_markers_and_seek_on_the_replays_clock(
    synthetic: Path, trap: Trap
) -> None:
    clock = FakeClock()
    app = replay_app(synthetic, trap, clock)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(pilot, lambda: bool(log_lines(app)), what="the first lines")
        assert position(app) == START and app.clock() == START  # the app's clock is the replay's
        assert "REPLAY" in header_text(app) and "2025-11-25 12:00:00Z" in header_text(app)
        assert "▶ 1×" in status_text(app) and "12:00:00" in status_text(app)
        clock.advance(9)
        await wait_until(
            pilot, lambda: any("Scheduler line 45" in ln for ln in flushed_lines(app)), what="9 s"
        )
        await pilot.press("space")
        assert replay_of(app).status().paused
        paused_at = position(app)
        clock.advance(100)
        assert position(app) == paused_at
        await wait_until(pilot, lambda: "PAUSED" in status_text(app), what="PAUSED")
        await pilot.press("space", "greater_than_sign")
        clock.advance(3)
        assert position(app) == pytest.approx(paused_at + 30)
        await wait_until(pilot, lambda: "▶ 10×" in status_text(app), what="10x")
        await pilot.press("greater_than_sign")
        assert replay_of(app).status().speed == 60.0
        await pilot.press("less_than_sign")
        assert replay_of(app).status().speed == 10.0
        await pilot.press("space")  # hold still for the markers and seeks
        # The next marker is the alarm's change at 5 min: the screen is rebuilt there.
        await pilot.press("right_square_bracket")
        assert position(app) == START + 300
        await wait_until(
            pilot,
            lambda: [a.state for a in app.main.query_one(AlarmTable).alarms] == ["ALARM"],
            what="the alarm in ALARM",
        )
        await pilot.press("right_square_bracket")  # the denied call, fetched at 6 min
        assert position(app) == START + 360
        await wait_until(pilot, lambda: trail_names(app) == ["CreateCliToken"], what="trail")
        await pilot.press("right_square_bracket")  # the bookmark
        assert position(app) == START + 400
        await pilot.press("left_square_bracket")
        assert position(app) == START + 360
        # Seek by typing a time: a clock time, then back from here.
        await pilot.press("at", *"12:02", "enter")
        assert position(app) == START + 120 and not isinstance(app.screen, TextPrompt)
        await wait_until(
            pilot,
            lambda: [a.state for a in app.main.query_one(AlarmTable).alarms] == ["OK"],
            what="the alarm back to OK before its change",
        )
        assert trail_names(app) == []
        await pilot.press("at", *"-1m", "enter")
        assert position(app) == START + 60
        await pilot.press("at", *"soon", "enter")
        assert isinstance(app.screen, TextPrompt)  # stays open, saying what is wrong
        assert "is not a time" in screen_text(app)
        await pilot.press("escape")
        assert position(app) == START + 60
        # What the replay has reached so far is all there; nothing newer.
        shown = flushed_lines(app)
        assert any("Scheduler line 0" in ln for ln in shown)
        assert not any("line 400" in ln for ln in shown)  # received at 80 s
    assert trap.connections == 0


async def test_a_seek_is_drawn_once_its_updates_are_in_not_a_repaint_later(
    synthetic: Path, trap: Trap
) -> None:
    """The log panes draw at most once a second while a tail streams in; a seek's lines
    are drawn right after the last of its updates, backwards and forwards."""
    app = replay_app(synthetic, trap, FakeClock())
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(pilot, lambda: bool(log_lines(app)), what="the first lines")
        await pilot.press("space")
        # At 12:02 the newest lines are step 40's (lines 600-614); 12:00:30 is step 10's.
        for at, newest, oldest_gone in (
            (START + 120, "DAGProcessing line 614", "line 615"),
            (START + 30, "DAGProcessing line 164", "line 165"),
            (START + 450, "DAGProcessing line 2264", "line 2265"),
        ):
            replay_of(app).seek(at)
            await pilot.pause()
            shown = log_lines(app)
            assert shown and newest in shown[-1], (at, shown[-3:])
            assert not any(oldest_gone in line for line in shown)


async def test_keys_that_would_call_aws_say_so_in_a_replay(synthetic: Path, trap: Trap) -> None:
    app = replay_app(synthetic, trap, FakeClock())
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(pilot, lambda: bool(log_lines(app)), what="lines")
        await pilot.press("right_square_bracket", "right_square_bracket")  # the denied call
        app.main.query_one("#log-view-All").focus()
        await pilot.press("t", "i", "b", "r")
        app.main.query_one(AlarmTable).focus()
        await pilot.press("h", "l")
        app.main.query_one(TrailTable).focus()
        await pilot.press("o")
        said = [s for s in app.said if "not available in a replay" in s]
        assert [s.split(":")[0] for s in said] == [
            "task logs",
            "Logs Insights",
            "backfill",
            "polling now",
            "alarm history",
            "logs around a moment",
            "older CloudTrail events",
        ]
        assert "loading older" not in screen_text(app)
        # What needs no AWS works on what was replayed: a filter, the line, the CloudTrail detail.
        app.main.query_one("#log-view-All").focus()
        await pilot.press("slash", *"line 4", "enter")
        assert flushed_lines(app) and all("line 4" in ln for ln in flushed_lines(app))
        app.main.query_one(TrailTable).focus()
        await pilot.press("enter")
        await wait_until(pilot, lambda: "TrailDetail" in type(app.screen).__name__, what="detail")
        assert "AccessDenied" in screen_text(app)
        assert app.gateway is None
    assert trap.connections == 0


# -- bookmarks -----------------------------------------------------------------------------


async def test_bookmarks_added_live_and_in_replay_survive_reopening(
    demo: Simulator, aws_settings: AwsSettings, tmp_path: Path, trap: Trap
) -> None:
    path = tmp_path / "marked.sqlite"
    live = recording_demo(aws_settings, path, tmp_path)
    async with live.run_test(size=(160, 48)) as pilot:
        await wait_until(
            pilot, lambda: bool(log_lines(live) and alarm_names(live)), what="lines and alarms"
        )
        view = live.main.query_one("#log-view-All", LogView)
        view.focus()
        await pilot.press("up")
        assert view.cursor is not None
        marked_line = view.text_at(view.cursor)
        marked_event = view.event_at(view.cursor)
        assert marked_event is not None
        await pilot.press("m")
        assert isinstance(live.screen, TextPrompt)
        await pilot.press(*"odd line", "enter")
        live.main.query_one(AlarmTable).focus()
        await pilot.press("m", "enter")  # no note
        await pilot.press("apostrophe")
        assert isinstance(live.screen, BookmarkList)
        assert "odd line" in screen_text(live) and "(no note)" in screen_text(live)
        await pilot.press("escape")
        alarms = alarm_names(live)
    with Recording.open(path) as recording:
        marks = recording.bookmarks()
        assert [(b.kind, b.note) for b in marks] == [("log", "odd line"), ("alarm", "")]
        assert marks[0].text == marked_line and marks[0].target == log_target(marked_event)
        assert marks[1].target == alarms[0]

    replay = replay_app(path, trap)
    async with replay.run_test(size=(160, 48)) as pilot:
        await wait_until(pilot, lambda: bool(trail_names(replay)), what="the replay's trail")
        await pilot.press("space")  # paused: a jump stays where it lands
        await pilot.press("apostrophe")
        assert isinstance(replay.screen, BookmarkList)
        await pilot.press("enter")  # the first bookmark: the replay jumps to it
        assert position(replay) == pytest.approx(marks[0].at)
        replay.main.query_one(TrailTable).focus()
        await pilot.press("m", *"who was denied", "enter")
        await pilot.press("apostrophe")
        assert "who was denied" in screen_text(replay)
        await pilot.press("escape")
        assert any(m.kind == "bookmark" for m in replay_of(replay).markers())
    with Recording.open(path) as recording:
        notes = {(b.kind, b.note) for b in recording.bookmarks()}
    assert notes == {("log", "odd line"), ("alarm", ""), ("trail", "who was denied")}
    assert trap.connections == 0


# -- R, and a recording that cannot go on ------------------------------------------------


async def test_R_starts_and_stops_a_recording_in_the_data_directory(
    demo: Simulator, aws_settings: AwsSettings, tmp_path: Path
) -> None:
    app = Watched(
        AppConfig(aws=aws_settings, environment="demo", intervals=FAST, save_dir=tmp_path)
    )
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(pilot, lambda: bool(alarm_names(app)), what="alarms")
        await pilot.press("m")
        assert any("no recording is running: R starts one" in s for s in app.said)
        assert not isinstance(app.screen, TextPrompt)
        await pilot.press("R")
        await wait_until(pilot, lambda: "● REC" in status_text(app), what="● REC")
        (path,) = (tmp_path / "recordings").glob("mwaa-tui-demo-*.sqlite")
        await pilot.pause(0.5)
        await pilot.press("R")
        await wait_until(pilot, lambda: "● REC" not in status_text(app), what="REC gone")
        assert any(s.startswith("recording stopped: ") and str(path) in s for s in app.said)
        assert isinstance(app.capture, LiveCapture)
        await wait_until(
            pilot, lambda: not path.with_name(path.name + "-wal").exists(), what="closed"
        )
    with Recording.open(path) as recording:
        counts = recording.counts()
    # The screen as it was when R was pressed starts the file: environment, alarms, health.
    assert counts["environment"] >= 1 and counts["alarms"] >= 1 and counts["health"] >= 1


FAILING = r"""
import asyncio, json, resource, signal, sys, time, random
from pathlib import Path
import mwaa_tui.ui.app
from mwaa_tui.aws.clients import AwsSettings
from mwaa_tui.sandbox import Sandbox
from mwaa_tui.sandbox.server import DEMO_CREDENTIALS
from mwaa_tui.sandbox.simulator import Simulator
from mwaa_tui.ui.app import AppConfig, MwaaApp
from tests.conftest import put_events, wait_until
from tests.ui.helpers import FAST, log_lines

said = []

class Watched(MwaaApp):
    CSS_PATH = str(Path(mwaa_tui.ui.app.__file__).with_name("app.tcss"))

    def notify(self, message, *args, **kwargs):
        said.append(str(message))
        super().notify(message, *args, **kwargs)

async def main(path, seed):
    rng = random.Random(seed)
    sandbox = Sandbox(evaluate_every=None).start()
    try:
        Simulator(sandbox, environment="demo", seed=seed).setup(time.time())
        settings = AwsSettings(region=sandbox.region, endpoint_url=sandbox.url,
                               static_credentials=DEMO_CREDENTIALS)
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails, EFBIG
        limit = rng.randint(250_000, 1_000_000)  # past the new file's schema
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
        app = Watched(AppConfig(aws=settings, environment="demo", intervals=FAST,
                                record_path=path))
        group = sandbox.mwaa.environments["demo"].group_name("Worker")
        async with app.run_test(size=(120, 40)) as pilot:
            deadline = time.monotonic() + 60
            n = 0
            while not any(s.startswith("recording stopped") for s in said):
                assert time.monotonic() < deadline, "the recording never stopped"
                now = int(time.time() * 1000)
                lines = [(now + i, f"{n + i} " + "x" * rng.randint(50, 2000))
                         for i in range(rng.randint(10, 80))]
                n += len(lines)
                put_events(sandbox, group, "busy", lines)
                await pilot.pause(rng.uniform(0.1, 0.4))
            later = f"after-the-stop-{seed}"
            put_events(sandbox, group, "later", [(int(time.time() * 1000), later)])
            await wait_until(pilot, lambda: any(later in ln for ln in log_lines(app)),
                             timeout=20, what="lines after the stop")
            await pilot.pause(1.5)
            status_after = str(app.main.query_one("#status").render())
        print(json.dumps({"said": said, "status": status_after, "limit": limit}))
    finally:
        sandbox.stop()

asyncio.run(main(Path(sys.argv[1]), int(sys.argv[2])))
"""


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_a_recording_whose_file_fails_stops_once_and_the_panes_keep_filling(
    tmp_path: Path, seed: int
) -> None:
    path = tmp_path / "limited.sqlite"
    proc = subprocess.run(
        [sys.executable, "-c", FAILING, str(path), str(seed)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        cwd=Path(__file__).resolve().parents[2],
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    stops = [s for s in result["said"] if s.startswith("recording stopped")]
    assert len(stops) == 1, result["said"]
    (stop,) = stops
    assert f"cannot write {path}" in stop and stop.endswith("monitoring goes on")
    assert "\n" not in stop and "Traceback" not in stop
    assert "● REC" not in result["status"]
    # What was written before the failure is still a recording.
    with Recording.open(path) as what_is_left:
        assert what_is_left.environment == "demo"


async def test_the_question_mark_lists_the_replays_keys_in_a_replay(
    synthetic: Path, trap: Trap
) -> None:
    from mwaa_tui.ui.screens.help import HelpScreen

    app = replay_app(synthetic, trap, FakeClock())
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(pilot, lambda: bool(log_lines(app)), what="lines")
        await pilot.press("question_mark")
        await wait_until(pilot, lambda: isinstance(app.screen, HelpScreen), what="help")
        await pilot.pause()
        help_screen = app.screen
        assert isinstance(help_screen, HelpScreen)
        keys = {line.split("  ")[0] for line in help_screen.text.splitlines()}
        assert {"Space", ">", "<", "]", "[", "@", "m", "'"} <= keys
    assert trap.connections == 0


async def test_live_the_question_mark_leaves_the_replays_keys_out(
    aws_settings: AwsSettings,
) -> None:
    from mwaa_tui.ui.screens.help import HelpScreen

    app = make_app(aws_settings)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("question_mark")
        await wait_until(pilot, lambda: isinstance(app.screen, HelpScreen), what="help")
        help_screen = app.screen
        assert isinstance(help_screen, HelpScreen)
        keys = {line.split("  ")[0] for line in help_screen.text.splitlines()}
        assert "R" in keys and "m" in keys  # recording and bookmarks work live
        assert not keys & {"Space", ">", "<", "]", "[", "@"}
