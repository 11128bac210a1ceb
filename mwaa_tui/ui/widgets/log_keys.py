"""The key bindings of the log views: a line view's cursor keys and the panes' tail,
filter and search keys. Every binding has an id (what `[keys]` remaps) and a tooltip."""

from __future__ import annotations

from textual.binding import Binding, BindingType

LINE_BINDINGS: list[BindingType] = [
    Binding(
        "up,k",
        "cursor(-1)",
        "Up",
        show=False,
        id="lines.up",
        tooltip="Line cursor up; the view stops following (End follows again)",
    ),
    Binding("down,j", "cursor(1)", "Down", show=False, id="lines.down", tooltip="Line cursor down"),
    Binding(
        "pageup",
        "cursor_page(-1)",
        "Page up",
        show=False,
        id="lines.page-up",
        tooltip="A page up",
    ),
    Binding(
        "pagedown",
        "cursor_page(1)",
        "Page down",
        show=False,
        id="lines.page-down",
        tooltip="A page down",
    ),
    Binding(
        "home",
        "first",
        "First line",
        show=False,
        id="lines.first",
        tooltip="The oldest line kept",
    ),
    Binding(
        "end,G",
        "follow",
        "Follow",
        show=False,
        id="logs.end",
        tooltip="Drop the cursor and follow the newest line",
    ),
    Binding(
        "left",
        "scroll_left",
        "Left",
        show=False,
        id="lines.left",
        tooltip="Scroll sideways (when not wrapped)",
    ),
    Binding(
        "right",
        "scroll_right",
        "Right",
        show=False,
        id="lines.right",
        tooltip="Scroll sideways",
    ),
    Binding(
        "enter",
        "detail",
        "Line",
        show=False,
        id="logs.detail",
        tooltip="Show the line under the cursor in full, with its stream and ingestion delay "
        "(↑/↓ move the cursor)",
    ),
    Binding(
        "w",
        "wrap",
        "Wrap",
        show=False,
        id="logs.wrap",
        tooltip="Wrap long lines (again: one row each, scroll sideways)",
    ),
]

PANE_BINDINGS: list[BindingType] = [
    Binding(
        "p",
        "pause",
        "Pause",
        id="logs.pause",
        tooltip="Pause the tail (new lines are counted); again to follow from the end",
    ),
    Binding(
        "slash",
        "filter",
        "Filter",
        id="logs.filter",
        tooltip="Show only lines containing text (re:PATTERN for a regular expression; "
        "level:error or logger:airflow.task for a field of Airflow 3's JSON lines)",
    ),
    Binding(
        "f",
        "find",
        "Find",
        id="logs.find",
        tooltip="Highlight text (or re:PATTERN) in this view and jump to the newest match",
    ),
    Binding(
        "n", "find_next(True)", "Next", show=False, id="logs.next", tooltip="Next match (newer)"
    ),
    Binding(
        "N",
        "find_next(False)",
        "Previous",
        show=False,
        id="logs.previous",
        tooltip="Previous match (older)",
    ),
    Binding(
        "L",
        "level",
        "Level",
        show=False,
        id="logs.level",
        tooltip="Cycle the level threshold: all, WARNING and above, ERROR and above",
    ),
    Binding(
        "c",
        "clear",
        "Clear",
        show=False,
        id="logs.clear",
        tooltip="Clear the filter, the threshold and the search",
    ),
    Binding(
        "t",
        "tasks",
        "Tasks",
        id="logs.tasks",
        tooltip="Browse task logs by DAG, run, task and attempt",
    ),
    Binding(
        "i",
        "insights",
        "Insights",
        show=False,
        id="logs.insights",
        tooltip="Search further back than the buffer with a CloudWatch Logs Insights query",
    ),
    Binding(
        "b",
        "since",
        "Backfill",
        show=False,
        id="logs.since",
        tooltip="Choose how far back the tail starts (reloads every view)",
    ),
    Binding(
        "s",
        "save",
        "Save",
        show=False,
        id="logs.save",
        tooltip="Save this view's buffer (as filtered) to a private file",
    ),
    Binding(
        "T",
        "clock",
        "Times",
        show=False,
        id="logs.clock",
        tooltip="Times in UTC, in local time, or none",
    ),
]
