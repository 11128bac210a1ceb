"""Task logs: attempts by DAG → run → task, and one attempt's whole log."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static, Tree

from mwaa_tui.aws.clients import AwsError, AwsGateway
from mwaa_tui.core.format import ago
from mwaa_tui.core.tasklogs import TaskAttempt, attempt_finished, build_tree, failed
from mwaa_tui.pollers.tasklogs import list_attempts, read_attempt
from mwaa_tui.ui.widgets.logs import LevelHighlighter, event_rows
from mwaa_tui.ui.widgets.logview import LogView

BROWSE_HOURS = 24
FOLLOW_SECONDS = 3.0
"""A running attempt is read again this often: the log tail's own interval."""


def _count(attempts: list[TaskAttempt]) -> Text:
    bad = failed(attempts)
    out = Text(f"  {len(attempts)} attempt{'s' if len(attempts) != 1 else ''}", style="dim")
    if bad:
        out.append(f"  ✗ {bad} failed", style="bold red")
    return out


class TaskBrowser(ModalScreen[None]):
    """The Task group's streams as a tree; Enter on an attempt opens its log."""

    BINDINGS = [
        Binding("escape,q", "dismiss", "Close", id="tasks.close"),
        Binding("r", "reload", "Reload", id="tasks.reload", tooltip="List the attempts again"),
    ]

    def __init__(
        self,
        gateway: AwsGateway,
        group: str,
        clock: Callable[[], float],
        *,
        redact: bool,
        follow_seconds: float = FOLLOW_SECONDS,
    ) -> None:
        super().__init__()
        self.gateway = gateway
        self.group = group
        self.clock = clock
        self.redact = redact
        self.follow_seconds = follow_seconds
        self.attempts: list[TaskAttempt] = []

    def compose(self) -> ComposeResult:
        with Vertical(id="task-browser"):
            yield Static(Text("Task logs · reading streams…", style="bold"), id="tasks-head")
            tree: Tree[TaskAttempt | None] = Tree("task logs", id="tasks-tree")
            tree.show_root = False
            yield tree

    def on_mount(self) -> None:
        self.query_one(Tree).focus()
        self.action_reload()

    def action_reload(self) -> None:
        self.run_worker(self._load(), exclusive=True, group="task-list")

    async def _load(self) -> None:
        since_ms = int((self.clock() - BROWSE_HOURS * 3600) * 1000)
        head = self.query_one("#tasks-head", Static)
        try:
            self.attempts, other = await list_attempts(self.gateway, self.group, since_ms)
        except AwsError as exc:
            head.update(Text(f"Task logs · {exc.info.describe()}", style="bold red"))
            return
        self._fill()
        text = Text(f"Task logs · last {BROWSE_HOURS} h · {self.group}", style="bold")
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
            if failed(dag_attempts):
                # Open the way to the newest failure.
                dag_node.expand()
                for tasks, run_node in zip(runs.values(), dag_node.children, strict=True):
                    if failed(a for ts in tasks.values() for a in ts):
                        run_node.expand()
                        for attempts, task_node in zip(
                            tasks.values(), run_node.children, strict=True
                        ):
                            if failed(attempts):
                                task_node.expand()
                                break
                        break

    @staticmethod
    def _attempt_label(a: TaskAttempt, now: float) -> Text:
        label = Text(f"attempt {a.attempt}")
        if a.has_errors:
            label.append("  ✗ ERROR lines", style="bold red")
            label.stylize("red", 0, len(f"attempt {a.attempt}"))
        label.append(f"  last line {ago(a.last_ms / 1000, now)}", style="dim")
        return label

    def on_tree_node_selected(self, event: Tree.NodeSelected[TaskAttempt | None]) -> None:
        attempt = event.node.data
        if attempt is not None:
            event.stop()
            self.app.push_screen(TaskLog(self.gateway, self.group, attempt, redact=self.redact))


class TaskLog(ModalScreen[None]):
    """One attempt's log from its first line, followed while the attempt runs."""

    BINDINGS = [Binding("escape,q", "dismiss", "Close", id="tasklog.close")]

    def __init__(
        self,
        gateway: AwsGateway,
        group: str,
        attempt: TaskAttempt,
        *,
        redact: bool,
        follow_seconds: float = FOLLOW_SECONDS,
    ) -> None:
        super().__init__()
        self.gateway = gateway
        self.group = group
        self.attempt = attempt
        self.redact = redact
        self.follow_seconds = follow_seconds
        self.lines = 0
        self.errors = 0
        self.state = "reading…"

    def compose(self) -> ComposeResult:
        with Vertical(id="task-log"):
            yield Static(self._head(), id="tasklog-head")
            yield LogView(highlighter=LevelHighlighter(), id="tasklog-lines")

    def on_mount(self) -> None:
        self.query_one(LogView).focus()
        self.run_worker(self._follow(), exclusive=True, group="task-log")

    def _head(self) -> Text:
        a = self.attempt
        text = Text(f"{a.dag_id} › {a.run_id} › {a.task_label} › attempt {a.attempt}", style="bold")
        text.append(f"\n{self.lines} lines", style="dim")
        if self.errors:
            text.append(f" · {self.errors} ERROR", style="bold red")
        style = "bold green" if self.state.startswith("following") else "dim"
        text.append(f" · {self.state}", style=style)
        text.append(" · ↑/↓ Enter line · w wrap · Esc back", style="italic dim")
        return text

    async def _follow(self) -> None:
        token: str | None = None
        view = self.query_one(LogView)
        head = self.query_one("#tasklog-head", Static)
        while True:
            try:
                events, token = await read_attempt(
                    self.gateway, self.group, self.attempt.stream, token, redact=self.redact
                )
            except AwsError as exc:
                self.state = exc.info.describe()
                head.update(self._head())
                return
            if events:
                view.write_rows(event_rows(events, tag=False))
                self.lines += len(events)
                self.errors += sum(1 for e in events if e.level in ("ERROR", "CRITICAL"))
            if attempt_finished(e.message for e in events):
                self.state = "finished"
                head.update(self._head())
                return
            self.state = f"following: no final state yet, reading every {self.follow_seconds:g} s"
            head.update(self._head())
            await asyncio.sleep(self.follow_seconds)
