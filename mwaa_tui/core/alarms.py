"""Which alarms belong to an environment, and in what order to show them."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from mwaa_tui.core.format import epoch_seconds
from mwaa_tui.core.sanitize import sanitize
from mwaa_tui.core.snapshots import Alarm, MetricSeries

STATE_ORDER = {"ALARM": 0, "INSUFFICIENT_DATA": 1, "OK": 2}
_RULE_REF = re.compile(r'(?:ALARM|OK|INSUFFICIENT_DATA)\(\s*"?([^")]+?)"?\s*\)')


def _dims(raw: Iterable[dict[str, Any]] | None) -> tuple[tuple[str, str], ...]:
    return tuple((sanitize(d.get("Name", "")), sanitize(d.get("Value", ""))) for d in raw or ())


def _metric_alarm_envs(raw: dict[str, Any]) -> set[str]:
    envs = {v for k, v in _dims(raw.get("Dimensions")) if k == "Environment"}
    for query in raw.get("Metrics") or ():
        stat = query.get("MetricStat") or {}
        metric = stat.get("Metric") or {}
        envs |= {v for k, v in _dims(metric.get("Dimensions")) if k == "Environment"}
    return envs


def _alarm(raw: dict[str, Any], **fields: Any) -> Alarm:
    """An alarm of DescribeAlarms: what every kind has, and `fields` for its own kind."""
    return Alarm(
        name=sanitize(raw.get("AlarmName", "")),
        state=sanitize(raw.get("StateValue", "")),
        reason=sanitize(raw.get("StateReason", "")),
        updated=epoch_seconds(raw.get("StateUpdatedTimestamp")),
        **fields,
    )


def select_alarms(
    metric_alarms: Iterable[dict[str, Any]],
    composite_alarms: Iterable[dict[str, Any]],
    environment: str,
    extra_names: Iterable[str] = (),
) -> list[Alarm]:
    """The alarms of `environment`, ALARM first, then INSUFFICIENT_DATA, then OK."""
    named = set(extra_names)
    env = sanitize(environment)
    chosen: list[Alarm] = []
    belonging: set[str] = set()
    for raw in metric_alarms:
        name = sanitize(raw.get("AlarmName", ""))
        if env not in _metric_alarm_envs(raw) and name not in named:
            continue
        belonging.add(name)
        threshold = raw.get("Threshold")
        chosen.append(
            _alarm(
                raw,
                kind="MetricAlarm",
                namespace=sanitize(raw.get("Namespace", "")),
                metric=sanitize(raw.get("MetricName", "")),
                dimensions=_dims(raw.get("Dimensions")),
                statistic=sanitize(raw.get("Statistic", "")),
                comparison=sanitize(raw.get("ComparisonOperator", "")),
                threshold=float(threshold) if isinstance(threshold, int | float) else None,
                period=raw.get("Period") if isinstance(raw.get("Period"), int) else None,
            )
        )
    for raw in composite_alarms:
        name = sanitize(raw.get("AlarmName", ""))
        rule = sanitize(raw.get("AlarmRule", ""))
        children = {sanitize(c) for c in _RULE_REF.findall(raw.get("AlarmRule", ""))}
        if not (children & belonging) and name not in named:
            continue
        chosen.append(_alarm(raw, kind="CompositeAlarm", rule=rule))
    chosen.sort(key=lambda a: (STATE_ORDER.get(a.state, 3), -(a.updated or 0.0), a.name))
    return chosen


COMPARISON_SYMBOLS = {
    "GreaterThanOrEqualToThreshold": ">=",
    "GreaterThanThreshold": ">",
    "LessThanThreshold": "<",
    "LessThanOrEqualToThreshold": "<=",
    "LessThanLowerOrGreaterThanUpperThreshold": "outside",
    "LessThanLowerThreshold": "<",
    "GreaterThanUpperThreshold": ">",
}


def describe_condition(alarm: Alarm) -> str:
    """`OperatorFailures Sum > 5` for a metric alarm, the rule for a composite."""
    if alarm.kind == "CompositeAlarm":
        return alarm.rule
    op = COMPARISON_SYMBOLS.get(alarm.comparison, alarm.comparison)
    threshold = "" if alarm.threshold is None else f"{alarm.threshold:g}"
    return " ".join(p for p in (alarm.metric, alarm.statistic, op, threshold) if p)


_BREACHES = {
    "GreaterThanThreshold": lambda v, t: v > t,
    "GreaterThanOrEqualToThreshold": lambda v, t: v >= t,
    "LessThanThreshold": lambda v, t: v < t,
    "LessThanOrEqualToThreshold": lambda v, t: v <= t,
}


def watches(alarm: Alarm, series: MetricSeries) -> bool:
    """Whether `alarm` watches `series`: the same metric with the same dimensions."""
    same_metric = (alarm.namespace, alarm.metric) == (series.namespace, series.metric)
    return same_metric and set(alarm.dimensions) == set(series.dimensions)


def breaching(series: MetricSeries, alarms: Iterable[Alarm]) -> bool:
    """Whether the series' latest value crosses the threshold of an alarm on that metric."""
    if series.latest is None:
        return False
    for alarm in alarms:
        if not watches(alarm, series) or alarm.threshold is None:
            continue
        compare = _BREACHES.get(alarm.comparison)
        if compare is not None and compare(series.latest, alarm.threshold):
            return True
    return False
