"""An opt-in debug log (`--debug-log FILE`) that never holds a credential.

botocore logs signed requests at DEBUG: the Authorization header names the access
key and the security token rides in a header. Every record is scrubbed of those
and of the session's own credential values before it is written.
"""

from __future__ import annotations

import logging
import os
import re
from pathlib import Path

from mwaa_tui.core.redact import MASK, redact

_HEADERS = re.compile(
    r"""(?ix)
    ((?:authorization|x-amz-security-token|x-amz-signature|signature|credential)["']?\s*[:=]\s*b?["']?)
    [^"',\s}]+
    """
)


class CredentialScrubber(logging.Filter):
    """Masks signing material and known secret values in every record."""

    def __init__(self) -> None:
        super().__init__()
        self.secrets: set[str] = set()

    def add_secret(self, value: str | None) -> None:
        if value and len(value) >= 8:
            self.secrets.add(value)

    def scrub(self, text: str) -> str:
        for secret in self.secrets:
            text = text.replace(secret, MASK)
        return redact(_HEADERS.sub(r"\1" + MASK, text))

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = self.scrub(record.getMessage())
        record.args = None
        return True


SCRUBBER = CredentialScrubber()


def enable(path: Path) -> logging.Handler:
    """Log mwaa-tui and botocore at DEBUG to `path` (created 0600), scrubbed."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    os.close(fd)
    handler = logging.FileHandler(path, encoding="utf-8")
    handler.addFilter(SCRUBBER)
    handler.setFormatter(logging.Formatter("%(asctime)s %(name)s %(levelname)s %(message)s"))
    for name in ("mwaa_tui", "botocore", "aiobotocore"):
        logger = logging.getLogger(name)
        logger.setLevel(logging.DEBUG)
        logger.addHandler(handler)
    return handler


def disable(handler: logging.Handler) -> None:
    for name in ("mwaa_tui", "botocore", "aiobotocore"):
        logging.getLogger(name).removeHandler(handler)
    handler.close()
