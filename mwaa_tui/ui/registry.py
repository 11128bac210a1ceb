"""The running pollers, one worker each, the gateway they share, and how they are built."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TypeVar

from textual.dom import DOMNode
from textual.worker import Worker

from mwaa_tui.aws.clients import AwsGateway
from mwaa_tui.core.snapshots import COMPONENTS, Emit, EnvironmentSnapshot, LogConfig, Update
from mwaa_tui.pollers.airflow import AirflowPoller
from mwaa_tui.pollers.alarms import AlarmsPoller
from mwaa_tui.pollers.base import Poller
from mwaa_tui.pollers.environment import EnvironmentPoller
from mwaa_tui.pollers.logs import LogPoller
from mwaa_tui.pollers.metrics import MetricsPoller
from mwaa_tui.pollers.trail import TrailPoller
from mwaa_tui.settings import AppConfig
from mwaa_tui.ui.messages import Updated

P = TypeVar("P", bound=Poller)


def run_poller(node: DOMNode, poller: Poller, *, group: str) -> Worker[None]:
    """Run `poller` in a worker of `node` (a screen that follows or polls), its updates
    posted to `node` as `Updated` messages: the same loop, back-off and health as the
    app's own pollers. A second poller in `group` replaces the first."""

    def emit(update: Update) -> None:
        node.post_message(Updated(update))

    return node.run_worker(
        poller.run(emit),
        name=poller.source,
        group=group,
        exclusive=True,
        exit_on_error=False,
    )


class PollerRegistry:
    """Pollers by source. `spawn` runs one in a worker of the app; a source started again
    replaces (and cancels) the poller it had. Every poller hands its updates to `emit`."""

    def __init__(
        self, config: AppConfig, spawn: Callable[[Poller], Worker[None]], emit: Emit
    ) -> None:
        self.config = config
        self.emit = emit
        self._spawn = spawn
        self._running: dict[str, tuple[Poller, Worker[None]]] = {}
        self._logging: dict[str, LogConfig] = {}
        self.gateway: AwsGateway | None = None
        """Set once the client layer is open (after the first frame)."""
        self.since_seconds = config.since_seconds
        """How far back a log poller starts; `b` changes it."""

    async def start(self, environment: str) -> None:
        """Open the client layer and start every source but the logs, which follow the
        environment's logging configuration (`follow_logging`). Raises ConfigError."""
        config = self.config
        gateway = AwsGateway(config.aws, clock=config.clock, timer=config.timer)
        await gateway.open()
        self.gateway = gateway
        iv, clock = config.intervals, config.clock
        self.run(EnvironmentPoller(gateway, environment, interval=iv.environment, clock=clock))
        self.run(
            MetricsPoller(
                gateway, environment, interval=iv.metrics, extra=config.extra_panels, clock=clock
            )
        )
        self.run(
            AlarmsPoller(
                gateway,
                environment,
                interval=iv.alarms,
                extra_names=config.extra_alarms,
                clock=clock,
            )
        )
        self.run(TrailPoller(gateway, interval=iv.trail, redact=config.redact, clock=clock))

    async def close(self) -> None:
        self.stop_all()
        if self.gateway is not None:
            await self.gateway.close()

    def run(self, poller: Poller) -> None:
        self.stop(poller.source)
        self._running[poller.source] = (poller, self._spawn(poller))

    def stop(self, source: str) -> bool:
        """Cancel the source's poller; False if it had none."""
        entry = self._running.pop(source, None)
        if entry is None:
            return False
        entry[1].cancel()
        return True

    def stop_all(self) -> None:
        for source in list(self._running):
            self.stop(source)

    def get(self, source: str, kind: type[P]) -> P | None:
        """The source's poller, if it runs and is a `kind`."""
        entry = self._running.get(source)
        return entry[0] if entry is not None and isinstance(entry[0], kind) else None

    def __contains__(self, source: object) -> bool:
        return source in self._running

    def __iter__(self) -> Iterator[Poller]:
        return iter([poller for poller, _ in self._running.values()])

    def intervals(self) -> dict[str, float]:
        return {source: poller.interval for source, (poller, _) in self._running.items()}

    def wake_all(self) -> None:
        for poller in self:
            poller.wake()

    def follow_logging(self, snapshot: EnvironmentSnapshot) -> list[str]:
        """Start, stop or move log pollers to match the logging configuration, without a
        restart. Returns the sources stopped."""
        if self.gateway is None:
            return []
        stopped = []
        for component in COMPONENTS:
            cfg = snapshot.log_config(component)
            if cfg is None or cfg == self._logging.get(component):
                continue
            self._logging[component] = cfg
            if cfg.enabled and cfg.group_name:
                self.run(self._log_poller(self.gateway, cfg))
            elif self.stop(f"logs:{component}"):
                stopped.append(f"logs:{component}")
        return stopped

    def follow_airflow(self, snapshot: EnvironmentSnapshot) -> None:
        """Airflow's own view (InvokeRestApi) from the moment the environment is known; a
        newer GetEnvironment reaches the running poller (an upgrade changes the API)."""
        if self.gateway is None:
            return
        running = self.get("airflow", AirflowPoller)
        if running is not None:
            running.update_environment(snapshot)
            return
        config = self.config
        self.run(
            AirflowPoller(
                self.gateway,
                snapshot,
                interval=config.intervals.airflow,
                redact=config.redact,
                clock=config.clock,
            )
        )

    def backfill(self, seconds: float, snapshot: EnvironmentSnapshot | None) -> None:
        """Start every log poller afresh, `seconds` back."""
        self.since_seconds = seconds
        self._logging.clear()
        if snapshot is not None:
            self.follow_logging(snapshot)

    def _log_poller(self, gateway: AwsGateway, cfg: LogConfig) -> LogPoller:
        return LogPoller(
            gateway,
            cfg,
            since_seconds=self.since_seconds,
            redact=self.config.redact,
            interval=self.config.intervals.logs,
            clock=self.config.clock,
        )
