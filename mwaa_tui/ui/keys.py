"""Keys as data: the help screen, the command palette and the user's keymap all read the
same binding lists, so none of them can drift from what a key does."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from textual.binding import Binding
from textual.dom import DOMNode
from textual.keys import format_key
from textual.screen import Screen
from textual.widget import Widget

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
    """One line of the help: the keys as typed, and what they do."""

    keys: str
    what: str
    binding: Binding


def own_bindings(node: DOMNode | type[DOMNode]) -> list[Binding]:
    """The bindings this project's classes give `node`, with something to say. Textual's
    own (a table's cursor keys, an input's editing keys) are the widgets' business."""
    cls = node if isinstance(node, type) else type(node)
    out: list[Binding] = []
    for klass in reversed(cls.__mro__):
        if not klass.__module__.startswith(PACKAGE):
            continue
        for b in klass.__dict__.get("BINDINGS", ()):
            if isinstance(b, Binding) and (b.description or b.tooltip) and b not in out:
                out.append(b)
    return out


def describe(bindings: Iterable[Binding], keymap: Mapping[str, str]) -> list[KeyHelp]:
    """Help lines, with any key the user remapped (`keymap`: binding id → keys)."""
    lines: list[KeyHelp] = []
    seen: set[str] = set()
    for b in bindings:
        keys = keymap.get(b.id, b.key) if b.id else b.key
        label = keys_label(keys)
        if label in seen:
            continue  # two bindings of one key (`!` shown or not): one line
        seen.add(label)
        lines.append(KeyHelp(label, b.tooltip or b.description, b))
    return lines


def panes(screen: Screen[Any]) -> list[Widget]:
    """The widgets of `screen` with keys of their own, outermost only (the log panes, not
    each log view inside them)."""
    found: list[Widget] = []
    for widget in screen.query("*"):
        if own_bindings(widget) and not any(widget in w.walk_children() for w in found):
            found.append(widget)
    return found


def help_title(widget: Widget) -> str:
    return str(getattr(widget, "HELP_TITLE", "") or type(widget).__name__)


def sections(screen: Screen[Any], keymap: Mapping[str, str]) -> Iterator[tuple[str, list[KeyHelp]]]:
    """The help of `screen`: the focused pane's keys, every other pane's, the screen's own,
    then those that work everywhere."""
    focused = screen.focused
    found = panes(screen)
    first = [p for p in found if focused is not None and focused in p.walk_children(with_self=True)]
    for pane in first + [p for p in found if p not in first]:
        keys = [b for w in pane.walk_children(with_self=True) for b in own_bindings(w)]
        title = help_title(pane)
        yield (f"{title} (focused)" if pane in first else title), describe(keys, keymap)
    own = own_bindings(screen)
    if own:
        yield help_title(screen), describe(own, keymap)
    listed = {b.id for b in own}
    anywhere = [b for b in own_bindings(screen.app) if b.id not in listed]
    yield "Everywhere", describe(anywhere, keymap)
