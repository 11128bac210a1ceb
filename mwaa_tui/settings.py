"""Settings: what the monitor (`AppConfig`) and `mwaa-tui logs` (`PlainOptions`) run with,
from the flags and the config file. The file (TOML, `$XDG_CONFIG_HOME/mwaa-tui/config.toml`
or `--config FILE`) adds metric panels (`[[panel]]`), alarms to list (`alarms`), poll
intervals (`[intervals]`) and key remaps (`[keys]`); each entry is checked on its own
(`core/config.py`) and a bad one is skipped with one message naming it."""

from __future__ import annotations

import dataclasses
import os
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from mwaa_tui.aws.clients import AwsSettings
from mwaa_tui.core.catalogue import DiscoveredSeries
from mwaa_tui.core.config import parse_alarm_names, parse_intervals, parse_keys, parse_panels
from mwaa_tui.core.logview import LogFilter
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
    """The monitor's settings: from the flags, the preflight and the config file."""

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
    keymap: Mapping[str, str] = field(default_factory=dict)
    """Binding id → keys, from the config file's `[keys]` (Textual's keymap)."""


@dataclass(frozen=True)
class PlainOptions:
    """`mwaa-tui logs`: what to print, and how often to read with `--follow`."""

    components: tuple[str, ...]
    since_seconds: float = 600.0
    follow: bool = False
    filter: LogFilter = field(default_factory=LogFilter)
    as_json: bool = False
    fields: tuple[str, ...] = ("time", "component")
    redact: bool = True
    interval: float = Intervals.logs
    """The log tail's interval: the same polling as the screen's."""


@dataclass(frozen=True)
class FileSettings:
    """What the config file adds, and one message per entry that was skipped."""

    panels: tuple[DiscoveredSeries, ...] = ()
    alarms: tuple[str, ...] = ()
    intervals: Intervals = field(default_factory=Intervals)
    keymap: Mapping[str, str] = field(default_factory=dict)
    errors: tuple[str, ...] = ()


class ConfigFileMissing(Exception):
    """A config file named with `--config` does not exist."""


def default_config_path() -> Path:
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "mwaa-tui" / "config.toml"


def load_file(path: Path | None) -> FileSettings:
    """The config file at `path` (None: the default one, which need not exist). Raises
    ConfigFileMissing for a named file that does not exist; any other problem is a message."""
    import tomllib

    explicit = path is not None
    path = path or default_config_path()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        if explicit:
            raise ConfigFileMissing(f"config file not found: {path}") from None
        return FileSettings()
    except (OSError, UnicodeDecodeError) as exc:
        return FileSettings(errors=(f"config: cannot read {path}: {exc}",))
    except tomllib.TOMLDecodeError as exc:
        return FileSettings(errors=(f"config: {path} is not valid TOML: {exc}",))
    panels, panel_errors = parse_panels(data)
    names, name_errors = parse_alarm_names(data)
    sources = [f.name for f in dataclasses.fields(Intervals)]
    intervals, interval_errors = parse_intervals(data, sources)
    keymap, key_errors = parse_keys(data)
    return FileSettings(
        panels=tuple(panels),
        alarms=tuple(names),
        intervals=Intervals(**intervals),
        keymap=keymap,
        errors=(*panel_errors, *name_errors, *interval_errors, *key_errors),
    )
