"""Running `mwaa-tui --demo` in a pseudo-terminal, as a user would."""

from __future__ import annotations

import fcntl
import json
import os
import pty
import struct
import subprocess
import sys
import tempfile
import termios
import threading
import time
from collections.abc import Sequence
from pathlib import Path


class DemoProcess:
    """`mwaa-tui --demo` on a pty of the given size, its output drained in a thread."""

    def __init__(
        self,
        columns: int = 120,
        rows: int = 40,
        endpoint: str | None = None,
        extra: Sequence[str] = (),
    ) -> None:
        """With `endpoint`, monitor a sandbox running in another process instead; `extra`
        arguments follow (`--record FILE`)."""
        self.timings = Path(tempfile.mkstemp(prefix="mwaa-tui-timings-")[1])
        master, slave = pty.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, columns, 0, 0))
        env = dict(os.environ, TERM="xterm-256color", MWAA_TUI_TIMINGS=str(self.timings))
        args = ["--demo"]
        if endpoint:
            args = ["--env", "demo", "--region", "eu-west-1", "--endpoint-url", endpoint]
            env.update(AWS_ACCESS_KEY_ID="AKIASANDBOXDEMO00000", AWS_SECRET_ACCESS_KEY="x")
        args += extra
        self.started = time.time()
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "mwaa_tui", *args],
            stdin=slave,
            stdout=slave,
            stderr=slave,
            env=env,
            start_new_session=True,
        )
        os.close(slave)
        self.master = master
        self.bytes_out = 0
        self._reader = threading.Thread(target=self._drain, daemon=True)
        self._reader.start()

    def _drain(self) -> None:
        while True:
            try:
                chunk = os.read(self.master, 65536)
            except OSError:
                return
            if not chunk:
                return
            self.bytes_out += len(chunk)
            self.received(chunk)

    def received(self, chunk: bytes) -> None:
        """What a subclass keeps of the output: nothing here."""

    def events(self) -> dict[str, float]:
        out: dict[str, float] = {}
        for line in self.timings.read_text().splitlines():
            item = json.loads(line)
            out.setdefault(item["event"], item["t"] - self.started)
        return out

    def wait_for(self, event: str, timeout: float = 30.0) -> float:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = self.events().get(event)
            if found is not None:
                return found
            time.sleep(0.02)
        raise TimeoutError(f"no {event!r} within {timeout} s")

    def cpu_seconds(self) -> float:
        fields = Path(f"/proc/{self.proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def memory_kib(self) -> dict[str, int]:
        out = {}
        for line in Path(f"/proc/{self.proc.pid}/status").read_text().splitlines():
            key, _, value = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                out[key] = int(value.split()[0])
        return out

    def quit(self) -> int:
        try:
            os.write(self.master, b"q")
            return self.proc.wait(timeout=20)
        finally:
            if self.proc.poll() is None:
                self.proc.kill()
            os.close(self.master)
            self.timings.unlink(missing_ok=True)


class SandboxProcess:
    """`mwaa-tui sandbox` in its own process, so the app's own cost can be measured."""

    def __init__(self) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "mwaa_tui", "sandbox", "--port", "0"],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        assert self.proc.stdout is not None
        first = self.proc.stdout.readline()
        self.url = first.split()[2].rstrip(",")

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=20)
