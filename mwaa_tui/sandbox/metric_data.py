"""GetMetricData over moto's stored datapoints, indexed once per call.

moto's own implementation rescans every datapoint for every query and period, which
costs seconds per call with a few thousand points, and it cannot do percentiles.
"""

from __future__ import annotations

import math
from collections import defaultdict
from datetime import UTC
from typing import Any


def statistic(points: list[Any], stat: str) -> float | None:
    """A CloudWatch statistic over moto datapoints (plain or aggregated), None if empty."""
    if not points:
        return None
    total = count = 0.0
    low, high = math.inf, -math.inf
    samples: list[float] = []
    for d in points:
        if hasattr(d, "sample_count"):
            total += d.sum
            count += d.sample_count
            low, high = min(low, d.min), max(high, d.max)
            samples.append(d.sum / d.sample_count if d.sample_count else 0.0)
        else:
            total += d.value
            count += 1
            low, high = min(low, d.value), max(high, d.value)
            samples.append(d.value)
    if stat.startswith("p"):
        ranked = sorted(samples)
        q = float(stat[1:]) / 100
        return ranked[min(len(ranked) - 1, max(0, math.ceil(q * len(ranked)) - 1))]
    return {
        "Sum": total,
        "SampleCount": count,
        "Average": total / count if count else 0.0,
        "Minimum": low,
        "Maximum": high,
    }.get(stat)


def get_metric_data(datums: list[Any], params: dict[str, Any]) -> dict[str, Any]:
    start, end = float(params["StartTime"]), float(params["EndTime"])
    index: dict[tuple[str, str, frozenset[tuple[str, str]]], list[Any]] = defaultdict(list)
    for d in datums:
        t = d.timestamp.replace(tzinfo=UTC).timestamp()
        if start <= t < end:
            index[(d.namespace, d.name, frozenset((x.name, x.value) for x in d.dimensions))].append(
                (t, d)
            )
    results = []
    for query in params.get("MetricDataQueries") or []:
        stat_spec = query.get("MetricStat")
        if not stat_spec:
            results.append(
                {
                    "Id": query["Id"],
                    "Label": query.get("Label", query["Id"]),
                    "Timestamps": [],
                    "Values": [],
                    "StatusCode": "Complete",
                }
            )
            continue
        metric = stat_spec["Metric"]
        key = (
            metric["Namespace"],
            metric["MetricName"],
            frozenset((d["Name"], d["Value"]) for d in metric.get("Dimensions") or []),
        )
        period = int(stat_spec["Period"])
        buckets: dict[float, list[Any]] = defaultdict(list)
        for t, d in index.get(key, []):
            buckets[start + (t - start) // period * period].append(d)
        pairs = sorted(
            (t, v)
            for t, pts in buckets.items()
            if (v := statistic(pts, stat_spec["Stat"])) is not None
        )
        if params.get("ScanBy", "TimestampDescending") == "TimestampDescending":
            pairs.reverse()
        results.append(
            {
                "Id": query["Id"],
                "Label": query.get("Label", metric["MetricName"]),
                "Timestamps": [t for t, _ in pairs],
                "Values": [v for _, v in pairs],
                "StatusCode": "Complete",
            }
        )
    return {"MetricDataResults": results, "Messages": []}
