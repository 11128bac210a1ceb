"""Messages from pollers to the app."""

from __future__ import annotations

from textual.message import Message


class PollerUpdate(Message):
    """A snapshot, delta or health report from one poller."""

    def __init__(self, payload: object) -> None:
        super().__init__()
        self.payload = payload
