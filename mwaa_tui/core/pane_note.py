"""What an empty pane says in its body: why it has nothing to show. The border keeps the
source's health in a line; the body has the room to say it whole (the missing IAM action
is never cut), and a pane is only called empty once its source has answered."""

from __future__ import annotations

from dataclasses import dataclass

from mwaa_tui.core.format import relative
from mwaa_tui.core.snapshots import ErrorKind, SourceHealth

WAITING = "waiting for the first answer…"

TRAIL_EMPTY = (
    "none yet: CloudTrail delivers events about 5 min late, so a quiet list does not "
    "prove nothing happened"
)
ALARMS_EMPTY = "no alarms for this environment"
METRICS_EMPTY = "no MWAA metrics found for this environment in the last two weeks"
LOGS_EMPTY = "no log lines yet; new ones appear as they arrive"


@dataclass(frozen=True, slots=True)
class PaneNote:
    """The body of an empty pane: its text and how it reads (the severities of
    `format.health_line`: ok, wait, warn, error)."""

    text: str
    severity: str


def _retry(health: SourceHealth, now: float) -> str:
    """`retrying in 4s`, or `retrying` when the next attempt's time is not known."""
    when = health.next_attempt
    if when is None or when <= now:
        return "retrying"
    return f"retrying in {relative(when - now)}"


def why_empty(health: SourceHealth | None, now: float, empty: str) -> PaneNote:
    """Why a pane with nothing to show is empty, given its source's health: waiting for
    the first answer, denied (the whole action), unreachable, throttled, expired
    credentials, another error, or really empty (`empty`, said only when the last call
    succeeded)."""
    if health is None or (health.error is None and health.last_ok is None):
        return PaneNote(WAITING, "wait")
    error = health.error
    if error is None:
        return PaneNote(empty, "ok")
    action = error.action or "the call"
    match error.kind:
        case ErrorKind.DENIED:
            return PaneNote(
                f"access denied: the role lacks {action}\n! shows the policy statement that "
                "grants it",
                "error",
            )
        case ErrorKind.THROTTLED:
            return PaneNote(f"throttled on {action}; {_retry(health, now)}", "warn")
        case ErrorKind.NETWORK:
            return PaneNote(f"{error.message}; {_retry(health, now)}", "warn")
        case ErrorKind.EXPIRED:
            return PaneNote(error.describe(), "error")
        case ErrorKind.NOT_FOUND | ErrorKind.OTHER:
            return PaneNote(f"{error.describe()}; {_retry(health, now)}", "error")
