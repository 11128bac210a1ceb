"""DescribeAlarms, filtered to the environment's alarms."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from mwaa_tui.aws.clients import AwsGateway
from mwaa_tui.core.alarms import select_alarms
from mwaa_tui.core.snapshots import AlarmsSnapshot, Update
from mwaa_tui.pollers.base import Poller
from mwaa_tui.pollers.pages import pages


class AlarmsPoller(Poller):
    source = "alarms"

    def __init__(
        self,
        gateway: AwsGateway,
        environment: str,
        *,
        extra_names: tuple[str, ...] = (),
        **kwargs: Any,
    ) -> None:
        super().__init__(gateway, **kwargs)
        self.environment = environment
        self.extra_names = extra_names

    async def poll(self) -> Sequence[Update]:
        metric: list[dict[str, Any]] = []
        composite: list[dict[str, Any]] = []
        params = {"AlarmTypes": ["MetricAlarm", "CompositeAlarm"], "MaxRecords": 100}
        async for resp in pages(self.gateway, "cloudwatch", "describe_alarms", params):
            metric.extend(resp.get("MetricAlarms") or ())
            composite.extend(resp.get("CompositeAlarms") or ())
        return [
            AlarmsSnapshot(
                tuple(select_alarms(metric, composite, self.environment, self.extra_names))
            )
        ]
