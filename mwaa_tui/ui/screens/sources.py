"""`!`: every source's health in full: last success, interval, failures, next attempt, the
pace of its operations and its last error, never cut; for a denied call the missing IAM
action and a policy statement that grants it."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from rich.console import Group, RenderableType
from rich.padding import Padding
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Footer, Static

from mwaa_tui.core.callstats import rate_text, share_text
from mwaa_tui.core.format import ago, is_stale
from mwaa_tui.core.iam import policy_statement, statement_json
from mwaa_tui.core.sanitize import sanitize
from mwaa_tui.core.snapshots import COMPONENTS, ErrorKind, OperationPace, SourceHealth
from mwaa_tui.core.state import MonitorState
from mwaa_tui.ui.keys import HELP
from mwaa_tui.ui.polling import current_paces
from mwaa_tui.ui.registry import PollerRegistry

SOURCE_ORDER: tuple[str, ...] = (
    "environment",
    *(f"logs:{c}" for c in COMPONENTS),
    "metrics",
    "alarms",
    "cloudtrail",
    "airflow",
)
SOURCE_OPERATIONS: Mapping[str, tuple[str, ...]] = {
    "environment": ("GetEnvironment",),
    "metrics": ("GetMetricData", "ListMetrics"),
    "alarms": ("DescribeAlarms",),
    "cloudtrail": ("LookupEvents",),
    "airflow": ("InvokeRestApi",),
}
LOG_OPERATIONS = ("FilterLogEvents",)


@dataclass(frozen=True)
class SourcesView:
    """What the screen shows, read from the app once a second."""

    now: float
    health: Mapping[str, SourceHealth] = field(default_factory=dict)
    intervals: Mapping[str, float] = field(default_factory=dict)
    """Every running poller's interval, answered or not."""
    paces: tuple[OperationPace, ...] = ()
    environment: str = ""
    environment_arn: str = ""


def sources_view(state: MonitorState, pollers: PollerRegistry, now: float) -> SourcesView:
    return SourcesView(
        now=now,
        health=dict(state.health),
        intervals=pollers.intervals(),
        paces=current_paces(pollers.gateway),
        environment=state.name or "",
        environment_arn=state.environment.arn if state.environment else "",
    )


def operations_of(source: str) -> tuple[str, ...]:
    return LOG_OPERATIONS if source.startswith("logs:") else SOURCE_OPERATIONS.get(source, ())


def ordered_sources(view: SourcesView) -> list[str]:
    """Failing sources first, then the rest; each group in the screen's usual order."""
    known = set(view.health) | set(view.intervals)
    rank = {s: i for i, s in enumerate(SOURCE_ORDER)}
    by_place = sorted(known, key=lambda s: (rank.get(s, len(rank)), s))
    failing = [s for s in by_place if _failing(view.health.get(s))]
    return failing + [s for s in by_place if s not in failing]


def _failing(health: SourceHealth | None) -> bool:
    return health is not None and health.error is not None


def _waiting(health: SourceHealth | None) -> bool:
    return health is None or (health.last_ok is None and health.error is None)


def span(seconds: float) -> str:
    """`0.5s`, `42s`, `1m 40s`, `2h 05m`."""
    if 0 < seconds < 1:
        return f"{seconds:.1f}s"
    s = max(0, round(seconds))
    if s < 60:
        return f"{s}s"
    if s < 3600:
        return f"{s // 60}m {s % 60:02d}s" if s % 60 else f"{s // 60}m"
    return f"{s // 3600}h {s % 3600 // 60:02d}m"


def pace_line(source: str, paces: tuple[OperationPace, ...]) -> Text:
    """The pace of the source's operations now, against their quotas."""
    by_op = {p.operation: p for p in paces}
    out = Text()
    for op in operations_of(source):
        pace = by_op.get(op)
        if out:
            out.append("\n")
        if pace is None:
            out.append(f"{op}: no pace in the last minute", style="dim")
            continue
        out.append(f"{op} {rate_text(pace.rate)} of {rate_text(pace.quota)}")
        style = "yellow" if pace.paced or pace.throttled_share else ""
        if pace.paced:
            out.append(" · paced", style=style)
        if pace.throttled_share:
            out.append(f" · {share_text(pace.throttled_share)} throttled", style=style)
        if pace.attempts:
            out.append(
                f" · {pace.attempts} call{'s' if pace.attempts != 1 else ''}/min", style="dim"
            )
    return out


def source_entry(source: str, view: SourcesView, statements_shown: set[str]) -> RenderableType:
    """One source: a heading, its facts, and for a denied call the statement that fixes it.
    `statements_shown` holds the actions whose statement was shown above already."""
    health = view.health.get(source)
    now = view.now
    head = Text(source, style="bold")
    if health is None or _waiting(health):
        head.append("  waiting for the first answer", style="dim")
    elif health.error is not None:
        head.append("  FAILING", style="bold red")
    elif is_stale(health, now):
        head.append("  STALE", style="bold yellow")
    else:
        head.append("  ok", style="green")

    facts = Table(box=None, show_header=False, padding=(0, 1, 0, 0), expand=True)
    facts.add_column(no_wrap=True, width=13, style="dim")
    facts.add_column(ratio=1, overflow="fold")
    interval = health.interval if health is not None and health.interval else None
    interval = interval or view.intervals.get(source)
    facts.add_row(Text("last success"), Text(ago(health.last_ok if health else None, now)))
    polls = Text(f"every {span(interval)}" if interval else "interval unknown")
    failures = health.failures if health is not None else 0
    polls.append(
        f" · {failures} failure{'s' if failures != 1 else ''} in a row",
        style="bold red" if failures else "",
    )
    if health is not None and health.error is not None and health.next_attempt is not None:
        wait = health.next_attempt - now
        polls.append(f" · next attempt {'in ' + span(wait) if wait >= 1 else 'now'}")
    facts.add_row(Text("polls"), polls)
    if view.paces:
        facts.add_row(Text("pace"), pace_line(source, view.paces))
    parts: list[RenderableType] = [head, Padding(facts, (0, 0, 0, 2))]
    error = health.error if health is not None else None
    if error is not None:
        described = sanitize(error.describe())
        message = sanitize(error.message)
        said = Text(described, style="red")
        if message and message not in described:
            said.append("\n")
            said.append(message)
        facts.add_row(Text("last error"), said)
        if error.kind is ErrorKind.DENIED and error.action:
            action = sanitize(error.action)
            facts.add_row(Text("missing"), Text(action, style="bold"))
            if action in statements_shown:
                facts.add_row(Text("grant it"), Text("with the statement above", style="dim"))
            else:
                statements_shown.add(action)
                facts.add_row(Text("grant it"), Text("with this policy statement (c copies):"))
                statement = statement_json(action, view.environment, view.environment_arn)
                parts.append(Padding(Text(statement, style="cyan"), (0, 0, 0, 2)))
    return Group(*parts, Text(""))


def render_sources(view: SourcesView) -> tuple[Text, list[RenderableType]]:
    """The heading and one entry per source."""
    sources = ordered_sources(view)
    failing = sum(1 for s in sources if _failing(view.health.get(s)))
    waiting = sum(1 for s in sources if _waiting(view.health.get(s)))
    head = Text("Sources", style="bold")
    if not sources:
        head.append("  no source has started yet", style="dim")
    elif failing:
        head.append(f"  {failing} of {len(sources)} failing", style="bold red")
    elif not waiting:
        head.append(f"  all {len(sources)} answering", style="green")
    if waiting:
        head.append(f"  {waiting} waiting for a first answer", style="dim")
    head.append("   Esc back\n", style="italic dim")
    shown: set[str] = set()
    return head, [source_entry(s, view, shown) for s in sources]


def denied_policy(view: SourcesView) -> str:
    """A policy document granting every action that was denied, one statement each."""
    actions = sorted(
        {
            h.error.action
            for h in view.health.values()
            if h.error is not None and h.error.kind is ErrorKind.DENIED and h.error.action
        }
    )
    statements = [policy_statement(a, view.environment, view.environment_arn) for a in actions]
    return json.dumps({"Version": "2012-10-17", "Statement": statements}, indent=2)


class SourcesScreen(ModalScreen[None]):
    HELP_TITLE = "Sources"
    BINDINGS = [
        Binding("escape,q,!", "dismiss", "Close", id="sources.close"),
        Binding(
            "c",
            "copy_policy",
            "Copy policy",
            id="sources.copy",
            tooltip="Copy a policy granting every denied action to the clipboard",
        ),
        HELP,
    ]

    def __init__(self, view: Callable[[], SourcesView], refresh_every: float = 1.0) -> None:
        super().__init__()
        self.view = view
        self.refresh_every = refresh_every
        self._key: tuple[str, ...] = ()

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="sources-body"):
            yield Static(id="sources-head")
            yield Static(id="sources-list")
        yield Footer()

    def on_mount(self) -> None:
        self.redraw()
        self.set_interval(self.refresh_every, self.redraw)

    def redraw(self) -> None:
        view = self.view()
        head, entries = render_sources(view)
        # Redraw only on a change: the text moves at most once a second.
        key = (head.plain, *(_plain(e) for e in entries))
        if key == self._key:
            return
        self._key = key
        self.query_one("#sources-head", Static).update(head)
        self.query_one("#sources-list", Static).update(Group(*entries))

    def shown_text(self) -> str:
        """The plain text of what is shown, for tests and the copy key."""
        return "\n".join(self._key)

    def action_copy_policy(self) -> None:
        view = self.view()
        if not any(
            h.error is not None and h.error.kind is ErrorKind.DENIED for h in view.health.values()
        ):
            self.notify("no call was denied: nothing to grant", timeout=3)
            return
        self.app.copy_to_clipboard(denied_policy(view))
        self.notify("policy copied to the clipboard", timeout=3)


def _plain(renderable: RenderableType) -> str:
    """A renderable's text, for telling whether it changed."""
    if isinstance(renderable, Text):
        return renderable.plain
    if isinstance(renderable, Group):
        return "\n".join(_plain(r) for r in renderable.renderables)
    if isinstance(renderable, Padding):
        return _plain(renderable.renderable)
    if isinstance(renderable, Table):
        return "\n".join(
            " ".join(_plain(cell) for cell in cells)
            for cells in zip(*(c.cells for c in renderable.columns), strict=False)
        )
    return repr(renderable)
