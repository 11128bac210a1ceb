"""Where an environment is in its life, in words: what the header says and how loudly."""

from __future__ import annotations

from dataclasses import dataclass

from mwaa_tui.core.format import relative
from mwaa_tui.core.snapshots import EnvironmentSnapshot, ErrorKind, SourceHealth

BUSY = frozenset({"CREATING", "UPDATING", "PENDING", "CREATING_SNAPSHOT", "MAINTENANCE"})
FAILED = frozenset({"CREATE_FAILED", "UPDATE_FAILED", "UNAVAILABLE", "ROLLING_BACK"})
ENDING = frozenset({"DELETING", "DELETED"})

WORDS = {
    "AVAILABLE": "available",
    "CREATING": "being created",
    "UPDATING": "being updated",
    "PENDING": "update pending",
    "CREATING_SNAPSHOT": "taking a snapshot",
    "MAINTENANCE": "in maintenance",
    "CREATE_FAILED": "creation failed",
    "UPDATE_FAILED": "update failed",
    "UNAVAILABLE": "unavailable",
    "ROLLING_BACK": "rolling back a failed update",
    "DELETING": "being deleted",
    "DELETED": "deleted",
}


@dataclass(frozen=True, slots=True)
class Lifecycle:
    status: str
    """GetEnvironment's Status, or DELETED once it answers not found."""
    words: str
    """The status in plain words, with how long it has lasted where known."""
    severity: str
    """ok, warn or error."""
    gone: bool = False
    """The environment was deleted while being watched: what is on screen is kept."""


def is_gone(health: SourceHealth | None, snapshot: EnvironmentSnapshot | None) -> bool:
    """GetEnvironment answers not found for an environment that was there before."""
    return (
        snapshot is not None
        and health is not None
        and health.error is not None
        and health.error.kind is ErrorKind.NOT_FOUND
    )


def lifecycle(snapshot: EnvironmentSnapshot, now: float, *, gone: bool = False) -> Lifecycle:
    if gone:
        return Lifecycle(
            "DELETED", "deleted while you watched: what is on screen is kept", "error", gone=True
        )
    status = snapshot.status
    words = WORDS.get(status, status.lower().replace("_", " "))
    last = snapshot.last_update
    if status in BUSY and last is not None and last.created_at and last.status != "SUCCESS":
        words += f" for {relative(now - last.created_at)}"
        if last.source:
            words += f" ({last.source.lower()} update)"
    if status in FAILED or status in ENDING:
        severity = "error"
    elif status in BUSY or status != "AVAILABLE":
        severity = "warn"
    else:
        severity = "ok"
    return Lifecycle(status, words, severity)
