"""Each pane's border shows its source's health (the merged log view: the worst log's),
and an empty pane's body says why it is empty, from the same health."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.screen import Screen
from textual.widget import Widget

from mwaa_tui.core.format import health_line
from mwaa_tui.core.logview import VIEWS
from mwaa_tui.core.snapshots import ErrorInfo, SourceHealth
from mwaa_tui.core.state import MonitorState
from mwaa_tui.ui.text import SEVERITY_STYLE
from mwaa_tui.ui.widgets.alarms import AlarmsPane
from mwaa_tui.ui.widgets.logs import LogPanes
from mwaa_tui.ui.widgets.metrics import MetricsPanel
from mwaa_tui.ui.widgets.trail import TrailPane

BORDERS = (
    ("metrics", "metrics"),
    ("alarms", "alarms"),
    ("trail", "cloudtrail"),
    ("airflow", "airflow"),
)
"""The panes whose border shows one source's health (the log panes pick theirs)."""


class HealthBorders:
    """Draws `state`'s source health on the borders of `screen`'s panes."""

    def __init__(self, screen: Screen[Any], state: MonitorState) -> None:
        self.screen = screen
        self.state = state
        self._drawn: dict[str | None, tuple[str, str]] = {}

    def show(self, outages: dict[str, tuple[float, ErrorInfo]], now: float) -> None:
        state, screen = self.state, self.screen
        for pane, source in BORDERS:
            health = state.health_of(source, outages)
            widget = screen.query_one(f"#{pane}")
            self._border(widget, health, now)
            if isinstance(widget, MetricsPanel | AlarmsPane | TrailPane):
                widget.set_health(health, now)
        panes = screen.query_one(LogPanes)
        healths = {view: state.health_of(f"logs:{view}", outages) for view in VIEWS[1:]}
        healths["All"] = state.worst_health(state.log_sources, outages)
        panes.set_health(healths, now)
        self._border(panes, healths.get(panes.current), now)

    def _border(self, pane: Widget, health: SourceHealth | None, now: float) -> None:
        text, severity = line = health_line(health, now)
        if self._drawn.get(pane.id) != line:  # a border change repaints the whole pane
            self._drawn[pane.id] = line
            pane.border_subtitle = Text(text, style=SEVERITY_STYLE[severity])
            pane.set_class(severity == "error", "-failing")
