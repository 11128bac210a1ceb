"""Keys as data: the help screen, the command palette and the user's keymap all read the
same binding lists, so none of them can drift from what a key does."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import cache, partial
from typing import Any

from textual.actions import ActionError
from textual.actions import parse as parse_action
from textual.binding import Binding
from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.dom import DOMNode
from textual.keys import format_key
from textual.screen import Screen
from textual.widget import Widget

from mwaa_tui.core.sanitize import sanitize

PACKAGE = "mwaa_tui."

QUIT = Binding("q", "app.quit", "Quit", id="quit", tooltip="Quit and restore the terminal")
HELP = Binding("question_mark", "app.help", "Keys", id="help", tooltip="Show every key binding")
"""Every screen lists `?` in its footer; the app answers it with that screen's keys."""

NAMED_KEYS = {
    "question_mark": "?",
    "slash": "/",
    "escape": "Esc",
    "enter": "Enter",
    "tab": "Tab",
    "space": "Space",
    "home": "Home",
    "end": "End",
    "pageup": "PgUp",
    "pagedown": "PgDn",
    "up": "↑",
    "down": "↓",
    "left": "←",
    "right": "→",
    "delete": "Del",
    "backspace": "Backspace",
}
MODIFIERS = {"ctrl": "Ctrl", "shift": "Shift", "alt": "Alt", "meta": "Meta"}


def key_label(key: str) -> str:
    """One key as a user types it: `slash` → `/`, `pageup` → `PgUp`, `ctrl+r` → `Ctrl+R`."""
    *mods, name = key.strip().split("+")
    label = NAMED_KEYS.get(name)
    if label is None:
        label = format_key(name)
        if mods and len(label) == 1:
            label = label.upper()
    return "+".join([*(MODIFIERS.get(m, m.title()) for m in mods), label])


def keys_label(keys: str) -> str:
    """A binding's keys: `up,k` → `↑/k`, `escape,q` → `Esc/q`."""
    return "/".join(key_label(k) for k in keys.split(",") if k.strip())


@dataclass(frozen=True, slots=True)
class KeyHelp:
    """One line of the help, one command of the palette: the keys as typed, what they do,
    and where the action runs."""

    keys: str
    what: str
    binding: Binding
    target: DOMNode


@dataclass(frozen=True, slots=True)
class Section:
    """The keys of one pane, of the screen, or of the whole app."""

    title: str
    lines: list[KeyHelp]
    focused: bool = False


def own_bindings(node: DOMNode | type[DOMNode]) -> list[Binding]:
    """The bindings this project's classes give `node`, with something to say. Textual's
    own (a table's cursor keys, an input's editing keys) are the widgets' business."""
    return list(_class_bindings(node if isinstance(node, type) else type(node)))


@cache
def _class_bindings(cls: type[DOMNode]) -> tuple[Binding, ...]:
    # Bindings are class attributes: `?` asks for every widget's, once per class is enough.
    out: list[Binding] = []
    for klass in reversed(cls.__mro__):
        if not klass.__module__.startswith(PACKAGE):
            continue
        for b in klass.__dict__.get("BINDINGS", ()):
            if isinstance(b, Binding) and (b.description or b.tooltip) and b not in out:
                out.append(b)
    return tuple(out)


def describe(owners: Iterable[tuple[DOMNode, Binding]], keymap: Mapping[str, str]) -> list[KeyHelp]:
    """Help lines for (owner, binding) pairs, with any key the user remapped (`keymap`:
    binding id → keys). One line per key: `!` shown or not, six log views' `↑/k`."""
    lines: list[KeyHelp] = []
    seen: set[str] = set()
    for owner, b in owners:
        if not _available(owner, b):
            continue
        label = keys_label(keymap.get(b.id, b.key) if b.id else b.key)
        if label not in seen:
            seen.add(label)
            lines.append(KeyHelp(label, b.tooltip or b.description, b, owner))
    return lines


def _available(owner: DOMNode, binding: Binding) -> bool:
    """False where the owner hides the action (`check_action` says False): a replay's keys
    while live. None (shown, but disabled for now) still counts."""
    try:
        _, name, params = parse_action(binding.action)
    except ActionError:
        return True
    return owner.check_action(name, params) is not False


def panes(screen: Screen[Any]) -> list[Widget]:
    """The widgets of `screen` with keys of their own, outermost only (the log panes, not
    each log view inside them)."""
    found: list[Widget] = []
    for widget in screen.query("*"):
        if _class_bindings(type(widget)) and not any(a in found for a in widget.ancestors):
            found.append(widget)
    return found


def help_title(node: DOMNode) -> str:
    return str(getattr(node, "HELP_TITLE", "") or type(node).__name__)


def _shown(widget: Widget) -> bool:
    return all(node.display for node in widget.ancestors_with_self if isinstance(node, Widget))


def _owners(pane: Widget, focused: Widget | None) -> list[tuple[DOMNode, Binding]]:
    """Each binding in `pane` with the widget whose action it runs: the focused one if it
    has it, else the first on screen (the log view shown, not the five hidden ones)."""
    inside = [
        w for w in pane.walk_children(with_self=True) if isinstance(w, Widget) and own_bindings(w)
    ]
    inside.sort(key=lambda w: (w is not focused, not _shown(w)))
    return [(w, b) for w in inside for b in own_bindings(w)]


def sections(screen: Screen[Any], keymap: Mapping[str, str]) -> list[Section]:
    """The keys of `screen`: the focused pane's first, then every other pane's, the
    screen's own, then those that work everywhere."""
    focused = screen.focused
    found = panes(screen)
    first = [p for p in found if focused is not None and focused in p.walk_children(with_self=True)]
    out = [
        Section(help_title(pane), describe(_owners(pane, focused), keymap), pane in first)
        for pane in first + [p for p in found if p not in first]
    ]
    own = own_bindings(screen)
    if own:
        out.append(Section(help_title(screen), describe(((screen, b) for b in own), keymap)))
    listed = {b.id for b in own}
    anywhere = [(screen.app, b) for b in own_bindings(screen.app) if b.id not in listed]
    out.append(Section("Everywhere", describe(anywhere, keymap)))
    return out


def binding_ids() -> set[str]:
    """Every binding id this project's screens and widgets declare: what `[keys]` remaps."""
    found: set[str] = set()
    classes: list[type[DOMNode]] = [DOMNode]
    while classes:
        cls = classes.pop()
        classes.extend(cls.__subclasses__())
        if cls.__module__.startswith(PACKAGE):
            found.update(b.id for b in cls.__dict__.get("BINDINGS", ()) if b.id)
    return found


def check_keymap(keymap: Mapping[str, str]) -> tuple[dict[str, str], list[str]]:
    """The remaps of known bindings, and one message per unknown id."""
    known = binding_ids()
    good = {b: keys for b, keys in keymap.items() if b in known}
    bad = [
        f"config: [keys] {sanitize(b)} skipped: no binding has that id "
        "(the command palette, Ctrl+P, shows each key's id)"
        for b in keymap
        if b not in known
    ]
    return good, bad


class KeyCommands(Provider):
    """The command palette's commands: every key of the screen it was opened over, by name."""

    def _commands(self) -> list[tuple[str, KeyHelp]]:
        keymap = getattr(self.app, "keymap", {})
        return [
            (f"{section.title}: {line.binding.description or line.what}", line)
            for section in sections(self.screen, keymap)
            for line in section.lines
            if line.binding.action not in ("command_palette", "app.command_palette")
        ]

    def _run(self, line: KeyHelp) -> Callable[[], Awaitable[object]]:
        return partial(self.app.run_action, line.binding.action, line.target)

    @staticmethod
    def _help(line: KeyHelp) -> str:
        keys = f"{line.keys} · {line.binding.id}" if line.binding.id else line.keys
        return f"{line.what} ({keys})"

    async def discover(self) -> Hits:
        for title, line in self._commands():
            yield DiscoveryHit(title, self._run(line), help=self._help(line))

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for title, line in self._commands():
            if (score := matcher.match(f"{title} {line.what}")) > 0:
                yield Hit(
                    score,
                    matcher.highlight(title),
                    self._run(line),
                    help=self._help(line),
                )
