"""CloudTrail LookupEvents results, parsed and sanitised."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from mwaa_tui.core.redact import redact
from mwaa_tui.core.sanitize import sanitize

from .snapshots import TrailEvent

MAX_RAW_CHARS = 256 * 1024


def user_from_identity(identity: dict[str, Any], fallback: str = "") -> str:
    """`role/session` for an assumed role, the user name for an IAM user."""
    arn = identity.get("arn") or ""
    if isinstance(arn, str) and ":assumed-role/" in arn:
        return arn.split(":assumed-role/", 1)[1]
    if isinstance(arn, str) and ":user/" in arn:
        return arn.split(":user/", 1)[1]
    name = identity.get("userName") or identity.get("principalId") or fallback
    return str(name)


def _sanitize_json(value: Any, depth: int = 0) -> Any:
    """Sanitise every key and string value of a parsed JSON document."""
    if depth > 64:
        return "…"
    if isinstance(value, dict):
        return {sanitize(k): _sanitize_json(v, depth + 1) for k, v in value.items()}
    if isinstance(value, list):
        return [_sanitize_json(v, depth + 1) for v in value]
    if isinstance(value, str):
        return sanitize(value, max_chars=16 * 1024)
    return value


def shorten_agent(agent: str) -> str:
    """`Boto3/1.16.63 Python/3.7.9 Linux/...` -> `Boto3/1.16.63`; browsers by name."""
    if not agent:
        return ""
    if agent.startswith("Mozilla/"):
        for name in ("Firefox", "Edg", "Chrome", "Safari"):
            if f"{name}/" in agent:
                return f"browser ({'Edge' if name == 'Edg' else name})"
        return "browser"
    if agent.endswith(".amazonaws.com") or agent == "AWS Internal":
        return agent
    return agent.split(" ", 1)[0][:32]


def parse_event(raw: dict[str, Any], *, redact_secrets: bool = True) -> TrailEvent:
    """One item of LookupEvents' `Events`, made safe to draw (and redacted unless told not to)."""
    text = raw.get("CloudTrailEvent") or ""
    detail: dict[str, Any] = {}
    parsed = True
    try:
        loaded = json.loads(text) if text else {}
        if isinstance(loaded, dict):
            detail = loaded
        else:
            parsed = False
    except (ValueError, RecursionError):
        parsed = False
    if parsed:
        pretty = json.dumps(_sanitize_json(detail), indent=2, ensure_ascii=False)
    else:
        pretty = sanitize(text, multiline=True, max_chars=MAX_RAW_CHARS)
    if redact_secrets:
        pretty = redact(pretty)
    identity = detail.get("userIdentity") if isinstance(detail.get("userIdentity"), dict) else {}
    when = raw.get("EventTime")
    ro = raw.get("ReadOnly", detail.get("readOnly"))
    read_only = None if ro is None else str(ro).lower() == "true"
    resources = raw.get("Resources") or []
    resource = resources[0].get("ResourceName", "") if resources else ""
    params = detail.get("requestParameters")
    requested = str(params.get("Name", "")) if isinstance(params, dict) else ""
    error_message = detail.get("errorMessage") or ""
    response = detail.get("responseElements")
    if not error_message and isinstance(response, dict) and detail.get("errorCode"):
        error_message = response.get("message", "")
    return TrailEvent(
        event_id=sanitize(raw.get("EventId", "")),
        time=when.timestamp() if isinstance(when, datetime) else 0.0,
        name=sanitize(raw.get("EventName", "")),
        user=sanitize(user_from_identity(identity or {}, raw.get("Username", ""))),
        source_ip=sanitize(detail.get("sourceIPAddress", "")),
        user_agent=sanitize(detail.get("userAgent", ""), max_chars=512),
        read_only=read_only,
        error_code=sanitize(detail.get("errorCode", "")),
        error_message=redact(sanitize(error_message))
        if redact_secrets
        else sanitize(error_message),
        resource=sanitize(resource),
        requested_name=sanitize(requested),
        raw=pretty,
        parsed=parsed,
    )


ACCESS = ("all", "read", "write")


@dataclass(frozen=True, slots=True)
class TrailFilter:
    """What the CloudTrail list shows; every part combines with the others."""

    text: str = ""
    """Matches event name or user; `event:X` or `user:X` targets one of them."""
    errors_only: bool = False
    access: str = "all"
    """`all`, `read` (read-only events) or `write`."""
    environment: str = ""
    """When set, only events on this environment (resource, or the requested name)."""

    def describe(self) -> str:
        parts = []
        if self.text:
            parts.append(f"/{self.text}")
        if self.errors_only:
            parts.append("errors only")
        if self.access != "all":
            parts.append(f"{self.access} only")
        if self.environment:
            parts.append(f"environment {self.environment}")
        return ", ".join(parts)


def filter_events(events: Sequence[TrailEvent], flt: TrailFilter) -> list[TrailEvent]:
    """The events that pass `flt`, in their order. Linear; 10,000 events in a few ms."""
    text = flt.text.strip().lower()
    field = ""
    if text.startswith(("event:", "user:")):
        field, _, text = text.partition(":")
        text = text.strip()
    want_ro = {"read": True, "write": False}.get(flt.access)
    env = flt.environment
    out = []
    for e in events:
        if flt.errors_only and not e.error_code:
            continue
        if want_ro is not None and e.read_only is not want_ro:
            continue
        if env and e.resource != env and e.requested_name != env:
            continue
        if text:
            name_hit = field != "user" and text in e.name.lower()
            user_hit = field != "event" and text in e.user.lower()
            if not (name_hit or user_hit):
                continue
        out.append(e)
    return out


def errors_since(events: Iterable[TrailEvent], since: float) -> int:
    return sum(1 for e in events if e.error_code and e.time >= since)


def arrived_above(before: Sequence[str], after: Sequence[str], anchor: str | None) -> int:
    """How many rows of `after` (keys, top to bottom) above `anchor` were not in `before`:
    the events that came in above the row a user scrolled to."""
    if anchor is None or anchor not in after:
        return 0
    seen = set(before)
    return sum(1 for key in after[: after.index(anchor)] if key not in seen)


FIELDS = ("event:", "user:")


def completions(stem: str, names: Iterable[str], users: Iterable[str]) -> list[str]:
    """What Tab offers for the filter text `stem`, in the order it cycles: event names and
    users that start with it (ignoring case), then the `event:` and `user:` prefixes that
    do; `event:Cre` completes among event names only, `user:` among users."""
    low = stem.lower()
    names, users = sorted(set(names)), sorted(set(users))
    for prefix, values in (("event:", names), ("user:", users)):
        if low.startswith(prefix):
            rest = low[len(prefix) :].lstrip()
            return [f"{prefix}{v}" for v in values if v.lower().startswith(rest)]
    plain = sorted({*names, *users}, key=str.lower)
    out = [v for v in plain if v.lower().startswith(low)]
    out += [f for f in FIELDS if f.startswith(low)]
    return out
