"""The log tail under load.

python -m bench.log_tail                 # every figure below
python -m bench.log_tail --seconds 60    # length of the 5 x 500 lines/s run
python -m bench.log_tail --repeat 3      # that run three times, with the median of each

- model ingest: raw FilterLogEvents events through parsing (sanitise, redact, level),
  dedupe and ordering into a view's ring buffer, in lines per second (median of 5);
- the app under 5 components x 500 lines/s of 150 characters: CPU, key-press-to-screen
  latency (p50/p95) and peak RSS, the feed coming from a sandbox in another process;
- bytes written to the terminal at 200 lines/s of 150 characters, against the raw bytes;
- PutLogEvents to on screen, with the default 3 s interval.
"""

from __future__ import annotations

import argparse
import random
import statistics
import subprocess
import sys
import threading
import time
from typing import Any

from bench._demo import DemoProcess
from mwaa_tui.core.logstate import LogFollower, RingBuffer
from mwaa_tui.core.logview import LogFilter, shown
from mwaa_tui.pollers.logs import to_event
from mwaa_tui.sandbox.server import DEMO_CREDENTIALS


class Feeder:
    def __init__(self, rate: float, components: int = 5, chars: int = 150) -> None:
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "bench._feeder",
                "--rate",
                str(rate),
                "--components",
                str(components),
                "--chars",
                str(chars),
            ],
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self.proc.stdout is not None
        self.url = self.proc.stdout.readline().strip()

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=20)


class WatchedApp(DemoProcess):
    """The app on a pty, with its output searchable for what a key press should draw."""

    def __init__(self, endpoint: str) -> None:
        self._lock = threading.Condition()
        self._tail = bytearray()
        self._total = 0
        super().__init__(endpoint=endpoint)

    def received(self, chunk: bytes) -> None:
        with self._lock:
            self._tail += chunk
            self._total += len(chunk)
            del self._tail[: max(0, len(self._tail) - 4_000_000)]
            self._lock.notify_all()

    def position(self) -> int:
        with self._lock:
            return self._total

    def wait_output(self, marker: bytes, after: int, timeout: float = 10.0) -> float:
        """Seconds until `marker` is written after byte `after`."""
        start = time.monotonic()
        with self._lock:
            while True:
                offset = max(0, len(self._tail) - (self._total - after))
                if self._tail.find(marker, offset) >= 0:
                    return time.monotonic() - start
                left = timeout - (time.monotonic() - start)
                if left <= 0:
                    raise TimeoutError(f"{marker!r} not drawn within {timeout} s")
                self._lock.wait(left)

    def send(self, key: bytes) -> None:
        import os

        os.write(self.master, key)

    def press(self, key: bytes, marker: bytes) -> float:
        import os

        at = self.position()
        os.write(self.master, key)
        return self.wait_output(marker, at)


def ingest(lines: int = 100_000, runs: int = 5) -> float:
    rng = random.Random(3)
    levels = ("INFO", "INFO", "INFO", "WARNING", "ERROR")
    raw = [
        {
            "timestamp": 1_700_000_000_000 + i * 2,
            "message": (
                f"[2026-11-25T10:00:00.000+0000] {{taskinstance.py:2612}} {rng.choice(levels)} - "
                f"line {i} dag_id=etl_orders, task_id=load " + "payload " * 12
            )[:150],
            "logStreamName": "worker_1.log",
            "eventId": str(i),
            "ingestionTime": 1_700_000_000_500 + i * 2,
        }
        for i in range(lines)
    ]
    rates = []
    for _ in range(runs):
        follower = LogFollower(0)
        ring: RingBuffer[Any] = RingBuffer(10_000)
        flt = LogFilter(level="WARNING")
        start = time.perf_counter()
        for chunk in range(0, lines, 1_000):
            page = raw[chunk : chunk + 1_000]
            events = [
                to_event("Worker", e) for e in page if not follower.delivered(str(e["eventId"]))
            ]
            fresh = follower.accept(events)
            ring.extend(fresh)
            sum(1 for e in fresh if shown(e, flt, None))
        rates.append(lines / (time.perf_counter() - start))
    median = statistics.median(rates)
    print(
        "model ingest: parse, sanitise, redact, level, dedupe, order, ring buffer (target ≥ 100k/s)"
    )
    print(f"  {lines:,} lines x {runs} runs: median {median:,.0f} lines/s (min {min(rates):,.0f})")
    return median


def under_load(seconds: float = 60.0, rate: float = 500.0, presses: int = 60) -> dict[str, float]:
    feeder = Feeder(rate, components=5)
    app = WatchedApp(feeder.url)
    try:
        app.wait_for("first_paint")
        time.sleep(10)  # backfill done, buffers filling
        shares = []
        for _ in range(max(1, int(seconds // 10))):  # CPU first, untouched
            cpu0, t0 = app.cpu_seconds(), time.monotonic()
            time.sleep(10)
            shares.append(100 * (app.cpu_seconds() - cpu0) / (time.monotonic() - t0))
        # Then key presses, still under load: `?` pushes a whole new screen, `p` changes
        # the status line (and holds the tail while paused).
        by_key: dict[str, list[float]] = {"?": [], "p": []}
        for _ in range(presses // 2):
            by_key["?"].append(app.press(b"?", b"mwaa-tui keys"))
            time.sleep(0.3)
            app.press(b"\x1b", b"Pause")  # back: the footer's Pause is drawn again
            time.sleep(0.3 + random.random())
            by_key["p"].append(app.press(b"p", b"PAUSED"))
            time.sleep(0.3)
            app.send(b"p")  # follow again; nothing distinctive to wait for
            time.sleep(0.3 + random.random())
        memory = app.memory_kib()
    finally:
        app.quit()
        feeder.stop()
    latencies = sorted(by_key["?"] + by_key["p"])

    def p95(values: list[float]) -> float:
        return 1000 * sorted(values)[int(0.95 * (len(values) - 1))]

    result = {
        "cpu_median_pct": statistics.median(shares),
        "cpu_max_pct": max(shares),
        "key_p50_ms": 1000 * statistics.median(latencies),
        "key_p95_ms": p95(latencies),
        "help_p95_ms": p95(by_key["?"]),
        "pause_p95_ms": p95(by_key["p"]),
        "peak_rss_mib": memory["VmHWM"] / 1024,
    }
    print(
        f"app under 5 components x {rate:.0f} lines/s (120x40, merged view): CPU over"
        f" {seconds:.0f} s untouched, then {len(latencies)} key presses"
    )
    print(
        f"  CPU           median {result['cpu_median_pct']:.1f} %"
        f"   max {result['cpu_max_pct']:.1f} %   (target < 35 % of one core)"
    )
    print(
        f"  key to screen p50 {result['key_p50_ms']:.0f} ms   p95 {result['key_p95_ms']:.0f} ms"
        f"   over {len(latencies)} presses (target p95 < 100 ms)"
    )
    print(
        f"                ? (a new screen) p95 {result['help_p95_ms']:.0f} ms,"
        f" p (the status line) p95 {result['pause_p95_ms']:.0f} ms"
    )
    print(f"  peak RSS      {result['peak_rss_mib']:.0f} MiB   (target < 250 MB)")
    return result


def terminal_bytes(seconds: float = 30.0, rate: float = 200.0, chars: int = 150) -> float:
    feeder = Feeder(rate, components=1, chars=chars)
    app = WatchedApp(feeder.url)
    try:
        app.wait_for("first_paint")
        time.sleep(8)
        rates = []
        for _ in range(int(seconds // 10)):
            b0, t0 = app.bytes_out, time.monotonic()
            time.sleep(10)
            rates.append((app.bytes_out - b0) / (time.monotonic() - t0))
    finally:
        app.quit()
        feeder.stop()
    raw = rate * chars
    median = statistics.median(rates)
    print(f"terminal output at {rate:.0f} lines/s of {chars} characters (120x40, merged view)")
    print(
        f"  median {median / 1000:.1f} kB/s = {median / raw:.2f} x the raw {raw / 1000:.0f} kB/s"
        "   (target ≤ 2 x)"
    )
    return median / raw


def put_to_screen(probes: int = 12) -> list[float]:
    import boto3

    feeder = Feeder(0.2, components=5)  # a quiet background, so a probe is never scrolled away
    app = WatchedApp(feeder.url)
    client = boto3.client(
        "logs",
        endpoint_url=feeder.url,
        region_name="eu-west-1",
        aws_access_key_id=DEMO_CREDENTIALS[0],
        aws_secret_access_key=DEMO_CREDENTIALS[1],
    )
    group = "airflow-demo-Worker"
    client.create_log_stream(logGroupName=group, logStreamName="probe")
    delays = []
    try:
        app.wait_for("first_paint")
        time.sleep(5)
        for i in range(probes):
            marker = f"probe-{i}-{random.randrange(10**6):06d}"
            at = app.position()
            sent = time.monotonic()
            client.put_log_events(
                logGroupName=group,
                logStreamName="probe",
                logEvents=[{"timestamp": int(time.time() * 1000), "message": marker}],
            )
            app.wait_output(marker.encode(), at, timeout=15)
            delays.append(time.monotonic() - sent)
            time.sleep(random.uniform(0.5, 2.5))
    finally:
        app.quit()
        feeder.stop()
    delays.sort()
    print(f"PutLogEvents to on screen, default 3 s interval, {probes} probes (target ≤ 3.5 s)")
    print(
        f"  median {statistics.median(delays):.2f} s   "
        f"p95 {delays[int(0.95 * (len(delays) - 1))]:.2f} s   max {delays[-1]:.2f} s"
    )
    return delays


def repeated_load(seconds: float, repeat: int) -> None:
    """`under_load` several times, then the median of each figure over the runs."""
    runs = [under_load(seconds) for _ in range(repeat)]
    if repeat > 1:
        print(f"over {repeat} runs (median of the runs' figures):")
        for key in runs[0]:
            values = [r[key] for r in runs]
            print(
                f"  {key:<16} {statistics.median(values):8.1f}   runs: "
                + ", ".join(f"{v:.1f}" for v in values)
            )


def run(seconds: float = 60.0, repeat: int = 1) -> None:
    ingest()
    repeated_load(seconds, repeat)
    terminal_bytes()
    put_to_screen()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(prog="python -m bench.log_tail")
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--repeat", type=int, default=1, help="runs of the load test")
    parser.add_argument("--only", choices=["ingest", "load", "bytes", "latency"])
    args = parser.parse_args()
    if args.only == "ingest":
        ingest()
    elif args.only == "load":
        repeated_load(args.seconds, args.repeat)
    elif args.only == "bytes":
        terminal_bytes()
    elif args.only == "latency":
        put_to_screen()
    else:
        run(args.seconds, args.repeat)
