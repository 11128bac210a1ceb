"""A seek in `mwaa-tui replay` as the user meets it: from asking for a moment to the panes
showing it, the app and its widgets included (bench.capture times the file's side alone).

.venv/bin/python -m bench.replay_app              # 20 seeks in a one-hour demo recording
.venv/bin/python -m bench.replay_app --seeks 40 --minutes 30

The recording is bench.capture's hour at the demo's rate (5 components x 100 lines/s);
the app runs headless at 120x40 with no endpoint reachable, paused, and seeks to random
moments as `@` does. A seek counts as done when every log view has drawn what it was
handed and no message is waiting: the state of that moment is on screen. The issue's
target: 200 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import tempfile
import time
from pathlib import Path

from bench.capture import build_hour
from mwaa_tui.aws.clients import AwsSettings
from mwaa_tui.capture import Recording
from mwaa_tui.settings import AppConfig
from mwaa_tui.ui.app import MwaaApp
from mwaa_tui.ui.replay import ReplayCapture
from mwaa_tui.ui.widgets.component_log import ComponentLog
from mwaa_tui.ui.widgets.logs import LogPanes


def drawn(app: MwaaApp) -> bool:
    panes = app.main.query_one(LogPanes)
    views = list(panes.query(ComponentLog))
    return not app._message_queue.qsize() and not any(v.buffer.pending for v in views)


async def seeks(path: Path, count: int, seed: int) -> tuple[float, list[float]]:
    recording = Recording.open(path)
    app = MwaaApp(
        AppConfig(
            aws=AwsSettings(
                region=recording.region or "eu-west-1", endpoint_url="http://127.0.0.1:9"
            ),
            environment=recording.environment,
            initial=recording.first_environment(),
            replay=recording,
        )
    )
    rng = random.Random(seed)
    times: list[float] = []
    async with app.run_test(size=(120, 40)) as pilot:
        started = time.perf_counter()
        while not app.main.query_one("#log-view-All").lines:  # type: ignore[attr-defined]
            await pilot.pause(0.01)
        first = time.perf_counter() - started
        capture = app.capture
        assert isinstance(capture, ReplayCapture)
        capture.source.pause()
        await pilot.pause()
        for _ in range(count):
            at = rng.uniform(recording.start, recording.end)
            t0 = time.perf_counter()
            capture.seek(at)
            await pilot.pause()
            while not drawn(app):
                await pilot.pause(0.005)
            times.append(time.perf_counter() - t0)
    recording.close()
    return first, times


def run(count: int = 20, minutes: float = 60.0) -> dict[str, float]:
    with tempfile.TemporaryDirectory(prefix="mwaa-tui-replay-") as tmp:
        path = Path(tmp) / "hour.sqlite"
        build_hour(path, minutes)
        first, times = asyncio.run(seeks(path, count, seed=7))
    result = {
        "first_screen_s": first,
        "seek_median_ms": 1000 * statistics.median(times),
        "seek_max_ms": 1000 * max(times),
    }
    print(f"replay of a {minutes:.0f}-minute demo recording in the app (120x40, headless)")
    print(f"  first log lines on screen {first:.2f} s after the app started")
    print(
        f"  {count} seeks, to the panes drawn: median {result['seek_median_ms']:.0f} ms, "
        f"max {result['seek_max_ms']:.0f} ms (target 200 ms)"
    )
    return result


if __name__ == "__main__":
    parser = argparse.ArgumentParser(prog="python -m bench.replay_app")
    parser.add_argument("--seeks", type=int, default=20)
    parser.add_argument("--minutes", type=float, default=60.0)
    args = parser.parse_args()
    run(args.seeks, args.minutes)
