"""Turning AWS error codes into something a user can act on."""

from __future__ import annotations

from collections.abc import Mapping

from mwaa_tui.core.sanitize import sanitize
from mwaa_tui.core.snapshots import ErrorKind

THROTTLE_CODES = frozenset(
    {
        "Throttling",
        "ThrottlingException",
        "ThrottledException",
        "RequestThrottled",
        "RequestThrottledException",
        "TooManyRequestsException",
        "RequestLimitExceeded",
        "SlowDown",
        "LimitExceededException",
    }
)
DENIED_CODES = frozenset(
    {
        "AccessDenied",
        "AccessDeniedException",
        "UnauthorizedOperation",
        "UnauthorizedException",
        "AuthorizationError",
    }
)
EXPIRED_CODES = frozenset(
    {
        "ExpiredToken",
        "ExpiredTokenException",
        "RequestExpired",
        "InvalidClientTokenId",
        "UnrecognizedClientException",
        "InvalidSignatureException",
        "SignatureDoesNotMatch",
        "IncompleteSignature",
    }
)
NOT_FOUND_CODES = frozenset(
    {"ResourceNotFoundException", "ResourceNotFound", "NotFoundException", "NotFound"}
)

IAM_PREFIX = {
    "mwaa": "airflow",
    "logs": "logs",
    "cloudwatch": "cloudwatch",
    "cloudtrail": "cloudtrail",
}


def classify(code: str | None, status: int | None = None) -> ErrorKind:
    """The kind of an AWS error response, from its code and HTTP status."""
    if code in THROTTLE_CODES or status == 429:
        return ErrorKind.THROTTLED
    if code in DENIED_CODES:
        return ErrorKind.DENIED
    if code in EXPIRED_CODES:
        return ErrorKind.EXPIRED
    if code in NOT_FOUND_CODES or status == 404:
        return ErrorKind.NOT_FOUND
    if status == 403:
        return ErrorKind.DENIED
    return ErrorKind.OTHER


TRANSIENT_CODES = frozenset(
    {
        "InternalFailure",
        "InternalError",
        "InternalServerError",
        "InternalServiceError",
        "ServiceUnavailable",
        "ServiceUnavailableException",
        "RequestTimeout",
        "RequestTimeoutException",
    }
)


def is_transient(code: str | None, status: int | None) -> bool:
    """A server-side failure that the next attempt may not meet (5xx and their codes)."""
    return code in TRANSIENT_CODES or (status is not None and status >= 500)


def iam_action(service: str, operation: str) -> str:
    """`logs` + `FilterLogEvents` -> `logs:FilterLogEvents`."""
    return f"{IAM_PREFIX.get(service, service)}:{operation}"


def operation_name(snake: str) -> str:
    """`filter_log_events` -> `FilterLogEvents`."""
    return "".join(part.capitalize() for part in snake.split("_"))


def credential_hint(method: str, profile: str, scoped: Mapping[str, object]) -> str:
    """What to do when credentials expire, by where they came from: botocore's provider
    `method` (sso, env, shared-credentials-file, ...) and the profile's settings."""
    if method == "sso" or scoped.get("sso_session") or scoped.get("sso_start_url"):
        return f"run aws sso login --profile {sanitize(profile)}"
    if method == "env":
        return "the AWS_* variables hold expired keys: restart with fresh ones"
    if method == "shared-credentials-file":
        return "write fresh keys to the shared credentials file; it is re-read every 15 s"
    if method == "custom-process" or scoped.get("credential_process"):
        return f"the credential_process of profile {sanitize(profile)} must give fresh keys"
    if method.startswith("assume-role") or scoped.get("role_arn"):
        return f"refresh the source credentials of profile {sanitize(profile)}"
    if method in ("iam-role", "container-role"):
        return "the instance or task role gave expired credentials; retrying"
    return "refresh the credentials; they are re-read every 15 s"
