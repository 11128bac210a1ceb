"""What the user asks for from a pane: charts, histories, windows of logs, saved files,
task logs, Logs Insights searches and a new backfill. Mixed into `MwaaApp`."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from functools import partial
from typing import Any

from textual.app import App
from textual.screen import Screen
from textual.widgets import DataTable
from textual.worker import Worker

from mwaa_tui.aws.clients import AwsGateway
from mwaa_tui.core.sanitize import sanitize
from mwaa_tui.core.snapshots import (
    AlarmsSnapshot,
    EnvironmentSnapshot,
    LogConfig,
    MetricSeries,
    TrailEvent,
    Update,
)
from mwaa_tui.files import save_private
from mwaa_tui.pollers.base import Poller
from mwaa_tui.pollers.logs import fetch_window
from mwaa_tui.pollers.metrics import MetricsPoller
from mwaa_tui.pollers.trail import TrailPoller
from mwaa_tui.ui.config import AppConfig
from mwaa_tui.ui.oneoff import run_oneoff
from mwaa_tui.ui.screens.alarm_history import AlarmHistory
from mwaa_tui.ui.screens.chart import MetricChart, chart_series, thresholds
from mwaa_tui.ui.screens.insights import InsightsSearch
from mwaa_tui.ui.screens.line_detail import LineDetail
from mwaa_tui.ui.screens.log_window import LogWindow
from mwaa_tui.ui.screens.picker import ChoicePicker
from mwaa_tui.ui.screens.task_logs import TaskBrowser
from mwaa_tui.ui.screens.trail_detail import TrailDetail
from mwaa_tui.ui.widgets.alarms import AlarmsPane
from mwaa_tui.ui.widgets.logs import LogPanes
from mwaa_tui.ui.widgets.logview import LogView
from mwaa_tui.ui.widgets.metrics import MetricsPanel
from mwaa_tui.ui.widgets.trail import TrailPane, TrailTable

BACKFILLS = (
    ("1m", 60.0),
    ("10m", 600.0),
    ("30m", 1800.0),
    ("1h", 3600.0),
    ("6h", 21600.0),
    ("24h", 86400.0),
)


class UserRequests(App[int]):
    """Handlers for the one-off requests panes post; `MwaaApp` owns the state they read."""

    config: AppConfig
    clock: Callable[[], float]
    environment: str | None
    gateway: AwsGateway | None
    snapshot: EnvironmentSnapshot | None
    alarms: AlarmsSnapshot | None
    pollers: dict[str, tuple[Poller, Worker[None]]]
    log_configs: dict[str, LogConfig]
    since_seconds: float

    @property
    def main(self) -> Screen[Any]:
        """The main screen, whatever modal is on top of it."""
        return self.screen_stack[0]

    def emit(self, update: Update) -> None:
        """Hand an update to the app (the app's own job)."""
        raise NotImplementedError

    def _reconcile_logs(self, snapshot: EnvironmentSnapshot) -> None:
        """Start, stop or move the log pollers (the app's own job)."""
        raise NotImplementedError

    def on_metrics_panel_chart_requested(self, message: MetricsPanel.ChartRequested) -> None:
        self._chart(message.series)

    def _chart(self, series: MetricSeries) -> None:
        run_oneoff(self, partial(self._open_chart, series), "chart", group="chart")

    async def _open_chart(self, series: MetricSeries) -> None:
        panel = self.main.query_one(MetricsPanel)
        everything = panel.snapshot.series if panel.snapshot else ()
        # The newest points for the series if the pane still has it, else what was asked.
        series = next((s for s in everything if s.key == series.key), series)
        alarms = self.alarms.alarms if self.alarms else ()
        self.push_screen(
            MetricChart(chart_series(series, everything or (series,)), thresholds(series, alarms))
        )

    def _metrics_poller(self) -> MetricsPoller | None:
        entry = self.pollers.get("metrics")
        return entry[0] if entry is not None and isinstance(entry[0], MetricsPoller) else None

    def on_metrics_panel_visible_changed(self, message: MetricsPanel.VisibleChanged) -> None:
        poller = self._metrics_poller()
        if poller is not None:
            poller.set_visible(message.keys)

    def on_metrics_panel_range_changed(self, message: MetricsPanel.RangeChanged) -> None:
        poller = self._metrics_poller()
        if poller is not None:
            poller.set_range(message.seconds)
        self.main.query_one("#metrics").border_title = f"Metrics · {message.label}"

    def on_alarms_pane_logs_requested(self, message: AlarmsPane.LogsRequested) -> None:
        alarm = message.alarm
        moment = alarm.updated or self.clock()
        self.show_logs_around(moment, f"Logs around {alarm.name} → {alarm.state}")

    def on_alarms_pane_history_requested(self, message: AlarmsPane.HistoryRequested) -> None:
        run_oneoff(
            self,
            partial(self._history, message.alarm.name),
            "alarm history",
            group="alarm-history",
            exclusive=True,
        )

    def on_alarms_pane_chart_requested(self, message: AlarmsPane.ChartRequested) -> None:
        alarm = message.alarm
        panel = self.main.query_one(MetricsPanel)
        match = next(
            (
                s
                for s in (panel.snapshot.series if panel.snapshot else ())
                if (s.namespace, s.metric) == (alarm.namespace, alarm.metric)
                and set(s.dimensions) == set(alarm.dimensions)
            ),
            None,
        )
        if match is None:
            self.notify("no data for this alarm's metric in the metrics pane", markup=False)
        else:
            self._chart(match)

    async def _history(self, name: str) -> None:
        if self.gateway is None:
            return
        resp = await self.gateway.call(
            "cloudwatch",
            "describe_alarm_history",
            AlarmName=name,
            HistoryItemType="StateUpdate",
            MaxRecords=50,
        )
        self.push_screen(AlarmHistory(name, list(resp.get("AlarmHistoryItems") or ())))

    def on_trail_pane_load_older(self, message: TrailPane.LoadOlder) -> None:
        entry = self.pollers.get("cloudtrail")
        if entry is None or not isinstance(entry[0], TrailPoller):
            self.main.query_one(TrailPane).older_loaded()
            return
        run_oneoff(
            self,
            partial(entry[0].load_older, self.emit),
            "older CloudTrail events",
            group="trail-older",
            exclusive=True,
            on_error=lambda _: self.main.query_one(TrailPane).older_loaded(),
        )

    def on_log_panes_save(self, message: LogPanes.Save) -> None:
        name = f"logs-{self.environment or 'mwaa'}-{message.view}-{int(self.clock())}.log"
        self._save(name, message.text)

    def _save(self, name: str, text: str) -> None:
        run_oneoff(self, partial(self._write, name, text), "save", group="save")

    async def _write(self, name: str, text: str) -> None:
        # Off the event loop: a slow or stuck disk must not freeze the screen.
        path = await asyncio.to_thread(save_private, self.config.save_dir, name, text)
        self.notify(f"saved to {sanitize(path)}", title="Save", markup=False, timeout=8)

    def on_trail_detail_save(self, message: TrailDetail.Save) -> None:
        event = message.event
        self._save(f"cloudtrail-{event.name}-{event.event_id}.json", event.raw + "\n")

    def on_trail_detail_show_logs(self, message: TrailDetail.ShowLogs) -> None:
        event = message.event
        self.show_logs_around(event.time, f"Logs around {event.name} by {event.user}")

    def show_logs_around(
        self, moment: float, title: str, before: float = 120, after: float = 120
    ) -> None:
        """Fetch every enabled component's logs around `moment` and show them."""
        run_oneoff(
            self,
            partial(self._logs_around, moment, title, before, after),
            title[:1].lower() + title[1:],
            group="log-window",
            exclusive=True,
        )

    async def _logs_around(self, moment: float, title: str, before: float, after: float) -> None:
        if self.gateway is None or self.snapshot is None:
            return
        start, end = moment - before, moment + after
        self.notify("fetching logs…", timeout=2)
        events = await fetch_window(
            self.gateway,
            self.snapshot.logging,
            int(start * 1000),
            int(end * 1000),
            redact=self.config.redact,
        )
        self.push_screen(LogWindow(title, start, end, events))

    def on_log_view_line_chosen(self, message: LogView.LineChosen) -> None:
        self.push_screen(LineDetail(message.event, message.text))

    def on_log_panes_backfill_requested(self, message: LogPanes.BackfillRequested) -> None:
        choices = [
            f"{label}{'  (now)' if secs == self.since_seconds else ''}" for label, secs in BACKFILLS
        ]
        self.push_screen(
            ChoicePicker("Start the tail how far back? (reloads every view)", choices),
            self._since_picked,
        )

    def on_log_panes_tasks_requested(self, message: LogPanes.TasksRequested) -> None:
        if self.gateway is None or self.snapshot is None:
            self.notify("waiting for the environment", markup=False)
            return
        cfg = self.snapshot.log_config("Task")
        if cfg is None or not cfg.enabled or not cfg.group_name:
            self.notify("task logs are disabled in this environment", markup=False)
            return
        self.push_screen(
            TaskBrowser(
                self.gateway,
                cfg.group_name,
                self.clock,
                redact=self.config.redact,
                follow_seconds=self.config.intervals.logs,
            )
        )

    def on_log_panes_insights_requested(self, message: LogPanes.InsightsRequested) -> None:
        if self.gateway is None or self.snapshot is None:
            self.notify("waiting for the environment", markup=False)
            return
        configs = [
            c for c in self.snapshot.logging if message.view == "All" or c.component == message.view
        ]
        self.push_screen(
            InsightsSearch(
                self.gateway, configs, message.text, self.clock, redact=self.config.redact
            )
        )

    def _since_picked(self, choice: str | None) -> None:
        if not choice:
            return
        label = choice.split()[0]
        self.since_seconds = dict(BACKFILLS)[label]
        panes = self.main.query_one(LogPanes)
        panes.reset()
        # New pollers for every component, starting from the new point.
        self.log_configs.clear()
        if self.snapshot is not None:
            self._reconcile_logs(self.snapshot)
        self.notify(f"log tail now starts {label} back", timeout=3, markup=False)

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        if isinstance(event.data_table, TrailTable):
            selected = event.data_table.selected()
            event.stop()
            if selected is not None:
                run_oneoff(self, partial(self._open_trail_event, selected), "CloudTrail event")

    async def _open_trail_event(self, event: TrailEvent) -> None:
        self.push_screen(TrailDetail(event))
