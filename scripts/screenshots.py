"""Regenerate screenshots/ from a seeded sandbox with a frozen clock.

    .venv/bin/python scripts/screenshots.py

Run it whenever the look changes; the README shows the results.
"""

from __future__ import annotations

import asyncio
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from textual.widgets import Tree

from mwaa_tui.aws.clients import AwsSettings
from mwaa_tui.core.tasklogs import TaskAttempt
from mwaa_tui.sandbox import Sandbox
from mwaa_tui.sandbox.server import DEMO_CREDENTIALS
from mwaa_tui.sandbox.simulator import Simulator
from mwaa_tui.ui.app import AppConfig, Intervals, MwaaApp

NOW = 1_764_072_000.0
OUT = Path(__file__).resolve().parent.parent / "screenshots"
ONCE = Intervals(environment=3600, logs=3600, metrics=3600, alarms=3600, trail=3600)


async def wait(pilot: Any, predicate: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + 30
    while not predicate():
        if time.monotonic() > deadline:
            raise SystemExit(f"no {what} within 30 s")
        await pilot.pause(0.05)


async def failed_task_log(app: MwaaApp, pilot: Any) -> None:
    """The task browser, then the newest failed attempt's whole log."""
    await pilot.press("t")
    browser = app.screen
    await wait(pilot, lambda: bool(getattr(browser, "attempts", None)), "task attempts")
    tree = browser.query_one(Tree)
    for _ in range(30):
        node = tree.cursor_node
        if node is not None and isinstance(node.data, TaskAttempt) and node.data.has_errors:
            break
        await pilot.press("down")
    await pilot.press("enter")
    await wait(
        pilot,
        lambda: "finished" in str(app.screen.query_one("#tasklog-head").render()),
        "the attempt's log",
    )


async def find_forbidden(app: MwaaApp, pilot: Any) -> None:
    """A search in the merged view, wrapped, jumped to its newest match."""
    app.main.query_one("#log-view-All").focus()
    await pilot.press("w", "f", *"Forbidden", "enter")


SHOTS: list[tuple[str, tuple[int, int], float, Any]] = [
    # name, size, seconds into the story (the S3 sensor fails from 120 s to 270 s), keys
    ("main-80x24", (80, 24), 60.0, None),
    ("main-160x48", (160, 48), 60.0, None),
    ("incident-160x48", (160, 48), 262.0, None),
    ("incident-80x24", (80, 24), 262.0, None),
    ("find-120x40", (120, 40), 262.0, find_forbidden),
    ("task-log-120x40", (120, 40), 262.0, failed_task_log),
]


async def shoot(
    sandbox: Sandbox,
    name: str,
    size: tuple[int, int],
    phase: float,
    keys: Callable[[MwaaApp, Any], Awaitable[None]] | None,
) -> Path:
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
        while not (app.state.complete and len(app.state.health) >= 9):
            if time.monotonic() > deadline:
                raise SystemExit(f"{name}: the app did not fill within 30 s")
            await pilot.pause(0.05)
        app.main.query_one("LogPanes").flush()
        app.tick()
        await pilot.pause()
        if keys is not None:
            await keys(app, pilot)
            await pilot.pause()
        path = OUT / f"{name}.svg"
        app.save_screenshot(filename=path.name, path=str(OUT))
    return path


async def main() -> int:
    OUT.mkdir(exist_ok=True)
    sandbox = Sandbox(evaluate_every=None).start()
    try:
        for name, size, phase, keys in SHOTS:
            print(await shoot(sandbox, name, size, phase, keys))
    finally:
        sandbox.stop()
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
