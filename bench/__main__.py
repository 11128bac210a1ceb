"""Run every benchmark and print the figures.

.venv/bin/python -m bench                # startup (5 runs), 60 s idle, the log tail under load
.venv/bin/python -m bench --soak 10      # and peak memory after 10 minutes

Longer, and not in the default run:
.venv/bin/python -m bench.faults         # throttling at 0-90 %: plain --follow and the TUI
                                         # against their targets (about 15 minutes)
.venv/bin/python -m bench.soak --minutes 30   # RSS every minute, growth once buffers are full
"""

from __future__ import annotations

import argparse

from bench import idle, log_tail, metrics_panels, startup, trail_list

parser = argparse.ArgumentParser(prog="python -m bench")
parser.add_argument("--runs", type=int, default=5, help="startup runs (median reported)")
parser.add_argument("--idle-seconds", type=float, default=60.0)
parser.add_argument(
    "--soak",
    type=float,
    default=0.0,
    metavar="MINUTES",
    help="also run the demo this long and report its peak memory",
)
args = parser.parse_args()

startup.run(args.runs)
trail_list.run()
idle.run(args.idle_seconds)
idle.run(args.idle_seconds, external=True)
metrics_panels.run(args.idle_seconds)
log_tail.run(args.idle_seconds)
if args.soak:
    idle.run(args.soak * 60, window=60.0)
