"""What the running pollers will call, and how fast the client layer lets them: the
status line's projected cost and pacing, and the sources screen's pace per source."""

from __future__ import annotations

import logging

from mwaa_tui.aws.clients import AwsGateway
from mwaa_tui.core.cost import PollingPlan
from mwaa_tui.core.snapshots import OperationPace
from mwaa_tui.pollers.alarms import AlarmsPoller
from mwaa_tui.pollers.metrics import REDISCOVER_EVERY, MetricsPoller
from mwaa_tui.ui.registry import PollerRegistry

log = logging.getLogger(__name__)

LISTED_PER_PAGE = 500
"""ListMetrics answers up to 500 metrics a page."""


def polling_plan(pollers: PollerRegistry) -> PollingPlan:
    """The billed calls the running pollers will make."""
    metrics = pollers.get("metrics", MetricsPoller)
    alarms = pollers.get("alarms", AlarmsPoller)
    fetched = list_pages = 0
    metrics_interval = 0.0
    if metrics is not None:
        visible = metrics.visible
        fetched = sum(1 for s in metrics.series if visible is None or s.key in visible)
        # Not the one-second step of the first discovery: what the refresh settles to.
        metrics_interval = metrics.base_interval if metrics.discovering else metrics.interval
        # One page per namespace at least; the matched panels hint at more.
        list_pages = 2 + len(metrics.series) // LISTED_PER_PAGE
    return PollingPlan(
        metrics_fetched=fetched,
        metrics_interval=metrics_interval,
        list_metrics_pages=list_pages,
        rediscover_every=REDISCOVER_EVERY,
        alarms_interval=alarms.interval if alarms is not None else 0.0,
        alarms_pages=1,
    )


def current_paces(gateway: AwsGateway | None) -> tuple[OperationPace, ...]:
    """`gateway.pacing()`, or nothing when it has no answer: a pacing report must never
    take the status line or the sources screen down with it."""
    if gateway is None:
        return ()
    try:
        return tuple(gateway.pacing())
    except Exception:  # reporting only; the calls themselves are unaffected
        log.debug("pacing unavailable", exc_info=True)
        return ()
