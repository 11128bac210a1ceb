"""Layering, lint and types: the rules the code base holds itself to."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "mwaa_tui"


def imports_of(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
    return found


def modules(subpackage: str) -> list[Path]:
    return sorted((PACKAGE / subpackage).rglob("*.py"))


def violations(paths: list[Path], forbidden: tuple[str, ...]) -> list[str]:
    return [
        f"{p.relative_to(ROOT)} imports {name}"
        for p in paths
        for name in sorted(imports_of(p))
        if name == forbidden or name.startswith(forbidden)
    ]


def test_core_is_pure() -> None:
    forbidden = (
        "textual",
        "rich",
        "aiobotocore",
        "botocore",
        "aiohttp",
        "plotext",
        "moto",
        "socket",
        "urllib.request",
        "mwaa_tui.ui",
        "mwaa_tui.aws",
        "mwaa_tui.pollers",
        "mwaa_tui.sandbox",
    )
    assert violations(modules("core"), forbidden) == []


def test_only_the_cli_reaches_the_sandbox() -> None:
    paths = [p for p in PACKAGE.rglob("*.py") if "sandbox" not in p.parts and p.name != "cli.py"]
    assert violations(paths, ("mwaa_tui.sandbox", "moto")) == []


def test_widgets_and_pollers_stay_in_their_layer() -> None:
    assert violations(modules("ui/widgets"), ("mwaa_tui.aws", "mwaa_tui.pollers")) == []
    assert violations(modules("pollers"), ("textual", "rich", "mwaa_tui.ui")) == []


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
