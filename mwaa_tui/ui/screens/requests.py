"""What the main screen's panes ask for, answered: the screens they open (a chart, alarm
history, the logs around a moment, a CloudTrail event, a task's log, an import error, a log
line, Insights, the task browser), saves, older CloudTrail pages and a new backfill. The
main screen's message handlers hand each request to `PaneRequests`."""

from __future__ import annotations

from functools import partial
from typing import Any

from textual.screen import Screen

from mwaa_tui.core.alarms import watches
from mwaa_tui.core.snapshots import Alarm, LogEvent, MetricSeries, TaskInstanceRow, TrailEvent
from mwaa_tui.core.state import MonitorState
from mwaa_tui.pollers.metrics import MetricsPoller
from mwaa_tui.pollers.trail import TrailPoller
from mwaa_tui.settings import AppConfig
from mwaa_tui.ui.capture import Capture, not_in_replay
from mwaa_tui.ui.oneoff import open_screen, run_oneoff, save_file
from mwaa_tui.ui.registry import PollerRegistry
from mwaa_tui.ui.replay import ReplayCapture
from mwaa_tui.ui.screens.airflow import task_log_screen
from mwaa_tui.ui.screens.alarm_detail import AlarmDetail
from mwaa_tui.ui.screens.alarm_history import AlarmHistory
from mwaa_tui.ui.screens.chart import MetricChart, chart_series, thresholds
from mwaa_tui.ui.screens.insights import InsightsSearch
from mwaa_tui.ui.screens.line_detail import LineDetail
from mwaa_tui.ui.screens.log_window import LogWindow
from mwaa_tui.ui.screens.picker import ChoicePicker
from mwaa_tui.ui.screens.task_logs import TaskBrowser, TaskGroup
from mwaa_tui.ui.screens.trail_detail import TrailDetail
from mwaa_tui.ui.widgets.logs import LogPanes
from mwaa_tui.ui.widgets.trail import TrailPane

BACKFILLS = (
    ("1m", 60.0),
    ("10m", 600.0),
    ("30m", 1800.0),
    ("1h", 3600.0),
    ("6h", 21600.0),
    ("24h", 86400.0),
)


class PaneRequests:
    """Answers for `screen`, from the monitor's state and its pollers. In a replay, what
    would call AWS says so instead."""

    def __init__(
        self,
        screen: Screen[Any],
        config: AppConfig,
        state: MonitorState,
        pollers: PollerRegistry,
        capture: Capture,
    ) -> None:
        self.screen = screen
        self.config = config
        self.state = state
        self.pollers = pollers
        self.capture = capture

    def offline(self, what: str) -> bool:
        """In a replay, say that `what` would call AWS and do nothing (True)."""
        if isinstance(self.capture, ReplayCapture):
            self.screen.notify(not_in_replay(what), severity="warning", timeout=6, markup=False)
            return True
        return False

    def _push(self, screen: Screen[Any]) -> None:
        self.screen.app.push_screen(screen)

    def _say(self, text: str) -> None:
        self.screen.notify(text, markup=False)

    # -- metrics and alarms ----------------------------------------------------------------

    def chart(self, series: MetricSeries) -> None:
        everything = self.state.metrics.series if self.state.metrics else ()
        # The newest points for the series if the pane still has it, else what was asked.
        series = next((s for s in everything if s.key == series.key), series)
        limits = thresholds(series, self.state.alarm_list)
        shown = self.state.metrics
        # The x axis covers the range the pane shows, not only the points it has.
        span = (shown.start, shown.end, shown.period) if shown else None
        make = partial(
            MetricChart, chart_series(series, everything or (series,)), limits, span=span
        )
        open_screen(self.screen, make, "chart", group="chart")

    def chart_of(self, alarm: Alarm) -> None:
        everything = self.state.metrics.series if self.state.metrics else ()
        watched = next((s for s in everything if watches(alarm, s)), None)
        if watched is None:
            self._say("no data for this alarm's metric in the metrics pane")
        else:
            self.chart(watched)

    def visible(self, keys: set[str]) -> None:
        if (poller := self.pollers.get("metrics", MetricsPoller)) is not None:
            poller.set_visible(keys)

    def metrics_range(self, seconds: int) -> bool:
        """Fetch another time range; False in a replay, which has only what it recorded."""
        if self.offline("another time range"):
            return False
        if (poller := self.pollers.get("metrics", MetricsPoller)) is not None:
            poller.set_range(seconds)
        return True

    def alarm_detail(self, alarm: Alarm) -> None:
        """The alarm in full; its keys open the history, chart and logs as the pane's do."""
        self._push(
            AlarmDetail(
                alarm,
                self.config.clock,
                history=self.history,
                chart=self.chart_of,
                logs=self.alarm_logs,
                newest=lambda name: next(
                    (a for a in self.state.alarm_list if a.name == name), None
                ),
            )
        )

    def alarm_logs(self, alarm: Alarm) -> None:
        title = f"Logs around {alarm.name} → {alarm.state}"
        self.logs_around(alarm.updated or self.config.clock(), title)

    def history(self, alarm: Alarm) -> None:
        if not self.offline("alarm history") and self.pollers.gateway is not None:
            make = partial(AlarmHistory.load, self.pollers.gateway, alarm.name)
            open_screen(self.screen, make, "alarm history", group="alarm-history")

    def logs_around(self, moment: float, title: str) -> None:
        """Every enabled component's logs in the minutes around `moment`."""
        gateway, env = self.pollers.gateway, self.state.environment
        if self.offline("logs around a moment") or gateway is None or env is None:
            return
        self.screen.notify("fetching logs…", timeout=2)
        make = partial(
            LogWindow.around, gateway, env.logging, moment, title, redact=self.config.redact
        )
        open_screen(self.screen, make, title[:1].lower() + title[1:], group="log-window")

    # -- CloudTrail --------------------------------------------------------------------------

    def older_trail(self, pane: TrailPane) -> None:
        poller = self.pollers.get("cloudtrail", TrailPoller)
        if self.offline("older CloudTrail events") or poller is None:
            pane.older_loaded()
            return
        run_oneoff(
            self.screen,
            partial(poller.load_older, self.pollers.emit),
            "older CloudTrail events",
            group="trail-older",
            exclusive=True,
            on_error=lambda _: pane.older_loaded(),
        )

    def pick(self, pane: TrailPane, choices: list[str]) -> None:
        self.screen.app.push_screen(
            ChoicePicker("Show only (Enter picks, Esc cancels)", choices), pane.picked
        )

    def trail_event(self, event: TrailEvent) -> None:
        make = partial(
            TrailDetail, event, save_dir=self.config.save_dir, logs_around=self.logs_around
        )
        open_screen(self.screen, make, "CloudTrail event", group="trail-detail")

    # -- logs --------------------------------------------------------------------------------

    def line(self, event: LogEvent | None, text: str) -> None:
        self._push(LineDetail(event, text))

    def save(self, view: str, text: str) -> None:
        name = f"logs-{self.state.name or 'mwaa'}-{view}.log"
        save_file(self.screen, self.config.save_dir, name, text, when=self.config.clock())

    def tasks(self) -> None:
        gateway, env = self.pollers.gateway, self.state.environment
        cfg = env.log_config("Task") if env is not None else None
        if self.offline("task logs"):
            return
        if gateway is None or env is None:
            self._say("waiting for the environment")
        elif cfg is None or not cfg.enabled or not cfg.group_name:
            self._say("task logs are disabled in this environment")
        else:
            config = self.config
            group = TaskGroup(gateway, cfg.group_name, config.redact, config.intervals.logs)
            self._push(TaskBrowser(group, config.clock))

    def task_log(self, task: TaskInstanceRow) -> None:
        """The log of a task instance the Airflow pane lists, from its attempt's first line."""
        gateway, env, config = self.pollers.gateway, self.state.environment, self.config
        if self.offline("task logs"):
            return
        if gateway is None or env is None:
            self._say("waiting for the environment")
            return
        screen = task_log_screen(
            gateway, env, task, redact=config.redact, follow_seconds=config.intervals.logs
        )
        if isinstance(screen, str):
            self._say(screen)
        else:
            self._push(screen)

    def insights(self, view: str, text: str) -> None:
        gateway, env, config = self.pollers.gateway, self.state.environment, self.config
        if self.offline("Logs Insights"):
            return
        if gateway is None or env is None:
            self._say("waiting for the environment")
            return
        groups = [c for c in env.logging if view in ("All", c.component)]
        self._push(InsightsSearch(gateway, groups, text, config.clock, redact=config.redact))

    def backfill(self) -> None:
        if self.offline("backfill"):
            return
        now = self.pollers.since_seconds
        choices = [f"{label}{'  (now)' if secs == now else ''}" for label, secs in BACKFILLS]
        picker = ChoicePicker("Start the tail how far back? (reloads every view)", choices)
        self.screen.app.push_screen(picker, self._backfill_picked)

    def _backfill_picked(self, choice: str | None) -> None:
        if choice:
            label = choice.split()[0]
            self.screen.query_one(LogPanes).reset()
            # New pollers for every component, starting from the new point.
            self.pollers.backfill(dict(BACKFILLS)[label], self.state.environment)
            self.screen.notify(f"log tail now starts {label} back", timeout=3, markup=False)
