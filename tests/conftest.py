"""Shared fixtures: one real sandbox endpoint per session, reset for every test."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from mwaa_tui.aws.clients import AwsGateway, AwsSettings
from mwaa_tui.sandbox import Sandbox
from mwaa_tui.sandbox.server import DEMO_CREDENTIALS
from mwaa_tui.sandbox.simulator import Simulator

FIXED_NOW = 1_764_072_000.0
"""2025-11-25T12:00:00Z: the frozen clock of snapshot tests."""


@pytest.fixture(autouse=True)
def _same_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test sees the same terminal, whatever the host's: 256 colours, colour on. The
    app fits its colours to TERM, COLORTERM and NO_COLOR (ui/colours.py); a test of
    another terminal sets them itself."""
    monkeypatch.setenv("TERM", "xterm-256color")
    monkeypatch.delenv("COLORTERM", raising=False)
    monkeypatch.delenv("NO_COLOR", raising=False)


@pytest.fixture(scope="session")
def _sandbox_server() -> Iterator[Sandbox]:
    sandbox = Sandbox(evaluate_every=None).start()
    yield sandbox
    sandbox.stop()


@pytest.fixture
def sandbox(_sandbox_server: Sandbox) -> Iterator[Sandbox]:
    """The session's sandbox with empty state and no faults."""
    _sandbox_server.reset()
    _sandbox_server.clock = time.time
    yield _sandbox_server
    _sandbox_server.reset()


@pytest.fixture
def aws_settings(sandbox: Sandbox) -> AwsSettings:
    return AwsSettings(
        region=sandbox.region, endpoint_url=sandbox.url, static_credentials=DEMO_CREDENTIALS
    )


@pytest.fixture
async def gateway(aws_settings: AwsSettings) -> Any:
    gw = AwsGateway(aws_settings, env={})
    await gw.open()
    yield gw
    await gw.close()


@pytest.fixture
def demo(sandbox: Sandbox) -> Simulator:
    """A seeded simulated environment `demo`, set up at the real current time."""
    sim = Simulator(sandbox, environment="demo", seed=3)
    sim.setup(time.time())
    return sim


def put_events(sandbox: Sandbox, group: str, stream: str, events: list[tuple[int, str]]) -> None:
    """PutLogEvents straight into the sandbox's store: (epoch ms, message) pairs."""
    with sandbox.lock:
        g = sandbox.logs.groups[group]
        if stream not in g.streams:
            g.create_log_stream(stream)
        g.streams[stream].put_log_events([{"timestamp": t, "message": m} for t, m in events])


async def wait_until(
    pilot: Any, predicate: Callable[[], bool], timeout: float = 10.0, what: str = "condition"
) -> None:
    """Let the app run until `predicate()` holds; fail with `what` after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await pilot.pause(0.05)


async def async_wait_until(
    predicate: Callable[[], bool], timeout: float = 10.0, what: str = "condition"
) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.02)


@pytest.fixture
def aws_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A profile-free environment that reads only the files under tmp_path."""
    for var in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "credentials"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    (tmp_path / "config").write_text("[default]\nregion = eu-west-1\n")
    return tmp_path


def write_keys(path: Path, keys: tuple[str, str]) -> None:
    path.write_text(
        f"[default]\naws_access_key_id = {keys[0]}\naws_secret_access_key = {keys[1]}\n"
    )


@pytest.fixture
def utc() -> Iterator[None]:
    """Screens that show local time show UTC, wherever the tests run."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("TZ", "UTC")
        time.tzset()
        yield
    time.tzset()
