"""Regenerate screenshots/ from a seeded sandbox with a frozen clock.

    .venv/bin/python scripts/screenshots.py

Run it whenever the look changes; the README shows the results.
"""

from __future__ import annotations

import asyncio
import sys
import time
from pathlib import Path

from mwaa_tui.aws.clients import AwsSettings
from mwaa_tui.sandbox import Sandbox
from mwaa_tui.sandbox.server import DEMO_CREDENTIALS
from mwaa_tui.sandbox.simulator import Simulator
from mwaa_tui.ui.app import AppConfig, Intervals, MwaaApp

NOW = 1_764_072_000.0
OUT = Path(__file__).resolve().parent.parent / "screenshots"
ONCE = Intervals(environment=3600, logs=3600, metrics=3600, alarms=3600, trail=3600)
SHOTS = [
    # name, size, seconds into the story (the S3 sensor fails from 120 s to 270 s)
    ("main-80x24", (80, 24), 60.0),
    ("main-160x48", (160, 48), 60.0),
    ("incident-160x48", (160, 48), 262.0),
    ("incident-80x24", (80, 24), 262.0),
]


async def shoot(sandbox: Sandbox, name: str, size: tuple[int, int], phase: float) -> Path:
    sandbox.reset()
    Simulator(sandbox, environment="demo", seed=7, story_offset=phase).setup(NOW)
    settings = AwsSettings(
        region=sandbox.region, endpoint_url=sandbox.url, static_credentials=DEMO_CREDENTIALS
    )
    app = MwaaApp(
        AppConfig(
            aws=settings,
            environment="demo",
            where=" · sandbox",
            intervals=ONCE,
            clock=lambda: NOW,
            timer=lambda: 0.0,
        )
    )
    async with app.run_test(size=size) as pilot:
        deadline = time.monotonic() + 30
        while not (app._timed_all and len(app.health) >= 9):
            if time.monotonic() > deadline:
                raise SystemExit(f"{name}: the app did not fill within 30 s")
            await pilot.pause(0.05)
        app.main.query_one("LogPanes").flush()
        app.tick()
        await pilot.pause()
        path = OUT / f"{name}.svg"
        app.save_screenshot(filename=path.name, path=str(OUT))
    return path


async def main() -> int:
    OUT.mkdir(exist_ok=True)
    sandbox = Sandbox(evaluate_every=None).start()
    try:
        for name, size, phase in SHOTS:
            print(await shoot(sandbox, name, size, phase))
    finally:
        sandbox.stop()
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
