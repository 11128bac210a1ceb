"""Task logs: attempts by DAG → run → task, and one attempt's whole log."""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Footer, Static, Tree

from mwaa_tui.aws.clients import AwsGateway
from mwaa_tui.core.format import ago
from mwaa_tui.core.logview import event_rows, message_column
from mwaa_tui.core.snapshots import ErrorKind, HealthUpdate, LogEvent, TaskLogBatch
from mwaa_tui.core.tasklogs import TaskAttempt, attempt_state, build_tree, failed, retried
from mwaa_tui.pollers.tasklogs import TaskLogPoller, list_attempts
from mwaa_tui.ui.keys import HELP
from mwaa_tui.ui.messages import Updated
from mwaa_tui.ui.oneoff import retry_note, run_oneoff
from mwaa_tui.ui.registry import run_poller
from mwaa_tui.ui.screens.line_detail import LineDetail
from mwaa_tui.ui.text import LevelHighlighter
from mwaa_tui.ui.widgets.logview import LogView

BROWSE_HOURS = 24
FOLLOW_SECONDS = 3.0
"""A running attempt is read again this often unless the app gives its tail's interval."""
STATE_STYLES = {"following": "bold green", "retrying": "bold yellow", "stopped": "bold red"}
AGES_EVERY = 1.0
"""Seconds between redraws of the tree's `last line … ago`."""


@dataclass(frozen=True)
class TaskGroup:
    """Where the task logs are, and how to read them."""

    gateway: AwsGateway
    name: str
    """The Task component's log group."""
    redact: bool = True
    follow_seconds: float = FOLLOW_SECONDS
    """How often a running attempt is read again (the app gives its tail's interval)."""
    rng: random.Random = field(default_factory=random.Random)


def _count(attempts: list[TaskAttempt]) -> Text:
    bad, again = failed(attempts), retried(attempts)
    out = Text(f"  {len(attempts)} attempt{'s' if len(attempts) != 1 else ''}", style="dim")
    if bad:
        out.append(f"  ✗ {bad} failed", style="bold red")
    if again:
        out.append(f"  ↻ {again} up for retry", style="bold yellow")
    return out


def _troubled(attempts: Iterable[TaskAttempt]) -> bool:
    """Failed or retried: the tree opens the way to the newest of these."""
    return any(a.has_errors or a.retried for a in attempts)


class TaskBrowser(ModalScreen[None]):
    """The Task group's streams as a tree; Enter on an attempt opens its log."""

    HELP_TITLE = "Task logs"
    BINDINGS = [
        Binding("escape,q", "dismiss", "Close", id="tasks.close"),
        Binding("r", "reload", "Reload", id="tasks.reload", tooltip="List the attempts again"),
        HELP,
    ]

    def __init__(self, group: TaskGroup, clock: Callable[[], float]) -> None:
        super().__init__()
        self.group = group
        self.clock = clock
        self.attempts: list[TaskAttempt] = []

    def compose(self) -> ComposeResult:
        with Vertical(id="task-browser"):
            yield Static(Text("Task logs · reading streams…", style="bold"), id="tasks-head")
            tree: Tree[TaskAttempt | None] = Tree("task logs", id="tasks-tree")
            tree.show_root = False
            yield tree
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(Tree).focus()
        self.action_reload()
        self.set_interval(AGES_EVERY, self._ages)

    def _ages(self) -> None:
        """`last line … ago` as time passes, without rebuilding the tree."""
        now = self.clock()
        tree: Tree[TaskAttempt | None] = self.query_one(Tree)
        stack = list(tree.root.children)
        while stack:
            node = stack.pop()
            if node.data is not None:
                label = self._attempt_label(node.data, now)
                if label.plain != str(node.label):
                    node.set_label(label)
            stack.extend(node.children)

    def action_reload(self) -> None:
        run_oneoff(
            self,
            self._load,
            "task attempts",
            group="task-list",
            exclusive=True,
            on_error=self._load_failed,
        )

    def _load_failed(self, exc: BaseException) -> None:
        # The tree keeps what it showed; the header says why it is not fresher.
        text = Text("Task logs · could not list the attempts", style="bold red")
        text.append("\nr tries again · Esc back", style="italic dim")
        self.query_one("#tasks-head", Static).update(text)

    async def _load(self) -> None:
        since_ms = int((self.clock() - BROWSE_HOURS * 3600) * 1000)
        head = self.query_one("#tasks-head", Static)
        self.attempts, other = await list_attempts(self.group.gateway, self.group.name, since_ms)
        self._fill()
        text = Text(f"Task logs · last {BROWSE_HOURS} h · {self.group.name}", style="bold")
        text.append_text(_count(self.attempts))
        if other:
            text.append(f"  ({other} other streams)", style="dim")
        text.append("\nEnter opens an attempt's log · r reloads · Esc back", style="italic dim")
        head.update(text)

    def _fill(self) -> None:
        tree: Tree[TaskAttempt | None] = self.query_one(Tree)
        tree.clear()
        if not self.attempts:
            tree.root.add_leaf(Text("no task attempts in this window", style="dim"), None)
            return
        now = self.clock()
        for dag, runs in build_tree(self.attempts).items():
            dag_attempts = [a for tasks in runs.values() for ts in tasks.values() for a in ts]
            dag_node = tree.root.add(Text(dag, style="bold") + _count(dag_attempts), None)
            for run, tasks in runs.items():
                run_attempts = [a for ts in tasks.values() for a in ts]
                run_node = dag_node.add(Text(run) + _count(run_attempts), None)
                for task, attempts in tasks.items():
                    task_node = run_node.add(Text(task) + _count(attempts), None)
                    for a in attempts:
                        task_node.add_leaf(self._attempt_label(a, now), a)
            if _troubled(dag_attempts):
                # Open the way to the newest failure.
                dag_node.expand()
                for tasks, run_node in zip(runs.values(), dag_node.children, strict=True):
                    if _troubled(a for ts in tasks.values() for a in ts):
                        run_node.expand()
                        for attempts, task_node in zip(
                            tasks.values(), run_node.children, strict=True
                        ):
                            if _troubled(attempts):
                                task_node.expand()
                                break
                        break

    @staticmethod
    def _attempt_label(a: TaskAttempt, now: float) -> Text:
        label = Text(f"attempt {a.attempt}")
        state = attempt_state(a)
        if a.retried:
            label.append(f"  ↻ {state}", style="bold yellow")
        elif state:
            label.append(f"  ✗ {state}", style="bold red")
            label.stylize("red", 0, len(f"attempt {a.attempt}"))
        label.append(f"  last line {ago(a.last_ms / 1000, now)}", style="dim")
        return label

    def on_tree_node_selected(self, event: Tree.NodeSelected[TaskAttempt | None]) -> None:
        attempt = event.node.data
        if attempt is not None:
            event.stop()
            self.app.push_screen(TaskLog(self.group, attempt))


class TaskLog(ModalScreen[None]):
    """One attempt's log from its first line, followed while the attempt runs."""

    HELP_TITLE = "Task log"
    BINDINGS = [Binding("escape,q", "dismiss", "Close", id="tasklog.close"), HELP]

    def __init__(self, group: TaskGroup, attempt: TaskAttempt) -> None:
        super().__init__()
        self.group = group
        self.attempt = attempt
        self.lines = 0
        self.errors = 0
        self.state = "reading…"

    def compose(self) -> ComposeResult:
        with Vertical(id="task-log"):
            yield Static(self._head(), id="tasklog-head")
            log = LogView(highlighter=LevelHighlighter(), id="tasklog-lines")
            log.wrap_indent = message_column(tag=False)
            yield log
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(LogView).focus()
        group = self.group
        poller = TaskLogPoller(
            group.gateway,
            group.name,
            self.attempt,
            redact=group.redact,
            interval=group.follow_seconds,
            rng=group.rng,
        )
        self._follow = run_poller(self, poller, group="task-log")

    def on_updated(self, message: Updated) -> None:
        message.stop()  # this screen's own poller: nothing for the app
        if self.state == "finished" or self.state.startswith("stopped"):
            return
        match message.update:
            case TaskLogBatch(events=events, finished=finished):
                self._add(events)
                if finished:
                    self._show("finished")
            case HealthUpdate(health=health) if (
                health.error is not None
                and health.error.kind is ErrorKind.NOT_FOUND
                and not self.lines
            ):
                # A stream named from Airflow's task instance (the Airflow pane) that
                # CloudWatch does not hold: say which name was looked for, and stop.
                self._follow.cancel()
                self._show(
                    f"stopped: no log stream named {self.attempt.stream} in {self.group.name}"
                )
            case HealthUpdate(health=health) if health.error is not None:
                delay = max(0.0, (health.next_attempt or 0.0) - time.time())
                self._show(retry_note(health.error, delay))
            case HealthUpdate():
                every = f"{self.group.follow_seconds:g}"
                self._show(f"following: no final state yet, reading every {every} s")
            case _:
                pass

    def on_log_view_line_chosen(self, message: LogView.LineChosen) -> None:
        """Enter on a line: the line in full (Airflow 3's JSON pretty-printed)."""
        message.stop()
        self.app.push_screen(LineDetail(message.event, message.text))

    def _head(self) -> Text:
        a = self.attempt
        text = Text(f"{a.dag_id} › {a.run_id} › {a.task_label} › attempt {a.attempt}", style="bold")
        text.append(f"\n{self.lines} lines", style="dim")
        if self.errors:
            text.append(f" · {self.errors} ERROR", style="bold red")
        style = STATE_STYLES.get(self.state.split(":", 1)[0], "dim")
        text.append(f" · {self.state}", style=style)
        text.append(" · ↑/↓ Enter line · w wrap · Esc back", style="italic dim")
        return text

    def _show(self, state: str) -> None:
        self.state = state
        self.query_one("#tasklog-head", Static).update(self._head())

    def _add(self, events: tuple[LogEvent, ...]) -> None:
        if events:
            self.query_one(LogView).write_rows(event_rows(events, tag=False))
            self.lines += len(events)
            self.errors += sum(1 for e in events if e.level in ("ERROR", "CRITICAL"))
