"""10,000 CloudTrail events: parsing, time to first rows, and filter latency (medians)."""

from __future__ import annotations

import asyncio
import json
import random
import statistics
import time
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from textual.app import App, ComposeResult

from mwaa_tui.core.snapshots import TrailBatch
from mwaa_tui.core.trail import TrailFilter, filter_events, parse_event
from mwaa_tui.ui.widgets.trail import TrailPane
from mwaa_tui.ui.widgets.trail_table import TrailTable

NAMES = [
    "CreateCliToken",
    "CreateWebLoginToken",
    "InvokeRestApi",
    "UpdateEnvironment",
    "GetEnvironment",
    "TagResource",
]
USERS = [
    "sso/alice@example.com",
    "ci-deployer/github-actions",
    "triggerMwaaDAGRole/lambda",
    "ops-automation/runbook",
]


def raw_events(n: int, seed: int = 1) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    now = time.time()
    out = []
    for i in range(n):
        name, user = rng.choice(NAMES), rng.choice(USERS)
        detail = {
            "userIdentity": {"arn": f"arn:aws:sts::1:assumed-role/{user}"},
            "sourceIPAddress": f"203.0.113.{rng.randint(1, 250)}",
            "userAgent": "Boto3/1.35.60 Python/3.12.6",
            "requestParameters": {"Name": rng.choice(["prod", "staging"])},
            "readOnly": name == "GetEnvironment",
        }
        if rng.random() < 0.05:
            detail["errorCode"] = "AccessDenied"
            detail["errorMessage"] = f"User: {user} is not authorized to perform: airflow:{name}"
        out.append(
            {
                "EventId": f"e{i:05d}",
                "EventName": name,
                "EventTime": datetime.fromtimestamp(now - i * 7, UTC),
                "ReadOnly": "true" if detail["readOnly"] else "false",
                "CloudTrailEvent": json.dumps(detail),
            }
        )
    return out


class _Host(App[None]):
    def compose(self) -> ComposeResult:
        yield TrailPane("prod")


async def _first_rows(events: list[Any]) -> tuple[float, float]:
    """Seconds to the first rows drawn, and to the list redrawn after a filter change."""
    app = _Host()
    async with app.run_test(size=(160, 48)) as pilot:
        pane = app.query_one(TrailPane)
        started = time.perf_counter()
        pane.store.add(TrailBatch(tuple(events)))
        pane.redraw(time.time())
        await pilot.pause()
        assert app.query_one(TrailTable).row_count > 0
        first = time.perf_counter() - started
        started = time.perf_counter()
        pane.set_filter(TrailFilter(text="alice", access="write"))
        await pilot.pause()
        return first, time.perf_counter() - started


def run(n: int = 10_000, repeats: int = 15) -> dict[str, float]:
    raws = raw_events(n)
    t0 = time.perf_counter()
    events = [parse_event(r) for r in raws]
    parse_s = time.perf_counter() - t0
    filters = {
        "errors only": TrailFilter(errors_only=True),
        "text 'alice'": TrailFilter(text="alice"),
        "all four combined": TrailFilter(
            text="event:token", errors_only=True, access="write", environment="prod"
        ),
    }
    result: dict[str, float] = {"parse_ms": parse_s * 1000}
    print(f"CloudTrail list with {n} events (target: filtering in < 50 ms)")
    print(f"  parse + sanitise + redact   {parse_s * 1000:.0f} ms for all {n}")
    for label, flt in filters.items():
        times = []
        for _ in range(repeats):
            t = time.perf_counter()
            filter_events(events, replace(flt))
            times.append(time.perf_counter() - t)
        result[f"filter_{label}_ms"] = statistics.median(times) * 1000
        print(f"  filter: {label:<22} median {statistics.median(times) * 1000:.1f} ms")
    runs = [asyncio.run(_first_rows(events)) for _ in range(3)]
    result["first_rows_ms"] = statistics.median(r[0] for r in runs) * 1000
    result["filter_redraw_ms"] = statistics.median(r[1] for r in runs) * 1000
    print(f"  time to first rows          median {result['first_rows_ms']:.0f} ms (3 runs)")
    print(f"  filter + redraw of the list median {result['filter_redraw_ms']:.0f} ms (3 runs)")
    return result


if __name__ == "__main__":
    run()
