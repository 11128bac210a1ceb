"""What the command line accepts: durations, buffer sizes, endpoints, environment answers,
and how the start-up's retry note reads."""

from __future__ import annotations

import argparse
import io
import os
import pty
import select

import pytest

from mwaa_tui.cli import (
    CliError,
    StartupRetry,
    buffer_lines,
    check_endpoint_variables,
    endpoint_problem,
    give_up_message,
    retry_note,
)
from mwaa_tui.core.environment import EnvironmentWithoutName, parse_environment
from mwaa_tui.core.format import parse_duration
from mwaa_tui.core.snapshots import ErrorInfo, ErrorKind


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("90s", 90), ("10m", 600), ("2h", 7200), ("45", 45), ("0.5", 0.5), ("90d", 90 * 86400)],
)
def test_durations_that_are_accepted(text: str, seconds: float) -> None:
    assert parse_duration(text) == seconds


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("nan", "not a positive duration"),
        ("nanm", "not a positive duration"),
        ("inf", "not a positive duration"),
        ("-inf", "not a positive duration"),
        ("1e308d", "not a positive duration"),  # overflows to inf
        ("-5m", "not a positive duration"),
        ("0", "not a positive duration"),
        ("1e308", "longer than 90 days"),
        ("91d", "longer than 90 days"),
        ("13w", "longer than 90 days"),
        ("banana", "not a duration"),
        ("m", "not a duration"),
        ("", "empty duration"),
    ],
)
def test_durations_that_are_refused(text: str, problem: str) -> None:
    with pytest.raises(ValueError, match=problem):
        parse_duration(text)


@pytest.mark.parametrize("text", ["100", "10000", "1000000"])
def test_buffer_lines_in_range(text: str) -> None:
    assert buffer_lines(text) == int(text)


@pytest.mark.parametrize("text", ["-1", "0", "5", "99", "1000001", "lots", ""])
def test_buffer_lines_out_of_range_say_the_range(text: str) -> None:
    with pytest.raises(argparse.ArgumentTypeError, match="from 100 to 1000000"):
        buffer_lines(text)


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:4566",
        "https://vpce-0a1b.airflow.eu-west-1.vpce.amazonaws.com",
        "http://[::1]:4566",
        "http://localhost",
    ],
)
def test_endpoints_that_are_accepted(url: str) -> None:
    assert endpoint_problem(url) is None


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("htp:/x", "needs http:// or https://"),
        ("127.0.0.1:4566", "needs http:// or https://"),
        ("localhost:4566", "needs http:// or https://"),
        ("ftp://host", "needs http:// or https://"),
        ("http://", "has no host"),
        ("http://:4566", "has no host"),
        ("http://host:port", "has a bad port"),
        ("http://a b", "is not a URL"),
        ("http://x\x1b[2J", "is not a URL"),
    ],
)
def test_endpoints_that_are_refused(url: str, problem: str) -> None:
    assert endpoint_problem(url) == problem


@pytest.mark.parametrize(
    "name",
    [
        "AWS_ENDPOINT_URL",
        "AWS_ENDPOINT_URL_MWAA",
        "AWS_ENDPOINT_URL_CLOUDWATCH_LOGS",
        "AWS_ENDPOINT_URL_CLOUDWATCH",
        "AWS_ENDPOINT_URL_CLOUDTRAIL",
    ],
)
def test_endpoint_variables_are_checked_and_named(name: str) -> None:
    good = {"AWS_ENDPOINT_URL": "http://127.0.0.1:4566"}
    with pytest.raises(CliError, match=f"^{name}='htp:/x' needs http:// or https://"):
        check_endpoint_variables({**good, name: "htp:/x"})
    check_endpoint_variables({**good, name: "https://example.com"})


def test_endpoint_variables_that_botocore_ignores_are_not_checked() -> None:
    check_endpoint_variables({"AWS_ENDPOINT_URL_MWAA": ""})
    check_endpoint_variables(
        {"AWS_ENDPOINT_URL": "htp:/x", "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS": "true"}
    )
    with pytest.raises(CliError):
        check_endpoint_variables(
            {"AWS_ENDPOINT_URL": "htp:/x", "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS": "false"}
        )


@pytest.mark.parametrize(
    "env", [{}, {"Name": ""}, {"Name": None}, {"Name": "  "}, {"Name": "\x1b[2J\x07"}]
)
def test_an_environment_without_a_name_is_refused(env: dict[str, object]) -> None:
    with pytest.raises(EnvironmentWithoutName, match="without an environment name") as raised:
        parse_environment({**env, "Status": "AVAILABLE"})
    assert isinstance(raised.value, ValueError)


def test_an_environment_with_a_name_is_read() -> None:
    assert parse_environment({"Name": "prod"}).name == "prod"


def test_retry_note_and_give_up_lines() -> None:
    throttled = ErrorInfo(ErrorKind.THROTTLED, "Rate exceeded", "airflow:GetEnvironment")
    refused = ErrorInfo(
        ErrorKind.NETWORK, "cannot reach http://127.0.0.1:9: connection refused", "x"
    )
    assert (
        retry_note(throttled, 26.2) == "retrying… throttled on airflow:GetEnvironment (27 s left)"
    )
    assert retry_note(refused, 0.4) == (
        "retrying… cannot reach http://127.0.0.1:9: connection refused (1 s left)"
    )
    assert give_up_message(throttled, 30) == (
        "still throttled on airflow:GetEnvironment after 30 s: the account's API quota is in "
        "use; try again in a minute"
    )
    assert give_up_message(refused, 30) == (
        "cannot reach http://127.0.0.1:9: connection refused (after 30 s)"
    )


def test_retry_notes_are_one_line_each_off_a_terminal() -> None:
    out = io.StringIO()
    retry = StartupRetry(30, out=out)
    retry.note("retrying… a (3 s left)")
    retry.note("retrying… b\x1b[2J (2 s left)")
    retry.close()
    assert out.getvalue() == "retrying… a (3 s left)\nretrying… b (2 s left)\n"


def test_retry_notes_rewrite_one_line_on_a_terminal() -> None:
    master, slave = pty.openpty()
    try:
        with open(slave, "w", encoding="utf-8") as tty:
            retry = StartupRetry(30, out=tty)
            assert retry.tty
            retry.note("retrying… a longer note (3 s left)")
            retry.note("retrying… short (2 s left)")
            retry.close()
        long, short = "retrying… a longer note (3 s left)", "retrying… short (2 s left)"
        expected = f"\r{long}\r{short}{' ' * (len(long) - len(short))}\r{' ' * len(short)}\r"
        written = b""
        while len(written) < len(expected.encode()) and select.select([master], [], [], 5)[0]:
            written += os.read(master, 4096)
    finally:
        os.close(master)
    assert written.decode() == expected
