"""Turning sanitised strings into Rich `Text`: never markup."""

from __future__ import annotations

from rich.text import Text

from mwaa_tui.core.sanitize import sanitize

STATE_STYLE = {"ALARM": "bold red", "INSUFFICIENT_DATA": "yellow", "OK": "green"}
STATE_ICON = {"ALARM": "●", "INSUFFICIENT_DATA": "◌", "OK": "●"}
SEVERITY_STYLE = {"ok": "dim", "wait": "dim italic", "warn": "yellow", "error": "bold red"}
ENV_STATUS_STYLE = {
    "AVAILABLE": "bold green",
    "CREATING": "yellow",
    "UPDATING": "yellow",
    "PENDING": "yellow",
    "MAINTENANCE": "yellow",
    "CREATING_SNAPSHOT": "yellow",
    "ROLLING_BACK": "bold red",
    "UPDATE_FAILED": "bold red",
    "CREATE_FAILED": "bold red",
    "UNAVAILABLE": "bold red",
    "DELETING": "red",
    "DELETED": "red",
}


def safe(value: object, style: str = "") -> Text:
    """A single-line Text from anything, sanitised again on the way in (cheap, idempotent)."""
    return Text(sanitize(value), style=style, no_wrap=True, end="")


def state_text(state: str) -> Text:
    label = "INSUF" if state == "INSUFFICIENT_DATA" else state
    return Text(f"{STATE_ICON.get(state, '?')} {label}", style=STATE_STYLE.get(state, ""))
