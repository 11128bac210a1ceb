"""The terminal is restored on q, Ctrl-C, SIGTERM and SIGHUP (a dropped SSH session)."""

from __future__ import annotations

import fcntl
import os
import pty
import select
import signal
import struct
import subprocess
import sys
import termios
import time

import pytest

LEAVE_ALT_SCREEN = b"\x1b[?1049l"


def _read_until(fd: int, needle: bytes, timeout: float) -> bytes:
    buf = b""
    deadline = time.monotonic() + timeout
    while needle not in buf and time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.1)
        if ready:
            try:
                chunk = os.read(fd, 65536)
            except OSError:
                break
            if not chunk:
                break
            buf += chunk
    return buf


@pytest.mark.slow
@pytest.mark.parametrize(
    ("how", "code"),
    [("q", 0), ("ctrl-c", 0), ("SIGTERM", 128 + 15), ("SIGHUP", 128 + 1)],
)
def test_demo_restores_the_terminal(how: str, code: int) -> None:
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 100, 0, 0))
    env = dict(os.environ, TERM="xterm-256color", COLUMNS="100", LINES="30")
    proc = subprocess.Popen(
        [sys.executable, "-m", "mwaa_tui", "--demo"],
        stdin=slave,
        stdout=slave,
        stderr=slave,
        env=env,
        start_new_session=True,
        close_fds=True,
    )
    os.close(slave)
    try:
        painted = _read_until(master, b"CloudTrail", timeout=30)
        assert b"CloudTrail" in painted, painted[-500:]
        if how == "q":
            os.write(master, b"q")
        elif how == "ctrl-c":
            os.write(master, b"\x03")
        else:
            proc.send_signal(getattr(signal, how))
        rest = _read_until(master, LEAVE_ALT_SCREEN, timeout=20)
        assert proc.wait(timeout=20) == code
        assert LEAVE_ALT_SCREEN in rest
    finally:
        if proc.poll() is None:
            proc.kill()
        os.close(master)
