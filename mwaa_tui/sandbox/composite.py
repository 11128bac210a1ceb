"""Composite alarms, which moto does not implement: storage, rule evaluation, listing."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

_TOKEN = re.compile(
    r'\s*(?:(ALARM|OK|INSUFFICIENT_DATA)\(\s*"?([^")]+?)"?\s*\)|(AND|OR|NOT|TRUE|FALSE)|([()]))'
)


def evaluate_rule(rule: str, state_of: Callable[[str], str | None]) -> bool:
    """Evaluate an AlarmRule such as `ALARM("a") OR (OK(b) AND NOT ALARM("c"))`."""
    tokens: list[tuple[str, str]] = []
    pos = 0
    rule = rule.strip()
    while pos < len(rule):
        m = _TOKEN.match(rule, pos)
        if not m or m.end() == pos:
            raise ValueError(f"cannot parse alarm rule at {rule[pos : pos + 20]!r}")
        if m.group(1):
            tokens.append(("state", f"{m.group(1)}\x00{m.group(2)}"))
        elif m.group(3):
            tokens.append((m.group(3), ""))
        else:
            tokens.append((m.group(4), ""))
        pos = m.end()
    index = 0

    def peek() -> str:
        return tokens[index][0] if index < len(tokens) else ""

    def take() -> tuple[str, str]:
        nonlocal index
        index += 1
        return tokens[index - 1]

    def expr() -> bool:
        value = term()
        while peek() == "OR":
            take()
            value = term() or value
        return value

    def term() -> bool:
        value = factor()
        while peek() == "AND":
            take()
            value = factor() and value
        return value

    def factor() -> bool:
        kind, arg = take()
        if kind == "NOT":
            return not factor()
        if kind == "(":
            value = expr()
            take()
            return value
        if kind in ("TRUE", "FALSE"):
            return kind == "TRUE"
        state, name = arg.split("\x00")
        return state_of(name) == state

    return expr()


@dataclass
class CompositeAlarm:
    name: str
    rule: str
    arn: str
    state: str = "INSUFFICIENT_DATA"
    reason: str = "Unchecked: Initial alarm creation"
    updated: float = 0.0
    history: list[dict[str, Any]] = field(default_factory=list)

    def to_api(self) -> dict[str, Any]:
        return {
            "AlarmName": self.name,
            "AlarmArn": self.arn,
            "AlarmRule": self.rule,
            "StateValue": self.state,
            "StateReason": self.reason,
            "StateUpdatedTimestamp": self.updated,
            "ActionsEnabled": True,
            "AlarmActions": [],
            "OKActions": [],
            "InsufficientDataActions": [],
        }
