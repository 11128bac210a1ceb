"""The main screen's footer, fitted to its width: keys that do not fit are left out whole,
the least useful first, rather than the last one cut in half. `?` lists every key."""

from __future__ import annotations

from rich.cells import cell_len
from textual import events
from textual.app import ComposeResult
from textual.compose import compose
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

from mwaa_tui.core.layout import NEVER, Part, fit

COMPACT_BELOW = 110
"""Narrower than this (the app's `-narrow` breakpoint), the keys sit closer together."""

RANKS = {
    "help": NEVER,  # `?` lists whatever the footer leaves out
    "quit": NEVER,
    "sources": NEVER,  # `!` shows only while a source fails
    "palette": 9,
    "view-All": 8,  # the log pane's border numbers every view
    "refresh": 7,
    "zoom": 5,
    "airflow": 3,  # below 120x40, the only way to the Airflow pane
}
"""How soon a key is left out (higher first; see `core.layout.fit`), by binding id. Any
other key, the focused pane's among them, ranks `OTHER`: between equals, the rightmost
goes first."""
OTHER = 4


class FittedFooter(Footer):
    """Textual's footer, compact below `COMPACT_BELOW` columns, with the keys that fit."""

    def __init__(self) -> None:
        super().__init__()
        self._fitted = 0
        """The width the keys were last chosen for."""

    def compose(self) -> ComposeResult:
        nodes = compose(self, super().compose())
        width = self.size.width - self.styles.padding.width
        if not self.size.width:
            yield from nodes
            return
        ids = {
            (b.binding.key, b.binding.action): b.binding.id
            for b in self.screen.active_bindings.values()
        }
        parts = []
        for i, node in enumerate(nodes):
            if isinstance(node, FooterKey):
                key_id = ids.get((node.key, node.action)) or ""
                if node.has_class("-command-palette"):
                    key_id = "palette"
                rank = RANKS.get(key_id, OTHER)
                parts.append(Part(str(i), (self._width(node),), (rank,)))
            else:  # a group of keys (none on the main screen): kept, its width unknown
                parts.append(Part(str(i), (0,), (NEVER,)))
        kept = fit(parts, width)
        yield from (node for i, node in enumerate(nodes) if str(i) in kept)

    def _width(self, key: FooterKey) -> int:
        """The cells `key` takes, as Footer's stylesheet lays it out: ` k Desc ` apart, or
        `k Desc` and a space when compact; the palette's key also has its rule."""
        words = cell_len(key.key_display) + cell_len(key.description)
        if key.has_class("-command-palette"):
            return words + (3 if self.compact else 5)
        return words + (2 if self.compact else 3)

    def on_resize(self, event: events.Resize) -> None:
        compact = event.size.width < COMPACT_BELOW
        if event.size.width != self._fitted:
            self._fitted = event.size.width
            self.compact = compact
            self.call_after_refresh(self.recompose)
