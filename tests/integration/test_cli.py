"""The command line: bad invocations end in one clear line and a non-zero exit code."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from mwaa_tui.cli import main
from mwaa_tui.sandbox import Sandbox
from mwaa_tui.sandbox.server import DEMO_CREDENTIALS


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No ambient AWS configuration: only what a test sets."""
    for var in list(os.environ):
        if var.startswith("AWS_"):
            monkeypatch.delenv(var)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "credentials"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")


@pytest.fixture
def creds(clean_env: None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", DEMO_CREDENTIALS[0])
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", DEMO_CREDENTIALS[1])


def one_error_line(capsys: pytest.CaptureFixture[str]) -> str:
    err = capsys.readouterr().err.strip()
    assert "Traceback" not in err
    assert len(err.splitlines()) == 1, err
    assert err.startswith("mwaa-tui: error: ")
    return err


def test_missing_environment_lists_the_ones_that_exist(
    sandbox: Sandbox, creds: None, capsys: pytest.CaptureFixture[str]
) -> None:
    sandbox.create_environment("demo")
    sandbox.create_environment("dublin-ricsue")
    rc = main(["--env", "nope", "--region", "eu-west-1", "--endpoint-url", sandbox.url])
    assert rc == 2
    assert one_error_line(capsys).endswith(
        "environment 'nope' not found in eu-west-1; environments there: demo, dublin-ricsue"
    )


def test_no_environments_at_all(
    sandbox: Sandbox, creds: None, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--region", "eu-west-1", "--endpoint-url", sandbox.url]) == 2
    assert "no MWAA environments in eu-west-1" in one_error_line(capsys)


def test_no_region(creds: None, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--env", "x"]) == 2
    assert "no AWS region" in one_error_line(capsys)


def test_no_credentials(clean_env: None, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--env", "x", "--region", "eu-west-1"]) == 2
    assert "no AWS credentials found" in one_error_line(capsys)


def test_refused_endpoint(creds: None, capsys: pytest.CaptureFixture[str]) -> None:
    assert (
        main(["--env", "x", "--region", "eu-west-1", "--endpoint-url", "http://127.0.0.1:9"]) == 2
    )
    assert one_error_line(capsys).endswith("cannot reach http://127.0.0.1:9: connection refused")


def test_denied_names_the_action(
    sandbox: Sandbox, creds: None, capsys: pytest.CaptureFixture[str]
) -> None:
    sandbox.create_environment("demo")
    sandbox.faults.deny.add("mwaa")
    assert main(["--env", "demo", "--region", "eu-west-1", "--endpoint-url", sandbox.url]) == 2
    assert "the role lacks airflow:GetEnvironment" in one_error_line(capsys)


def test_bad_duration_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["--since", "banana"])
    assert exit_.value.code == 2
    assert "use a duration like 90s, 10m, 2h" in capsys.readouterr().err


def test_help_and_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["--help"])
    assert exit_.value.code == 0
    out = capsys.readouterr().out
    for option in (
        "--env",
        "--region",
        "--profile",
        "--endpoint-url",
        "--since",
        "--demo",
        "--version",
        "AWS_ENDPOINT_URL_<SERVICE>",
    ):
        assert option in out
    with pytest.raises(SystemExit):
        main(["--version"])
    assert capsys.readouterr().out.strip() == "mwaa-tui 0.1.0"


def test_sandbox_command_refuses_non_loopback(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["sandbox", "--host", "0.0.0.0"]) == 2
    assert "loopback only" in one_error_line(capsys)
    assert main(["sandbox", "--port", "0", "--throttle", "logs=7"]) == 2
    assert "between 0 and 1" in one_error_line(capsys)


def test_the_installed_entry_point_exits_non_zero(sandbox: Sandbox, tmp_path: Path) -> None:
    sandbox.create_environment("demo")
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(
        AWS_ACCESS_KEY_ID=DEMO_CREDENTIALS[0],
        AWS_SECRET_ACCESS_KEY=DEMO_CREDENTIALS[1],
        AWS_CONFIG_FILE=str(tmp_path / "c"),
        AWS_EC2_METADATA_DISABLED="true",
    )
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "mwaa_tui",
            "--env",
            "ghost",
            "--region",
            "eu-west-1",
            "--endpoint-url",
            sandbox.url,
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )
    assert proc.returncode == 2
    assert proc.stderr.strip() == (
        "mwaa-tui: error: environment 'ghost' not found in eu-west-1; environments there: demo"
    )


def test_config_file_errors_are_reported_and_the_rest_loads(tmp_path: Path) -> None:
    from mwaa_tui.cli import load_config

    good = tmp_path / "config.toml"
    good.write_text(
        'alarms = ["shared-db"]\n\n[[panel]]\nname = "Q"\nnamespace = "Acme"\n'
        'metric = "Depth"\n\n[[panel]]\nname = "broken"\n'
    )
    panels, names, errors = load_config(good)
    assert [p.label for p in panels] == ["Q"] and len(errors) == 1 and "broken" in errors[0]
    assert names == ["shared-db"]
    bad = tmp_path / "bad.toml"
    bad.write_text("[[panel]\n")
    assert load_config(bad)[2][0].startswith(f"config: {bad} is not valid TOML")
