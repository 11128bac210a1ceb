"""The environment header: GetEnvironment at a glance."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from mwaa_tui.core.format import ago
from mwaa_tui.core.lifecycle import lifecycle
from mwaa_tui.core.logview import TAGS
from mwaa_tui.core.state import MonitorState
from mwaa_tui.ui.text import ENV_STATUS_STYLE, SEVERITY_STYLE
from mwaa_tui.ui.widgets.airflow import header_badge, header_health

LIFE_ICON = {"ok": "●", "warn": "◌", "error": "✖"}


class EnvironmentHeader(Static):
    """Draws the monitor's state at a glance: the environment, how many alarms fire, the
    last hour's CloudTrail errors and the environment source's health."""

    def __init__(self, region: str, where: str, **kwargs: object) -> None:
        super().__init__("", **kwargs)  # type: ignore[arg-type]
        self.aws_region = region
        self.where = where
        self.state: MonitorState | None = None
        self.health_text = ("loading…", "wait")
        self.replay = ""
        """In a replay: the recording and the moment shown, after a REPLAY badge."""
        self._shown = ""

    def show(
        self, state: MonitorState, now: float, health: tuple[str, str], *, replay: str = ""
    ) -> None:
        """Draw `state`; `health` is the environment source's health line; `replay` says
        which recording is playing, and when (nobody should take a replay for live)."""
        self.state = state
        self.health_text = health
        self.replay = replay
        text = self.render_header(now)
        if text.markup != self._shown:
            self._shown = text.markup
            self.update(text)

    def render_header(self, now: float) -> Text:
        state = self.state
        snap = state.environment if state is not None else None
        out = Text(no_wrap=True, overflow="ellipsis")
        if self.replay:
            out.append(" REPLAY ", style="bold white on dark_magenta")
            out.append(f" {self.replay} ", style="bold magenta")
        else:
            out.append(" mwaa-tui ", style="bold reverse")
        out.append(" ")
        if state is None or snap is None:
            out.append("connecting…", style="dim")
            return out
        out.append(snap.name, style="bold")
        out.append("  ")
        life = lifecycle(snap, now, gone=state.gone)
        style = ENV_STATUS_STYLE.get(life.status, "yellow")
        if life.gone:
            out.append(" ✖ DELETED ", style="bold white on red")
        else:
            out.append(f"{LIFE_ICON[life.severity]} {life.status}", style=style)
        if life.severity != "ok":
            out.append(f" {life.words}", style=style)
        if in_alarm := state.in_alarm:
            out.append("  ")
            out.append(f" {in_alarm} in ALARM ", style="bold white on red")
        out.append_text(header_badge(state.airflow))
        if trail_errors := state.trail.errors_since(now - 3600):
            out.append("  ")
            out.append(f" {trail_errors} CloudTrail errors (1h) ", style="bold red reverse")
        bits = [
            f"Airflow {snap.airflow_version}" if snap.airflow_version else "",
            snap.environment_class,
            f"workers {snap.min_workers}-{snap.max_workers}" if snap.max_workers else "",
            f"schedulers {snap.schedulers}" if snap.schedulers else "",
            f"{self.aws_region}{self.where}",
        ]
        out.append("  " + "  ".join(b for b in bits if b), style="")
        out.append("\n")
        out.append(" logs ", style="dim")
        for cfg in snap.logging:
            name = TAGS.get(cfg.component, cfg.component)
            if cfg.enabled:
                out.append(f"{name} ", style="bold")
                out.append(f"{cfg.level or '?'}  ", style="cyan")
            else:
                out.append(f"{name} off  ", style="dim strike")
        last = snap.last_update
        if last is not None:
            out.append("│ last update ", style="dim")
            style = {"FAILED": "bold red", "SUCCESS": "green"}.get(last.status, "yellow")
            out.append(last.status or "?", style=style)
            if last.created_at:
                out.append(f" {ago(last.created_at, now)}", style="dim")
            if last.source:
                out.append(f" ({last.source})", style="dim")
        text, severity = self.health_text
        if severity != "ok":
            out.append(f"  │ {text}", style=SEVERITY_STYLE[severity])
        out.append_text(header_health(state.airflow, self.size.width))
        if last is not None and (last.error_code or last.error_message):
            out.append("\n")
            out.append(" update error ", style="bold white on red")
            out.append(" E reads it whole ", style="bold")
            out.append(f" {last.error_code}: {last.error_message}", style="red")
        return out
