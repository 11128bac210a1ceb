"""Alarm evaluation, which moto never does: metric data in, state changes and history out."""

from __future__ import annotations

import json
import threading
from collections import defaultdict
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from mwaa_tui.sandbox.metric_data import statistic

_COMPARE: dict[str, Callable[[float, float], bool]] = {
    "GreaterThanThreshold": lambda v, t: v > t,
    "GreaterThanOrEqualToThreshold": lambda v, t: v >= t,
    "LessThanThreshold": lambda v, t: v < t,
    "LessThanOrEqualToThreshold": lambda v, t: v <= t,
}
_WORDS = {
    "GreaterThanThreshold": "greater than",
    "GreaterThanOrEqualToThreshold": "greater than or equal to",
    "LessThanThreshold": "less than",
    "LessThanOrEqualToThreshold": "less than or equal to",
}


def naive_utc(epoch: float) -> datetime:
    """moto keeps naive UTC datetimes."""
    return datetime.fromtimestamp(epoch, UTC).replace(tzinfo=None)


def epoch_of(naive: datetime) -> float:
    return naive.replace(tzinfo=UTC).timestamp()


class AlarmEvaluator:
    """Evaluates every metric alarm of a moto CloudWatch backend over complete periods."""

    def __init__(self, backend: Callable[[], Any], clock: Callable[[], float]) -> None:
        self._backend = backend
        self._clock = clock
        self.history: list[dict[str, Any]] = []
        self.lock = threading.Lock()

    def evaluate(self, now: float | None = None) -> list[tuple[str, str, str]]:
        """Evaluate all alarms; returns (name, old, new) for each state change."""
        now = self._clock() if now is None else now
        backend = self._backend()
        index: dict[tuple[str, str, frozenset[tuple[str, str]]], list[Any]] = defaultdict(list)
        for datum in list(backend.metric_data):
            key = (
                datum.namespace,
                datum.name,
                frozenset((d.name, d.value) for d in datum.dimensions),
            )
            index[key].append(datum)
        changes = []
        for alarm in list(backend.alarms.values()):
            if alarm.state_reason.startswith("Unchecked"):
                # AWS starts alarms in INSUFFICIENT_DATA; moto starts them in OK.
                alarm.state_value = "INSUFFICIENT_DATA"
            if alarm.rule or alarm.metric_data_queries or not alarm.metric_name:
                continue
            change = self._evaluate_one(alarm, index, now)
            if change:
                changes.append(change)
        return changes

    def _evaluate_one(self, alarm: Any, index: Any, now: float) -> tuple[str, str, str] | None:
        period = int(alarm.period or 60)
        n = int(alarm.evaluation_periods or 1)
        m = int(alarm.datapoints_to_alarm or n)
        key = (
            alarm.namespace,
            alarm.metric_name,
            frozenset((d.name, d.value) for d in alarm.dimensions),
        )
        datums = index.get(key, [])
        current = int(now) // period * period
        buckets: list[tuple[float, float | None]] = []
        for i in range(n, 0, -1):
            lo = current - i * period
            hi = lo + period
            inside = [d for d in datums if lo <= epoch_of(d.timestamp) < hi]
            buckets.append((lo, statistic(inside, alarm.statistic)))
        compare = _COMPARE.get(alarm.comparison_operator)
        if compare is None:
            return None
        missing = alarm.treat_missing_data or "missing"
        present = [(t, v) for t, v in buckets if v is not None]
        threshold = float(alarm.threshold)
        if not present and missing in ("missing", "ignore"):
            new = "INSUFFICIENT_DATA" if missing == "missing" else alarm.state_value
            reason = f"Insufficient Data: {n} datapoint{'s were' if n > 1 else ' was'} unknown."
        else:
            breaching = 0
            for _, v in buckets:
                if v is None:
                    breaching += missing == "breaching"
                elif compare(v, threshold):
                    breaching += 1
            new = "ALARM" if breaching >= m else "OK"
            shown = ", ".join(
                f"{v:g} ({naive_utc(t).strftime('%d/%m/%y %H:%M:%S')})" for t, v in present
            )
            verb = "was" if new == "ALARM" else "was not"
            if not present:
                reason = (
                    f"Threshold Crossed: no datapoints were received for {n} period"
                    f"{'s' if n > 1 else ''} and {n} missing datapoint"
                    f"{'s were' if n > 1 else ' was'} treated as [Breaching]."
                )
            else:
                reason = (
                    f"Threshold Crossed: {breaching} out of the last {n} datapoints "
                    f"[{shown}] {verb} {_WORDS[alarm.comparison_operator]} the threshold "
                    f"({threshold:g}) (minimum {m} datapoint{'s' if m > 1 else ''} "
                    "for OK -> ALARM transition)."
                )
        old = alarm.state_value
        if new == old:
            return None
        reason_data = json.dumps(
            {
                "version": "1.0",
                "queryDate": naive_utc(now).isoformat() + "Z",
                "statistic": alarm.statistic,
                "period": period,
                "recentDatapoints": [v for _, v in present],
                "threshold": threshold,
            }
        )
        alarm.state_reason = reason
        alarm.state_reason_data = reason_data
        alarm.state_value = new
        alarm.state_updated_timestamp = naive_utc(now)
        with self.lock:
            self.history.append(
                {
                    "AlarmName": alarm.name,
                    "AlarmType": "MetricAlarm",
                    "Timestamp": now,
                    "HistoryItemType": "StateUpdate",
                    "HistorySummary": f"Alarm updated from {old} to {new}",
                    "HistoryData": json.dumps(
                        {
                            "version": "1.0",
                            "oldState": {"stateValue": old},
                            "newState": {"stateValue": new, "stateReason": reason},
                        }
                    ),
                }
            )
        return (alarm.name, old, new)

    def describe_history(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        name = params.get("AlarmName")
        kind = params.get("HistoryItemType")
        start = params.get("StartDate")
        end = params.get("EndDate")
        with self.lock:
            items = list(self.history)
        out = [
            h
            for h in items
            if (not name or h["AlarmName"] == name)
            and (not kind or h["HistoryItemType"] == kind)
            and (start is None or h["Timestamp"] >= float(start))
            and (end is None or h["Timestamp"] <= float(end))
        ]
        out.sort(key=lambda h: h["Timestamp"], reverse=params.get("ScanBy") != "TimestampAscending")
        return out

    def clear(self) -> None:
        with self.lock:
            self.history.clear()
