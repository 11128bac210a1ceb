"""Fault injection: throttling, denial, latency, dropped connections and unknown access
keys, per service."""

from __future__ import annotations

import random
import re
import threading
from collections import Counter
from dataclasses import dataclass, field

from mwaa_tui.core.format import parse_duration

ALL = "all"
"""Stands for every service in the throttle, drop, deny and expire settings."""
SERVICE_ALIASES = {
    "mwaa": "airflow",
    "airflow": "airflow",
    "logs": "logs",
    "cloudwatch": "monitoring",
    "monitoring": "monitoring",
    "cloudtrail": "cloudtrail",
}


def signing_name(service: str) -> str:
    """`cloudwatch` -> `monitoring`, `mwaa` -> `airflow`; the names requests are signed with.
    `all` stays `all`."""
    if service == ALL:
        return ALL
    try:
        return SERVICE_ALIASES[service]
    except KeyError:
        raise ValueError(
            f"unknown service {service!r}: use mwaa, logs, cloudwatch, cloudtrail or all"
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
    accept_keys: set[str] | None = None
    """When set, only these access key ids are known: a request signed with any other gets
    the answer AWS gives for an unknown key (a rotated or revoked one)."""
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
        names = {service, ALL} | {k for k, v in SERVICE_ALIASES.items() if v == service}
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

    def unknown_key(self, authorization: str) -> bool:
        """Whether a request with this Authorization header is signed with a key that
        `accept_keys` does not know (an unsigned request counts as unknown)."""
        accepted = self.accept_keys
        if accepted is None:
            return False
        m = _CREDENTIAL.search(authorization)
        known = m is not None and m.group(1) in accepted
        if not known:
            with self._lock:
                self.injected["unknown_key"] += 1
        return not known

    def clear(self) -> None:
        self.throttle.clear()
        self.deny.clear()
        self.expire.clear()
        self.drop.clear()
        self.latency = 0.0
        self.stuck_tokens = False
        self.accept_keys = None
        self.injected.clear()


_CREDENTIAL = re.compile(r"Credential=([^/,\s]+)/")


def parse_share(spec: str) -> tuple[str, float]:
    """`logs=0.3` -> ("logs", 0.3), `all=0.5` for every service; for the command line."""
    name, _, value = spec.partition("=")
    try:
        share = float(value) if value else 1.0
    except ValueError:
        raise ValueError(f"{spec!r}: the share must be a number between 0 and 1") from None
    if not 0.0 <= share <= 1.0:
        raise ValueError(f"{spec!r}: the share must be between 0 and 1")
    signing_name(name)
    return name, share


def parse_outage(spec: str) -> tuple[float, float]:
    """`30@60` -> (30.0, 60.0): down for 30 s, starting 60 s after start-up. Either side
    takes a unit (`2m@90s`); the delay may be 0."""
    usage = f"{spec!r}: use SECONDS@AFTER, e.g. 30@60 (down for 30 s, 60 s after start-up)"
    down, sep, after = spec.partition("@")
    if not sep:
        raise ValueError(usage)
    try:
        seconds = parse_duration(down)
        delay = 0.0 if _ZERO.fullmatch(after) else parse_duration(after)
    except ValueError:
        raise ValueError(usage) from None
    return seconds, delay


_ZERO = re.compile(r"\s*(0+\.?0*|\.0+)[smhd]?\s*")
