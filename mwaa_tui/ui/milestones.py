"""The session's milestones: its first frame, each kind of data's first arrival, every
pane filled. Appended as JSON lines to the timings file that bench/ reads (the config's
`timings_path`, or `MWAA_TUI_TIMINGS`); with neither, nothing is written. Once every pane
has data (or after 15 s) the heap is frozen."""

from __future__ import annotations

import gc
import json
import time
from pathlib import Path

FREEZE_AFTER_SECONDS = 15.0
"""When the heap is frozen if some source never answers."""


class Milestones:
    def __init__(self, path: str | Path | None) -> None:
        self.path = path
        self.heap_frozen = False

    def mark(self, event: str) -> None:
        if self.path:
            with open(self.path, "a", encoding="utf-8") as fh:
                fh.write(json.dumps({"event": event, "t": time.time()}) + "\n")

    def freeze_heap(self) -> None:
        """Once every pane has data, what exists (modules, AWS models, widgets) lives as long
        as the app: frozen, full garbage collections stop scanning it. Without this a busy
        tail stalled the screen for 100 ms every few seconds."""
        if self.heap_frozen:
            return
        self.heap_frozen = True
        gc.collect()
        gc.freeze()
