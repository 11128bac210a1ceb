"""A dropped terminal (the pty's master closed, as when an SSH session drops) never leaves a
process behind, with or without --demo; nor does SIGTERM or SIGINT on a stalled terminal."""

from __future__ import annotations

import contextlib
import fcntl
import os
import pty
import random
import select
import signal
import socket
import struct
import subprocess
import sys
import termios
import threading
import time
import tty
from collections.abc import Iterator
from typing import Any

import pytest

from mwaa_tui.sandbox import Sandbox
from mwaa_tui.sandbox.simulator import Simulator
from mwaa_tui.settings import AppConfig
from mwaa_tui.ui.terminal import (
    ExitWatchdog,
    GuardedOutput,
    restore_terminal,
    terminal_gone,
    watchdog,
)

PAINTED = b"CloudTrail"
LEAVE_ALT_SCREEN = b"\x1b[?1049l"
GONE_WITHIN = 15.0
"""Long enough for a start-up slowed by a loaded machine (the process may still be importing
when its terminal drops); a process that hangs never ends at all."""
HANGUP_CODE = 128 + signal.SIGHUP
# As sshd does: the pty becomes the session's controlling terminal, so closing it sends SIGHUP.
WITH_CONTROLLING_TERMINAL = (
    "import fcntl, os, sys, termios; fcntl.ioctl(0, termios.TIOCSCTTY, 0); "
    "os.execv(sys.executable, [sys.executable, *sys.argv[1:]])"
)


def listening_ports(pid: int) -> set[int]:
    """The TCP ports `pid` listens on: its socket inodes looked up in /proc/PID/net/tcp*."""
    try:
        links = [os.readlink(f"/proc/{pid}/fd/{fd}") for fd in os.listdir(f"/proc/{pid}/fd")]
    except OSError:  # gone, or an fd closed while listing
        return set()
    inodes = {link[8:-1] for link in links if link.startswith("socket:[")}
    ports = set()
    for table in ("tcp", "tcp6"):
        try:
            with open(f"/proc/{pid}/net/{table}") as f:
                rows = f.read().splitlines()[1:]
        except OSError:
            continue
        for row in rows:
            fields = row.split()
            if fields[3] == "0A" and fields[9] in inodes:  # 0A: LISTEN
                ports.add(int(fields[1].rsplit(":", 1)[1], 16))
    return ports


def port_is_free(port: int) -> bool:
    with socket.socket() as s:
        # TIME_WAIT from the closed connections is fine; a listener is not.
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def group_is_empty(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return True
    return False


class Session:
    """mwaa-tui on a fresh 100x30 pty of its own, in a new session."""

    def __init__(
        self, args: list[str], env: dict[str, str] | None = None, controlling: bool = False
    ) -> None:
        self.master, slave = pty.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 100, 0, 0))
        self.slave_name = os.ttyname(slave)
        python = (
            [sys.executable, "-c", WITH_CONTROLLING_TERMINAL] if controlling else [sys.executable]
        )
        self.proc = subprocess.Popen(
            [*python, "-m", "mwaa_tui", *args],
            stdin=slave,
            stdout=slave,
            stderr=slave,
            env=dict(os.environ, TERM="xterm-256color", **(env or {})),
            start_new_session=True,
            close_fds=True,
        )
        os.close(slave)
        self.output = b""
        self.ports: set[int] = set()

    def read(self, seconds: float, until: bytes | None = None) -> bytes:
        """Read what it draws for `seconds` (or until `until` shows), noting its ports."""
        start = len(self.output)
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline and not (until and until in self.output[start:]):
            self.ports |= listening_ports(self.proc.pid)
            ready, _, _ = select.select([self.master], [], [], 0.05)
            if ready:
                try:
                    chunk = os.read(self.master, 65536)
                except OSError:
                    break
                self.output += chunk
        self.ports |= listening_ports(self.proc.pid)
        return self.output[start:]

    def drop(self) -> None:
        """The terminal goes away."""
        os.close(self.master)
        self.master = -1

    def stall(self) -> None:
        """The terminal stops reading: its buffer is filled, so the app's next write blocks."""
        slave = os.open(self.slave_name, os.O_WRONLY | os.O_NOCTTY | os.O_NONBLOCK)
        try:
            while True:
                os.write(slave, b"x" * 1024)
        except BlockingIOError:
            pass
        finally:
            os.close(slave)

    def wait(self, what: str) -> int:
        try:
            return self.proc.wait(timeout=GONE_WITHIN)
        except subprocess.TimeoutExpired:
            raise AssertionError(
                f"still running {GONE_WITHIN} s after {what}; it drew {self.output[-300:]!r}"
            ) from None

    def close(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()
        if self.master >= 0:
            os.close(self.master)


@pytest.fixture
def session() -> Iterator[Any]:
    started: list[Session] = []

    def start(*args: str, env: dict[str, str] | None = None, controlling: bool = False) -> Session:
        started.append(Session(list(args), env, controlling))
        return started[-1]

    yield start
    for s in started:
        s.close()


# -- whole processes -------------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize("seed", [3, 8, 13, 21])
def test_a_dropped_terminal_ends_the_process(
    seed: int, session: Any, sandbox: Sandbox, demo: Simulator
) -> None:
    """Twice per seed (--demo, and --env against the test's sandbox), the terminal drops at a
    random moment in the first 4 s: loading, drawing the first frames, or running. Half the
    runs have it as their controlling terminal (SIGHUP, as over SSH), half do not (only the
    failed writes and the hang-up tell)."""
    rnd = random.Random(seed)
    env_args = ["--env", "demo", "--region", sandbox.region, "--endpoint-url", sandbox.url]
    for attempt, (args, env) in enumerate([(["--demo"], None), (env_args, sandbox.client_env())]):
        controlling = (seed + attempt) % 2 == 0
        delay = rnd.uniform(0.0, 4.0)
        what = (
            f"seed {seed}: {args[0]}, controlling terminal {controlling}, dropped at {delay:.2f} s"
        )
        s = session(*args, env=env, controlling=controlling)
        s.read(delay)
        painted = PAINTED in s.output
        s.drop()
        code = s.wait(what)
        assert group_is_empty(s.proc.pid), f"{what}: a process of its group is left"
        if painted:
            assert code == HANGUP_CODE, what
        if args == ["--demo"]:
            if painted:
                assert s.ports, f"{what}: the sandbox's port was not found"
            busy = [port for port in s.ports if not port_is_free(port)]
            assert busy == [], f"{what}: still listening on {busy}"


@pytest.mark.slow
@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_a_signal_ends_the_process_while_its_terminal_is_stalled(
    sig: signal.Signals, session: Any
) -> None:
    """Nobody reads the terminal: Textual's writer blocks, then the event loop; the signal
    still ends the process (the watchdog) and frees the sandbox's port."""
    s = session("--demo")
    assert PAINTED in s.read(30, until=PAINTED), s.output[-300:]
    assert s.ports
    s.stall()
    s.proc.send_signal(sig)
    assert s.wait(f"{sig.name} on a stalled terminal") == 128 + sig
    assert [port for port in s.ports if not port_is_free(port)] == []


@pytest.mark.slow
def test_resizing_the_terminal_does_not_end_the_app(session: Any) -> None:
    """SIGWINCH (and SIGCONT) reach the exit signals' watcher too: they must not count."""
    s = session("--demo", controlling=True)
    assert PAINTED in s.read(30, until=PAINTED), s.output[-300:]
    s.proc.send_signal(signal.SIGCONT)
    fcntl.ioctl(s.master, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))  # SIGWINCH
    last_row = b"\x1b[40;1H"
    assert last_row in s.read(20, until=last_row)  # drawn at the new size: the signals are in
    os.write(s.master, b"?")
    shown = s.read(20, until=b"mwaa-tui keys")
    assert b"mwaa-tui keys" in shown
    assert LEAVE_ALT_SCREEN not in s.output
    os.write(s.master, b"\x03")
    assert LEAVE_ALT_SCREEN in s.read(20, until=LEAVE_ALT_SCREEN)
    assert s.wait("Ctrl-C") == 0


# -- the pieces ------------------------------------------------------------------------------


def test_a_hung_up_or_closed_terminal_is_gone() -> None:
    master, slave = pty.openpty()
    try:
        assert not terminal_gone(slave)
        os.close(master)
        assert terminal_gone(slave)
    finally:
        os.close(slave)
    assert terminal_gone(slave)  # closed


class CountingFile:
    """A file that counts the calls it gets."""

    def __init__(self, fd: int) -> None:
        self.file = os.fdopen(fd, "w", encoding="utf-8")
        self.calls = 0

    def write(self, text: str) -> int:
        self.calls += 1
        return self.file.write(text)

    def flush(self) -> None:
        self.calls += 1
        self.file.flush()


def test_guarded_output_drops_everything_once_a_write_fails() -> None:
    master, slave = pty.openpty()
    file = CountingFile(slave)
    lost: list[bool] = []
    out = GuardedOutput(file, lambda: lost.append(True))  # type: ignore[arg-type]
    try:
        out.write("before")
        out.flush()
        assert os.read(master, 100) == b"before"
        os.close(master)
        out.write("after")
        out.flush()
        assert out.gone and lost == [True]
        calls = file.calls
        out.write("more")
        out.flush()
        assert lost == [True] and file.calls == calls
    finally:
        with contextlib.suppress(OSError):  # what is still buffered cannot be written
            file.file.close()


def test_watchdog_exits_with_the_first_code_after_the_grace_period() -> None:
    exited: list[tuple[int, float]] = []
    done = threading.Event()

    def fake_exit(code: int) -> None:
        exited.append((code, time.monotonic()))
        done.set()

    dog = ExitWatchdog(grace=0.2, exit=fake_exit)
    assert not dog.armed
    armed_at = time.monotonic()
    assert dog.arm(143)
    assert not dog.arm(129)
    assert done.wait(5)
    [(code, at)] = exited
    assert code == 143
    assert at - armed_at >= 0.2


def test_watchdog_restart_gives_a_fresh_grace_period() -> None:
    exited: list[tuple[int, float]] = []
    done = threading.Event()

    def fake_exit(code: int) -> None:
        exited.append((code, time.monotonic()))
        done.set()

    dog = ExitWatchdog(grace=0.3, exit=fake_exit)
    dog.arm(0)
    time.sleep(0.2)  # part of the first countdown gone
    restarted_at = time.monotonic()
    dog.restart(129)
    assert done.wait(5)
    [(code, at)] = exited
    assert code == 129
    assert at - restarted_at >= 0.3


def test_the_watchdog_restores_the_terminal_before_it_ends_the_process() -> None:
    order: list[str] = []
    done = threading.Event()

    def fake_exit(code: int) -> None:
        order.append(f"exit {code}")
        done.set()

    dog = ExitWatchdog(grace=0.1, exit=fake_exit)
    dog.before_exit = lambda: order.append("restore")
    dog.arm(0)
    assert done.wait(5)
    assert order == ["restore", "exit 0"]


def test_restore_terminal_puts_back_the_modes_and_the_screen_without_blocking() -> None:
    """On a pty left raw and in the alternate screen: the modes read before are back and the
    screen sequence is written; a full pty (nobody reading) does not block it."""
    master, slave = pty.openpty()
    try:
        before = termios.tcgetattr(slave)
        tty.setraw(slave)
        assert termios.tcgetattr(slave) != before
        restore_terminal(slave, before)
        assert termios.tcgetattr(slave) == before
        assert b"\x1b[?1049l" in os.read(master, 4096)
        os.set_blocking(slave, False)
        with contextlib.suppress(BlockingIOError):
            while True:  # fill the pty: nobody reads the other side
                os.write(slave, b"x" * 4096)
        restore_terminal(slave, before)  # returns (what does not fit is dropped)
    finally:
        os.close(master)
        os.close(slave)


async def test_an_app_without_a_terminal_never_arms_the_watchdog(aws_settings: Any) -> None:
    """Tests run the app headless in pytest's own process: its exit must not be bounded by
    `os._exit`."""
    from mwaa_tui.ui.app import MwaaApp

    app = MwaaApp(AppConfig(aws=aws_settings, environment=None))
    async with app.run_test() as pilot:
        await pilot.press("q")
    assert not watchdog.armed
