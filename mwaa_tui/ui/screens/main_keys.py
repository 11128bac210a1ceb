"""The main screen's keys, as data (the help screen, the palette and the keymap read them):
its own, then the capture's and the replay's, spliced in."""

from __future__ import annotations

from textual.binding import Binding, BindingType

from mwaa_tui.core.logview import TAGS, VIEWS
from mwaa_tui.ui.keys import HELP, QUIT

REPLAY_ACTIONS = frozenset({"replay_pause", "replay_speed", "replay_marker", "replay_seek"})
"""The main screen's actions that only a replay has: hidden and inert while live."""

CAPTURE_BINDINGS: list[BindingType] = [
    Binding(
        "R",
        "record",
        "Record",
        show=False,
        id="capture.record",
        tooltip="Start or stop recording everything received to a new file in the data "
        "directory (the status line shows ● REC; mwaa-tui replay FILE plays it)",
    ),
    Binding(
        "m",
        "bookmark",
        "Mark",
        show=False,
        id="capture.bookmark",
        tooltip="Bookmark the log line, alarm or CloudTrail event under the cursor (else "
        "this moment), with an optional note, in the recording",
    ),
    Binding(
        "apostrophe",
        "bookmarks",
        "Marks",
        show=False,
        id="capture.bookmarks",
        tooltip="The recording's bookmarks; Enter jumps to one in a replay",
    ),
    Binding("space", "replay_pause", "Play", id="replay.pause", tooltip="Replay: pause or play"),
    Binding(
        "greater_than_sign",
        "replay_speed(1)",
        "Faster",
        show=False,
        id="replay.faster",
        tooltip="Replay: faster (1×, 10×, 60×, then 1× again)",
    ),
    Binding(
        "less_than_sign",
        "replay_speed(-1)",
        "Slower",
        show=False,
        id="replay.slower",
        tooltip="Replay: slower",
    ),
    Binding(
        "right_square_bracket",
        "replay_marker(1)",
        "Next",
        id="replay.next",
        tooltip="Replay: jump to the next marker (alarm change, CloudTrail error, bookmark, "
        "ERROR lines)",
    ),
    Binding(
        "left_square_bracket",
        "replay_marker(-1)",
        "Previous mark",
        show=False,
        id="replay.previous",
        tooltip="Replay: jump to the previous marker",
    ),
    Binding(
        "at",
        "replay_seek",
        "Seek",
        id="replay.seek",
        tooltip="Replay: go to a time (HH:MM, an ISO time, -5m or +5m from here)",
    ),
]
"""Spliced into the main screen's bindings."""


MAIN_BINDINGS: list[BindingType] = [
    # Two bindings of `!`, listed first so a narrow footer has room: the footer shows
    # the first only while a source fails (check_action); the second, never shown,
    # keeps the key working otherwise.
    Binding(
        "!",
        "sources('failing')",
        "Errors",
        id="sources",
        tooltip="Every source's health and last error in full, with the IAM fix",
    ),
    Binding("!", "sources('all')", show=False, id="sources-quiet"),
    # A replay's keys come next, before the live ones (live, they are hidden).
    *CAPTURE_BINDINGS,
    QUIT,
    HELP,
    Binding("r", "refresh", "Refresh", id="refresh", tooltip="Poll every source now"),
    Binding(
        "E",
        "environment",
        "Environment",
        show=False,
        id="environment",
        tooltip="The environment in full: status, settings, the last update's error whole",
    ),
    Binding("z", "zoom", "Zoom", id="zoom", tooltip="Fullscreen the focused pane (again: back)"),
    Binding(
        "a",
        "airflow",
        "Airflow",
        id="airflow",
        tooltip="Airflow's own view: failed runs and tasks, import errors, pools "
        "(on screen from 120x40; smaller, fullscreen; again: back)",
    ),
    *[
        Binding(
            str(i + 1),
            f"view('{view}')",
            TAGS.get(view, view),
            show=i == 0,
            id=f"view-{view}",
            tooltip=f"Log view: {view if i else 'all components merged'}",
        )
        for i, view in enumerate(VIEWS)
    ],
]
