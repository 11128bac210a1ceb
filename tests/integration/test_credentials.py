"""Credentials that change under a running monitor: it picks the new ones up by itself."""

from __future__ import annotations

import json
import sys
import textwrap
import time
from pathlib import Path

import pytest

from mwaa_tui.aws.clients import AwsError, AwsGateway, AwsSettings, ConfigError
from mwaa_tui.core.errors import credential_hint
from mwaa_tui.core.snapshots import ErrorKind
from mwaa_tui.debuglog import SCRUBBER
from mwaa_tui.sandbox import Sandbox
from tests.conftest import write_keys

OLD = ("AKIAOLDKEY0000000001", "old-secret-0000000000000000000000000000")
NEW = ("AKIANEWKEY0000000002", "new-secret-0000000000000000000000000000")


async def call_until_ok(gateway: AwsGateway, timeout: float = 10.0) -> dict[str, object]:
    """Call until the answer comes back: credential re-reads are spaced a little apart."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            return await gateway.call("mwaa", "list_environments")
        except AwsError as exc:
            assert exc.kind is ErrorKind.EXPIRED, exc
            if time.monotonic() > deadline:
                raise


async def test_keys_rewritten_in_the_credentials_file_are_picked_up(
    sandbox: Sandbox, aws_files: Path
) -> None:
    sandbox.create_environment("rotating")
    write_keys(aws_files / "credentials", OLD)
    sandbox.faults.accept_keys = {OLD[0]}
    async with AwsGateway(AwsSettings(endpoint_url=sandbox.url)) as gateway:
        assert (await gateway.call("mwaa", "list_environments"))["Environments"] == ["rotating"]
        sandbox.faults.accept_keys = {NEW[0]}  # the old key is revoked
        with pytest.raises(AwsError) as expired:
            await gateway.call("mwaa", "list_environments")
        assert expired.value.kind is ErrorKind.EXPIRED
        assert "credentials file" in expired.value.info.describe()  # what to do about it
        write_keys(aws_files / "credentials", NEW)
        assert (await call_until_ok(gateway))["Environments"] == ["rotating"]
        assert NEW[1] in SCRUBBER.secrets  # the debug log never shows the new secret


async def test_a_rotating_credential_process_is_followed(sandbox: Sandbox, aws_files: Path) -> None:
    sandbox.create_environment("rotating")
    current = aws_files / "current.json"
    script = aws_files / "creds.py"
    script.write_text(
        textwrap.dedent(
            f"""
            import json, pathlib
            key, secret = json.loads(pathlib.Path({str(current)!r}).read_text())
            print(json.dumps({{"Version": 1, "AccessKeyId": key, "SecretAccessKey": secret}}))
            """
        )
    )
    (aws_files / "config").write_text(
        f"[default]\nregion = eu-west-1\ncredential_process = {sys.executable} {script}\n"
    )
    current.write_text(json.dumps(OLD))
    sandbox.faults.accept_keys = {OLD[0]}
    async with AwsGateway(AwsSettings(endpoint_url=sandbox.url)) as gateway:
        await gateway.call("mwaa", "list_environments")
        current.write_text(json.dumps(NEW))
        sandbox.faults.accept_keys = {NEW[0]}
        assert (await call_until_ok(gateway))["Environments"] == ["rotating"]
        assert gateway.stats.totals[("ListEnvironments", "ok")] == 2


async def test_an_sso_profile_without_a_login_is_told_to_log_in(
    sandbox: Sandbox, aws_files: Path
) -> None:
    (aws_files / "config").write_text(
        "[profile oncall]\nregion = eu-west-1\nsso_session = corp\nsso_account_id = 1\n"
        "sso_role_name = ReadOnly\n"
        "[sso-session corp]\nsso_start_url = https://corp.awsapps.com/start\n"
        "sso_region = eu-west-1\n"
    )
    with pytest.raises(ConfigError, match="run aws sso login --profile oncall"):
        await AwsGateway(AwsSettings(profile="oncall", endpoint_url=sandbox.url)).open()


def test_the_advice_follows_where_the_credentials_came_from() -> None:
    assert credential_hint("sso", "oncall", {}) == "run aws sso login --profile oncall"
    assert "aws sso login --profile p" in credential_hint("", "p", {"sso_session": "corp"})
    assert "credentials file" in credential_hint("shared-credentials-file", "default", {})
    assert "credential_process" in credential_hint("custom-process", "default", {})
    assert "restart" in credential_hint("env", "default", {})
    assert "\x1b" not in credential_hint("sso", "evil\x1b[2J", {})
