"""The app: its configuration, the pollers, and the routing of their updates into the
monitor's state and onto the main screen (`screens/main.py`), which draws it."""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any, ClassVar, assert_never

from textual.app import App, SystemCommand
from textual.binding import Binding, BindingType
from textual.driver import Driver
from textual.notifications import SeverityLevel
from textual.screen import Screen
from textual.worker import Worker

from mwaa_tui.aws.clients import AwsGateway, ConfigError
from mwaa_tui.core.snapshots import (
    AirflowSnapshot,
    AlarmsSnapshot,
    CallBatch,
    CallRecord,
    EnvironmentSnapshot,
    HealthUpdate,
    LogBatch,
    MetricsSnapshot,
    QueryProgress,
    ReplayReset,
    TaskLogBatch,
    TrailBatch,
    Update,
)
from mwaa_tui.core.state import MonitorState
from mwaa_tui.pollers.base import Poller
from mwaa_tui.settings import AppConfig, Intervals
from mwaa_tui.ui.capture import CALLS_EVERY, LiveCapture, open_capture
from mwaa_tui.ui.colours import fit_colours
from mwaa_tui.ui.keys import HELP, QUIT, KeyCommands, check_keymap, sections
from mwaa_tui.ui.messages import Updated
from mwaa_tui.ui.milestones import FREEZE_AFTER_SECONDS, Milestones
from mwaa_tui.ui.registry import PollerRegistry
from mwaa_tui.ui.replay import ReplayCapture
from mwaa_tui.ui.screens.help import HelpScreen
from mwaa_tui.ui.screens.main import MainScreen
from mwaa_tui.ui.screens.picker import EnvironmentPicker
from mwaa_tui.ui.terminal import TerminalDriver, driver_class, watchdog

__all__ = ["AppConfig", "Intervals", "MwaaApp"]


class MwaaApp(App[int]):
    """Pollers emit typed updates; the app keeps them in `state` and tells the main screen."""

    CSS_PATH = str(Path(__file__).with_name("app.tcss"))
    """Absolute: a subclass (a test's) elsewhere keeps the styles."""
    TITLE = "mwaa-tui"
    HORIZONTAL_BREAKPOINTS = [
        (0, "-narrow"),
        (110, "-wide"),
    ]
    VERTICAL_BREAKPOINTS = [(0, "-short"), (32, "-tall")]
    ENABLE_COMMAND_PALETTE = True
    COMMANDS = App.COMMANDS | {KeyCommands}
    BINDINGS: ClassVar[list[BindingType]] = [
        # Quiet here: each screen's footer shows its own way out and `?`.
        Binding("q", "quit", "Quit", show=False, id="quit", tooltip=QUIT.tooltip),
        Binding(
            "ctrl+c",
            "quit",
            "Quit",
            show=False,
            priority=True,
            id="quit-ctrl-c",
            tooltip="Quit (also Ctrl+Q)",
        ),
        Binding("question_mark", "help", "Keys", show=False, id="help", tooltip=HELP.tooltip),
        Binding(
            "ctrl+p",
            "command_palette",
            "palette",
            show=False,
            id="palette",
            tooltip="Every action by name: the command palette",
        ),
    ]

    def __init__(self, config: AppConfig) -> None:
        super().__init__()
        fit_colours(self)  # 16 colours, none (TERM=dumb): see ui/colours.py
        # A replay's clock becomes the app's (see ui/capture.py).
        self.capture, config = open_capture(
            config, self.emit, lambda: self.state.name, self._capture_notice
        )
        self.config = config
        self.clock = config.clock
        self.state = MonitorState(config.environment, config.initial)
        self.pollers = PollerRegistry(config, self._spawn, self.emit)
        self.keymap: dict[str, str] = {}
        """Binding id → keys, as the user remapped them (config.toml's `[keys]`)."""
        self.milestones = Milestones(config.timings_path or os.environ.get("MWAA_TUI_TIMINGS"))

    @property
    def gateway(self) -> AwsGateway | None:
        return self.pollers.gateway

    @property
    def main(self) -> MainScreen:
        """The main screen, whatever modal is on top of it."""
        screen = self.screen_stack[0]
        assert isinstance(screen, MainScreen)
        return screen

    def get_default_screen(self) -> Screen[Any]:
        return MainScreen(self.config, self.state, self.pollers, self.capture)

    def _fatal_error(self) -> None:
        """Textual's crash report shows local variables, which can hold credentials: not here."""
        import rich
        from rich.segment import Segments
        from rich.traceback import Traceback

        self.bell()
        report = Traceback(show_locals=False, width=None, suppress=[rich])
        self._exit_renderables.append(Segments(self.console.render(report, self.console.options)))
        self._close_messages_no_wait()

    def on_mount(self) -> None:
        self.set_timer(FREEZE_AFTER_SECONDS, self.milestones.freeze_heap)  # a source is silent
        self.call_after_refresh(self.milestones.mark, "first_paint")
        self.keymap, unknown = check_keymap(self.config.keymap)
        self.set_keymap(self.keymap)
        for problem in [*self.config.config_errors, *unknown]:
            self.notify(problem, title="Config", severity="warning", timeout=20, markup=False)
        if isinstance(self.capture, ReplayCapture):
            # The replay stands where the pollers stand, from the first frame on; no
            # gateway is ever opened.
            replay = self.capture
            self.call_after_refresh(
                lambda: self.run_worker(replay.run(), name="replay", group="pollers")
            )
            return
        self.set_interval(CALLS_EVERY, self._record_calls)
        if self.config.record_path is not None:
            seed = [self.state.environment] if self.state.environment is not None else []
            self.capture.start(self.config.record_path, seed=seed)
        if self.state.name:
            # After the first frame: importing the AWS stack would hold it back.
            self.call_after_refresh(self.start_monitoring, self.state.name)
        elif self.config.choices:
            self.push_screen(
                EnvironmentPicker(list(self.config.choices), self.config.aws.region or ""),
                self._picked,
            )

    def _picked(self, name: str | None) -> None:
        if name:
            self.state.name = name
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
        try:
            await self.pollers.start(name)
        except ConfigError as exc:
            self.notify(str(exc), title="AWS", severity="error", timeout=30, markup=False)
            return
        if self.state.environment is not None:
            self.pollers.follow_logging(self.state.environment)
            self.pollers.follow_airflow(self.state.environment)
        if not self.winding_down:
            self.main.show_status()  # at once, not at the next of its every-5-s redraws

    def _spawn(self, poller: Poller) -> Worker[None]:
        return self.run_worker(
            poller.run(self.emit), name=poller.source, group="pollers", exit_on_error=False
        )

    async def on_unmount(self) -> None:
        if isinstance(self.capture, LiveCapture):
            await self.capture.close(self._recent_calls())
        else:
            self.capture.close()
        await self.pollers.close()

    # -- updates -----------------------------------------------------------------------------

    def emit(self, update: Update) -> None:
        """What every poller is given: the update goes through the app's message queue
        (and into the recording, if one runs, with its receive time)."""
        if isinstance(self.capture, LiveCapture):
            self.capture.record(update, self.clock())
        self.post_message(Updated(update))

    @property
    def winding_down(self) -> bool:
        """True once the app is exiting: widgets may already be gone."""
        main = self.screen_stack[0] if self.screen_stack else None
        return self._exit or main is None or main._closing or main._closed

    def on_updated(self, message: Updated) -> None:
        if self.winding_down:
            return
        state, main = self.state, self.main
        match message.update:
            case HealthUpdate(health=health):
                state.health[health.source] = health
                main.show_health()
            case LogBatch() as batch:
                main.add_logs(batch)
                if batch.events:
                    self._saw("logs")
            case EnvironmentSnapshot() as snapshot:
                state.environment = snapshot
                main.show_environment()
                for source in self.pollers.follow_logging(snapshot):
                    state.health.pop(source, None)
                self.pollers.follow_airflow(snapshot)
                self._saw("environment")
            case MetricsSnapshot() as metrics:
                state.metrics = metrics
                main.show_metrics()
                self._saw("metrics")
            case AlarmsSnapshot() as alarms:
                for change in state.set_alarms(alarms):
                    self._alarm_changed(change.alarm.name, change.was, change.alarm.state)
                main.show_alarms()
                self._saw("alarms")
            case TrailBatch() as batch:
                state.trail.add(batch)
                main.show_trail(older=batch.older)
                self._saw("trail")
            case AirflowSnapshot() as airflow:
                state.airflow = airflow
                main.show_airflow()
                self._saw("airflow")
            case TaskLogBatch() | QueryProgress():
                pass  # the task log's and Insights' pollers post to their own screens
            case CallBatch(records=records):
                for record in records:  # a replay's; live, the gateway counts its own
                    state.calls.record(record)
            case ReplayReset():
                state.reset()
                main.reset()
                # The seek's updates are queued behind this one: draw them all at once
                # after the last, not a repaint spacing later.
                self.call_later(main.settle)
            case unknown:
                assert_never(unknown)

    def _alarm_changed(self, name: str, was: str, now: str) -> None:
        if now == "ALARM" and self.config.bell:
            self.bell()
        self.notify(
            f"{name}: {was} → {now}",
            title="Alarm",
            severity="error" if now == "ALARM" else "information",
            markup=False,
        )

    # -- recording -------------------------------------------------------------------------

    def _recent_calls(self) -> list[CallRecord]:
        gateway = self.pollers.gateway
        return gateway.stats.recent(self.clock()) if gateway is not None else []

    def _record_calls(self) -> None:
        """The client layer's calls are not poller updates: hand them over every few s."""
        if isinstance(self.capture, LiveCapture) and self.capture.recorder is not None:
            self.capture.record_calls(self._recent_calls(), self.clock())

    def _capture_notice(self, message: str, severity: SeverityLevel) -> None:
        self.notify(message, title="Recording", severity=severity, timeout=15, markup=False)
        if not self.winding_down:
            self.main.show_status()  # a recording that stopped: `● REC` goes at once

    def tick(self) -> None:
        """Redraw now what ages (the main screen does so once a second)."""
        if not self.winding_down:
            self.main.tick()

    # -- keys --------------------------------------------------------------------------------

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        # Textual's key panel lists widget internals; `?` is this app's list of keys.
        for command in super().get_system_commands(screen):
            if command.title != "Keys":
                yield command

    def action_help(self) -> None:
        self.push_screen(HelpScreen(sections(self.screen, self.keymap)))

    # -- milestones for bench/ ---------------------------------------------------------------

    def _saw(self, kind: str) -> None:
        first = kind not in self.state.seen
        if self.state.saw(kind):
            self.call_after_refresh(self.milestones.mark, "all_data")
            self.call_after_refresh(self.milestones.freeze_heap)
        if first:
            self.call_after_refresh(self.milestones.mark, f"data:{kind}")
