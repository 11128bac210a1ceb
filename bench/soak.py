"""Memory over a long run: the app against a feed of 5 components x 100 lines/s.

python -m bench.soak --minutes 30    # RSS every minute, growth once the buffers are full
python -m bench.soak --minutes 3     # a quick check (too short for the growth figure)

The app runs on a 120x40 pty in its own process; the sandbox and the feeder
(`bench._feeder`) in another. RSS is read from /proc every minute. The buffers are full
once the slowest of them has filled: each log view keeps `buffer_lines` events, and each
component's follower remembers the last `capacity` event ids; from the minute after that
the growth is the least-squares slope of RSS, per 10 minutes (target < 5 MiB).
"""

from __future__ import annotations

import argparse
import dataclasses
import inspect
import itertools
import math
import os
import time
from pathlib import Path

from bench._demo import DemoProcess
from bench.log_tail import Feeder
from mwaa_tui.core.logstate import LogFollower
from mwaa_tui.settings import AppConfig

COMPONENTS = 5
TARGET_MIB_PER_10_MIN = 5.0
STARTUP_ALLOWANCE = 30.0
"""Seconds from launch to the first full poll (start-up, the first backfill)."""


def buffers_full_after(rate: float, components: int) -> tuple[float, str]:
    """Seconds until every buffer holds as much as it ever will, and which one is last."""
    buffer_lines = next(
        f.default for f in dataclasses.fields(AppConfig) if f.name == "buffer_lines"
    )
    capacity = inspect.signature(LogFollower).parameters["capacity"].default
    assert isinstance(buffer_lines, int) and isinstance(capacity, int)
    fills = {
        f"each component's view ({buffer_lines:,} lines)": buffer_lines / rate,
        f"the merged view ({buffer_lines:,} lines)": buffer_lines / (rate * components),
        f"each follower's seen ids ({capacity:,})": capacity / rate,
    }
    name = max(fills, key=lambda k: fills[k])
    return fills[name], name


def slope(points: list[tuple[float, float]]) -> float:
    """Least-squares slope of y over x."""
    n = len(points)
    mx = sum(x for x, _ in points) / n
    my = sum(y for _, y in points) / n
    sxx = sum((x - mx) ** 2 for x, _ in points)
    return sum((x - mx) * (y - my) for x, y in points) / sxx


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return math.nan


def run(minutes: float, rate: float = 100.0, full_after: float | None = None) -> float | None:
    """RSS growth per 10 minutes once the buffers are full, or None if the run was too short."""
    began = time.monotonic()
    fill_seconds, slowest = buffers_full_after(rate, COMPONENTS)
    full_minute = (
        full_after
        if full_after is not None
        else float(math.ceil((fill_seconds + STARTUP_ALLOWANCE) / 60))
    )
    print(
        f"soak: the app (120x40 pty, its own process) against {COMPONENTS} components x"
        f" {rate:g} lines/s from a sandbox + feeder in another process, {minutes:g} min;"
        f" {os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f} at start"
    )
    print(
        f"  buffers full after about {fill_seconds:.0f} s ({slowest} is the last to fill):"
        f" growth measured from minute {full_minute:g}"
    )
    feeder = Feeder(rate, components=COMPONENTS)
    app = DemoProcess(endpoint=feeder.url)
    samples: list[tuple[float, float]] = []
    try:
        app.wait_for("first_paint", timeout=60)
        start = time.monotonic()
        cpu0 = app.cpu_seconds()
        for minute in range(1, int(minutes) + 1):
            time.sleep(max(0.0, start + 60 * minute - time.monotonic()))
            if app.proc.poll() is not None:
                print(f"  the app exited ({app.proc.returncode}) in minute {minute}")
                break
            memory = app.memory_kib()
            cpu = app.cpu_seconds()
            rss = memory["VmRSS"] / 1024
            samples.append((float(minute), rss))
            print(
                f"  minute {minute:>3}  RSS {rss:6.1f} MiB  peak {memory['VmHWM'] / 1024:6.1f} MiB"
                f"  CPU {100 * (cpu - cpu0) / 60:4.0f} %  sandbox + feeder RSS"
                f" {rss_mib(feeder.proc.pid):5.0f} MiB",
                flush=True,
            )
            cpu0 = cpu
    finally:
        app.quit()
        feeder.stop()
    steady = [(m, r) for m, r in samples if m >= full_minute]
    growth = None
    if len(steady) >= 3:
        growth = 10 * slope(steady)
        verdict = "PASS" if growth < TARGET_MIB_PER_10_MIN else "MISS"
        print(
            f"  growth from minute {full_minute:g} to {steady[-1][0]:g}: {growth:+.2f} MiB per"
            f" 10 min (target < {TARGET_MIB_PER_10_MIN:g})   {verdict}"
        )
        # A slope cannot tell a steady leak from one step up followed by a plateau.
        steps = [(b[0], b[1] - a[1]) for a, b in itertools.pairwise(steady)]
        at, jump = max(steps, key=lambda step: step[1])
        last = [(m, r) for m, r in steady if m >= steady[-1][0] - 10]
        span, grown = last[-1][0] - last[0][0], last[-1][1] - last[0][1]
        print(
            f"  of which the largest one-minute step: {jump:+.1f} MiB in minute {at:g};"
            f" over the last {span:g} minutes {grown:+.1f} MiB"
        )
    else:
        whole = 10 * slope(samples) if len(samples) >= 2 else math.nan
        print(
            f"  too short for the growth figure: it needs 3 minutes from minute {full_minute:g},"
            f" a run of {full_minute + 2:g} minutes or more. Meanwhile, still filling:"
            f" {whole:+.2f} MiB per 10 min over the run"
        )
    print(f"total run time {time.monotonic() - began:.0f} s")
    return growth


if __name__ == "__main__":
    parser = argparse.ArgumentParser(prog="python -m bench.soak")
    parser.add_argument("--minutes", type=float, default=30.0)
    parser.add_argument("--rate", type=float, default=100.0, help="lines/s per component")
    parser.add_argument(
        "--full-after", type=float, default=None, metavar="MINUTE", help="measure from here"
    )
    args = parser.parse_args()
    run(args.minutes, args.rate, args.full_after)
