"""What the monitor knows, reduced from the pollers' updates: the environment, every
source's health, the alarms, the metrics and the CloudTrail events. The header, the panes
and the charts read it; nothing here draws or fetches."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from mwaa_tui.core.callstats import CallStats
from mwaa_tui.core.health import during_outage
from mwaa_tui.core.lifecycle import is_gone
from mwaa_tui.core.snapshots import (
    AirflowSnapshot,
    Alarm,
    AlarmsSnapshot,
    EnvironmentSnapshot,
    ErrorInfo,
    MetricsSnapshot,
    SourceHealth,
    TrailBatch,
    TrailEvent,
)

FIRST_DATA = frozenset({"environment", "logs", "metrics", "alarms", "trail", "airflow"})
"""The kinds of data every pane waits for, for the start-up timing."""

Outages = dict[str, tuple[float, ErrorInfo]]
"""Service -> (since when, why) for endpoints that stopped answering (`AwsGateway.unreachable`)."""


class TrailStore:
    """Every CloudTrail event fetched, once each (by EventId), newest first."""

    def __init__(self) -> None:
        self.events: list[TrailEvent] = []
        self.exhausted = False
        """No older events are left to page back to."""
        self._ids: set[str] = set()

    def add(self, batch: TrailBatch) -> bool:
        """Take a batch; True if it brought events not seen before."""
        self.exhausted = batch.exhausted
        new = [e for e in batch.events if e.event_id not in self._ids]
        if not new:
            return False
        self._ids.update(e.event_id for e in new)
        self.events = sorted(self.events + new, key=lambda e: e.time, reverse=True)
        return True

    def clear(self) -> None:
        """Forget every event (a replay seeks; the panes keep this same store)."""
        self.events = []
        self.exhausted = False
        self._ids.clear()

    def errors_since(self, since: float) -> int:
        return sum(1 for e in self.events if e.error_code and e.time >= since)

    @property
    def newest(self) -> float | None:
        return self.events[0].time if self.events else None

    def names(self) -> list[str]:
        return sorted({e.name for e in self.events})

    def users(self) -> list[str]:
        return sorted({e.user for e in self.events})


@dataclass(frozen=True, slots=True)
class AlarmChange:
    """An alarm that moved from one state to another between two polls."""

    alarm: Alarm
    was: str


def alarm_changes(before: AlarmsSnapshot | None, after: AlarmsSnapshot) -> list[AlarmChange]:
    """The alarms whose state differs from the previous poll's (none on the first poll)."""
    if before is None:
        return []
    previous = {a.name: a.state for a in before.alarms}
    return [
        AlarmChange(a, was)
        for a in after.alarms
        if (was := previous.get(a.name)) is not None and was != a.state
    ]


class MonitorState:
    """One environment as last seen. The app feeds it updates; widgets are given parts."""

    def __init__(self, name: str | None, environment: EnvironmentSnapshot | None = None) -> None:
        self.name = name
        """The environment watched (None until one is picked)."""
        self.environment = environment
        self.health: dict[str, SourceHealth] = {}
        self.alarms: AlarmsSnapshot | None = None
        self.metrics: MetricsSnapshot | None = None
        self.trail = TrailStore()
        self.airflow: AirflowSnapshot | None = None
        """Airflow's own view of the environment, when its poller runs."""
        self.seen: set[str] = set()
        """Which kinds of data have arrived (see FIRST_DATA)."""
        self.calls = CallStats()
        """The monitor's own API calls as a replay hands them over (`CallBatch`); live, the
        client layer counts them itself."""

    def reset(self) -> None:
        """Forget what is shown: a replay seeks, and the state at the new moment follows."""
        self.environment = None
        self.health.clear()
        self.alarms = None
        self.metrics = None
        self.trail.clear()
        self.airflow = None
        self.calls = CallStats()

    def set_alarms(self, snapshot: AlarmsSnapshot) -> list[AlarmChange]:
        """Keep the newest alarms; returns the state changes since the previous poll."""
        changes = alarm_changes(self.alarms, snapshot)
        self.alarms = snapshot
        return changes

    def saw(self, kind: str) -> bool:
        """Note that `kind` of data arrived; True the once every kind has."""
        if kind in self.seen:
            return False
        self.seen.add(kind)
        return self.seen >= FIRST_DATA

    @property
    def complete(self) -> bool:
        """Every pane has had data once."""
        return self.seen >= FIRST_DATA

    @property
    def in_alarm(self) -> int:
        return sum(1 for a in self.alarms.alarms if a.state == "ALARM") if self.alarms else 0

    @property
    def alarm_list(self) -> tuple[Alarm, ...]:
        return self.alarms.alarms if self.alarms else ()

    @property
    def gone(self) -> bool:
        """The environment was deleted while watched."""
        return is_gone(self.health.get("environment"), self.environment)

    def health_of(self, source: str, outages: Outages) -> SourceHealth | None:
        """A source's health, showing an outage of its endpoint before its own next poll."""
        return during_outage(self.health.get(source), source, outages)

    def worst_health(self, sources: Iterable[str], outages: Outages) -> SourceHealth | None:
        """The health of the source in the worst way: failing first, then most failures."""
        return max(
            (h for s in sources if (h := self.health_of(s, outages)) is not None),
            key=lambda h: (h.error is not None, h.failures),
            default=None,
        )

    @property
    def log_sources(self) -> list[str]:
        return [s for s in self.health if s.startswith("logs:")]

    @property
    def failing(self) -> bool:
        return any(h.error is not None for h in self.health.values())
