"""Masking secrets in what the monitor shows and saves.

MWAA logs and CloudTrail events can carry credentials. Redaction is on by default
(`--no-redact` turns it off) and runs after sanitising, in the same places.
"""

from __future__ import annotations

import re

MASK = "****"

_RULES: tuple[tuple[re.Pattern[str], str], ...] = (
    # AWS access key ids (long-term AKIA, temporary ASIA, and the other prefixes).
    (
        re.compile(r"\b((?:AKIA|ASIA|AGPA|AIDA|AROA|ANPA|ANVA|AIPA)[A-Z0-9])[A-Z0-9]{15}\b"),
        r"\1" + MASK,
    ),
    # Credentials in connection URIs: scheme://user:password@host
    (re.compile(r"(\b[a-zA-Z][a-zA-Z0-9+.-]*://[^\s:/@]+:)[^\s@/]+(@)"), r"\1" + MASK + r"\2"),
    # key=value and "key": "value" for secret-looking keys.
    (
        re.compile(
            r"""(?ix)
            (\b(?:aws_secret_access_key|aws_session_token|secret_access_key|session_token|
                 secret|password|passwd|pwd|token|api[_-]?key|access[_-]?token|fernet[_-]?key)
             ["']?\s*[:=]\s*["']?)
            ([^\s"',;&}]+)
            """
        ),
        r"\1" + MASK,
    ),
    # Bearer tokens.
    (re.compile(r"(?i)\b(bearer\s+)[A-Za-z0-9._~+/=-]{8,}"), r"\1" + MASK),
)
# Fernet keys: 32 bytes of url-safe base64.
_FERNET = re.compile(r"(?<![A-Za-z0-9_-])[A-Za-z0-9_-]{43}=(?![A-Za-z0-9_=-])")
# Something each rule above needs to find, lower-cased: most lines have none of them, and
# substring tests are several times faster than one regex alternation.
_TRIGGERS = (
    "akia", "asia", "agpa", "aida", "aroa", "anpa", "anva", "aipa", "://",
    "secret", "passw", "pwd", "token", "api", "fernet", "bearer",
)  # fmt: skip


def _may_hold_secrets(text: str) -> bool:
    low = text.lower()
    for trigger in _TRIGGERS:  # noqa: SIM110 - a loop is twice as fast as any() here
        if trigger in low:
            return True
    return False


def redact(text: str) -> str:
    """`text` with secrets replaced by `****`; cheap when there is nothing to mask."""
    if _may_hold_secrets(text):
        for pattern, replacement in _RULES:
            text = pattern.sub(replacement, text)
    if "=" in text:
        text = _FERNET.sub(MASK, text)
    return text
