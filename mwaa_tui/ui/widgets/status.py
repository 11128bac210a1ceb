"""The status line: API calls per minute and errors."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from mwaa_tui.core.snapshots import CallSummary


class StatusLine(Static):
    _shown = ""

    def show(self, summary: CallSummary, note: str = "") -> None:
        out = Text(no_wrap=True, overflow="ellipsis")
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
        if summary.usd_per_hour is None:
            out.append("  cost: measuring…", style="dim")
        else:
            warn = summary.usd_per_hour >= 0.02
            out.append(f"  ≈ ${summary.usd_per_hour:.3f}/h", style="bold" if warn else "dim")
            out.append(f" ({summary.metrics_per_hour / 1000:.1f}k metrics/h)", style="dim")
        top = ", ".join(f"{op} {n}" for op, n in summary.by_operation[:3])
        if top:
            out.append(f"  │ {top}", style="dim")
        if note:
            out.append(f"  │ {note}", style="dim")
        if out.markup != self._shown:
            self._shown = out.markup
            self.update(out)
