"""The main screen: the header, log panes, metrics, alarms, CloudTrail and the status line.
It draws the monitor's state, switches views and zooms, and answers what its panes ask for."""

from __future__ import annotations

from functools import partial
from typing import ClassVar

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import DataTable, Footer

from mwaa_tui.core.airflow_view import airflow_on_screen
from mwaa_tui.core.alarms import watches
from mwaa_tui.core.callstats import worst_pace
from mwaa_tui.core.cost import project_cost
from mwaa_tui.core.format import health_line
from mwaa_tui.core.health import expired_advice
from mwaa_tui.core.logview import TAGS, VIEWS
from mwaa_tui.core.snapshots import ErrorInfo, LogBatch, MetricSeries, SourceHealth
from mwaa_tui.core.state import MonitorState
from mwaa_tui.pollers.metrics import MetricsPoller
from mwaa_tui.pollers.trail import TrailPoller
from mwaa_tui.ui.capture import Capture, ReplayCapture, not_in_replay
from mwaa_tui.ui.config import AppConfig
from mwaa_tui.ui.keys import HELP, QUIT
from mwaa_tui.ui.oneoff import open_screen, run_oneoff, save_file
from mwaa_tui.ui.polling import current_paces, polling_plan
from mwaa_tui.ui.registry import PollerRegistry
from mwaa_tui.ui.screens.airflow import ImportErrorTrace, task_log_screen
from mwaa_tui.ui.screens.alarm_history import AlarmHistory
from mwaa_tui.ui.screens.capture import CAPTURE_BINDINGS, CaptureKeys
from mwaa_tui.ui.screens.chart import MetricChart, chart_series, thresholds
from mwaa_tui.ui.screens.environment import EnvironmentDetail
from mwaa_tui.ui.screens.insights import InsightsSearch
from mwaa_tui.ui.screens.line_detail import LineDetail
from mwaa_tui.ui.screens.log_window import LogWindow
from mwaa_tui.ui.screens.picker import ChoicePicker
from mwaa_tui.ui.screens.sources import SourcesScreen, sources_view
from mwaa_tui.ui.screens.task_logs import TaskBrowser, TaskGroup
from mwaa_tui.ui.screens.trail_detail import TrailDetail
from mwaa_tui.ui.text import SEVERITY_STYLE
from mwaa_tui.ui.widgets.airflow import AirflowPane
from mwaa_tui.ui.widgets.alarms import AlarmsPane
from mwaa_tui.ui.widgets.header import EnvironmentHeader
from mwaa_tui.ui.widgets.logs import LogPanes
from mwaa_tui.ui.widgets.logview import LogView
from mwaa_tui.ui.widgets.metrics import MetricsPanel
from mwaa_tui.ui.widgets.status import StatusLine
from mwaa_tui.ui.widgets.timeline import recording_badge, replay_badge, replay_lead
from mwaa_tui.ui.widgets.trail import TrailPane, TrailTable

PANES = ("logs", "metrics", "alarms", "trail", "airflow")
ROWS = {"logs": "top", "metrics": "top", "alarms": "bottom", "trail": "bottom", "airflow": ""}
"""The row each pane sits in (the Airflow pane is a row of its own)."""
BORDERS = (
    ("metrics", "metrics"),
    ("alarms", "alarms"),
    ("trail", "cloudtrail"),
    ("airflow", "airflow"),
)
"""The panes whose border shows one source's health (the log panes pick theirs)."""
BACKFILLS = (
    ("1m", 60.0),
    ("10m", 600.0),
    ("30m", 1800.0),
    ("1h", 3600.0),
    ("6h", 21600.0),
    ("24h", 86400.0),
)


class MainScreen(Screen[None]):
    """Draws `state`; the app tells it what changed. Pane requests become screens here."""

    HELP_TITLE = "Main screen"

    BINDINGS: ClassVar[list[BindingType]] = [
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
        Binding(
            "z", "zoom", "Zoom", id="zoom", tooltip="Fullscreen the focused pane (again: back)"
        ),
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
        self._borders: dict[str | None, tuple[str, str]] = {}
        self._sources_failing = False
        self._ticks = 0
        self._before_airflow: Widget | None = None
        """What had the focus before `a` went to the Airflow pane."""

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
        yield Footer()

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
        panes.border_title = self._logs_title()
        self._header()

    def add_logs(self, batch: LogBatch) -> None:
        self.query_one(LogPanes).add(batch)

    def reset(self) -> None:
        """A replay seeks: forget what is drawn; the state at the new moment follows."""
        self.query_one(LogPanes).reset()
        self.show_trail(older=False)
        self.show_alarms()
        self.show_airflow()
        self.show_health()

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
        """Each pane's border: its source's health (the merged view: the worst log's)."""
        state, outages = self.state, self._outages()
        for pane, source in BORDERS:
            self._border(self.query_one(f"#{pane}"), state.health_of(source, outages))
        panes = self.query_one(LogPanes)
        if panes.current == "All":
            self._border(panes, state.worst_health(state.log_sources, outages))
        else:
            self._border(panes, state.health_of(f"logs:{panes.current}", outages))

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

    def _border(self, pane: Widget, health: SourceHealth | None) -> None:
        text, severity = line = health_line(health, self.now)
        if self._borders.get(pane.id) != line:  # a border change repaints the whole pane
            self._borders[pane.id] = line
            pane.border_subtitle = Text(text, style=SEVERITY_STYLE[severity])
            pane.set_class(severity == "error", "-failing")

    def _logs_title(self) -> Text:
        current, env = self.query_one(LogPanes).current, self.state.environment
        out = Text()
        for i, view in enumerate(VIEWS):
            cfg = env.log_config(view) if env is not None else None
            style = "dim strike" if cfg is not None and not cfg.enabled else ""
            out.append(
                f" {i + 1} {TAGS[view]} ", style="bold reverse" if view == current else style
            )
        return out

    # -- keys ------------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "sources" and parameters == ("failing",):
            return self._sources_failing
        if not self.capture_keys.allows(action):
            return False
        return super().check_action(action, parameters)

    def _offline(self, what: str) -> bool:
        """In a replay, say that `what` would call AWS and do nothing (True)."""
        if isinstance(self.capture, ReplayCapture):
            self.notify(not_in_replay(what), severity="warning", timeout=6, markup=False)
            return True
        return False

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
        if self._offline("polling now"):
            return
        self.pollers.wake_all()
        self.notify("polling every source now", timeout=2)

    def action_view(self, view: str) -> None:
        panes = self.query_one(LogPanes)
        panes.show(view)
        panes.border_title = self._logs_title()
        self.show_health()
        # The keys of the view just asked for (pause, find, Enter…) should reach it.
        panes.current_log().focus()

    def action_zoom(self) -> None:
        target: Widget | None = self.focused
        while target is not None and target.id not in PANES:
            target = target.parent if isinstance(target.parent, Widget) else None
        if self.has_class("-zoomed") or target is None:
            self._unzoom()
            return
        self._zoom(target)

    def _zoom(self, target: Widget) -> None:
        self.add_class("-zoomed")
        target.add_class("-zoom")
        for pane_id in PANES:
            self.query_one(f"#{pane_id}").display = pane_id == target.id
        row = ROWS.get(target.id or "", "")
        self.query_one("#top").display = row == "top"
        self.query_one("#bottom").display = row == "bottom"

    def _unzoom(self) -> None:
        self.remove_class("-zoomed")
        for node in self.query("#top, #bottom, #logs, #metrics, #alarms, #trail, #airflow"):
            # Back to what the stylesheet says: the Airflow pane shows only from 120x40.
            node.styles.clear_rule("display")
            node.remove_class("-zoom")
        self.refresh(layout=True)
        airflow = self.query_one(AirflowPane)
        if not airflow.display and self.focused in airflow.walk_children():
            self._focus_back()

    def action_airflow(self) -> None:
        """From 120x40 the pane is on screen: focus it. Smaller, it opens fullscreen, as
        `z` would zoom it. Again: back to where the focus was."""
        airflow = self.query_one(AirflowPane)
        if self.focused in airflow.walk_children():
            if airflow.has_class("-zoom"):
                self._unzoom()
            self._focus_back()
            return
        self._before_airflow = self.focused
        if self.has_class("-zoomed"):
            self._unzoom()
        if not airflow_on_screen(self.size.width, self.size.height):
            self._zoom(airflow)
        airflow.focus_first()

    def _focus_back(self) -> None:
        before, self._before_airflow = self._before_airflow, None
        if before is not None and before.is_attached and before.display:
            before.focus()
        else:
            self.query_one(LogPanes).current_log().focus()

    def on_resize(self, event: events.Resize) -> None:
        self._fit(event.size.width, event.size.height)

    def on_screen_resume(self) -> None:
        self._fit(self.size.width, self.size.height)  # resized under a modal

    def _fit(self, width: int, height: int) -> None:
        self.set_class(airflow_on_screen(width, height), "-airflow")

    # -- what the panes ask for --------------------------------------------------------------

    def show_logs_around(self, moment: float, title: str) -> None:
        """Every enabled component's logs in the minutes around `moment`."""
        if self._offline("logs around a moment"):
            return
        gateway, env = self.pollers.gateway, self.state.environment
        if gateway is not None and env is not None:
            self.notify("fetching logs…", timeout=2)
            make = partial(
                LogWindow.around, gateway, env.logging, moment, title, redact=self.config.redact
            )
            open_screen(self, make, title[:1].lower() + title[1:], group="log-window")

    def chart(self, series: MetricSeries) -> None:
        everything = self.state.metrics.series if self.state.metrics else ()
        # The newest points for the series if the pane still has it, else what was asked.
        series = next((s for s in everything if s.key == series.key), series)
        limits = thresholds(series, self.state.alarm_list)
        make = partial(MetricChart, chart_series(series, everything or (series,)), limits)
        open_screen(self, make, "chart", group="chart")

    def on_metrics_panel_chart_requested(self, message: MetricsPanel.ChartRequested) -> None:
        self.chart(message.series)

    def on_metrics_panel_visible_changed(self, message: MetricsPanel.VisibleChanged) -> None:
        if (poller := self.pollers.get("metrics", MetricsPoller)) is not None:
            poller.set_visible(message.keys)

    def on_metrics_panel_range_changed(self, message: MetricsPanel.RangeChanged) -> None:
        if self._offline("another time range"):
            return
        if (poller := self.pollers.get("metrics", MetricsPoller)) is not None:
            poller.set_range(message.seconds)
        self.query_one("#metrics").border_title = f"Metrics · {message.label}"

    def on_alarms_pane_history_requested(self, message: AlarmsPane.HistoryRequested) -> None:
        if self._offline("alarm history"):
            return
        if self.pollers.gateway is not None:
            make = partial(AlarmHistory.load, self.pollers.gateway, message.alarm.name)
            open_screen(self, make, "alarm history", group="alarm-history")

    def on_alarms_pane_chart_requested(self, message: AlarmsPane.ChartRequested) -> None:
        everything = self.state.metrics.series if self.state.metrics else ()
        watched = next((s for s in everything if watches(message.alarm, s)), None)
        if watched is None:
            self.notify("no data for this alarm's metric in the metrics pane", markup=False)
        else:
            self.chart(watched)

    def on_alarms_pane_logs_requested(self, message: AlarmsPane.LogsRequested) -> None:
        alarm = message.alarm
        self.show_logs_around(
            alarm.updated or self.now, f"Logs around {alarm.name} → {alarm.state}"
        )

    def on_trail_pane_load_older(self, message: TrailPane.LoadOlder) -> None:
        pane = self.query_one(TrailPane)
        if self._offline("older CloudTrail events"):
            pane.older_loaded()
            return
        if (poller := self.pollers.get("cloudtrail", TrailPoller)) is None:
            pane.older_loaded()
            return
        run_oneoff(
            self,
            partial(poller.load_older, self.pollers.emit),
            "older CloudTrail events",
            group="trail-older",
            exclusive=True,
            on_error=lambda _: pane.older_loaded(),
        )

    def on_trail_pane_pick_requested(self, message: TrailPane.PickRequested) -> None:
        picker = ChoicePicker("Show only (Enter picks, Esc cancels)", message.choices)
        self.app.push_screen(picker, self.query_one(TrailPane).picked)

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        if isinstance(event.data_table, TrailTable):
            event.stop()
            if (selected := event.data_table.selected()) is not None:
                make = partial(
                    TrailDetail,
                    selected,
                    save_dir=self.config.save_dir,
                    logs_around=self.show_logs_around,
                )
                open_screen(self, make, "CloudTrail event", group="trail-detail")

    def on_airflow_pane_task_log_requested(self, message: AirflowPane.TaskLogRequested) -> None:
        if self._offline("task logs"):
            return
        gateway, env = self.pollers.gateway, self.state.environment
        if gateway is None or env is None:
            self.notify("waiting for the environment", markup=False)
            return
        intervals = self.config.intervals
        screen = task_log_screen(
            gateway, env, message.task, redact=self.config.redact, follow_seconds=intervals.logs
        )
        if isinstance(screen, str):
            self.notify(screen, markup=False)
        else:
            self.app.push_screen(screen)

    def on_airflow_pane_trace_requested(self, message: AirflowPane.TraceRequested) -> None:
        self.app.push_screen(ImportErrorTrace(message.error))

    def on_log_view_line_chosen(self, message: LogView.LineChosen) -> None:
        self.app.push_screen(LineDetail(message.event, message.text))

    def on_log_panes_save(self, message: LogPanes.Save) -> None:
        name = f"logs-{self.state.name or 'mwaa'}-{message.view}-{int(self.now)}.log"
        save_file(self, self.config.save_dir, name, message.text)

    def on_log_panes_tasks_requested(self, message: LogPanes.TasksRequested) -> None:
        if self._offline("task logs"):
            return
        gateway, env = self.pollers.gateway, self.state.environment
        cfg = env.log_config("Task") if env is not None else None
        if gateway is None or env is None:
            self.notify("waiting for the environment", markup=False)
        elif cfg is None or not cfg.enabled or not cfg.group_name:
            self.notify("task logs are disabled in this environment", markup=False)
        else:
            group = TaskGroup(
                gateway, cfg.group_name, self.config.redact, self.config.intervals.logs
            )
            self.app.push_screen(TaskBrowser(group, self.config.clock))

    def on_log_panes_insights_requested(self, message: LogPanes.InsightsRequested) -> None:
        if self._offline("Logs Insights"):
            return
        gateway, env, config = self.pollers.gateway, self.state.environment, self.config
        if gateway is None or env is None:
            self.notify("waiting for the environment", markup=False)
            return
        groups = [c for c in env.logging if message.view in ("All", c.component)]
        search = InsightsSearch(gateway, groups, message.text, config.clock, redact=config.redact)
        self.app.push_screen(search)

    def on_log_panes_backfill_requested(self, message: LogPanes.BackfillRequested) -> None:
        if self._offline("backfill"):
            return
        now = self.pollers.since_seconds
        choices = [f"{label}{'  (now)' if secs == now else ''}" for label, secs in BACKFILLS]
        picker = ChoicePicker("Start the tail how far back? (reloads every view)", choices)
        self.app.push_screen(picker, self._backfill_picked)

    def _backfill_picked(self, choice: str | None) -> None:
        if choice:
            label = choice.split()[0]
            self.query_one(LogPanes).reset()
            # New pollers for every component, starting from the new point.
            self.pollers.backfill(dict(BACKFILLS)[label], self.state.environment)
            self.notify(f"log tail now starts {label} back", timeout=3, markup=False)
