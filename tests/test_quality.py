"""Layering, lint and types: the rules the code base holds itself to."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "mwaa_tui"


def test_the_layers_hold() -> None:
    """The import contracts in pyproject.toml: core is pure, widgets import no screens,
    only the command line reaches the sandbox, and the layers stack as drawn."""
    lint_imports = Path(sys.executable).with_name("lint-imports")
    proc = subprocess.run(
        [str(lint_imports), "--no-cache", "--no-logo"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "0 broken" in proc.stdout


def test_one_module_creates_aws_clients() -> None:
    creators = [
        str(p.relative_to(ROOT)) for p in PACKAGE.rglob("*.py") if "create_client(" in p.read_text()
    ]
    assert creators == ["mwaa_tui/aws/clients.py"]


@pytest.mark.parametrize(
    "command",
    [["ruff", "check", "."], ["ruff", "format", "--check", "."], ["mypy"]],
    ids=["ruff", "ruff-format", "mypy"],
)
def test_tooling_is_clean(command: list[str]) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", *command], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_every_aws_call_in_the_code_is_on_the_read_only_list() -> None:
    from mwaa_tui.aws.clients import READ_ONLY_OPERATIONS
    from mwaa_tui.core.errors import operation_name

    calls = []
    for path in PACKAGE.rglob("*.py"):
        if "sandbox" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == "call"
                and len(node.args) >= 2
                and all(isinstance(a, ast.Constant) for a in node.args[:2])
            ):
                service, op = node.args[0].value, node.args[1].value  # type: ignore[attr-defined]
                calls.append((path.name, service, op))
    assert len(calls) >= 8, calls
    for name, service, op in calls:
        assert operation_name(op) in READ_ONLY_OPERATIONS[service], (name, service, op)
