"""Redaction, private files, the CloudTrail filter and the debug-log scrubber."""

from __future__ import annotations

import json
import logging
import stat
from pathlib import Path

import pytest

from mwaa_tui.core.redact import redact
from mwaa_tui.core.snapshots import TrailEvent
from mwaa_tui.core.trail import TrailFilter, errors_since, filter_events, shorten_agent
from mwaa_tui.debuglog import CredentialScrubber
from mwaa_tui.files import save_private


@pytest.mark.parametrize(
    ("text", "secret"),
    [
        ("using key AKIAIOSFODNN7EXAMPLE now", "IOSFODNN7EXAMPLE"),
        ("temp ASIAXYZXYZXYZXYZXYZ1 creds", "XYZXYZXYZXYZXYZ1"),
        ("password=hunter2 user=bob", "hunter2"),
        ("token=abc.def.ghi&x=1", "abc.def.ghi"),
        ('{"password": "s3cr3t!", "ok": 1}', "s3cr3t!"),
        ("aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "wJalrXUtnFEMI"),
        ("conn postgresql://airflow:pa55word@db.internal:5432/airflow", "pa55word"),
        ("fernet cryptography key ZmDfcTF7_60GrrY167zsiPd67pEvs0aGOv2oasOM1Pg= set", "ZmDfcTF7"),
        ("Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.payload.sig", "eyJhbGciOiJIUzI1NiJ9"),
    ],
)
def test_redact_masks_secrets(text: str, secret: str) -> None:
    out = redact(text)
    assert secret not in out
    assert "****" in out


def test_redact_leaves_ordinary_lines_alone() -> None:
    line = "[2026-11-25T11:40:01.123+0000] {taskinstance.py:2612} INFO - Fetched 12,408 rows"
    assert redact(line) == line
    assert (
        redact("postgresql://db.internal:5432/airflow") == "postgresql://db.internal:5432/airflow"
    )


def test_saved_files_are_private_and_never_overwritten(tmp_path: Path) -> None:
    target = tmp_path / "saved"
    first = save_private(target, "event.json", "one")
    second = save_private(target, "event.json", "two")
    assert first.name == "event.json" and second.name == "event-1.json"
    assert first.read_text() == "one" and second.read_text() == "two"
    assert stat.S_IMODE(first.stat().st_mode) == 0o600
    assert stat.S_IMODE(target.stat().st_mode) == 0o700
    (target / "trap.json").symlink_to(tmp_path / "elsewhere")
    third = save_private(target, "trap.json", "three")
    assert third.name == "trap-1.json" and not (tmp_path / "elsewhere").exists()
    odd = save_private(target, "../../etc/passwd", "x")
    assert odd.parent == target


def ev(
    i: int,
    name: str,
    user: str,
    *,
    error: str = "",
    ro: bool | None = False,
    resource: str = "prod",
    requested: str = "",
) -> TrailEvent:
    return TrailEvent(
        event_id=str(i),
        time=1000.0 - i,
        name=name,
        user=user,
        error_code=error,
        read_only=ro,
        resource=resource,
        requested_name=requested,
    )


EVENTS = [
    ev(1, "CreateCliToken", "triggerMwaaDAGRole/triggerMwaaDAG", error="AccessDenied"),
    ev(2, "CreateCliToken", "ci-deployer/github-actions"),
    ev(3, "CreateWebLoginToken", "sso/alice@example.com"),
    ev(4, "GetEnvironment", "sso/alice@example.com", ro=True),
    ev(
        5,
        "CreateCliToken",
        "triggerMwaaDAGRole/triggerMwaaDAG",
        error="AccessDenied",
        resource="",
        requested="staging",
    ),
    ev(6, "UpdateEnvironment", "ci-deployer/github-actions", resource="", requested="prod"),
]


def ids(flt: TrailFilter) -> list[str]:
    return [e.event_id for e in filter_events(EVENTS, flt)]


def test_trail_filters_combine() -> None:
    assert ids(TrailFilter()) == ["1", "2", "3", "4", "5", "6"]
    assert ids(TrailFilter(errors_only=True)) == ["1", "5"]
    assert ids(TrailFilter(errors_only=True, environment="prod")) == ["1"]
    assert ids(TrailFilter(environment="prod")) == ["1", "2", "3", "4", "6"]
    assert ids(TrailFilter(access="read")) == ["4"]
    assert ids(TrailFilter(text="alice", access="write")) == ["3"]
    assert ids(TrailFilter(text="event:token")) == ["1", "2", "3", "5"]
    assert ids(TrailFilter(text="user:ci-deployer")) == ["2", "6"]
    assert ids(TrailFilter(text="CREATECLI", errors_only=True, environment="staging")) == ["5"]
    assert errors_since(EVENTS, 996.0) == 1


def test_user_agents_are_shortened() -> None:
    assert shorten_agent("Boto3/1.16.63 Python/3.7.9 Linux/4.14") == "Boto3/1.16.63"
    assert (
        shorten_agent("Mozilla/5.0 (X11) AppleWebKit/537.36 Chrome/131.0 Safari/537.36")
        == "browser (Chrome)"
    )
    assert shorten_agent("airflow.amazonaws.com") == "airflow.amazonaws.com"


def test_debug_log_scrubber_masks_signing_material() -> None:
    scrubber = CredentialScrubber()
    scrubber.add_secret("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")
    scrubber.add_secret("FwoGZXIvYXdzEXAMPLETOKEN")
    record = logging.LogRecord(
        "botocore.endpoint",
        logging.DEBUG,
        __file__,
        1,
        "Sending http request: %s",
        (
            json.dumps(
                {
                    "headers": {
                        "Authorization": "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20261125/eu-west-1/logs/aws4_request, SignedHeaders=host, Signature=abcdef0123456789",
                        "X-Amz-Security-Token": "FwoGZXIvYXdzEXAMPLETOKEN",
                    },
                    "secret": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
                }
            ),
        ),
        None,
    )
    scrubber.filter(record)
    text = record.getMessage()
    for leaked in (
        "AKIAIOSFODNN7EXAMPLE",
        "abcdef0123456789",
        "FwoGZXIvYXdzEXAMPLETOKEN",
        "wJalrXUtnFEMI",
    ):
        assert leaked not in text


def test_config_panels_skip_bad_entries_with_one_message_each() -> None:
    from mwaa_tui.core.config import parse_panels

    panels, errors = parse_panels(
        {
            "panel": [
                {
                    "name": "Ingest queue",
                    "namespace": "Acme/Ingest",
                    "metric": "QueueDepth",
                    "dimensions": {"Queue": "orders"},
                    "stat": "Maximum",
                },
                {"name": "No metric", "namespace": "Acme"},
                {"name": "Bad stat", "namespace": "Acme", "metric": "X", "stat": "p99.9"},
                "not a table",
                {"name": "Dims", "namespace": "Acme", "metric": "Y", "dimensions": {"a": 1}},
            ]
        }
    )
    assert [p.label for p in panels] == ["Ingest queue"]
    assert panels[0].dimensions == (("Queue", "orders"),)
    assert errors == [
        "config: panel 2 (No metric) skipped: `metric` is missing or not text",
        "config: panel 3 (Bad stat) skipped: `stat` must be one of Average, Maximum, Minimum, "
        "SampleCount, Sum, not 'p99.9'",
        "config: panel 4 skipped: not a table",
        "config: panel 5 (Dims) skipped: `dimensions` must be a table of text values",
    ]
