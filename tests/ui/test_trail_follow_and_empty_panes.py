"""The CloudTrail list keeps the newest in view, its filter box keeps its keys, and an empty
pane says why in its body: read from what is drawn on screen."""

from __future__ import annotations

import time

from mwaa_tui.aws.clients import AwsSettings
from mwaa_tui.sandbox import Sandbox
from mwaa_tui.sandbox.simulator import Simulator
from mwaa_tui.sandbox.trail_story import INCIDENT
from mwaa_tui.ui.app import MwaaApp
from mwaa_tui.ui.widgets.trail import TrailPane, TrailTable
from tests.conftest import wait_until
from tests.ui.helpers import make_app
from tests.ui.screen_rows import body_rows, region_rows

FIRST_DENIAL = 175.0
"""The story's first denied CreateCliToken of a cycle: the first 25 s mark of its phase
past INCIDENT[0] + 40."""


def trail(app: MwaaApp) -> TrailPane:
    return app.main.query_one(TrailPane)


def table_rows(app: MwaaApp) -> list[str]:
    """The CloudTrail table's rows as drawn, below its header (without its scrollbar)."""
    table = app.main.query_one(TrailTable)
    width = table.scrollable_content_region.width
    return [r[:width].strip() for r in region_rows(app, table)[1:]]


def ordinary(sandbox: Sandbox, n: int, at: float, prefix: str = "ok") -> None:
    """`n` ordinary console sign-ins at `at`, a second apart (older first)."""
    for i in range(n):
        sandbox.trail.add_raw(
            event_id=f"{prefix}-{i}",
            event_name="CreateWebLoginToken",
            event_time=at + i,
            detail={"userIdentity": {"arn": "arn:aws:sts::1:assumed-role/sso/alice"}},
            username="alice",
            resource_name="demo",
        )


def ids(app: MwaaApp) -> list[str]:
    return [e.event_id for e in app.main.query_one(TrailTable).events]


# -- item 4: the newest stays in view ---------------------------------------------------------


async def test_the_storys_denial_comes_into_view_at_80x24_without_a_key(
    sandbox: Sandbox, aws_settings: AwsSettings
) -> None:
    assert INCIDENT[0] + 40 <= FIRST_DENIAL
    # The story a few seconds before its first denial of the cycle.
    sim = Simulator(sandbox, environment="demo", seed=3, story_offset=FIRST_DENIAL - 8)
    sim.setup(time.time())
    stop = sim.start_thread()
    try:
        app = make_app(aws_settings)
        async with app.run_test(size=(80, 24)) as pilot:
            await wait_until(pilot, lambda: len(ids(app)) > 10, 15, "the CloudTrail list")
            before = set(ids(app))
            # More new events than the list has rows on screen, before the denial.
            ordinary(sandbox, 6, time.time() - 3)
            await wait_until(pilot, lambda: "ok-5" in ids(app), 10, "the new sign-ins")

            def denial() -> str | None:
                return next(
                    (
                        e.event_id
                        for e in app.main.query_one(TrailTable).events
                        if e.event_id not in before and e.error_code == "AccessDenied"
                    ),
                    None,
                )

            await wait_until(pilot, lambda: denial() is not None, 20, "the story's denial")
            await pilot.pause()
            assert not trail(app).has_focus_within  # no Tab was pressed
            rows = table_rows(app)
            assert ids(app)[0] == denial()
            assert rows[0].split()[1] == "CreateCliToken" and "Access" in rows[0], rows
            assert "CreateWebLoginToken" in rows[1]
            assert "new ↑" not in " ".join(body_rows(app, trail(app)))
    finally:
        stop.set()


async def test_scrolled_away_the_rows_stay_and_new_ones_are_counted_until_home(
    sandbox: Sandbox, aws_settings: AwsSettings
) -> None:
    sandbox.create_environment("demo")
    ordinary(sandbox, 30, time.time() - 900, prefix="old")
    app = make_app(aws_settings)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(pilot, lambda: len(ids(app)) == 30, 10, "the first events")
        table = app.main.query_one(TrailTable)
        table.focus()
        await pilot.press("down", "down", "down")
        reading = table_rows(app)
        under = table.cursor_key()
        ordinary(sandbox, 3, time.time() - 5, prefix="new")
        await wait_until(pilot, lambda: len(ids(app)) == 33, 10, "the new events")
        await pilot.pause()
        assert table.cursor_key() == under
        assert table_rows(app) == reading  # what the user reads does not move
        status = " ".join(body_rows(app, trail(app)))
        assert "3 new ↑" in status, status
        assert not any("new-" in e for e in ids(app)[3:])
        await pilot.press("home")
        await pilot.pause()
        assert table.cursor_row == 0 and table.scroll_y == 0
        assert table_rows(app)[0].split()[1] == "CreateWebLoginToken"
        assert ids(app)[0] == "new-2"
        assert "new ↑" not in " ".join(body_rows(app, trail(app)))
