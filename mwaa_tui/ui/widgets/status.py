"""The status line: API calls per minute, errors, pacing and what the polling costs."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from mwaa_tui.core.callstats import pace_warning
from mwaa_tui.core.cost import CostEstimate
from mwaa_tui.core.snapshots import CallSummary, OperationPace

COST_WARN_USD_PER_HOUR = 0.02


class StatusLine(Static):
    _shown = ""

    def show(
        self,
        summary: CallSummary,
        note: str = "",
        *,
        projected: CostEstimate | None = None,
        pace: OperationPace | None = None,
        alert: str = "",
        lead: Text | None = None,
    ) -> None:
        """`projected` is shown until `summary` holds a measured cost; `pace` is the
        operation held back the most (see `core.callstats.worst_pace`), if any; `alert`
        is what the user must do now (expired credentials), shown first; `lead` comes
        before everything (a replay's timeline, `● REC`)."""
        out = Text(no_wrap=True, overflow="ellipsis")
        if lead is not None:
            out.append_text(lead)
        if alert:
            out.append(f" {alert} ", style="bold white on red")
            out.append(" ")
        out.append(" API ", style="bold reverse")
        out.append(f" {summary.per_minute}/min", style="bold")
        if summary.median_latency_ms is not None:
            # Rounded so the line does not repaint every second for noise.
            shown = max(
                1, round(summary.median_latency_ms, -1 if summary.median_latency_ms >= 20 else 0)
            )
            out.append(f"  median {shown:.0f} ms", style="dim")
        errors_style = "bold red" if summary.errors else "dim"
        out.append(f"  errors {summary.errors}/min", style=errors_style)
        if summary.throttled:
            out.append(f"  throttled {summary.throttled}", style="yellow")
        if summary.denied:
            out.append(f"  denied {summary.denied}", style="bold red")
        if pace is not None:
            out.append(f"  {pace_warning(pace)}", style="yellow")
        if summary.usd_per_hour is not None:
            self._cost(out, summary.usd_per_hour, summary.metrics_per_hour, "")
        elif projected is not None:
            self._cost(out, projected.usd_per_hour, projected.metrics_per_hour, " projected")
        else:
            out.append("  cost: measuring…", style="dim")
        top = ", ".join(f"{op} {n}" for op, n in summary.by_operation[:3])
        if top:
            out.append(f"  │ {top}", style="dim")
        if note:
            out.append(f"  │ {note}", style="dim")
        if out.markup != self._shown:
            self._shown = out.markup
            self.update(out)

    @staticmethod
    def _cost(out: Text, usd_per_hour: float, metrics_per_hour: float, tag: str) -> None:
        warn = usd_per_hour >= COST_WARN_USD_PER_HOUR
        # A tenth of a cent an hour still reads as more than nothing.
        usd = f"{usd_per_hour:.4f}" if 0 < usd_per_hour < 0.001 else f"{usd_per_hour:.3f}"
        out.append(f"  ≈ ${usd}/h{tag}", style="bold" if warn else "dim")
        metrics = (
            f"{metrics_per_hour:.0f}"
            if metrics_per_hour < 1000
            else f"{metrics_per_hour / 1000:.1f}k"
        )
        out.append(f" ({metrics} metrics/h)", style="dim")
