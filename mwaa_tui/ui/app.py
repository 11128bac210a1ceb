"""The main screen: header, log panes, metrics, alarms, CloudTrail, status line."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any, ClassVar

from rich.text import Text
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import DataTable, Footer
from textual.worker import Worker

from mwaa_tui.aws.clients import AwsError, AwsGateway, AwsSettings, ConfigError
from mwaa_tui.core.catalogue import DiscoveredSeries
from mwaa_tui.core.format import health_line, parse_duration
from mwaa_tui.core.snapshots import (
    COMPONENTS,
    AlarmsSnapshot,
    EnvironmentSnapshot,
    HealthUpdate,
    LogBatch,
    LogConfig,
    MetricSeries,
    MetricsSnapshot,
    SourceHealth,
    TrailBatch,
)
from mwaa_tui.files import default_directory, save_private
from mwaa_tui.pollers.alarms import AlarmsPoller
from mwaa_tui.pollers.base import Poller
from mwaa_tui.pollers.environment import EnvironmentPoller
from mwaa_tui.pollers.logs import LogPoller, fetch_window
from mwaa_tui.pollers.metrics import MetricsPoller
from mwaa_tui.pollers.trail import TrailPoller
from mwaa_tui.ui.messages import PollerUpdate
from mwaa_tui.ui.screens.alarm_history import AlarmHistory
from mwaa_tui.ui.screens.chart import MetricChart, chart_series, thresholds
from mwaa_tui.ui.screens.help import HelpScreen
from mwaa_tui.ui.screens.insights import InsightsSearch
from mwaa_tui.ui.screens.line_detail import LineDetail
from mwaa_tui.ui.screens.log_window import LogWindow
from mwaa_tui.ui.screens.picker import ChoicePicker, EnvironmentPicker
from mwaa_tui.ui.screens.task_logs import TaskBrowser
from mwaa_tui.ui.screens.trail_detail import TrailDetail
from mwaa_tui.ui.text import SEVERITY_STYLE
from mwaa_tui.ui.widgets.alarms import AlarmsPane
from mwaa_tui.ui.widgets.header import EnvironmentHeader
from mwaa_tui.ui.widgets.logs import TAGS, VIEWS, LogPanes
from mwaa_tui.ui.widgets.logview import LogView
from mwaa_tui.ui.widgets.metrics import MetricsPanel
from mwaa_tui.ui.widgets.status import StatusLine
from mwaa_tui.ui.widgets.trail import TrailPane, TrailTable

PANES = ("logs", "metrics", "alarms", "trail")
BACKFILLS = (
    ("1m", 60.0),
    ("10m", 600.0),
    ("30m", 1800.0),
    ("1h", 3600.0),
    ("6h", 21600.0),
    ("24h", 86400.0),
)
PANE_NAMES = {
    "LogView": "log view",
    "MetricsPanel": "metrics",
    "AlarmTable": "alarms",
    "TrailTable": "CloudTrail",
}


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


@dataclass(frozen=True)
class AppConfig:
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


class MwaaApp(App[int]):
    """mwaa-tui's one screen. Pollers post `PollerUpdate`s; this routes them to widgets."""

    CSS_PATH = "app.tcss"
    TITLE = "mwaa-tui"
    HORIZONTAL_BREAKPOINTS = [
        (0, "-narrow"),
        (110, "-wide"),
    ]
    VERTICAL_BREAKPOINTS = [(0, "-short"), (32, "-tall")]
    ENABLE_COMMAND_PALETTE = True
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("q", "quit", "Quit", id="quit", tooltip="Quit and restore the terminal"),
        Binding(
            "ctrl+c",
            "quit",
            "Quit",
            show=False,
            priority=True,
            id="quit-ctrl-c",
            tooltip="Quit (also Ctrl+Q)",
        ),
        Binding("question_mark", "help", "Keys", id="help", tooltip="Show every key binding"),
        Binding("r", "refresh", "Refresh", id="refresh", tooltip="Poll every source now"),
        Binding(
            "z", "zoom", "Zoom", id="zoom", tooltip="Fullscreen the focused pane (again: back)"
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

    def __init__(self, config: AppConfig) -> None:
        super().__init__()
        self.config = config
        self.clock = config.clock
        self.environment: str | None = config.environment
        self.gateway: AwsGateway | None = None
        self.snapshot: EnvironmentSnapshot | None = config.initial
        self.health: dict[str, SourceHealth] = {}
        self.alarms: AlarmsSnapshot | None = None
        self.pollers: dict[str, tuple[Poller, Worker[None]]] = {}
        self.log_configs: dict[str, LogConfig] = {}
        self.seen: set[str] = set()
        """Which kinds of data have arrived, for the first-data timing."""
        self._timed_all = False
        self._ticks = 0
        self._subtitles: dict[str | None, tuple[str, str]] = {}
        self.since_seconds = config.since_seconds
        """How far back the log tail starts; `b` changes it."""

    @property
    def main(self) -> Screen[Any]:
        """The main screen, whatever modal is on top of it."""
        return self.screen_stack[0]

    def _fatal_error(self) -> None:
        """Textual's crash report shows local variables, which can hold credentials: not here."""
        import rich
        from rich.segment import Segments
        from rich.traceback import Traceback

        self.bell()
        report = Traceback(show_locals=False, width=None, suppress=[rich])
        self._exit_renderables.append(Segments(self.console.render(report, self.console.options)))
        self._close_messages_no_wait()

    # -- layout ------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield EnvironmentHeader(self.config.aws.region or "", self.config.where, id="header")
        with Vertical(id="main"):
            with Horizontal(id="top"):
                yield LogPanes(self.config.buffer_lines, id="logs")
                yield MetricsPanel(id="metrics")
            with Horizontal(id="bottom"):
                yield AlarmsPane(id="alarms")
                yield TrailPane(self.config.environment or "", id="trail")
        yield StatusLine(id="status")
        yield Footer()

    def on_mount(self) -> None:
        self.main.query_one("#logs").border_title = self._logs_title()
        self.main.query_one("#metrics").border_title = "Metrics · 1h"
        self.main.query_one("#alarms").border_title = "Alarms"
        self.main.query_one("#trail").border_title = "CloudTrail"
        self._install_signal_handlers()
        self.main.query_one("#log-view-All").focus()
        self.set_interval(1.0, self.tick)
        self.tick()
        self.call_after_refresh(self._mark, "first_paint")
        if self.snapshot is not None:
            self._apply_environment(self.snapshot)
        for problem in self.config.config_errors:
            self.notify(problem, title="Config", severity="warning", timeout=20, markup=False)
        if self.environment:
            # After the first frame: importing the AWS stack would hold it back.
            self.call_after_refresh(self.start_monitoring, self.environment)
        elif self.config.choices:
            self.push_screen(
                EnvironmentPicker(list(self.config.choices), self.config.aws.region or ""),
                self._picked,
            )

    def _picked(self, name: str | None) -> None:
        if name:
            self.environment = name
            self.start_monitoring(name)

    def _install_signal_handlers(self) -> None:
        # SIGTERM and SIGHUP (a dropped SSH session) exit through Textual, so the
        # terminal is restored; the default action would leave it in raw mode.
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGHUP, signal.SIGINT):
            with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
                loop.add_signal_handler(sig, partial(self.exit, return_code=128 + int(sig)))

    # -- pollers -----------------------------------------------------------------------------

    def start_monitoring(self, name: str) -> None:
        self.run_worker(self._start(name), name="start", group="setup", exit_on_error=False)

    async def _start(self, name: str) -> None:
        gateway = AwsGateway(self.config.aws, clock=self.clock, timer=self.config.timer)
        try:
            await gateway.open()
        except ConfigError as exc:
            self.notify(str(exc), title="AWS", severity="error", timeout=30, markup=False)
            return
        self.gateway = gateway
        iv = self.config.intervals
        kw: dict[str, Any] = {"clock": self.clock}
        self._run(EnvironmentPoller(gateway, name, interval=iv.environment, **kw))
        self._run(
            MetricsPoller(gateway, name, interval=iv.metrics, extra=self.config.extra_panels, **kw)
        )
        self._run(
            AlarmsPoller(
                gateway, name, interval=iv.alarms, extra_names=self.config.extra_alarms, **kw
            )
        )
        self._run(TrailPoller(gateway, interval=iv.trail, redact=self.config.redact, **kw))
        if self.snapshot is not None:
            self._reconcile_logs(self.snapshot)

    def _run(self, poller: Poller) -> None:
        old = self.pollers.pop(poller.source, None)
        if old is not None:
            old[1].cancel()
        worker = self.run_worker(
            poller.run(self._emit), name=poller.source, group="pollers", exit_on_error=False
        )
        self.pollers[poller.source] = (poller, worker)

    def _emit(self, payload: object) -> None:
        self.post_message(PollerUpdate(payload))

    def _reconcile_logs(self, snapshot: EnvironmentSnapshot) -> None:
        """Start, stop or move log pollers when the logging configuration changes."""
        if self.gateway is None:
            return
        for component in COMPONENTS:
            cfg = snapshot.log_config(component)
            if cfg is None or cfg == self.log_configs.get(component):
                continue
            self.log_configs[component] = cfg
            source = f"logs:{component}"
            if cfg.enabled and cfg.group_name:
                self._run(
                    LogPoller(
                        self.gateway,
                        cfg,
                        since_seconds=self.since_seconds,
                        redact=self.config.redact,
                        interval=self.config.intervals.logs,
                        clock=self.clock,
                    )
                )
            elif source in self.pollers:
                self.pollers.pop(source)[1].cancel()
                self.health.pop(source, None)

    async def on_unmount(self) -> None:
        for _, worker in self.pollers.values():
            worker.cancel()
        if self.gateway is not None:
            await self.gateway.close()

    # -- updates -----------------------------------------------------------------------------

    @property
    def winding_down(self) -> bool:
        """True once the app is exiting: widgets may already be gone."""
        main = self.screen_stack[0] if self.screen_stack else None
        return self._exit or main is None or main._closing or main._closed

    def on_poller_update(self, message: PollerUpdate) -> None:
        if self.winding_down:
            return
        payload = message.payload
        now = self.clock()
        if isinstance(payload, HealthUpdate):
            self.health[payload.health.source] = payload.health
            self._refresh_health(now)
        elif isinstance(payload, LogBatch):
            self.main.query_one(LogPanes).add(payload)
            if payload.events:
                self._mark_data("logs")
        elif isinstance(payload, EnvironmentSnapshot):
            self._apply_environment(payload)
            self._reconcile_logs(payload)
            self._mark_data("environment")
        elif isinstance(payload, MetricsSnapshot):
            self.main.query_one(MetricsPanel).show(payload)
            self._mark_data("metrics")
        elif isinstance(payload, AlarmsSnapshot):
            self._apply_alarms(payload, now)
            self._mark_data("alarms")
        elif isinstance(payload, TrailBatch):
            pane = self.main.query_one(TrailPane)
            pane.add_events(payload.events, now, exhausted=payload.exhausted)
            if payload.older:
                pane.older_loaded()
                pane.redraw(now)
            self._mark_data("trail")
            self._refresh_header(now)

    def _apply_environment(self, snapshot: EnvironmentSnapshot) -> None:
        self.snapshot = snapshot
        panes = self.main.query_one(LogPanes)
        for cfg in snapshot.logging:
            panes.set_config(cfg)
        self.main.query_one("#logs").border_title = self._logs_title()
        self._refresh_header(self.clock())

    def _apply_alarms(self, snapshot: AlarmsSnapshot, now: float) -> None:
        previous = {a.name: a.state for a in self.alarms.alarms} if self.alarms else None
        self.alarms = snapshot
        self.main.query_one(AlarmsPane).show(snapshot.alarms, now)
        self.main.query_one(MetricsPanel).set_alarms(snapshot.alarms)
        if previous is not None:
            for alarm in snapshot.alarms:
                old = previous.get(alarm.name)
                if old is not None and old != alarm.state:
                    if alarm.state == "ALARM" and self.config.bell:
                        self.bell()
                    self.notify(
                        f"{alarm.name}: {old} → {alarm.state}",
                        title="Alarm",
                        severity="error" if alarm.state == "ALARM" else "information",
                        markup=False,
                    )
        self._refresh_header(now)

    # -- periodic ----------------------------------------------------------------------------

    def tick(self) -> None:
        if self.winding_down:
            return
        now = self.clock()
        self._refresh_health(now)
        self._refresh_header(now)
        self._ticks += 1
        # The status line's rates move every second; redrawing it each 5 s is plenty.
        if self.gateway is not None and (self._ticks % 5 == 1 or self._ticks < 5):
            self.main.query_one(StatusLine).show(self.gateway.stats.summary(now), self.config.note)
        if self._ticks % 5 == 0:
            if self.alarms is not None:
                self.main.query_one(AlarmsPane).show(self.alarms.alarms, now)
            self.main.query_one(TrailTable).refresh_times(now)
            self.main.query_one(TrailPane).redraw_status(now)

    def _refresh_header(self, now: float) -> None:
        in_alarm = sum(1 for a in self.alarms.alarms if a.state == "ALARM") if self.alarms else 0
        trail_errors = self.main.query_one(TrailPane).errors_last_hour(now)
        self.main.query_one(EnvironmentHeader).show(
            self.snapshot,
            now,
            in_alarm,
            health_line(self.health.get("environment"), now),
            trail_errors,
        )

    def _refresh_health(self, now: float) -> None:
        for widget_id, source in (
            ("#metrics", "metrics"),
            ("#alarms", "alarms"),
            ("#trail", "cloudtrail"),
        ):
            self._subtitle(self.main.query_one(widget_id), self.health.get(source), now)
        panes = self.main.query_one(LogPanes)
        if panes.current == "All":
            sources = [s for s in self.health if s.startswith("logs:")]
            worst = max(
                (self.health[s] for s in sources),
                key=lambda h: (h.error is not None, h.failures),
                default=None,
            )
            self._subtitle(panes, worst, now)
        else:
            self._subtitle(panes, self.health.get(f"logs:{panes.current}"), now)

    def _subtitle(self, widget: Widget, health: SourceHealth | None, now: float) -> None:
        line = health_line(health, now)
        if self._subtitles.get(widget.id) == line:
            return  # a border change repaints the whole pane
        self._subtitles[widget.id] = line
        text, severity = line
        widget.border_subtitle = Text(text, style=SEVERITY_STYLE[severity])
        widget.set_class(severity == "error", "-failing")

    def _logs_title(self) -> Text:
        panes = self.main.query_one(LogPanes)
        out = Text()
        for i, view in enumerate(VIEWS):
            label = f"{i + 1} {TAGS.get(view, view)}"
            cfg = self.snapshot.log_config(view) if self.snapshot and view != "All" else None
            style = "dim strike" if cfg is not None and not cfg.enabled else ""
            if view == panes.current:
                style = "bold reverse"
            out.append(f" {label} ", style=style)
        return out

    # -- timings for bench/ ------------------------------------------------------------------

    def _mark(self, event: str) -> None:
        path = self.config.timings_path or os.environ.get("MWAA_TUI_TIMINGS")
        if path:
            with open(path, "a", encoding="utf-8") as fh:
                fh.write(json.dumps({"event": event, "t": time.time()}) + "\n")

    def _mark_data(self, kind: str) -> None:
        self.seen.add(kind)
        if (
            not self._timed_all
            and {"environment", "logs", "metrics", "alarms", "trail"} <= self.seen
        ):
            self._timed_all = True
            self.call_after_refresh(self._mark, "all_data")

    # -- actions -----------------------------------------------------------------------------

    def action_help(self) -> None:
        sections: list[tuple[str, list[Binding]]] = [("Everywhere", self._bindings_of(self))]
        focused = self.focused
        if focused is not None:
            own = self._bindings_of(focused)
            if own:
                pane = PANE_NAMES.get(type(focused).__name__, type(focused).__name__)
                sections.append((f"In the focused pane ({pane})", own))
        self.push_screen(HelpScreen(sections))

    @staticmethod
    def _bindings_of(node: Any) -> list[Binding]:
        """The described bindings of `node` and its ancestors below the screen."""
        out: list[Binding] = []
        while node is not None and not isinstance(node, Screen):
            for b in getattr(node, "BINDINGS", []):
                if isinstance(b, Binding) and (b.description or b.tooltip) and b not in out:
                    out.append(b)
            node = node.parent
        return out

    def action_refresh(self) -> None:
        for poller, _ in self.pollers.values():
            poller.wake()
        self.notify("polling every source now", timeout=2)

    def action_view(self, view: str) -> None:
        panes = self.main.query_one(LogPanes)
        panes.show(view)
        panes.border_title = self._logs_title()
        self._refresh_health(self.clock())

    def action_zoom(self) -> None:
        target: Widget | None = self.focused
        while target is not None and target.id not in PANES:
            target = target.parent if isinstance(target.parent, Widget) else None
        zoomed = self.screen.has_class("-zoomed")
        if zoomed or target is None:
            self.screen.remove_class("-zoomed")
            for node in self.main.query("#top, #bottom, #logs, #metrics, #alarms, #trail"):
                node.display = True
                node.remove_class("-zoom")
            return
        self.screen.add_class("-zoomed")
        target.add_class("-zoom")
        for pane_id in PANES:
            self.main.query_one(f"#{pane_id}").display = pane_id == target.id
        top = target.id in ("logs", "metrics")
        self.main.query_one("#top").display = top
        self.main.query_one("#bottom").display = not top

    def on_metrics_panel_chart_requested(self, message: MetricsPanel.ChartRequested) -> None:
        self._chart(message.series)

    def _chart(self, series: MetricSeries) -> None:
        panel = self.main.query_one(MetricsPanel)
        everything = panel.snapshot.series if panel.snapshot else (series,)
        alarms = self.alarms.alarms if self.alarms else ()
        self.push_screen(MetricChart(chart_series(series, everything), thresholds(series, alarms)))

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

    def on_alarms_pane_act(self, message: AlarmsPane.Act) -> None:
        alarm = message.alarm
        if message.what == "logs":
            moment = alarm.updated or self.clock()
            self.show_logs_around(moment, f"Logs around {alarm.name} → {alarm.state}")
        elif message.what == "history":
            self.run_worker(self._history(alarm.name), group="alarm-history", exclusive=True)
        elif message.what == "chart":
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
        try:
            resp = await self.gateway.call(
                "cloudwatch",
                "describe_alarm_history",
                AlarmName=name,
                HistoryItemType="StateUpdate",
                MaxRecords=50,
            )
        except AwsError as exc:
            self._failed(exc, "Alarm history")
            return
        self.push_screen(AlarmHistory(name, list(resp.get("AlarmHistoryItems") or ())))

    def _failed(self, exc: AwsError, title: str) -> None:
        """A one-off request the user made failed: say why, in plain words."""
        self.notify(exc.info.describe(), title=title, severity="error", markup=False)

    def on_trail_pane_load_older(self, message: TrailPane.LoadOlder) -> None:
        entry = self.pollers.get("cloudtrail")
        if entry is None or not isinstance(entry[0], TrailPoller):
            self.main.query_one(TrailPane).older_loaded()
            return
        self.run_worker(self._load_older(entry[0]), group="trail-older", exclusive=True)

    async def _load_older(self, poller: TrailPoller) -> None:
        try:
            await poller.load_older(self._emit)
        except AwsError as exc:
            self.main.query_one(TrailPane).older_loaded()
            self._failed(exc, "CloudTrail")

    def on_log_panes_save(self, message: LogPanes.Save) -> None:
        name = f"logs-{self.environment or 'mwaa'}-{message.view}-{int(self.clock())}.log"
        self._save(name, message.text)

    def _save(self, name: str, text: str) -> None:
        try:
            path = save_private(self.config.save_dir, name, text)
        except OSError as exc:
            self.notify(f"could not save: {exc}", title="Save", severity="error", markup=False)
            return
        self.notify(f"saved to {path}", title="Save", markup=False, timeout=8)

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
        self.run_worker(
            self._logs_around(moment, title, before, after), group="log-window", exclusive=True
        )

    async def _logs_around(self, moment: float, title: str, before: float, after: float) -> None:
        if self.gateway is None or self.snapshot is None:
            return
        start, end = moment - before, moment + after
        self.notify("fetching logs…", timeout=2)
        try:
            events = await fetch_window(
                self.gateway,
                self.snapshot.logging,
                int(start * 1000),
                int(end * 1000),
                redact=self.config.redact,
            )
        except AwsError as exc:
            self._failed(exc, "Logs")
            return
        self.push_screen(LogWindow(title, start, end, events))

    def on_log_view_line_chosen(self, message: LogView.LineChosen) -> None:
        self.push_screen(LineDetail(message.event, message.text))

    def on_log_panes_requested(self, message: LogPanes.Requested) -> None:
        if message.what == "since":
            choices = [
                f"{label}{'  (now)' if secs == self.since_seconds else ''}"
                for label, secs in BACKFILLS
            ]
            self.push_screen(
                ChoicePicker("Start the tail how far back? (reloads every view)", choices),
                self._since_picked,
            )
            return
        if self.gateway is None or self.snapshot is None:
            self.notify("waiting for the environment", markup=False)
            return
        if message.what == "tasks":
            cfg = self.snapshot.log_config("Task")
            if cfg is None or not cfg.enabled or not cfg.group_name:
                self.notify("task logs are disabled in this environment", markup=False)
                return
            self.push_screen(
                TaskBrowser(self.gateway, cfg.group_name, self.clock, redact=self.config.redact)
            )
        elif message.what == "insights":
            configs = [
                c
                for c in self.snapshot.logging
                if message.view == "All" or c.component == message.view
            ]
            self.push_screen(
                InsightsSearch(
                    self.gateway, configs, message.text, self.clock, redact=self.config.redact
                )
            )

    def _since_picked(self, choice: str | None) -> None:
        if not choice:
            return
        self.since_seconds = parse_duration(choice.split()[0])
        panes = self.main.query_one(LogPanes)
        panes.reset()
        # New pollers for every component, starting from the new point.
        self.log_configs.clear()
        if self.snapshot is not None:
            self._reconcile_logs(self.snapshot)
        self.notify(f"log tail now starts {choice.split()[0]} back", timeout=3, markup=False)

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        if isinstance(event.data_table, TrailTable):
            selected = event.data_table.selected()
            event.stop()
            if selected is not None:
                self.push_screen(TrailDetail(selected))
