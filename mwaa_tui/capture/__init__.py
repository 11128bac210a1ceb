"""Incident capture: recording what the pollers deliver, reading it back, replaying it.

`Recorder` writes a recording (a SQLite file, see `mwaa_tui.core.recording` for the
format), `Recording` opens one, and `ReplaySource` emits its updates through the same
callback the pollers use. No Textual, no AWS.
"""

from mwaa_tui.capture.reader import Recording
from mwaa_tui.capture.recorder import (
    Recorder,
    RecordingError,
    check_new_recording,
    default_recording_path,
)
from mwaa_tui.capture.replay import SPEEDS, ReplaySource

__all__ = [
    "SPEEDS",
    "Recorder",
    "Recording",
    "RecordingError",
    "ReplaySource",
    "check_new_recording",
    "default_recording_path",
]
