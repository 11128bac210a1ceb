"""The config file: poll intervals and key remaps, each bad entry skipped with one message."""

from __future__ import annotations

from pathlib import Path

import pytest

from mwaa_tui.core.config import parse_intervals, parse_keys
from mwaa_tui.settings import ConfigFileMissing, Intervals, PlainOptions, load_file

SOURCES = ("environment", "logs", "metrics")


def test_intervals_take_seconds_or_durations_and_skip_what_is_off() -> None:
    intervals, errors = parse_intervals(
        {"intervals": {"logs": "5s", "metrics": 120, "environment": 0.2, "cpu": 10}}, SOURCES
    )
    assert intervals == {"logs": 5.0, "metrics": 120.0}
    assert errors == [
        "config: [intervals] environment skipped: must be 1 s to 60 min, not 0.2",
        "config: [intervals] cpu skipped: not a source; use environment, logs, metrics",
    ]


@pytest.mark.parametrize("value", ["soon", True, float("nan"), "2h", [3]])
def test_an_interval_that_is_not_a_duration_in_range_is_named(value: object) -> None:
    intervals, errors = parse_intervals({"intervals": {"logs": value}}, SOURCES)
    assert intervals == {} and len(errors) == 1 and errors[0].startswith("config: [intervals] logs")


def test_keys_map_binding_ids_to_keys() -> None:
    keys, errors = parse_keys({"keys": {"logs.pause": "space", "refresh": " f5 , R ", "x": 3}})
    assert keys == {"logs.pause": "space", "refresh": "f5,R"}
    assert len(errors) == 1 and errors[0].startswith("config: [keys] x skipped")
    assert parse_keys({"keys": "space"}) == ({}, ["config: `keys` must be a table ([keys])"])


def test_the_file_gives_the_monitor_and_plain_mode_the_same_intervals(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text(
        'alarms = ["shared-db"]\n\n[intervals]\nlogs = "5s"\nsoon = 1\n\n'
        '[keys]\n"logs.pause" = "space"\n'
    )
    loaded = load_file(path)
    assert loaded.intervals == Intervals(logs=5.0)
    assert loaded.keymap == {"logs.pause": "space"}
    assert loaded.alarms == ("shared-db",)
    assert [e.split(" skipped")[0] for e in loaded.errors] == ["config: [intervals] soon"]
    # Both modes poll the logs at the screen's interval by default.
    assert PlainOptions(components=("Worker",)).interval == Intervals().logs


def test_a_missing_default_file_is_no_problem_and_a_named_one_is(tmp_path: Path) -> None:
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("XDG_CONFIG_HOME", str(tmp_path))
        assert load_file(None).errors == ()
    with pytest.raises(ConfigFileMissing):
        load_file(tmp_path / "nowhere.toml")
