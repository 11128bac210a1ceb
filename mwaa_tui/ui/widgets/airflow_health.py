"""Airflow's component health (metadatabase, scheduler, triggerer) in a few cells: the
Airflow pane's title and the header's badges and health line."""

from __future__ import annotations

from rich.text import Text

from mwaa_tui.core.airflow_view import component_lines
from mwaa_tui.core.snapshots import AirflowSnapshot

UNHEALTHY = "bold white on red"


def health_title(snapshot: AirflowSnapshot | None) -> Text:
    """The pane's title: `Airflow 2.10.3 · db ● sched ✖ unhealthy 71s · trig ● 2s`."""
    out = Text("Airflow", no_wrap=True, end="")
    if snapshot is None:
        return out
    if snapshot.airflow_version:
        out.append(f" {snapshot.airflow_version}")
    for c in component_lines(snapshot):
        out.append(" · ", style="dim")
        if c.unhealthy:
            words = " ".join(w for w in ("✖", c.short, c.status, c.age) if w)
            out.append(f" {words} ", style=UNHEALTHY)
        else:
            out.append(f"{c.short} ", style="")
            out.append("●", style="green")
            if c.age:
                out.append(f" {c.age}", style="dim")
    return out


def header_badge(snapshot: AirflowSnapshot | None, *, short: bool = False) -> Text:
    """For the header's first line, among the other alarms: ` ✖ scheduler unhealthy 71s `
    for each unhealthy component (`short`, where the header is narrow: ` ✖ sched 71s `);
    nothing while all are healthy."""
    out = Text(no_wrap=True, end="")
    for c in component_lines(snapshot):
        if c.unhealthy:
            parts = ("✖", c.short, c.age) if short else ("✖", c.label, c.status, c.age)
            words = " ".join(w for w in parts if w)
            out.append("  ")
            out.append(f" {words} ", style=UNHEALTHY)
    return out


def header_health(snapshot: AirflowSnapshot | None) -> Text:
    """For the end of the header's second line: `│ airflow db ● · sched ✖ 71s · trig ● 2s`.
    The header drops it where it does not fit (from about 120 columns it does): the badges
    say what is wrong, and the Airflow pane's title the rest."""
    lines = component_lines(snapshot)
    out = Text(no_wrap=True, end="")
    if not lines:
        return out
    out.append("  │ airflow ", style="dim")
    for i, c in enumerate(lines):
        if i:
            out.append(" · ", style="dim")
        out.append(f"{c.short} ")
        out.append(
            "✖ unhealthy" if c.unhealthy else "●", style="bold red" if c.unhealthy else "green"
        )
        if c.age:
            out.append(f" {c.age}", style="bold red" if c.unhealthy else "dim")
    return out
