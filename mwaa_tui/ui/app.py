"""The main screen: header, log panes, metrics, alarms, CloudTrail, status line."""

from __future__ import annotations

import gc
import json
import os
import time
from functools import partial
from typing import Any, ClassVar, assert_never

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.driver import Driver
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Footer
from textual.worker import Worker

from mwaa_tui.aws.clients import AwsGateway, ConfigError
from mwaa_tui.core.callstats import worst_pace
from mwaa_tui.core.cost import project_cost
from mwaa_tui.core.format import health_line
from mwaa_tui.core.health import during_outage, expired_advice
from mwaa_tui.core.lifecycle import is_gone
from mwaa_tui.core.snapshots import (
    COMPONENTS,
    AlarmsSnapshot,
    EnvironmentSnapshot,
    HealthUpdate,
    LogBatch,
    LogConfig,
    MetricsSnapshot,
    SourceHealth,
    TrailBatch,
    Update,
)
from mwaa_tui.pollers.alarms import AlarmsPoller
from mwaa_tui.pollers.base import Poller
from mwaa_tui.pollers.environment import EnvironmentPoller
from mwaa_tui.pollers.logs import LogPoller
from mwaa_tui.pollers.metrics import MetricsPoller
from mwaa_tui.pollers.trail import TrailPoller
from mwaa_tui.ui.config import AppConfig, Intervals
from mwaa_tui.ui.messages import Updated
from mwaa_tui.ui.polling import current_paces, polling_plan
from mwaa_tui.ui.requests import UserRequests
from mwaa_tui.ui.screens.environment import EnvironmentDetail
from mwaa_tui.ui.screens.help import HelpScreen
from mwaa_tui.ui.screens.picker import EnvironmentPicker
from mwaa_tui.ui.screens.sources import SourcesScreen, sources_view
from mwaa_tui.ui.terminal import TerminalDriver, driver_class, watchdog
from mwaa_tui.ui.text import SEVERITY_STYLE
from mwaa_tui.ui.widgets.alarms import AlarmsPane
from mwaa_tui.ui.widgets.header import EnvironmentHeader
from mwaa_tui.ui.widgets.logs import TAGS, VIEWS, LogPanes
from mwaa_tui.ui.widgets.metrics import MetricsPanel
from mwaa_tui.ui.widgets.status import StatusLine
from mwaa_tui.ui.widgets.trail import TrailPane, TrailTable

__all__ = ["AppConfig", "Intervals", "MwaaApp"]

PANES = ("logs", "metrics", "alarms", "trail")
FREEZE_AFTER_SECONDS = 15.0
PANE_NAMES = {
    "LogView": "log view",
    "MetricsPanel": "metrics",
    "AlarmTable": "alarms",
    "TrailTable": "CloudTrail",
}


class MwaaApp(UserRequests):
    """mwaa-tui's one screen. Pollers emit typed updates; this routes them to widgets."""

    CSS_PATH = "app.tcss"
    TITLE = "mwaa-tui"
    HORIZONTAL_BREAKPOINTS = [
        (0, "-narrow"),
        (110, "-wide"),
    ]
    VERTICAL_BREAKPOINTS = [(0, "-short"), (32, "-tall")]
    ENABLE_COMMAND_PALETTE = True
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
        self._heap_frozen = False
        self._ticks = 0
        self._sources_failing = False
        self._subtitles: dict[str | None, tuple[str, str]] = {}
        self.since_seconds = config.since_seconds
        """How far back the log tail starts; `b` changes it."""

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
        self.main.query_one("#log-view-All").focus()
        self.set_interval(1.0, self.tick)
        self.set_timer(FREEZE_AFTER_SECONDS, self._freeze_heap)  # if a source never answers
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

    def get_driver_class(self) -> type[Driver]:
        # SIGTERM, SIGINT and SIGHUP exit through Textual, so the terminal is restored (the
        # default action would leave it in raw mode); a terminal that has gone (a dropped SSH
        # session) is left alone and the app exits with 129. See ui/terminal.py.
        return driver_class(super().get_driver_class())

    def exit(self, result: Any = None, return_code: int = 0, message: Any = None) -> None:
        if isinstance(self._driver, TerminalDriver):
            watchdog.arm(return_code)  # the shutdown that follows is bounded
        super().exit(result, return_code, message)

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
            poller.run(self.emit), name=poller.source, group="pollers", exit_on_error=False
        )
        self.pollers[poller.source] = (poller, worker)

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

    def emit(self, update: Update) -> None:
        """What every poller is given: the update goes through the app's message queue."""
        self.post_message(Updated(update))

    def on_updated(self, message: Updated) -> None:
        if self.winding_down:
            return
        now = self.clock()
        match message.update:
            case HealthUpdate(health=health):
                self.health[health.source] = health
                self._refresh_health(now)
            case LogBatch() as batch:
                self.main.query_one(LogPanes).add(batch)
                if batch.events:
                    self._mark_data("logs")
            case EnvironmentSnapshot() as snapshot:
                self._apply_environment(snapshot)
                self._reconcile_logs(snapshot)
                self._mark_data("environment")
            case MetricsSnapshot() as metrics:
                self.main.query_one(MetricsPanel).show(metrics)
                self._mark_data("metrics")
            case AlarmsSnapshot() as alarms:
                self._apply_alarms(alarms, now)
                self._mark_data("alarms")
            case TrailBatch() as batch:
                pane = self.main.query_one(TrailPane)
                pane.add_events(batch.events, now, exhausted=batch.exhausted)
                if batch.older:
                    pane.older_loaded()
                    pane.redraw(now)
                self._mark_data("trail")
                self._refresh_header(now)
            case unknown:
                assert_never(unknown)

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
            self.main.query_one(StatusLine).show(
                self.gateway.stats.summary(now),
                self.config.note,
                projected=project_cost(polling_plan(self.pollers)),
                pace=worst_pace(current_paces(self.gateway)),
                alert=expired_advice(self.health.values()),
            )
        failing = any(h.error is not None for h in self.health.values())
        if failing != self._sources_failing:
            self._sources_failing = failing
            self.refresh_bindings()  # the footer's `!` comes and goes with failures
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
            health_line(self.health_of("environment"), now),
            trail_errors,
            gone=is_gone(self.health.get("environment"), self.snapshot),
        )

    def _refresh_health(self, now: float) -> None:
        for widget_id, source in (
            ("#metrics", "metrics"),
            ("#alarms", "alarms"),
            ("#trail", "cloudtrail"),
        ):
            self._subtitle(self.main.query_one(widget_id), self.health_of(source), now)
        panes = self.main.query_one(LogPanes)
        if panes.current == "All":
            sources = [s for s in self.health if s.startswith("logs:")]
            worst = max(
                (h for s in sources if (h := self.health_of(s)) is not None),
                key=lambda h: (h.error is not None, h.failures),
                default=None,
            )
            self._subtitle(panes, worst, now)
        else:
            self._subtitle(panes, self.health_of(f"logs:{panes.current}"), now)

    def health_of(self, source: str) -> SourceHealth | None:
        """A source's health, showing an outage of its endpoint before its own next poll."""
        outages = self.gateway.unreachable if self.gateway is not None else {}
        return during_outage(self.health.get(source), source, outages)

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
            self.call_after_refresh(self._freeze_heap)

    def _freeze_heap(self) -> None:
        """Once every pane has data, what exists (modules, AWS models, widgets) lives as long
        as the app: frozen, full garbage collections stop scanning it. Without this a busy
        tail stalled the screen for 100 ms every few seconds."""
        if self._heap_frozen:
            return
        self._heap_frozen = True
        gc.collect()
        gc.freeze()

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

    def action_environment(self) -> None:
        if self.snapshot is not None and not isinstance(self.screen, EnvironmentDetail):
            gone = is_gone(self.health.get("environment"), self.snapshot)
            self.push_screen(EnvironmentDetail(self.snapshot, self.clock(), gone=gone))

    def action_refresh(self) -> None:
        for poller, _ in self.pollers.values():
            poller.wake()
        self.notify("polling every source now", timeout=2)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "sources" and parameters == ("failing",):
            return self._sources_failing
        return super().check_action(action, parameters)

    def action_sources(self, which: str = "all") -> None:
        """`which` only tells the footer's binding from the quiet one: both show all."""
        if not isinstance(self.screen, SourcesScreen):
            self.push_screen(SourcesScreen(partial(sources_view, self)))

    def action_view(self, view: str) -> None:
        panes = self.main.query_one(LogPanes)
        panes.show(view)
        panes.border_title = self._logs_title()
        self._refresh_health(self.clock())
        # The keys of the view just asked for (pause, find, Enter…) should reach it.
        panes.current_log().focus()

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
