"""CloudTrail LookupEvents results, parsed and sanitised."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

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


def parse_event(raw: dict[str, Any]) -> TrailEvent:
    """One item of LookupEvents' `Events`, made safe to draw."""
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
    identity = detail.get("userIdentity") if isinstance(detail.get("userIdentity"), dict) else {}
    when = raw.get("EventTime")
    ro = raw.get("ReadOnly", detail.get("readOnly"))
    read_only = None if ro is None else str(ro).lower() == "true"
    resources = raw.get("Resources") or []
    resource = resources[0].get("ResourceName", "") if resources else ""
    if not resource and isinstance(detail.get("requestParameters"), dict):
        resource = str(detail["requestParameters"].get("Name", ""))
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
        error_message=sanitize(error_message),
        resource=sanitize(resource),
        raw=pretty,
        parsed=parsed,
    )
