"""Fault injection: throttling, denial, latency and dropped connections, per service."""

from __future__ import annotations

import random
import threading
from collections import Counter
from dataclasses import dataclass, field

SERVICE_ALIASES = {
    "mwaa": "airflow",
    "airflow": "airflow",
    "logs": "logs",
    "cloudwatch": "monitoring",
    "monitoring": "monitoring",
    "cloudtrail": "cloudtrail",
}


def signing_name(service: str) -> str:
    """`cloudwatch` -> `monitoring`, `mwaa` -> `airflow`; the names requests are signed with."""
    try:
        return SERVICE_ALIASES[service]
    except KeyError:
        raise ValueError(
            f"unknown service {service!r}: use mwaa, logs, cloudwatch or cloudtrail"
        ) from None


@dataclass
class Faults:
    """What the sandbox does wrong on purpose. Services by their CLI names."""

    throttle: dict[str, float] = field(default_factory=dict)
    """Share of calls (0..1) per service answered with throttling."""
    deny: set[str] = field(default_factory=set)
    """Services answered with AccessDenied."""
    expire: set[str] = field(default_factory=set)
    """Services answered as if the session's credentials had expired."""
    drop: dict[str, float] = field(default_factory=dict)
    """Share of calls per service whose connection is closed without an answer."""
    latency: float = 0.0
    """Seconds added to every call."""
    stuck_tokens: bool = False
    """FilterLogEvents answers every page with one nextToken that never changes, as
    CloudWatch Logs sometimes does; a client that trusts it loops forever."""
    seed: int | None = None

    def __post_init__(self) -> None:
        self.throttle = {signing_name(k): v for k, v in self.throttle.items()}
        self.deny = {signing_name(s) for s in self.deny}
        self.expire = {signing_name(s) for s in self.expire}
        self.drop = {signing_name(k): v for k, v in self.drop.items()}
        self._rng = random.Random(self.seed)
        self._lock = threading.Lock()
        self.injected: Counter[str] = Counter()
        """How many calls got each fault."""

    def decide(self, service: str) -> str | None:
        """'deny', 'expire', 'throttle', 'drop' or None for one call to `service` (a signing name).

        The sets may be edited directly with either kind of name, so both are looked up.
        """
        names = {service} | {k for k, v in SERVICE_ALIASES.items() if v == service}
        if names & self.deny:
            return "deny"
        if names & self.expire:
            return "expire"
        throttle = max((self.throttle.get(n, 0.0) for n in names), default=0.0)
        drop = max((self.drop.get(n, 0.0) for n in names), default=0.0)
        if not throttle and not drop:
            return None
        with self._lock:
            roll = self._rng.random()
            if roll < throttle:
                self.injected["throttle"] += 1
                return "throttle"
            if roll > 1.0 - drop:
                self.injected["drop"] += 1
                return "drop"
        return None

    def clear(self) -> None:
        self.throttle.clear()
        self.deny.clear()
        self.expire.clear()
        self.drop.clear()
        self.latency = 0.0
        self.stuck_tokens = False
        self.injected.clear()


def parse_share(spec: str) -> tuple[str, float]:
    """`logs=0.3` -> ("logs", 0.3) for the command line."""
    name, _, value = spec.partition("=")
    share = float(value) if value else 1.0
    if not 0.0 <= share <= 1.0:
        raise ValueError(f"{spec!r}: the share must be between 0 and 1")
    signing_name(name)
    return name, share
