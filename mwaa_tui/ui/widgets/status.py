"""The status line: API calls per minute and errors."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from mwaa_tui.core.snapshots import CallSummary


class StatusLine(Static):
    def show(self, summary: CallSummary, note: str = "") -> None:
        out = Text(no_wrap=True, overflow="ellipsis")
        out.append(" API ", style="bold reverse")
        out.append(f" {summary.per_minute}/min", style="bold")
        out.append(f"  calls {summary.total}", style="dim")
        if summary.median_latency_ms is not None:
            out.append(f"  median {summary.median_latency_ms:.0f} ms", style="dim")
        errors_style = "bold red" if summary.errors else "dim"
        out.append(f"  errors {summary.errors}/min", style=errors_style)
        if summary.throttled:
            out.append(f"  throttled {summary.throttled}", style="yellow")
        if summary.denied:
            out.append(f"  denied {summary.denied}", style="bold red")
        top = ", ".join(f"{op} {n}" for op, n in summary.by_operation[:3])
        if top:
            out.append(f"  │ {top}", style="dim")
        if note:
            out.append(f"  │ {note}", style="dim")
        self.update(out)
