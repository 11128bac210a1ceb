"""The CloudTrail browser against the sandbox, driven by keys."""

from __future__ import annotations

import itertools
import json
import logging
import stat
import time
from pathlib import Path

import pytest

from mwaa_tui import debuglog
from mwaa_tui.aws.clients import AwsSettings
from mwaa_tui.sandbox import Sandbox
from mwaa_tui.sandbox.server import DEMO_CREDENTIALS
from mwaa_tui.ui.app import Intervals, MwaaApp
from mwaa_tui.ui.screens.trail_detail import TrailDetail
from mwaa_tui.ui.widgets.trail import TrailPane
from mwaa_tui.ui.widgets.trail_table import TrailTable
from tests.conftest import wait_until
from tests.ui.helpers import make_app, screen_text

ARTICLE_DENIAL = (
    "User: arn:aws:sts::704533066374:assumed-role/triggerMwaaDAGRole/triggerMwaaDAG is not "
    "authorized to perform: airflow:CreateCliToken on resource: "
    "arn:aws:airflow:eu-west-1:704533066374:environment/dublin-ricsue"
)


def seed(sandbox: Sandbox, count: int = 0) -> float:
    """The article's environment, its AccessDenied event, `count` ordinary events, and noise."""
    sandbox.create_environment("dublin-ricsue")
    now = time.time()
    for i in range(count):
        sandbox.trail.add_raw(
            event_id=f"ok-{i:04d}",
            event_name="CreateWebLoginToken",
            event_time=now - 60 - i * 30,
            detail={
                "userIdentity": {"arn": "arn:aws:sts::1:assumed-role/sso/alice"},
                "sourceIPAddress": "203.0.113.24",
                "userAgent": "Mozilla/5.0 Chrome/131.0",
                "readOnly": False,
                "requestParameters": {"Name": "dublin-ricsue"},
            },
            username="alice",
            resource_name="dublin-ricsue",
        )
    sandbox.trail.add_raw(
        event_id="denied",
        event_name="CreateCliToken",
        event_time=now - 30,
        detail={
            "userIdentity": {
                "arn": "arn:aws:sts::704533066374:assumed-role/triggerMwaaDAGRole/triggerMwaaDAG"
            },
            "sourceIPAddress": "52.48.12.201",
            "userAgent": "Boto3/1.16.63 Python/3.7.9 Linux/4.14.209-112.339.amzn2.x86_64",
            "errorCode": "AccessDenied",
            "errorMessage": ARTICLE_DENIAL,
            "readOnly": False,
            "requestParameters": {"Name": "dublin-ricsue", "note": "key AKIAIOSFODNN7EXAMPLE"},
        },
        username="triggerMwaaDAG",
        resource_name="dublin-ricsue",
    )
    sandbox.trail.add_raw(
        event_id="s3",
        event_name="PutObject",
        event_time=now - 10,
        detail={},
        event_source="s3.amazonaws.com",
    )
    sandbox.trail.add_raw(
        event_id="broken",
        event_name="InvokeRestApi",
        event_time=now - 20,
        detail='{"userIdentity": {"arn": "x"',
        resource_name="dublin-ricsue",
        read_only=True,
    )
    return now


def trail_app(settings: AwsSettings, **kwargs: object) -> MwaaApp:
    return make_app(
        settings,
        environment="dublin-ricsue",
        intervals=Intervals(environment=60, logs=60, metrics=60, alarms=60, trail=60),
        **kwargs,
    )


def pane(app: MwaaApp) -> TrailPane:
    return app.main.query_one(TrailPane)


def shown_ids(app: MwaaApp) -> list[str]:
    return [e.event_id for e in app.main.query_one(TrailTable).events]


async def test_only_mwaa_events_and_the_denial_stands_out_in_full(
    sandbox: Sandbox, aws_settings: AwsSettings, tmp_path: Path
) -> None:
    seed(sandbox, count=3)
    app = trail_app(aws_settings, save_dir=tmp_path / "saved")
    async with app.run_test(size=(160, 48)) as pilot:
        await wait_until(pilot, lambda: "denied" in shown_ids(app), what="events")
        assert "s3" not in shown_ids(app)
        table = app.main.query_one(TrailTable)
        row = shown_ids(app).index("denied")
        assert table.get_cell_at((row, 2)).plain == "AccessDenied"
        assert "on red" in str(table.get_cell_at((row, 2)).style)
        assert "bold red" in str(table.get_cell_at((row, 1)).style)
        assert "1 CloudTrail errors (1h)" in screen_text(app)
        table.focus()
        table.move_cursor(row=row)
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, TrailDetail), what="detail")
        text = screen_text(app)
        assert "triggerMwaaDAGRole/triggerMwaaDAG" in text and "52.48.12.201" in text
        assert "airflow:CreateCliToken on resource:" in text and "environment/dublin-ricsue" in text
        await pilot.press("s")
        await wait_until(pilot, lambda: any((tmp_path / "saved").glob("*.json")), what="saved file")
        saved = next((tmp_path / "saved").glob("*.json"))
        assert stat.S_IMODE(saved.stat().st_mode) == 0o600
        body = json.loads(saved.read_text())
        assert body["errorMessage"] == ARTICLE_DENIAL
        assert "AKIAIOSFODNN7EXAMPLE" not in saved.read_text()


async def test_invalid_json_is_shown_raw_and_marked(
    sandbox: Sandbox, aws_settings: AwsSettings
) -> None:
    seed(sandbox)
    app = trail_app(aws_settings)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(pilot, lambda: "broken" in shown_ids(app), what="events")
        table = app.main.query_one(TrailTable)
        table.focus()
        table.move_cursor(row=shown_ids(app).index("broken"))
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, TrailDetail), what="detail")
        text = screen_text(app)
        assert "unparsed CloudTrailEvent (invalid JSON)" in text
        assert '{"userIdentity": {"arn": "x"' in text


async def test_paging_back_loads_older_events_without_duplicates(
    sandbox: Sandbox, aws_settings: AwsSettings
) -> None:
    seed(sandbox, count=130)
    app = trail_app(aws_settings)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(pilot, lambda: len(pane(app).store.events) == 50, what="first page")
        app.main.query_one(TrailTable).focus()
        for expected in (100, 132):
            await pilot.press("o")
            await wait_until(
                pilot, lambda n=expected: len(pane(app).store.events) == n, what=f"{expected}"
            )
        ids = [e.event_id for e in pane(app).store.events]
        assert len(ids) == len(set(ids)) == 132
        assert pane(app).store.exhausted
        await pilot.press("o")
        assert "no older events" in screen_text(app)


async def test_filters_combine_from_the_keyboard(
    sandbox: Sandbox, aws_settings: AwsSettings
) -> None:
    seed(sandbox, count=5)
    app = trail_app(aws_settings)
    async with app.run_test(size=(140, 40)) as pilot:
        await wait_until(pilot, lambda: len(shown_ids(app)) == 7, what="events")
        app.main.query_one(TrailTable).focus()
        await pilot.press("e")
        assert shown_ids(app) == ["denied"]
        await pilot.press("e", "slash", *"alice", "enter")
        assert len(shown_ids(app)) == 5 and "denied" not in shown_ids(app)
        await pilot.press("e")
        assert shown_ids(app) == []
        await pilot.press("c", "w", "w")
        assert pane(app).filter.access == "write"
        assert "broken" not in shown_ids(app) and len(shown_ids(app)) == 6
        await pilot.press("c", "M")
        assert pane(app).filter.environment == "dublin-ricsue"
        assert "of 7" in screen_text(app)


async def test_lookups_stay_under_two_per_second(
    sandbox: Sandbox, aws_settings: AwsSettings
) -> None:
    seed(sandbox, count=400)
    app = trail_app(aws_settings)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(pilot, lambda: len(pane(app).store.events) >= 50, what="first page")
        since = time.time()  # earlier requests may be a previous test's last poll
        app.main.query_one(TrailTable).focus()
        # Paging back and polling for new events compete for the same account limit.
        for round_ in range(1, 5):
            await pilot.press("o", "r")
            await wait_until(
                pilot,
                lambda n=round_: len(pane(app).store.events) >= 50 * (n + 1),
                timeout=20,
                what="the next page",
            )
        assert app.gateway is not None
        granted = list(app.gateway.limiter.granted["LookupEvents"])
    stamps = [t for t, _, op in sandbox.request_log if op == "LookupEvents" and t >= since]
    assert len(stamps) >= 6
    # The client sends them at least half a second apart (with 10 % headroom) ...
    sends = [b - a for a, b in itertools.pairwise(granted)]
    assert len(sends) >= 6 and min(sends) >= 0.5, sends
    # ... so the endpoint, network jitter included, never sees three within a second.
    assert all(c - a >= 0.9 for a, _, c in zip(stamps, stamps[1:], stamps[2:], strict=False))


async def test_no_credential_reaches_the_debug_log(
    sandbox: Sandbox, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seed(sandbox, count=2)
    secret = "sandbox-secret-but-logged-nowhere-123"
    token = "FwoGZXIvYXdzSESSIONTOKENEXAMPLE0123456789"
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", DEMO_CREDENTIALS[0])
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", secret)
    monkeypatch.setenv("AWS_SESSION_TOKEN", token)
    log_path = tmp_path / "debug.log"
    handler = debuglog.enable(log_path)
    try:
        app = trail_app(AwsSettings(region=sandbox.region, endpoint_url=sandbox.url))
        async with app.run_test(size=(120, 40)) as pilot:
            await wait_until(pilot, lambda: "denied" in shown_ids(app), what="events")
    finally:
        debuglog.disable(handler)
        logging.getLogger("botocore").setLevel(logging.WARNING)
    text = log_path.read_text()
    assert "LookupEvents" in text and "Signature=" in text  # the log did record signed calls
    for leaked in (DEMO_CREDENTIALS[0], secret, token):
        assert leaked not in text
    assert stat.S_IMODE(log_path.stat().st_mode) == 0o600


async def test_picking_a_user_and_a_hostile_corpus(
    sandbox: Sandbox, aws_settings: AwsSettings
) -> None:
    now = seed(sandbox, count=2)
    nested: dict[str, object] = {"leaf": "\x1b[31mdeep\x1b[0m"}
    for _ in range(40):
        nested = {"n": nested}
    sandbox.trail.add_raw(
        event_id="huge",
        event_name="UpdateEnvironment",
        event_time=now - 40,
        detail={
            "userIdentity": {"arn": "arn:aws:sts::1:assumed-role/[b]ops[/b]/\x1b]0;x\x07s"},
            "userAgent": "\x1b[2J[link=https://evil.example]ua[/link]",
            "requestParameters": {
                "Name": "dublin-ricsue",
                "blob": "x" * 300_000,
                "nested": nested,
                "[red]key[/red]": "\x9b6n",
            },
        },
        resource_name="dublin-ricsue",
    )
    sandbox.trail.add_raw(  # the article's other event: another service, never listed
        event_id="codepipeline",
        event_name="DeletePipeline",
        event_time=now - 5,
        detail={"eventSource": "codepipeline.amazonaws.com"},
        event_source="codepipeline.amazonaws.com",
    )
    app = trail_app(aws_settings)
    async with app.run_test(size=(140, 40)) as pilot:
        await wait_until(pilot, lambda: "huge" in shown_ids(app), what="events")
        assert "codepipeline" not in shown_ids(app)
        huge = next(e for e in pane(app).store.events if e.event_id == "huge")
        assert huge.user == "[b]ops[/b]/s"
        assert "\x1b" not in huge.raw and "\x9b" not in huge.raw and "[red]key[/red]" in huge.raw
        table = app.main.query_one(TrailTable)
        table.focus()
        table.move_cursor(row=shown_ids(app).index("huge"))
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, TrailDetail), what="detail")
        assert "[link=https://evil.example]ua[/link]" in screen_text(app)
        await pilot.press("escape")
        await pilot.press("n")
        await wait_until(pilot, lambda: type(app.screen).__name__ == "ChoicePicker", what="picker")
        choices = app.screen.choices  # type: ignore[attr-defined]
        target = choices.index("user:triggerMwaaDAGRole/triggerMwaaDAG")
        app.screen.query_one("OptionList").highlighted = target
        await pilot.press("enter")
        assert shown_ids(app) == ["denied"]
        assert app.is_running
