"""GetEnvironment, polled."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from mwaa_tui.aws.clients import AwsGateway
from mwaa_tui.core.environment import parse_environment
from mwaa_tui.core.snapshots import Update
from mwaa_tui.pollers.base import Poller
from mwaa_tui.pollers.pages import pages


class EnvironmentPoller(Poller):
    source = "environment"

    def __init__(self, gateway: AwsGateway, name: str, **kwargs: Any) -> None:
        super().__init__(gateway, **kwargs)
        self.name = name

    async def poll(self) -> Sequence[Update]:
        resp = await self.gateway.call("mwaa", "get_environment", Name=self.name)
        return [parse_environment(resp.get("Environment") or {})]


async def list_environments(gateway: AwsGateway) -> list[str]:
    """All environment names in the region, following NextToken."""
    names: list[str] = []
    async for resp in pages(gateway, "mwaa", "list_environments", {}):
        names.extend(resp.get("Environments") or [])
    return names
