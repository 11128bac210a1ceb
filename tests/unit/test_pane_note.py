"""What an empty pane says in its body (core/pane_note.why_empty)."""

from __future__ import annotations

from mwaa_tui.core.pane_note import TRAIL_EMPTY, WAITING, PaneNote, why_empty
from mwaa_tui.core.snapshots import ErrorInfo, ErrorKind, SourceHealth

NOW = 1_000_000.0


def failing(kind: ErrorKind, message: str = "", action: str = "", hint: str = "") -> SourceHealth:
    return SourceHealth("cloudtrail", error=ErrorInfo(kind, message, action, hint), failures=1)


def test_before_any_answer_it_waits_rather_than_calling_itself_empty() -> None:
    assert why_empty(None, NOW, TRAIL_EMPTY) == PaneNote(WAITING, "wait")
    assert why_empty(SourceHealth("cloudtrail"), NOW, TRAIL_EMPTY).text == WAITING


def test_really_empty_only_after_a_call_succeeded() -> None:
    ok = SourceHealth("cloudtrail", last_ok=NOW - 5)
    assert why_empty(ok, NOW, TRAIL_EMPTY) == PaneNote(TRAIL_EMPTY, "ok")


def test_denied_names_the_whole_action_and_where_the_fix_is() -> None:
    note = why_empty(
        failing(ErrorKind.DENIED, "User ... is not authorized", "cloudtrail:LookupEvents"),
        NOW,
        TRAIL_EMPTY,
    )
    assert note.severity == "error"
    assert "access denied: the role lacks cloudtrail:LookupEvents" in note.text
    assert "! shows the policy statement" in note.text
    assert "5 min late" not in note.text


def test_denied_after_earlier_successes_still_says_denied() -> None:
    health = SourceHealth(
        "alarms",
        last_ok=NOW - 600,
        error=ErrorInfo(ErrorKind.DENIED, "no", "cloudwatch:DescribeAlarms"),
    )
    assert "cloudwatch:DescribeAlarms" in why_empty(health, NOW, "no alarms").text


def test_throttled_says_it_retries_and_when() -> None:
    health = SourceHealth(
        "metrics",
        error=ErrorInfo(ErrorKind.THROTTLED, "Rate exceeded", "cloudwatch:ListMetrics"),
        failures=2,
        next_attempt=NOW + 4,
    )
    note = why_empty(health, NOW, "none")
    assert note == PaneNote("throttled on cloudwatch:ListMetrics; retrying in 4s", "warn")
    past = SourceHealth("metrics", error=health.error, next_attempt=NOW - 1)
    assert why_empty(past, NOW, "none").text.endswith("; retrying")


def test_unreachable_names_the_endpoint() -> None:
    note = why_empty(
        failing(ErrorKind.NETWORK, "cannot reach http://127.0.0.1:5000: connection refused"),
        NOW,
        "none",
    )
    assert note.text == "cannot reach http://127.0.0.1:5000: connection refused; retrying"
    assert note.severity == "warn"


def test_expired_credentials_say_what_to_run() -> None:
    note = why_empty(
        failing(ErrorKind.EXPIRED, "ExpiredToken", hint="run aws sso login --profile oncall"),
        NOW,
        "none",
    )
    assert note == PaneNote("credentials expired: run aws sso login --profile oncall", "error")


def test_other_errors_are_said_in_full() -> None:
    note = why_empty(failing(ErrorKind.OTHER, "InternalFailure: try later"), NOW, "none")
    assert note.text.startswith("InternalFailure: try later")
    assert note.severity == "error"
