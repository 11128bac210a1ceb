"""Following a paginated AWS call by hand, the one way the pollers do it. Metric discovery
keeps its own loop because it resumes at a failed page on the next poll (a generator cannot
be resumed across polls once the call in it has raised)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from typing import Any

from mwaa_tui.aws.clients import AwsGateway


async def pages(
    gateway: AwsGateway,
    service: str,
    operation: str,
    params: Mapping[str, Any],
    *,
    token_key: str = "NextToken",
    max_pages: int = 50,
) -> AsyncIterator[dict[str, Any]]:
    """Each page of `operation`, following `token_key`: it stops after the last page, at a
    token seen before (CloudWatch Logs can hand the same one back, and send empty pages
    that still carry one), or after `max_pages`. botocore's paginators trust the token."""
    token: str | None = None
    seen: set[str] = set()
    for _ in range(max_pages):
        call = {**params, token_key: token} if token else dict(params)
        resp = await gateway.call(service, operation, **call)
        yield resp
        token = resp.get(token_key)
        if not token or token in seen:
            return
        seen.add(token)
