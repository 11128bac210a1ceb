"""Leaving when the terminal goes away: a dropped SSH session must not leave a process behind.

Textual's writer thread dies on the first failed write to a terminal that has gone; its
queue then fills, and the next write, or the shutdown, blocks the event loop for good, so
signal handlers that run on the loop never run either. Here:

- `GuardedOutput` takes the writer's failures (EIO, EPIPE, EBADF): the terminal is marked
  gone and later output is dropped, so nothing blocks on it;
- `TerminalDriver` (Textual's Linux driver) then exits with 129 without restoring a terminal
  that is not there; a thread watches for the hang-up itself (POLLHUP on the terminal) and
  for SIGTERM, SIGINT and SIGHUP, through the signal wakeup fd, which works while the main
  thread is stuck; a SIGHUP while the terminal is still there exits normally, restoring it;
- `ExitWatchdog` ends the process with `os._exit` if an exit that was asked for has not
  finished within `EXIT_GRACE_SECONDS` (which also frees the --demo sandbox's port). It only
  starts once an exit is under way, so it never cuts a running session short, and it puts a
  terminal that is still there back as it was first (a slow shutdown on a loaded machine
  must not leave the shell in the alternate screen with the mouse captured).
"""

from __future__ import annotations

import contextlib
import os
import select
import signal
import termios
import threading
import time
from collections.abc import Callable
from typing import IO, Any

from textual.driver import Driver
from textual.drivers.linux_driver import LinuxDriver

EXIT_GRACE_SECONDS = 2.0
HANGUP_CODE = 128 + signal.SIGHUP
EXIT_SIGNALS = (signal.SIGTERM, signal.SIGINT, signal.SIGHUP)
_GONE_EVENTS = select.POLLHUP | select.POLLERR | select.POLLNVAL
RESTORE_SEQUENCE = (
    b"\x1b[?1000l\x1b[?1003l\x1b[?1015l\x1b[?1006l"  # mouse reporting off
    b"\x1b[?2004l\x1b[?7h\x1b[<u"  # bracketed paste off, line wrap on, kitty keys off
    b"\x1b[?1049l\x1b[?25h\x1b[?1004l"  # main screen, cursor shown, focus events off
)
"""What Textual's driver writes when it stops, sent at once by the watchdog."""


def restore_terminal(fd: int, attrs: list[Any] | None) -> None:
    """Put the terminal on `fd` back: its modes from `attrs` (as read before the app started)
    and the screen. Never blocks: a terminal that nobody reads gets what fits."""
    if attrs is not None:
        with contextlib.suppress(termios.error, OSError):
            termios.tcsetattr(fd, termios.TCSANOW, attrs)
    with contextlib.suppress(OSError):
        os.set_blocking(fd, False)
        os.write(fd, RESTORE_SEQUENCE)


def terminal_gone(fd: int) -> bool:
    """True if `fd` is closed or its terminal has hung up (a pty whose other side closed)."""
    poller = select.poll()
    try:
        # No events asked for: a hang-up or an error is reported regardless.
        poller.register(fd, 0)
        ready = poller.poll(0)
    except (OSError, ValueError):
        return True
    return any(events & _GONE_EVENTS for _, events in ready)


class ExitWatchdog:
    """Ends the process with `exit(code)` once `grace` seconds pass after `arm`."""

    def __init__(
        self,
        grace: float = EXIT_GRACE_SECONDS,
        exit: Callable[[int], object] = os._exit,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.grace = grace
        self._exit = exit
        self._clock = clock
        self._lock = threading.Lock()
        self._deadline: float | None = None
        self._code = 0
        self._thread: threading.Thread | None = None
        self.before_exit: Callable[[], None] | None = None
        """Run (its failures ignored) just before the process is ended."""

    @property
    def armed(self) -> bool:
        return self._deadline is not None

    def arm(self, code: int) -> bool:
        """Start the countdown, unless it runs already (the first exit's code is kept).
        True if this call started it."""
        with self._lock:
            if self._deadline is not None:
                return False
            self._start(code)
            return True

    def restart(self, code: int) -> None:
        """A fresh countdown from now: the next stage of an exit gets its own grace period."""
        with self._lock:
            self._start(code)

    def _start(self, code: int) -> None:
        self._deadline = self._clock() + self.grace
        self._code = code
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="exit-watchdog", daemon=True)
            self._thread.start()

    def _run(self) -> None:
        while True:
            with self._lock:
                assert self._deadline is not None
                left = self._deadline - self._clock()
                code = self._code
            if left <= 0:
                if self.before_exit is not None:
                    with contextlib.suppress(Exception):
                        self.before_exit()
                self._exit(code)
                return
            time.sleep(left)


watchdog = ExitWatchdog()
"""The process's one watchdog: exits are process-wide."""


class GuardedOutput:
    """The file Textual's writer thread writes to. The first write or flush that fails means
    the terminal has gone: `on_lost` is called once and everything after is dropped."""

    def __init__(self, file: IO[str], on_lost: Callable[[], None]) -> None:
        self._file = file
        self._on_lost = on_lost
        self.gone = False

    def write(self, text: str) -> None:
        if self.gone:
            return
        try:
            self._file.write(text)
        except (OSError, ValueError):  # ValueError: the file was closed
            self._lose()

    def flush(self) -> None:
        if self.gone:
            return
        try:
            self._file.flush()
        except (OSError, ValueError):
            self._lose()

    def fileno(self) -> int:
        return self._file.fileno()

    def isatty(self) -> bool:
        return not self.gone and self._file.isatty()

    def _lose(self) -> None:
        if not self.gone:
            self.gone = True
            self._on_lost()


class _ExitWatch(threading.Thread):
    """Waits for a hang-up on the terminal and for exit signals, off the main thread.

    The signals arrive through the wakeup fd, which the interpreter's C handler writes to in
    whichever thread the signal lands on: no Python code has to run on the main thread."""

    def __init__(
        self, fd: int, on_signal: Callable[[int], None], on_hangup: Callable[[], None]
    ) -> None:
        super().__init__(name="terminal-watch", daemon=True)
        self._fd = fd
        self._on_signal = on_signal
        self._on_hangup = on_hangup
        self._wakeup_read, self._wakeup_write = os.pipe()
        os.set_blocking(self._wakeup_read, False)
        os.set_blocking(self._wakeup_write, False)

    def install(self) -> None:
        """Route the exit signals here; the main thread only (else signals stay as they are)."""
        try:
            signal.set_wakeup_fd(self._wakeup_write, warn_on_full_buffer=False)
        except ValueError:
            return
        for sig in EXIT_SIGNALS:
            signal.signal(sig, _ignore)

    def run(self) -> None:
        poller = select.poll()
        poller.register(self._wakeup_read, select.POLLIN)
        poller.register(self._fd, 0)
        while True:
            for fd, events in poller.poll(1000):
                if fd == self._wakeup_read:
                    with contextlib.suppress(BlockingIOError):
                        for signum in os.read(self._wakeup_read, 64):
                            # Every signal with a Python handler is written here (Textual's
                            # SIGWINCH and SIGCONT too): only the exit signals count.
                            if signum in EXIT_SIGNALS:
                                self._on_signal(signum)
                elif events & _GONE_EVENTS:
                    poller.unregister(self._fd)
                    self._on_hangup()


def _ignore(signum: int, frame: object) -> None:
    """The Python-level handler: the work is done by `_ExitWatch`, off the main thread."""


class TerminalDriver(LinuxDriver):
    """Textual's Linux driver, which also knows when its terminal has gone.

    Then output is dropped, stdout and stderr point at /dev/null (so nothing later fails on
    them), the app exits with 129 and the terminal is not restored. Every exit it asks for
    arms the watchdog."""

    def __init__(self, app: Any, **kwargs: Any) -> None:
        super().__init__(app, **kwargs)
        assert self._file is not None
        self._output = GuardedOutput(self._file, self.lost)
        self._file = self._output  # type: ignore[assignment]  # what the writer thread writes to
        self._lost_once = threading.Lock()
        self._watch: _ExitWatch | None = None
        self._suspending = False

    def start_application_mode(self) -> None:
        if self._watch is None:  # once: this runs again on resuming from a suspend
            self._watch = _ExitWatch(self._output.fileno(), self._signalled, self.lost)
            self._watch.install()
            self._watch.start()
        super().start_application_mode()  # type: ignore[no-untyped-call]
        watchdog.before_exit = self._restore_now

    def _restore_now(self) -> None:
        """The watchdog's last act: a terminal that is still there is put back."""
        if not self._output.gone:
            restore_terminal(self._output.fileno(), self.attrs_before)

    def suspend_application_mode(self) -> None:
        self._suspending = True
        try:
            super().suspend_application_mode()
        finally:
            self._suspending = False

    def stop_application_mode(self) -> None:
        if not self._suspending:
            # Whatever ended the app (an exit, a crash), the rest of the shutdown is bounded.
            watchdog.arm(self._app.return_code or 0)
        if self._output.gone:
            # Nothing to restore: only the input thread has to stop.
            self.disable_input()
            return
        super().stop_application_mode()
        if not self._suspending:
            watchdog.before_exit = None  # restored: nothing left for the watchdog to undo

    def lost(self) -> None:
        """The terminal has gone (a failed write, a hang-up, or SIGHUP with it gone)."""
        if not self._lost_once.acquire(blocking=False):
            return
        self._output.gone = True
        _silence_gone_terminal()
        self.request_exit(HANGUP_CODE)

    def request_exit(self, code: int) -> None:
        """Ask the app to exit with `code` (from any thread), unless an exit is under way."""
        if not watchdog.arm(code):
            return
        with contextlib.suppress(RuntimeError):  # the loop has closed: the app is done
            self._loop.call_soon_threadsafe(self._app.exit, None, code)

    def _signalled(self, signum: int) -> None:
        if signum == signal.SIGHUP and terminal_gone(self._output.fileno()):
            self.lost()
        else:
            self.request_exit(128 + signum)


def driver_class(default: type[Driver]) -> type[Driver]:
    """The driver for `App.get_driver_class`: ours in place of Textual's Linux driver; any
    other (Windows, or one chosen with TEXTUAL_DRIVER) as it is."""
    return TerminalDriver if default is LinuxDriver else default


def _silence_gone_terminal() -> None:
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        for fd in (1, 2):
            if terminal_gone(fd):
                os.dup2(devnull, fd)
    finally:
        os.close(devnull)
