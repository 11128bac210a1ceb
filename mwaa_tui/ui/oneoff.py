"""One error policy for the work the user asks for once: charts, histories, windows of
logs, saves, older CloudTrail pages, task logs and Insights searches.

Pollers never die from a failure (`pollers/base.py`); one-off work must not take the app
with it either. Whatever it raises (an AWS error, a full disk, a bug) becomes a single
notification that says what failed and why, and everything already on screen stays.
"""

from __future__ import annotations

import asyncio
import errno
import inspect
import logging
import os
from collections.abc import Awaitable, Callable
from functools import partial
from pathlib import Path
from typing import Any

from textual.app import App
from textual.dom import DOMNode
from textual.screen import Screen
from textual.worker import Worker

from mwaa_tui.aws.clients import AwsError
from mwaa_tui.core.sanitize import sanitize
from mwaa_tui.core.snapshots import ErrorInfo, ErrorKind
from mwaa_tui.files import save_private

log = logging.getLogger(__name__)

NOTIFY_SECONDS = 15.0
"""Failures stay up longer than the default toast: they usually need reading."""


def describe_aws(info: ErrorInfo) -> str:
    """An AWS failure of a one-off request in plain words."""
    if info.kind is ErrorKind.THROTTLED:
        # The client layer has already retried; a one-off does not back off on its own.
        return f"throttled on {info.action}, still after retries: try again in a moment"
    return info.describe()


def describe_os_error(exc: OSError) -> str:
    """`[Errno 28] …` as `no space left on device (/path)`."""
    reason = os.strerror(exc.errno) if exc.errno else (exc.strerror or str(exc))
    reason = reason[:1].lower() + reason[1:]
    if exc.errno == errno.EROFS:
        reason = "the file system is read-only"
    where = exc.filename
    if where is None:
        return reason
    return f"{reason} ({os.fsdecode(where) if isinstance(where, str | bytes) else where})"


def describe_failure(what: str, exc: BaseException) -> str:
    """One line naming the work that failed and why, safe to draw."""
    if isinstance(exc, AwsError):
        text = f"{what}: {describe_aws(exc.info)}"
    elif isinstance(exc, OSError):
        text = f"{what} failed: {describe_os_error(exc)}"
    else:
        detail = str(exc)
        kind = type(exc).__name__
        text = f"{what} failed: unexpected {kind}" + (f": {detail}" if detail else "")
    return sanitize(text)


def retry_note(info: ErrorInfo, delay: float) -> str:
    """What a follow that backs off says while it waits: `retrying: throttled on … · 6 s`."""
    wait = f"{delay:.1f}" if delay < 10 else f"{delay:.0f}"
    why = f"throttled on {info.action}" if info.kind is ErrorKind.THROTTLED else info.describe()
    return sanitize(f"retrying: {why} · next try in {wait} s")


def report_failure(app: App[Any], what: str, exc: BaseException) -> None:
    """The notification for a failed one-off: error severity, plain text, never markup."""
    message = describe_failure(what, exc)
    if not isinstance(exc, AwsError | OSError):
        # A bug: keep the traceback for the debug log (which scrubs credentials).
        log.debug("%s", message, exc_info=exc)
    app.notify(message, severity="error", markup=False, timeout=NOTIFY_SECONDS)


async def _guarded(
    node: DOMNode,
    work: Callable[[], Awaitable[object]],
    what: str,
    on_error: Callable[[BaseException], None] | None,
) -> None:
    try:
        await work()
    except Exception as exc:  # CancelledError is not an Exception: closing still cancels
        if on_error is not None:
            try:
                on_error(exc)
            except Exception as cleanup:  # the report still goes out
                log.debug("cleanup after %s failed", what, exc_info=cleanup)
        report_failure(node.app, what, exc)


def run_oneoff(
    node: DOMNode,
    work: Callable[[], Awaitable[object]],
    what: str,
    *,
    group: str = "oneoff",
    exclusive: bool = False,
    on_error: Callable[[BaseException], None] | None = None,
) -> Worker[None]:
    """Run `work()` as a worker of `node` (the app or a screen) under the one policy.

    `what` names the work in the notification (`alarm history`, `save`); `on_error` puts
    the screen back in order first (clears a "loading…" mark, says so in a header).
    `exclusive` cancels the group's earlier worker on the same node, as Textual does.
    """
    return node.run_worker(
        partial(_guarded, node, work, what, on_error),
        name=what,
        group=group,
        exclusive=exclusive,
        exit_on_error=False,
    )


def open_screen(
    node: DOMNode,
    make: Callable[[], Awaitable[Screen[Any]] | Screen[Any]],
    what: str,
    *,
    group: str,
) -> Worker[None]:
    """Build a screen as one-off work (fetching what it shows first, if `make` is async),
    then push it: a failure is one notification and no screen."""

    async def work() -> None:
        screen = make()
        node.app.push_screen(await screen if inspect.isawaitable(screen) else screen)

    return run_oneoff(node, work, what, group=group, exclusive=True)


def save_file(
    node: DOMNode, directory: Path, name: str, text: str, *, when: float | None = None
) -> Worker[None]:
    """Keep `text` in a new private file `name` under `directory` (with `when`, its UTC
    time in the name: see `save_private`), and say where."""

    async def write() -> None:
        # Off the event loop: a slow or stuck disk must not freeze the screen.
        path = await asyncio.to_thread(save_private, directory, name, text, when=when)
        node.app.notify(f"saved to {sanitize(path)}", title="Save", markup=False, timeout=8)

    return run_oneoff(node, write, "save", group="save")
