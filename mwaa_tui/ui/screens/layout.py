"""Which of the main screen's panes are on it: all of them; one zoomed to fill the screen
(`z`); the Airflow pane as a row of its own from 120x40, fullscreen below (`a`)."""

from __future__ import annotations

from typing import Any

from textual.screen import Screen
from textual.widget import Widget

from mwaa_tui.core.airflow_view import airflow_on_screen
from mwaa_tui.ui.widgets.airflow import AirflowPane
from mwaa_tui.ui.widgets.logs import LogPanes

PANES = ("logs", "metrics", "alarms", "trail", "airflow")
ROWS = {"logs": "top", "metrics": "top", "alarms": "bottom", "trail": "bottom", "airflow": ""}
"""The row each pane sits in (the Airflow pane is a row of its own)."""


class PaneLayout:
    """Zoom and the Airflow pane's place on `screen`, by classes the stylesheet reads
    (`-zoomed` on the screen and `-zoom` on the pane; `-airflow` from 120x40)."""

    def __init__(self, screen: Screen[Any]) -> None:
        self.screen = screen
        self._before_airflow: Widget | None = None
        """What had the focus before `a` went to the Airflow pane."""

    def zoom(self) -> None:
        """Fullscreen the focused pane; again: back."""
        screen = self.screen
        target: Widget | None = screen.focused
        while target is not None and target.id not in PANES:
            target = target.parent if isinstance(target.parent, Widget) else None
        if screen.has_class("-zoomed") or target is None:
            self._unzoom()
        else:
            self._zoom(target)

    def airflow(self) -> None:
        """From 120x40 the pane is on screen: focus it. Smaller, it opens fullscreen, as
        `z` would zoom it. Again: back to where the focus was."""
        screen = self.screen
        pane = screen.query_one(AirflowPane)
        if screen.focused in pane.walk_children():
            if pane.has_class("-zoom"):
                self._unzoom()
            self._focus_back()
            return
        self._before_airflow = screen.focused
        if screen.has_class("-zoomed"):
            self._unzoom()
        if not airflow_on_screen(screen.size.width, screen.size.height):
            self._zoom(pane)
        pane.focus_first()

    def fit(self, width: int, height: int) -> None:
        self.screen.set_class(airflow_on_screen(width, height), "-airflow")

    def _zoom(self, target: Widget) -> None:
        screen = self.screen
        screen.add_class("-zoomed")
        target.add_class("-zoom")
        for pane_id in PANES:
            screen.query_one(f"#{pane_id}").display = pane_id == target.id
        row = ROWS.get(target.id or "", "")
        screen.query_one("#top").display = row == "top"
        screen.query_one("#bottom").display = row == "bottom"

    def _unzoom(self) -> None:
        screen = self.screen
        screen.remove_class("-zoomed")
        for node in screen.query("#top, #bottom, #logs, #metrics, #alarms, #trail, #airflow"):
            # Back to what the stylesheet says: the Airflow pane shows only from 120x40.
            node.styles.clear_rule("display")
            node.remove_class("-zoom")
        screen.refresh(layout=True)
        pane = screen.query_one(AirflowPane)
        if not pane.display and screen.focused in pane.walk_children():
            self._focus_back()

    def _focus_back(self) -> None:
        before, self._before_airflow = self._before_airflow, None
        if before is not None and before.is_attached and before.display:
            before.focus()
        else:
            self.screen.query_one(LogPanes).current_log().focus()
