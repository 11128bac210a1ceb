"""Search further back than the buffer: a Logs Insights query, its progress and its rows."""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Sequence
from functools import partial

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Footer, Input, Static

from mwaa_tui.aws.clients import AwsGateway
from mwaa_tui.core.cost import insights_cost
from mwaa_tui.core.format import human_bytes
from mwaa_tui.core.logview import compile_search, event_rows
from mwaa_tui.core.snapshots import HealthUpdate, LogConfig, QueryProgress
from mwaa_tui.pollers.insights import InsightsPoller, start_query, stop_query
from mwaa_tui.ui.keys import HELP
from mwaa_tui.ui.messages import Updated
from mwaa_tui.ui.oneoff import retry_note, run_oneoff
from mwaa_tui.ui.registry import run_poller
from mwaa_tui.ui.text import LevelHighlighter
from mwaa_tui.ui.widgets.logview import LogView

RANGES: tuple[tuple[str, int], ...] = (
    ("1h", 3600),
    ("6h", 6 * 3600),
    ("24h", 86400),
    ("3d", 3 * 86400),
    ("7d", 7 * 86400),
)
POLL_SECONDS = 1.0


class InsightsSearch(ModalScreen[None]):
    """Type text (or re:PATTERN), Enter runs the query over the chosen range."""

    HELP_TITLE = "Logs Insights search"
    BINDINGS = [
        Binding("escape", "cancel", "Cancel/close", id="insights.cancel", priority=True),
        Binding(
            "ctrl+r",
            "range",
            "Range",
            id="insights.range",
            priority=True,
            tooltip="Cycle the time range searched: 1h, 6h, 24h, 3d, 7d",
        ),
        HELP,
    ]

    def __init__(
        self,
        gateway: AwsGateway,
        configs: Sequence[LogConfig],
        text: str,
        clock: Callable[[], float],
        *,
        redact: bool,
        poll_seconds: float = POLL_SECONDS,
        rng: random.Random | None = None,
    ) -> None:
        super().__init__()
        self.gateway = gateway
        self.configs = [c for c in configs if c.enabled and c.group_name]
        self.text = text
        self.clock = clock
        self.redact = redact
        self.poll_seconds = poll_seconds
        self.rng = rng or random.Random()
        self.range_index = 2
        self.query_id: str | None = None
        self.progress: QueryProgress | None = None
        self.searched = ""
        self.started = 0.0

    @property
    def range_label(self) -> str:
        return RANGES[self.range_index][0]

    def compose(self) -> ComposeResult:
        with Vertical(id="insights"):
            yield Static(self._head(), id="insights-head")
            yield Input(self.text, placeholder="text, or re:PATTERN", id="insights-query")
            yield Static("", id="insights-status")
            yield LogView(highlighter=LevelHighlighter(), id="insights-lines")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    def _head(self) -> Text:
        names = ", ".join(c.component for c in self.configs) or "no enabled component"
        text = Text("Logs Insights search", style="bold")
        text.append(f" · {names} · last {self.range_label}", style="")
        text.append(
            "\nEnter runs · Ctrl+R range · Esc cancels a running query, then closes · "
            "USD 0.005 per GB scanned",
            style="italic dim",
        )
        return text

    def action_range(self) -> None:
        self.range_index = (self.range_index + 1) % len(RANGES)
        self.query_one("#insights-head", Static).update(self._head())

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        text = event.value.strip()
        _, error = compile_search(text)
        if error or not text:
            self._status(Text(error or "type something to search for", style="red"))
            return
        if not self.configs:
            self._status(Text("no enabled log group to search", style="red"))
            return
        self.text = text
        run_oneoff(
            self,
            partial(self._run, text),
            "Logs Insights search",
            group="insights",
            exclusive=True,
            on_error=self._failed,
        )

    def _status(self, text: Text) -> None:
        self.query_one("#insights-status", Static).update(text)

    def _describe(self, p: QueryProgress) -> Text:
        style = {"Complete": "bold green", "Running": "bold yellow", "Scheduled": "bold yellow"}
        text = Text(p.status, style=style.get(p.status, "bold red"))
        cost = insights_cost(p.bytes_scanned)
        usd = f"≈ USD {cost:.4f}" if cost >= 0.0001 else "< USD 0.0001"
        text.append(
            f" · {time.monotonic() - self.started:.1f} s · {human_bytes(p.bytes_scanned)} scanned"
            f" ({usd}) · {p.records_scanned:,} records · {p.records_matched:,} matched"
        )
        if p.done and p.status == "Complete":
            text.append(f" · showing {len(p.events):,}, oldest first", style="dim")
            if p.records_matched > len(p.events):
                text.append(" · narrow the text or range for the rest", style="dim")
        elif not p.done:
            text.append(" · Esc cancels", style="dim")
        return text

    def _failed(self, exc: BaseException) -> None:
        # The notification says why; the status line says where to look.
        self._status(Text("the search failed: see the notification", style="bold red"))

    async def _run(self, text: str) -> None:
        now = int(self.clock())
        seconds = RANGES[self.range_index][1]
        self.query_one(LogView).clear()
        self.started = time.monotonic()
        self.progress = None
        self.searched = text
        self._status(Text("starting…", style="bold yellow"))
        groups = [c.group_name for c in self.configs]
        self.query_id = await start_query(self.gateway, groups, text, now - seconds, now)
        poller = InsightsPoller(
            self.gateway,
            self.query_id,
            {c.group_name: c.component for c in self.configs},
            redact=self.redact,
            interval=self.poll_seconds,
            clock=self.clock,
            rng=self.rng,
        )
        run_poller(self, poller, group="insights-results")

    def on_updated(self, message: Updated) -> None:
        message.stop()  # this screen's own poller: nothing for the app
        match message.update:
            case QueryProgress() as progress:
                self.progress = progress
                self._status(self._describe(progress))
                if progress.done:
                    self.query_id = None
                    self._show(progress)
            case HealthUpdate(health=health) if health.error is not None:
                # The query runs on in the service meanwhile; the poller tries again.
                delay = max(0.0, (health.next_attempt or 0.0) - self.clock())
                note = Text(retry_note(health.error, delay), style="bold yellow")
                if self.progress is not None:
                    note = self._describe(self.progress) + Text(" · ") + note
                self._status(note)
            case _:
                pass

    def _show(self, progress: QueryProgress) -> None:
        view = self.query_one(LogView)
        view.set_search(compile_search(self.searched)[0])
        view.write_rows(event_rows(progress.events, tag=True))
        if not progress.events:
            view.write_lines([f"no line matches in the last {self.range_label}"])
        view.scroll_home(animate=False)
        view.focus()

    @property
    def running(self) -> bool:
        return self.query_id is not None and not (self.progress and self.progress.done)

    def action_cancel(self) -> None:
        if not self.running:
            self.dismiss()
            return
        query_id, self.query_id = self.query_id, None
        self.workers.cancel_group(self, "insights")
        self.workers.cancel_group(self, "insights-results")
        run_oneoff(
            self,
            partial(self._stop, query_id or ""),
            "cancelling the Logs Insights query",
            group="insights-stop",
            on_error=lambda _: self._status(
                Text("could not cancel: see the notification", style="bold red")
            ),
        )

    async def _stop(self, query_id: str) -> None:
        await stop_query(self.gateway, query_id)
        progress = self.progress
        scanned = human_bytes(progress.bytes_scanned) if progress else "nothing"
        self._status(Text(f"Cancelled · {scanned} scanned before it stopped", style="bold"))
