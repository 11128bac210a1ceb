"""Just enough of the AWS wire protocols to answer what moto lacks."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

_SCOPE = re.compile(r"Credential=[^/]+/\d{8}/([^/]+)/([^/]+)/aws4_request")

JSON_CONTENT = {
    "logs": "application/x-amz-json-1.1",
    "cloudtrail": "application/x-amz-json-1.1",
    "monitoring": "application/x-amz-json-1.0",
}
HTTP_STATUS = {
    "ThrottlingException": 429,
    "Throttling": 400,
    "AccessDeniedException": 403,
    "AccessDenied": 403,
    "ResourceNotFoundException": 404,
}


@dataclass(frozen=True)
class Call:
    """What a request asks for, read from its signature scope and target."""

    service: str
    """The signing name: airflow, logs, monitoring, cloudtrail."""
    operation: str
    region: str
    method: str
    path: str
    body: bytes

    def params(self) -> dict[str, Any]:
        if not self.body:
            return {}
        try:
            loaded = json.loads(self.body)
        except ValueError:
            return {}
        return loaded if isinstance(loaded, dict) else {}


def identify(environ: dict[str, Any], body: bytes) -> Call:
    auth = environ.get("HTTP_AUTHORIZATION", "")
    m = _SCOPE.search(auth)
    region, service = (m.group(1), m.group(2)) if m else ("", "")
    method = environ.get("REQUEST_METHOD", "GET")
    path = environ.get("PATH_INFO", "/")
    target = environ.get("HTTP_X_AMZ_TARGET", "")
    if target:
        operation = target.rsplit(".", 1)[-1]
    elif service == "airflow":
        operation = mwaa_operation(method, path)
    else:
        operation = ""
    return Call(service, operation, region, method, path, body)


def mwaa_operation(method: str, path: str) -> str:
    parts = [p for p in path.split("/") if p]
    if parts[:1] == ["restapi"] and method == "POST":
        return "InvokeRestApi"
    if parts[:1] == ["environments"]:
        if method == "GET":
            return "GetEnvironment" if len(parts) == 2 else "ListEnvironments"
        return {
            "PUT": "CreateEnvironment",
            "PATCH": "UpdateEnvironment",
            "DELETE": "DeleteEnvironment",
        }.get(method, "Unknown")
    return parts[0] if parts else "Unknown"


@dataclass(frozen=True)
class Reply:
    status: int
    headers: tuple[tuple[str, str], ...]
    body: bytes


def ok(call: Call, payload: dict[str, Any]) -> Reply:
    content_type = (
        "application/json"
        if call.service == "airflow"
        else JSON_CONTENT.get(call.service, "application/x-amz-json-1.1")
    )
    body = json.dumps(payload, default=_default).encode()
    return Reply(200, (("Content-Type", content_type), ("x-amzn-RequestId", "sandbox")), body)


def error(call: Call, code: str, message: str, status: int | None = None) -> Reply:
    status = status or HTTP_STATUS.get(code, 400)
    headers: list[tuple[str, str]] = [("x-amzn-RequestId", "sandbox"), ("x-amzn-ErrorType", code)]
    if call.service == "airflow":
        headers.append(("Content-Type", "application/json"))
        body = {"message": message, "Message": message}
    else:
        headers.append(
            ("Content-Type", JSON_CONTENT.get(call.service, "application/x-amz-json-1.1"))
        )
        body = {"__type": code, "message": message, "Message": message}
        if call.service == "monitoring":
            # CloudWatch's JSON protocol is query-compatible: the code rides in a header.
            headers.append(("x-amzn-query-error", f"{code};Sender"))
    return Reply(status, tuple(headers), json.dumps(body).encode())


def denied_message(call: Call, account: str) -> str:
    prefix = {"monitoring": "cloudwatch"}.get(call.service, call.service)
    return (
        f"User: arn:aws:sts::{account}:assumed-role/oncall-readonly/sandbox is not authorized "
        f"to perform: {prefix}:{call.operation} because no identity-based policy allows the "
        f"{prefix}:{call.operation} action"
    )


UNKNOWN_KEY_MESSAGE = "The security token included in the request is invalid."


def unrecognized_client(call: Call) -> Reply:
    """What AWS answers a request signed with an access key it does not know."""
    if call.service == "monitoring":
        return error(call, "InvalidClientTokenId", UNKNOWN_KEY_MESSAGE, 403)
    # The REST APIs (MWAA) refuse it with 403, the JSON ones (Logs, CloudTrail) with 400.
    status = 403 if call.service == "airflow" else 400
    return error(call, "UnrecognizedClientException", UNKNOWN_KEY_MESSAGE, status)


def throttle_code(call: Call) -> str:
    return "Throttling" if call.service == "monitoring" else "ThrottlingException"


def denied_code(call: Call) -> str:
    return "AccessDenied" if call.service == "monitoring" else "AccessDeniedException"


def _default(value: Any) -> Any:
    if isinstance(value, set | frozenset | tuple):
        return list(value)
    raise TypeError(f"cannot encode {type(value).__name__}")


def page(items: list[Any], token: str | None, size: int, salt: str) -> tuple[list[Any], str | None]:
    """Offset pagination with tokens bound to the request's parameters."""
    start = 0
    if token:
        try:
            token_salt, offset = token.rsplit(":", 1)
            if token_salt != salt:
                raise ValueError
            start = int(offset)
        except ValueError:
            raise InvalidToken from None
    chunk = items[start : start + size]
    nxt = f"{salt}:{start + size}" if start + size < len(items) else None
    return chunk, nxt


class InvalidToken(Exception):
    pass
