"""The environment header: GetEnvironment at a glance, chosen part by part to fit."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual import events
from textual.widgets import Static

from mwaa_tui.core.format import ago
from mwaa_tui.core.layout import NEVER, Part, fit
from mwaa_tui.core.lifecycle import lifecycle
from mwaa_tui.core.logview import TAGS
from mwaa_tui.core.snapshots import EnvironmentSnapshot, LastUpdate
from mwaa_tui.core.state import MonitorState
from mwaa_tui.ui.text import ENV_STATUS_STYLE, SEVERITY_STYLE, without_colour
from mwaa_tui.ui.widgets.airflow_health import header_badge, header_health

LIFE_ICON = {"ok": "●", "warn": "◌", "error": "✖"}

RANKS: dict[str, tuple[int, ...]] = {
    # The first line. What is wrong (status, alarms, unhealthy components, CloudTrail
    # errors, a replay) is never dropped, only shortened; the facts go in this order.
    "brand": (9,),
    "replay": (NEVER,),
    "recording": (2,),
    "name": (NEVER,),
    "status": (1, NEVER),
    "alarms": (1, NEVER),
    "airflow": (1, NEVER),
    "trail": (1, NEVER),
    "version": (4,),
    "class": (5,),
    "workers": (7,),
    "schedulers": (8,),
    "region": (3,),
    # The second line: the source's own health is never dropped; the log levels and the
    # last update shorten first, Airflow's components go before the last update's age.
    "logs": (5, 2, 1),
    "update": (4, 1, NEVER),
    "health": (NEVER,),
    "update-error": (NEVER,),
    "components": (3,),
}
"""How soon each form of each part is given up when the line is too narrow (higher first;
see `core.layout.fit`). At 80 columns the first line keeps the environment, its state,
what is wrong and the region; the second the log levels in short and the last update."""


@dataclass(frozen=True, slots=True)
class Piece:
    """A part of a header line: its forms, fullest first, each with its separator."""

    key: str
    forms: tuple[Text, ...]

    def part(self) -> Part:
        return Part(self.key, tuple(f.cell_len for f in self.forms), RANKS[self.key])


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
        self._now = 0.0

    def show(
        self, state: MonitorState, now: float, health: tuple[str, str], *, replay: str = ""
    ) -> None:
        """Draw `state`; `health` is the environment source's health line; `replay` says
        which recording is playing, and when (nobody should take a replay for live)."""
        self.state = state
        self.health_text = health
        self.replay = replay
        self._now = now
        self._draw()

    def on_resize(self, event: events.Resize) -> None:
        self._draw()

    def _draw(self) -> None:
        text = self.render_header(self._now)
        if text.markup != self._shown:
            self._shown = text.markup
            self.update(text)

    def render_header(self, now: float, width: int | None = None) -> Text:
        """The header for a terminal `width` columns wide (the widget's own width; before
        the first layout, everything)."""
        width = width if width is not None else self.size.width or 1_000
        lines = [self._first_line(now), self._second_line(now), self._update_error()]
        out = Text(no_wrap=True, overflow="ellipsis")
        for i, pieces in enumerate(line for line in lines if line):
            if i:
                out.append("\n")
            forms = fit([p.part() for p in pieces], width)
            for piece in pieces:
                if piece.key in forms:
                    out.append_text(piece.forms[forms[piece.key]])
        return without_colour(out) if self.app.no_color else out

    def _first_line(self, now: float) -> list[Piece]:
        state = self.state
        snap = state.environment if state is not None else None
        pieces: list[Piece] = []
        if self.replay:
            badge = Text(" REPLAY ", style="bold white on dark_magenta")
            pieces.append(Piece("replay", (badge,)))
            pieces.append(Piece("recording", (Text(f" {self.replay} ", style="bold magenta"),)))
        else:
            pieces.append(Piece("brand", (Text(" mwaa-tui ", style="bold reverse"),)))
        if state is None or snap is None:
            pieces.append(Piece("name", (Text(" connecting…", style="dim"),)))
            return pieces
        pieces.append(Piece("name", (Text(" ").append(snap.name, style="bold"),)))
        life = lifecycle(snap, now, gone=state.gone)
        style = ENV_STATUS_STYLE.get(life.status, "yellow")
        if life.gone:
            short = Text("  ").append(" ✖ DELETED ", style="bold white on red")
        else:
            short = Text("  ").append(f"{LIFE_ICON[life.severity]} {life.status}", style=style)
        full = (
            short.copy().append(f" {life.words}", style=style) if life.severity != "ok" else short
        )
        pieces.append(Piece("status", (full, short)))
        if in_alarm := state.in_alarm:
            style = "bold white on red"
            full = Text("  ").append(f" {in_alarm} in ALARM ", style=style)
            pieces.append(
                Piece("alarms", (full, Text("  ").append(f" {in_alarm} ALARM ", style=style)))
            )
        if (airflow := header_badge(state.airflow)).plain:
            pieces.append(Piece("airflow", (airflow, header_badge(state.airflow, short=True))))
        if trail_errors := state.trail.errors_since(now - 3600):
            style = "bold red reverse"
            pieces.append(
                Piece(
                    "trail",
                    (
                        Text("  ").append(f" {trail_errors} CloudTrail errors (1h) ", style=style),
                        Text("  ").append(f" {trail_errors} trail errors (1h) ", style=style),
                    ),
                )
            )
        pieces.extend(self._facts(snap))
        return pieces

    def _facts(self, snap: EnvironmentSnapshot) -> list[Piece]:
        facts = (
            ("version", f"Airflow {snap.airflow_version}" if snap.airflow_version else ""),
            ("class", snap.environment_class),
            (
                "workers",
                f"workers {snap.min_workers}-{snap.max_workers}" if snap.max_workers else "",
            ),
            ("schedulers", f"schedulers {snap.schedulers}" if snap.schedulers else ""),
            ("region", f"{self.aws_region}{self.where}"),
        )
        return [Piece(key, (Text(f"  {fact}"),)) for key, fact in facts if fact]

    def _second_line(self, now: float) -> list[Piece]:
        state = self.state
        snap = state.environment if state is not None else None
        if state is None or snap is None:
            return []
        pieces = [Piece("logs", self._logs(snap))]
        last = snap.last_update
        if last is not None:
            pieces.append(Piece("update", self._last_update(last, now)))
        text, severity = self.health_text
        if severity != "ok":
            pieces.append(Piece("health", (Text(f"  │ {text}", style=SEVERITY_STYLE[severity]),)))
        if (components := header_health(state.airflow)).plain:
            pieces.append(Piece("components", (components,)))
        return pieces

    def _logs(self, snap: EnvironmentSnapshot) -> tuple[Text, ...]:
        """` logs DAG INFO  Sched INFO …`; shorter, one level for all where they share it
        (` logs DAG Sched Task Web Worker INFO`); shortest, how many are on."""
        full = Text(" logs ", style="dim")
        short = Text(" logs", style="dim")
        for cfg in snap.logging:
            name = TAGS.get(cfg.component, cfg.component)
            if cfg.enabled:
                full.append(f"{name} ", style="bold").append(f"{cfg.level or '?'}  ", style="cyan")
                short.append(f" {name}", style="bold")
            else:
                full.append(f"{name} off  ", style="dim strike")
                short.append(f" {name}", style="dim strike")
        full.right_crop(2)
        levels = {cfg.level or "?" for cfg in snap.logging if cfg.enabled}
        if len(levels) != 1:
            short = full  # each its own level: no shorter form that says so
        else:
            short.append(f" {levels.pop()}", style="cyan")
        on = sum(cfg.enabled for cfg in snap.logging)
        count = Text(" logs ", style="dim").append(f"{on}/{len(snap.logging)} on")
        return (full, short, count)

    @staticmethod
    def _last_update(last: LastUpdate, now: float) -> tuple[Text, ...]:
        """`│ last update SUCCESS 2d ago (SYSTEM)`; shorter without the source, then without
        the age."""
        style = {"FAILED": "bold red", "SUCCESS": "green"}.get(last.status, "yellow")
        forms = []
        for lead, age, source in (
            ("last update", True, True),
            ("update", True, False),
            ("update", False, False),
        ):
            out = Text(f"  │ {lead} ", style="dim").append(last.status or "?", style=style)
            if age and last.created_at:
                out.append(f" {ago(last.created_at, now)}", style="dim")
            if source and last.source:
                out.append(f" ({last.source})", style="dim")
            forms.append(out)
        return tuple(forms)

    def _update_error(self) -> list[Piece]:
        state = self.state
        snap = state.environment if state is not None else None
        last = snap.last_update if snap is not None else None
        if last is None or not (last.error_code or last.error_message):
            return []
        out = Text(" update error ", style="bold white on red")
        out.append(" E reads it whole ", style="bold")
        out.append(f" {last.error_code}: {last.error_message}", style="red")
        return [Piece("update-error", (out,))]
