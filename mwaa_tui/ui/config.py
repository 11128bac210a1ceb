"""What the app is configured with: the AWS settings, intervals and options."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from mwaa_tui.aws.clients import AwsSettings
from mwaa_tui.core.catalogue import DiscoveredSeries
from mwaa_tui.core.snapshots import EnvironmentSnapshot
from mwaa_tui.files import default_directory

if TYPE_CHECKING:
    from mwaa_tui.capture import Recording


@dataclass(frozen=True)
class Intervals:
    """Seconds between polls of each source."""

    environment: float = 30.0
    logs: float = 3.0
    """`aws logs tail --follow` waits 5 s; CloudWatch shows events 5-20 s late anyway, and
    five components at 3 s leave most of the 5 TPS FilterLogEvents quota to others."""
    metrics: float = 60.0
    """One-minute data: fetching it more often costs money and shows nothing new."""
    alarms: float = 30.0
    trail: float = 30.0
    airflow: float = 30.0
    """InvokeRestApi: 9 requests a poll, well within the Airflow poller's budget."""


@dataclass(frozen=True)
class AppConfig:
    aws: AwsSettings
    environment: str | None
    where: str = ""
    """Shown after the region, e.g. ` · sandbox`."""
    note: str = ""
    """Shown at the end of the status line, e.g. the sandbox's URL."""
    since_seconds: float = 600.0
    buffer_lines: int = 10_000
    intervals: Intervals = field(default_factory=Intervals)
    initial: EnvironmentSnapshot | None = None
    choices: tuple[str, ...] = ()
    clock: Callable[[], float] = time.time
    timer: Callable[[], float] = time.perf_counter
    """Measures call latency; snapshot tests freeze it with the clock."""
    timings_path: str | None = None
    extra_panels: tuple[DiscoveredSeries, ...] = ()
    """Panels from the config file."""
    extra_alarms: tuple[str, ...] = ()
    """Alarm names from the config file, listed whatever their metrics."""
    config_errors: tuple[str, ...] = ()
    """One message per config entry that was skipped, shown at start."""
    bell: bool = False
    """Ring the terminal bell when an alarm goes into ALARM."""
    redact: bool = True
    """Mask secrets in what is shown and saved (`--no-redact` turns it off)."""
    save_dir: Path = field(default_factory=default_directory)
    record_path: Path | None = None
    """`--record FILE`: record everything received to this new file from the start."""
    replay: Recording | None = None
    """`mwaa-tui replay FILE`: play this recording where the pollers would run; no AWS."""
    replay_clock: Callable[[], float] = time.monotonic
    """The real time a replay plays against (tests give it a fake one)."""
