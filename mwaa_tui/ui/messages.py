"""Messages from pollers to whoever runs them: the app, or a screen with its own poller."""

from __future__ import annotations

from textual.message import Message

from mwaa_tui.core.snapshots import (
    AlarmsSnapshot,
    EnvironmentSnapshot,
    HealthUpdate,
    MetricsSnapshot,
    Update,
)

NEWEST_COUNTS = (EnvironmentSnapshot, MetricsSnapshot, AlarmsSnapshot)
"""Whole snapshots: a newer one waiting in the queue makes an older one worthless."""


class Updated(Message):
    """One update from a poller: a snapshot, a delta or a health report."""

    def __init__(self, update: Update) -> None:
        super().__init__()
        self.update = update

    def can_replace(self, message: Message) -> bool:
        """Whether `message`, queued right behind this one, supersedes it: a newer whole
        snapshot of the same kind, or a newer health report of the same source. Deltas
        (log lines, CloudTrail events) always count."""
        if not isinstance(message, Updated):
            return False
        mine, newer = self.update, message.update
        if isinstance(mine, HealthUpdate):
            return isinstance(newer, HealthUpdate) and newer.health.source == mine.health.source
        return isinstance(mine, NEWEST_COUNTS) and type(newer) is type(mine)
