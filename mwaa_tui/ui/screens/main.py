"""The main screen: the header, log panes, metrics, alarms, CloudTrail and the status line.
It draws the monitor's state, switches views and zooms, and answers what its panes ask for."""

from __future__ import annotations

from typing import ClassVar

from textual import events
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import DataTable

from mwaa_tui.core.callstats import worst_pace
from mwaa_tui.core.cost import project_cost
from mwaa_tui.core.format import health_line
from mwaa_tui.core.health import expired_advice
from mwaa_tui.core.snapshots import ErrorInfo, LogBatch
from mwaa_tui.core.state import MonitorState
from mwaa_tui.settings import AppConfig
from mwaa_tui.ui.capture import Capture
from mwaa_tui.ui.polling import current_paces, polling_plan
from mwaa_tui.ui.registry import PollerRegistry
from mwaa_tui.ui.replay import ReplayCapture
from mwaa_tui.ui.screens.airflow import ImportErrorTrace
from mwaa_tui.ui.screens.borders import HealthBorders
from mwaa_tui.ui.screens.capture import CaptureKeys
from mwaa_tui.ui.screens.environment import EnvironmentDetail
from mwaa_tui.ui.screens.layout import PaneLayout
from mwaa_tui.ui.screens.main_keys import MAIN_BINDINGS
from mwaa_tui.ui.screens.requests import PaneRequests
from mwaa_tui.ui.screens.sources import SourcesScreen, sources_view
from mwaa_tui.ui.widgets.airflow import AirflowPane
from mwaa_tui.ui.widgets.alarms import AlarmsPane
from mwaa_tui.ui.widgets.footer import FittedFooter
from mwaa_tui.ui.widgets.header import EnvironmentHeader
from mwaa_tui.ui.widgets.logs import LogPanes
from mwaa_tui.ui.widgets.logview import LogView
from mwaa_tui.ui.widgets.metrics import MetricsPanel
from mwaa_tui.ui.widgets.status import StatusLine
from mwaa_tui.ui.widgets.timeline import recording_badge, replay_badge, replay_lead
from mwaa_tui.ui.widgets.trail import TrailPane
from mwaa_tui.ui.widgets.trail_table import TrailTable


class MainScreen(Screen[None]):
    """Draws `state`; the app tells it what changed. Pane requests become screens here."""

    HELP_TITLE = "Main screen"

    BINDINGS: ClassVar[list[BindingType]] = MAIN_BINDINGS

    def __init__(
        self, config: AppConfig, state: MonitorState, pollers: PollerRegistry, capture: Capture
    ) -> None:
        super().__init__()
        self.config = config
        self.state = state
        self.pollers = pollers
        self.capture = capture
        """The recording, or the replay this screen shows (ui/capture.py)."""
        self.capture_keys = CaptureKeys(self, capture)
        self.requests = PaneRequests(self, config, state, pollers, capture)
        self.pane_layout = PaneLayout(self)
        self.borders = HealthBorders(self, state)
        self._sources_failing = False
        self._ticks = 0

    def compose(self) -> ComposeResult:
        yield EnvironmentHeader(self.config.aws.region or "", self.config.where, id="header")
        with Vertical(id="main"):
            with Horizontal(id="top"):
                yield LogPanes(self.config.buffer_lines, id="logs")
                yield MetricsPanel(id="metrics")
            yield AirflowPane(id="airflow")
            with Horizontal(id="bottom"):
                yield AlarmsPane(id="alarms")
                yield TrailPane(self.config.environment or "", self.state.trail, id="trail")
        yield StatusLine(id="status")
        yield FittedFooter()

    def on_mount(self) -> None:
        self.query_one("#metrics").border_title = "Metrics · 1h"
        self.query_one("#alarms").border_title = "Alarms"
        self.query_one("#trail").border_title = "CloudTrail"
        self.query_one("#log-view-All").focus()
        self.show_environment()
        self.set_interval(1.0, self.tick)
        self.tick()

    # -- drawing the state ---------------------------------------------------------------

    @property
    def now(self) -> float:
        return self.config.clock()

    def show_environment(self) -> None:
        panes = self.query_one(LogPanes)
        for cfg in self.state.environment.logging if self.state.environment else ():
            panes.set_config(cfg)
        self._header()

    def add_logs(self, batch: LogBatch) -> None:
        self.query_one(LogPanes).add(batch)

    def reset(self) -> None:
        """A replay seeks: forget what is drawn; the state at the new moment follows."""
        self.query_one(LogPanes).reset(hold=True)
        self.show_trail(older=False)
        self.show_alarms()
        self.show_airflow()
        self.show_health()

    def settle(self) -> None:
        """After a seek's updates: the log panes draw the moment now."""
        if not self.app._exit:
            self.query_one(LogPanes).settle()

    def show_metrics(self) -> None:
        if self.state.metrics is not None:
            self.query_one(MetricsPanel).show(self.state.metrics, self.state.alarm_list)

    def show_alarms(self) -> None:
        self.query_one(AlarmsPane).show(self.state.alarm_list, self.now)
        self.show_metrics()  # a value past a threshold changes colour
        self._header()

    def show_trail(self, *, older: bool) -> None:
        pane = self.query_one(TrailPane)
        if older:
            pane.older_loaded()
        pane.redraw(self.now)
        self._header()

    def show_airflow(self) -> None:
        self.query_one(AirflowPane).show(self.state.airflow, self.now)
        self._header()  # an unhealthy component is badged there

    def show_health(self) -> None:
        self.borders.show(self._outages(), self.now)

    def tick(self) -> None:
        """Once a second: health ages, the status line moves, relative times advance."""
        if self.app._exit:
            return  # widgets may already be gone
        now = self.now
        self.show_health()
        self._header()
        self._ticks += 1
        # The status line's rates move every second; redrawing it each 5 s is plenty (a
        # recording's size too). A replay's timeline moves every second.
        if self._ticks % 5 == 1 or self._ticks < 5 or isinstance(self.capture, ReplayCapture):
            self.show_status()
        if self.state.failing != self._sources_failing:
            self._sources_failing = self.state.failing
            self.refresh_bindings()  # the footer's `!` comes and goes with failures
        if self._ticks % 5 == 0:
            self.query_one(AlarmsPane).show(self.state.alarm_list, now)
            self.query_one(TrailTable).refresh_times(now)
            self.query_one(TrailPane).redraw_status(now)
            self.query_one(AirflowPane).show(self.state.airflow, now)  # running runs' time

    def show_status(self) -> None:
        """The status line: a replay's timeline or a recording's `● REC` first, then the
        API calls of the last minute (a replay's: as recorded) and what polling costs."""
        now, gateway, capture = self.now, self.pollers.gateway, self.capture
        projected = None
        if isinstance(capture, ReplayCapture):
            lead = replay_lead(capture.status(), capture.markers(), self.size.width)
            summary = self.state.calls.summary(now)
        elif gateway is not None:
            lead = recording_badge(capture.badge())
            summary = gateway.stats.summary(now)
            projected = project_cost(polling_plan(self.pollers))
        else:
            return
        self.query_one(StatusLine).show(
            summary,
            self.config.note,
            projected=projected,
            pace=worst_pace(current_paces(gateway)),
            alert=expired_advice(self.state.health.values()),
            lead=lead,
        )

    def _outages(self) -> dict[str, tuple[float, ErrorInfo]]:
        return self.pollers.gateway.unreachable if self.pollers.gateway is not None else {}

    def _header(self) -> None:
        health = self.state.health_of("environment", self._outages())
        replay = (
            replay_badge(self.capture.name, self.now)
            if isinstance(self.capture, ReplayCapture)
            else ""
        )
        self.query_one(EnvironmentHeader).show(
            self.state, self.now, health_line(health, self.now), replay=replay
        )

    # -- keys ------------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "sources" and parameters == ("failing",):
            return self._sources_failing
        if not self.capture_keys.allows(action):
            return False
        return super().check_action(action, parameters)

    # Recording, bookmarks and the replay (screens/capture.py).
    def action_record(self) -> None:
        self.capture_keys.record()

    def action_bookmark(self) -> None:
        self.capture_keys.bookmark()

    def action_bookmarks(self) -> None:
        self.capture_keys.bookmarks()

    def action_replay_pause(self) -> None:
        self.capture_keys.pause()

    def action_replay_speed(self, step: int) -> None:
        self.capture_keys.speed(step)

    def action_replay_marker(self, step: int) -> None:
        self.capture_keys.marker(step)

    def action_replay_seek(self) -> None:
        self.capture_keys.seek()

    def action_sources(self, which: str = "all") -> None:
        """`which` only tells the footer's binding from the quiet one: both show all."""
        self.app.push_screen(
            SourcesScreen(lambda: sources_view(self.state, self.pollers, self.now))
        )

    def action_environment(self) -> None:
        if self.state.environment is not None:
            self.app.push_screen(
                EnvironmentDetail(self.state.environment, self.now, gone=self.state.gone)
            )

    def action_refresh(self) -> None:
        if self.requests.offline("polling now"):
            return
        self.pollers.wake_all()
        self.notify("polling every source now", timeout=2)

    def action_view(self, view: str) -> None:
        panes = self.query_one(LogPanes)
        panes.show(view)
        self.show_health()
        # The keys of the view just asked for (pause, find, Enter…) should reach it.
        panes.current_log().focus()

    def action_zoom(self) -> None:
        self.pane_layout.zoom()

    def action_airflow(self) -> None:
        self.pane_layout.airflow()

    def on_resize(self, event: events.Resize) -> None:
        self.pane_layout.fit(event.size.width, event.size.height)

    def on_screen_resume(self) -> None:
        self.pane_layout.fit(self.size.width, self.size.height)  # resized under a modal

    # -- what the panes ask for: answered in screens/requests.py ---------------------------

    def on_metrics_panel_chart_requested(self, message: MetricsPanel.ChartRequested) -> None:
        self.requests.chart(message.series)

    def on_metrics_panel_visible_changed(self, message: MetricsPanel.VisibleChanged) -> None:
        self.requests.visible(message.keys)

    def on_metrics_panel_range_changed(self, message: MetricsPanel.RangeChanged) -> None:
        if self.requests.metrics_range(message.seconds):
            self.query_one("#metrics").border_title = f"Metrics · {message.label}"

    def on_alarms_pane_detail_requested(self, message: AlarmsPane.DetailRequested) -> None:
        self.requests.alarm_detail(message.alarm)

    def on_alarms_pane_history_requested(self, message: AlarmsPane.HistoryRequested) -> None:
        self.requests.history(message.alarm)

    def on_alarms_pane_chart_requested(self, message: AlarmsPane.ChartRequested) -> None:
        self.requests.chart_of(message.alarm)

    def on_alarms_pane_logs_requested(self, message: AlarmsPane.LogsRequested) -> None:
        self.requests.alarm_logs(message.alarm)

    def on_trail_pane_load_older(self, message: TrailPane.LoadOlder) -> None:
        self.requests.older_trail(self.query_one(TrailPane))

    def on_trail_pane_pick_requested(self, message: TrailPane.PickRequested) -> None:
        self.requests.pick(self.query_one(TrailPane), message.choices)

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        if isinstance(event.data_table, TrailTable):
            event.stop()
            if (selected := event.data_table.selected()) is not None:
                self.requests.trail_event(selected)

    def on_airflow_pane_task_log_requested(self, message: AirflowPane.TaskLogRequested) -> None:
        self.requests.task_log(message.task)

    def on_airflow_pane_trace_requested(self, message: AirflowPane.TraceRequested) -> None:
        self.app.push_screen(ImportErrorTrace(message.error))

    def on_log_view_line_chosen(self, message: LogView.LineChosen) -> None:
        self.requests.line(message.event, message.text)

    def on_log_panes_save(self, message: LogPanes.Save) -> None:
        self.requests.save(message.view, message.text)

    def on_log_panes_tasks_requested(self, message: LogPanes.TasksRequested) -> None:
        self.requests.tasks()

    def on_log_panes_insights_requested(self, message: LogPanes.InsightsRequested) -> None:
        self.requests.insights(message.view, message.text)

    def on_log_panes_backfill_requested(self, message: LogPanes.BackfillRequested) -> None:
        self.requests.backfill()
