"""The log panes' tabs: the views by number, in the border title."""

from __future__ import annotations

from collections.abc import Mapping

from rich.text import Text

from mwaa_tui.core.logview import TAGS, VIEWS
from mwaa_tui.core.snapshots import LogConfig


def view_tabs(current: str, configs: Mapping[str, LogConfig], width: int) -> Text:
    """The views by number: the one shown reversed, a disabled component struck out.
    Where they do not fit with two spaces between (80 columns), one: all six whole.
    `width` is the panes' (0: not laid out yet, the full form)."""
    full, tight = Text(), Text()
    for i, view in enumerate(VIEWS):
        cfg = configs.get(view)
        style = "dim strike" if cfg is not None and not cfg.enabled else ""
        label = f"{i + 1} {TAGS[view]}"
        if view == current:
            full.append(f" {label} ", style="bold reverse")
            tight.append(f" {label} ", style="bold reverse")
            continue
        full.append(f" {label} ", style=style)
        if tight and not tight.plain.endswith(" "):
            tight.append(" ")
        tight.append(label, style=style)
    # The border keeps a corner, a rule and a space on each side of the title.
    room = width - 6 if width else full.cell_len
    return full if full.cell_len <= room else tight
