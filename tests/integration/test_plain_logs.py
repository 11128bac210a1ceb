"""`mwaa-tui logs`: the installed command against the sandbox, over real HTTP."""

from __future__ import annotations

import json
import os
import queue
import random
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from mwaa_tui.aws.clients import AwsGateway
from mwaa_tui.core.environment import parse_environment
from mwaa_tui.pollers.logs import LogPoller, filter_pages
from mwaa_tui.sandbox import Sandbox
from mwaa_tui.sandbox.faults import Faults
from mwaa_tui.sandbox.server import DEMO_CREDENTIALS
from mwaa_tui.sandbox.stores import ComponentLogging
from tests.conftest import put_events as put

HOSTILE = [
    "\x1b[2J\x1b[31mred\x1b[0m after a screen clear",
    "\x1b]0;owned title\x07osc title",
    "\x1b]8;;http://evil.example\x1b\\link\x1b]8;;\x1b\\ hyperlink",
    "[bold red]not markup[/] [link=http://x]y[/link]",
    "wide 日本語テキスト and emoji 🚀",
    "\x9b31mC1 CSI\x9b0m and \u202eRLO",
    "x" * 256 * 1024,
]


def cli_env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(
        AWS_ACCESS_KEY_ID=DEMO_CREDENTIALS[0],
        AWS_SECRET_ACCESS_KEY=DEMO_CREDENTIALS[1],
        AWS_CONFIG_FILE=str(tmp_path / "config"),
        AWS_SHARED_CREDENTIALS_FILE=str(tmp_path / "credentials"),
        AWS_EC2_METADATA_DISABLED="true",
        PYTHONUNBUFFERED="1",
    )
    return env


def logs_command(sandbox: Sandbox, *args: str) -> list[str]:
    return [
        sys.executable,
        "-m",
        "mwaa_tui",
        "logs",
        "--region",
        sandbox.region,
        "--endpoint-url",
        sandbox.url,
        *args,
    ]


class Lines:
    """A running `mwaa-tui logs --follow`: its stdout, line by line."""

    def __init__(self, proc: subprocess.Popen[str]) -> None:
        self.proc = proc
        self.queue: queue.Queue[str] = queue.Queue()
        self.seen: list[str] = []
        assert proc.stdout is not None
        threading.Thread(target=self._read, args=(proc.stdout,), daemon=True).start()

    def _read(self, stream: Any) -> None:
        for line in stream:
            self.queue.put(line.rstrip("\n"))

    def until(self, predicate: Any, timeout: float = 30.0, what: str = "lines") -> None:
        deadline = time.monotonic() + timeout
        while not predicate(self.seen):
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError(f"timed out waiting for {what}; got {self.seen[-5:]}")
            try:
                self.seen.append(self.queue.get(timeout=left))
            except queue.Empty:
                continue


@pytest.fixture
def follow(sandbox: Sandbox, tmp_path: Path) -> Iterator[Any]:
    procs: list[subprocess.Popen[str]] = []

    def start(*args: str) -> Lines:
        proc = subprocess.Popen(
            logs_command(sandbox, *args),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=cli_env(tmp_path),
        )
        procs.append(proc)
        return Lines(proc)

    yield start
    for proc in procs:
        proc.terminate()
        proc.wait(timeout=10)


@pytest.mark.parametrize(
    ("share", "seed"),
    [(share, random.randrange(10_000)) for share in (0.3, 0.5) for _ in range(2)],
)
def test_follow_delivers_every_line_exactly_once_under_throttling(
    sandbox: Sandbox, follow: Any, share: float, seed: int
) -> None:
    env = sandbox.create_environment("prod")
    group = env.group_name("Worker")
    # Every service, start-up's GetEnvironment included.
    sandbox.faults = Faults(throttle={"mwaa": share, "logs": share}, seed=seed)
    tail = follow(
        "--env",
        "prod",
        "-c",
        "Worker",
        "--follow",
        "--since",
        "1m",
        "--interval",
        "0.2s",
        "--fields",
        "",
    )
    start = int(time.time() * 1000) - 20_000
    n = 300
    for batch in range(10):
        put(
            sandbox,
            group,
            "numbered",
            [(start + i * 50, f"line {i:04d}") for i in range(batch * 30, batch * 30 + 30)],
        )
        tail.until(lambda seen, b=batch: f"line {b * 30 + 29:04d}" in seen, what=f"batch {batch}")
    # The fault must have been exercised, whatever the seed: a run that met no throttle
    # (0.7 ** 12 of them at 30 %) reads on until one comes.
    for extra in range(60):
        if sandbox.faults.injected["throttle"]:
            break
        put(sandbox, group, "numbered", [(int(time.time() * 1000), f"extra {extra}")])
        tail.until(lambda seen, m=f"extra {extra}": m in seen, what=f"extra {extra}")
    # Two more polls re-read the same window: a duplicate would show before the marks.
    for mark in ("mark 1", "mark 2"):
        put(sandbox, group, "numbered", [(int(time.time() * 1000), mark)])
        tail.until(lambda seen, m=mark: m in seen, what=mark)
    counts = Counter(line for line in tail.seen if line.startswith("line "))
    assert counts == Counter(f"line {i:04d}" for i in range(n))
    assert [ln for ln in tail.seen if ln.startswith("line ")] == sorted(counts)
    assert sandbox.faults.injected["throttle"] >= 1  # the fault was exercised


def test_a_late_event_still_appears_and_is_marked_late(sandbox: Sandbox, follow: Any) -> None:
    env = sandbox.create_environment("prod")
    group = env.group_name("Scheduler")
    tail = follow(
        "--env",
        "prod",
        "-c",
        "Scheduler",
        "--follow",
        "--since",
        "1m",
        "--interval",
        "0.2s",
        "--json",
    )
    now = int(time.time() * 1000)
    put(sandbox, group, "a", [(now - 2_000, "on time")])
    tail.until(lambda seen: any("on time" in s for s in seen), what="the first line")
    put(sandbox, group, "b", [(now - 10_000, "ingested late")])
    tail.until(lambda seen: any("ingested late" in s for s in seen), what="the late line")
    late = [json.loads(s) for s in tail.seen if "ingested late" in s]
    assert len(late) == 1
    assert late[0]["late"] is True
    assert late[0]["component"] == "Scheduler"
    assert late[0]["stream"] == "b"


async def test_a_repeated_next_token_ends_the_page_loop(
    sandbox: Sandbox, gateway: AwsGateway
) -> None:
    env = sandbox.create_environment("prod")
    cfg = parse_environment(env.to_api()).log_config("Task")
    assert cfg is not None
    now = int(time.time() * 1000)
    put(sandbox, cfg.group_name, "s", [(now - 1000, "only line")])
    sandbox.faults.stuck_tokens = True
    events = await filter_pages(gateway, cfg, now - 60_000, None, redact=True, max_pages=1000)
    assert [e.message for e in events] == ["only line"]
    # One page, then one request with the token, which came back unchanged.
    assert sandbox.requests[("logs", "FilterLogEvents")] == 2
    poller = LogPoller(gateway, cfg, since_seconds=60, interval=1)
    out: list[object] = []
    await poller.step(out.append)
    assert "only line" in repr(out)


def test_group_named_by_the_arn_not_by_the_usual_pattern(sandbox: Sandbox, tmp_path: Path) -> None:
    env = sandbox.create_environment(
        "odd", logging_config={"Scheduler": ComponentLogging(group_name="/custom/odd-scheduler")}
    )
    assert env.group_name("Scheduler") == "/custom/odd-scheduler"
    put(sandbox, "/custom/odd-scheduler", "s", [(int(time.time() * 1000) - 1000, "found me")])
    proc = subprocess.run(
        logs_command(sandbox, "--env", "odd", "-c", "Scheduler", "--fields", "component,stream"),
        capture_output=True,
        text=True,
        env=cli_env(tmp_path),
        timeout=60,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == "Scheduler     s found me\n"


def test_disabled_component_is_reported_and_not_read(sandbox: Sandbox, tmp_path: Path) -> None:
    sandbox.create_environment(
        "prod", logging_config={"WebServer": ComponentLogging(enabled=False, level="WARNING")}
    )
    proc = subprocess.run(
        logs_command(sandbox, "--env", "prod", "-c", "WebServer", "-c", "Worker"),
        capture_output=True,
        text=True,
        env=cli_env(tmp_path),
        timeout=60,
        check=False,
    )
    assert proc.returncode == 0
    assert "WebServer logs are disabled (level WARNING); skipped" in proc.stderr
    groups_read = sandbox.requests[("logs", "FilterLogEvents")]
    assert groups_read == 1  # the Worker group only


def test_hostile_lines_print_inert(sandbox: Sandbox, tmp_path: Path) -> None:
    env = sandbox.create_environment("prod")
    now = int(time.time() * 1000)
    put(
        sandbox,
        env.group_name("Worker"),
        "w",
        [(now - 5000 + i, line) for i, line in enumerate(HOSTILE)],
    )
    for extra in ([], ["--json"]):
        proc = subprocess.run(
            logs_command(sandbox, "--env", "prod", "-c", "Worker", *extra),
            capture_output=True,
            text=True,
            env=cli_env(tmp_path),
            timeout=60,
            check=False,
        )
        assert proc.returncode == 0, proc.stderr
        out = proc.stdout
        assert "\x1b" not in out and "\x9b" not in out and "\x07" not in out
        assert "\u202e" not in out
        assert "[bold red]not markup[/]" in out
        assert "日本語テキスト" in out
        assert "more characters]" in out  # the 256 KB line, cut and marked
        assert len(out.splitlines()) == len(HOSTILE)


@pytest.mark.parametrize(
    "backlog",
    [
        pytest.param(3, id="reader-gone-while-idle"),  # all written before the reader goes
        pytest.param(5000, id="reader-gone-mid-write"),  # more than a pipe holds
    ],
)
def test_closed_pipe_exits_cleanly(sandbox: Sandbox, tmp_path: Path, backlog: int) -> None:
    env = sandbox.create_environment("prod")
    now = int(time.time() * 1000)
    lines = [(now - 9000 + i, f"n{i}") for i in range(backlog)]
    put(sandbox, env.group_name("Worker"), "w", lines)
    proc = subprocess.Popen(
        logs_command(sandbox, "--env", "prod", "--follow", "--interval", "0.2s"),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=cli_env(tmp_path),
    )
    assert proc.stdout is not None
    proc.stdout.readline()
    proc.stdout.close()  # what `| head -1` does
    try:
        _, err = proc.communicate(timeout=30)
    finally:
        proc.kill()  # a follow that missed its reader would run on after the test
    assert proc.returncode == 0
    assert b"Traceback" not in err and b"BrokenPipe" not in err
