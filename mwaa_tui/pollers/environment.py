"""GetEnvironment, polled."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from mwaa_tui.aws.clients import AwsGateway
from mwaa_tui.core.environment import parse_environment
from mwaa_tui.pollers.base import Poller


class EnvironmentPoller(Poller):
    source = "environment"

    def __init__(self, gateway: AwsGateway, name: str, **kwargs: Any) -> None:
        super().__init__(gateway, **kwargs)
        self.name = name

    async def poll(self) -> Sequence[object]:
        resp = await self.gateway.call("mwaa", "get_environment", Name=self.name)
        return [parse_environment(resp.get("Environment") or {})]


async def list_environments(gateway: AwsGateway) -> list[str]:
    """All environment names in the region, following NextToken."""
    names: list[str] = []
    token: str | None = None
    for _ in range(50):
        params: dict[str, Any] = {"NextToken": token} if token else {}
        resp = await gateway.call("mwaa", "list_environments", **params)
        names.extend(resp.get("Environments") or [])
        token = resp.get("NextToken")
        if not token:
            break
    return names
