"""The robustness targets under throttling, over real HTTP to the sandbox.

python -m bench.faults                          # shares 0, 30, 50, 90 %; 60 s; seeds 1-3
python -m bench.faults --seconds 20 --seeds 2   # a quicker look
python -m bench.faults --awslogs /tmp/awslogs-venv/bin/awslogs   # awslogs as the reference

The sandbox throttles that share of calls to every service (mwaa, logs, cloudwatch,
cloudtrail) with its own fault injection, seeded: a seed fixes the sequence of decisions,
though not which request meets each, as the requests' order varies from run to run. Each
run has its own sandbox, in its own process (`bench._feeder`), and the client in another.

- plain `mwaa-tui logs --follow --json -c Worker`: `--seconds` of `--rate` numbered lines
  a second into the Worker group, `--late` of them stamped 2-8 s in the past. Reported:
  lines missing and doubled (after a grace period for the last ones), the delay from
  PutLogEvents to the line on the client's stdout (p95 over every line fed, a missing
  one counting as infinite), and requests a minute counted at the sandbox while feeding.
  Targets: every line exactly once; p95 <= interval + 3 s; requests a minute no more than
  awslogs makes on the same feed unthrottled (measured with `--awslogs`, else the 66 a
  minute measured earlier).
- the TUI on a 120x40 pty against the demo simulation: seconds from start to data in every
  pane (the app's `all_data` mark), targets <= 10 s at 50 % and <= 60 s at 90 %, and
  whether the status line says how throttled the account is (`throttled N`, `paced`).

A row passes when its worst seed meets the target. Shares and seeds run in sequence; the
plain runs `--parallel` at a time (default 2: a run is two light processes), the TUI runs
alone.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import math
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench._demo import DemoProcess
from mwaa_tui.core.backoff import THROTTLE_BUDGET
from mwaa_tui.sandbox.server import DEMO_CREDENTIALS

SHARES = (0.0, 0.3, 0.5, 0.9)
TUI_TARGETS = {0.5: 10.0, 0.9: 60.0}
AWSLOGS_MEASURED = 66.0
"""Requests a minute awslogs made on this feed when it was measured before."""
GROUP = "airflow-demo-Worker"
LINE = re.compile(rb"\bline (\d+) payload")
CLIENT_ENV = {
    "AWS_ACCESS_KEY_ID": DEMO_CREDENTIALS[0],
    "AWS_SECRET_ACCESS_KEY": DEMO_CREDENTIALS[1],
    "AWS_REGION": "eu-west-1",
    "AWS_DISABLE_HOST_PREFIX_INJECTION": "true",
    "PYTHONUNBUFFERED": "1",
}
ANSI = re.compile(rb"\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)|[@-Z\\-_])")
STATUS_COUNT = re.compile(r"throttled \d+")
STATUS_PACE = re.compile(
    r"[A-Za-z]+ paced [\d.]+/s(?: · (?:<1|\d+) % throttled)?|[A-Za-z]+ (?:<1|\d+) % throttled"
)


def cpu_seconds(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return math.nan
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def percent(value: float) -> str:
    return "n/a" if math.isnan(value) else f"{value:.0f} %"


def percentile(values: Sequence[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, math.ceil(share * len(ordered)) - 1)]


class Feeder:
    """`bench._feeder` in its own process: the sandbox, its faults and the feed."""

    def __init__(self, args: Sequence[str]) -> None:
        fd, name = tempfile.mkstemp(prefix="mwaa-bench-feed-", suffix=".json")
        os.close(fd)
        self.report_path = Path(name)
        self.errors = tempfile.TemporaryFile()  # noqa: SIM115 (read on failure, closed in stop)
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "bench._feeder", *args, "--report", name],
            stdout=subprocess.PIPE,
            stderr=self.errors,
            text=True,
        )
        assert self.proc.stdout is not None
        self.url = self.proc.stdout.readline().strip()
        if not self.url.startswith("http"):
            raise RuntimeError(f"the feeder did not start: {self._stderr()}")
        self.fed: int | None = None
        self.fed_event = threading.Event()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for text in self.proc.stdout:
            if text.startswith("fed "):
                self.fed = int(text.split()[1])
                self.fed_event.set()

    def _stderr(self) -> str:
        self.proc.kill()
        self.proc.wait()
        self.errors.seek(0)
        return self.errors.read().decode(errors="replace").strip()[-2000:]

    def stop(self) -> dict[str, Any]:
        """Stop it; its report (empty if it wrote none)."""
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        try:
            return dict(json.loads(self.report_path.read_text()))
        except (OSError, ValueError):
            return {}
        finally:
            self.report_path.unlink(missing_ok=True)
            self.errors.close()


def requests_between(samples: list[Any], start: float, end: float) -> tuple[int, Counter[str]]:
    """Requests the sandbox received between two times, in all and per operation, from its
    once-a-second samples of the running totals."""
    if not samples:
        return 0, Counter()
    first = min(samples, key=lambda s: abs(s[0] - start))[1]
    last = min(samples, key=lambda s: abs(s[0] - end))[1]
    ops = Counter({op: n - first.get(op, 0) for op, n in last.items() if n > first.get(op, 0)})
    return sum(ops.values()), ops


# -- plain mode ------------------------------------------------------------------------------


@dataclass
class PlainRun:
    client: str
    share: float
    seed: int
    fed: int = 0
    late_fed: int = 0
    missing: int = 0
    missing_late: int = 0
    doubled: int = 0
    p95: float = math.inf
    median: float = math.inf
    per_minute: float = math.nan
    by_operation: Counter[str] = field(default_factory=Counter)
    answers: dict[str, int] = field(default_factory=dict)
    injected: dict[str, int] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    exit_code: int | None = None
    exited_early: bool = False
    cpu_client: float = math.nan
    cpu_feeder: float = math.nan
    error: str = ""

    def line(self) -> str:
        if self.error:
            return f"  {self.client:<8} {self.share:>4.0%} seed {self.seed}: {self.error}"
        ops = ", ".join(f"{op.split(':', 1)[1]} {n}" for op, n in self.by_operation.most_common())
        answers = ", ".join(
            f"{k.split(':', 1)[1]} {v}" for k, v in sorted(self.answers.items()) if v
        )
        out = (
            f"  {self.client:<8} {self.share:>4.0%} seed {self.seed}: fed {self.fed}"
            f" ({self.late_fed} late), missing {self.missing} ({self.missing_late} late),"
            f" doubled {self.doubled}, delay median {self.median:.1f} s p95 {self.p95:.1f} s,"
            f" {self.per_minute:.0f} req/min [{ops}]; answers {answers};"
            f" throttles injected {self.injected.get('throttle', 0)};"
            f" stderr lines {len(self.warnings)}; CPU client {percent(self.cpu_client)}"
            f" feeder {percent(self.cpu_feeder)}"
        )
        if self.exited_early:
            last = self.warnings[-1] if self.warnings else ""
            out += f"; EXITED {self.exit_code} before the end: {last[:200]}"
        return out


def client_command(client: str, url: str, interval: float, awslogs: str | None) -> list[str]:
    if client == "awslogs":
        assert awslogs is not None
        return [
            awslogs,
            "get",
            GROUP,
            "ALL",
            "--watch",
            "--aws-endpoint-url",
            url,
            "--aws-region",
            "eu-west-1",
            "--no-group",
            "--no-stream",
            "--color",
            "never",
        ]
    return [
        sys.executable,
        "-m",
        "mwaa_tui",
        "logs",
        "--env",
        "demo",
        "--region",
        "eu-west-1",
        "--endpoint-url",
        url,
        "--component",
        "Worker",
        "--follow",
        "--json",
        "--interval",
        f"{interval:g}s",
    ]


def plain_run(
    client: str,
    share: float,
    seed: int,
    *,
    seconds: float,
    rate: float,
    late: float,
    interval: float,
    grace: float,
    awslogs: str | None,
) -> PlainRun:
    run = PlainRun(client, share, seed)
    feeder = Feeder(
        [
            "--rate",
            str(rate),
            "--component",
            "Worker",
            "--throttle",
            str(share),
            "--seed",
            str(seed),
            "--late",
            str(late),
            "--after-first-read",
            "--feed-seconds",
            str(seconds),
        ]
    )
    started = time.monotonic()
    proc = subprocess.Popen(
        client_command(client, feeder.url, interval, awslogs),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=dict(os.environ, **CLIENT_ENV),
    )
    printed: dict[int, list[float]] = {}
    lock = threading.Lock()

    def read_out() -> None:
        assert proc.stdout is not None
        for raw in proc.stdout:
            at = time.time()
            m = LINE.search(raw)
            if m:
                with lock:
                    printed.setdefault(int(m.group(1)), []).append(at)

    def read_err() -> None:
        assert proc.stderr is not None
        for raw in proc.stderr:
            run.warnings.append(raw.decode(errors="replace").rstrip())

    readers = [threading.Thread(target=f, daemon=True) for f in (read_out, read_err)]
    for t in readers:
        t.start()
    report: dict[str, Any] = {}
    try:
        # The feed starts with the client's first FilterLogEvents; allow for a slow start.
        if not feeder.fed_event.wait(seconds + 60):
            run.error = "the feed never ended: the client never read (stderr: " + (
                " | ".join(run.warnings[-3:]) + ")"
            )
            return run
        total = feeder.fed or 0
        deadline = time.monotonic() + grace
        while time.monotonic() < deadline and proc.poll() is None:
            with lock:
                if all(n in printed for n in range(total)):
                    break
            time.sleep(0.1)
        run.exit_code = proc.poll()
        run.exited_early = run.exit_code is not None
        wall = time.monotonic() - started
        run.cpu_client = 100 * cpu_seconds(proc.pid) / wall
        run.cpu_feeder = 100 * cpu_seconds(feeder.proc.pid) / wall
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGINT)
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        report = feeder.stop()
        for t in readers:
            t.join(timeout=5)
    if not report.get("fed"):
        run.error = "the feeder wrote no report"
        return run
    fed = report["fed"]
    run.fed = len(fed)
    run.late_fed = sum(1 for _, _, was_late in fed if was_late)
    delays = []
    for n, put, was_late in fed:
        seen = printed.get(n)
        if not seen:
            run.missing += 1
            run.missing_late += was_late
            delays.append(math.inf)
        else:
            run.doubled += len(seen) > 1
            delays.append(seen[0] - put)
    run.p95 = percentile(delays, 0.95)
    run.median = statistics.median(delays)
    count, run.by_operation = requests_between(
        report["samples"], report["feed_start"], report["feed_end"]
    )
    run.per_minute = count * 60 / (report["feed_end"] - report["feed_start"])
    run.answers = report.get("answers", {})
    run.injected = report.get("injected", {})
    return run


# -- the TUI ---------------------------------------------------------------------------------


class WatchedDemo(DemoProcess):
    """The app on a pty, everything it draws kept (it is read for the status line)."""

    def __init__(self, endpoint: str) -> None:
        self.output = bytearray()
        super().__init__(endpoint=endpoint)

    def received(self, chunk: bytes) -> None:
        if len(self.output) < 256 * 2**20:
            self.output += chunk

    def text(self) -> str:
        return ANSI.sub(b"", bytes(self.output)).decode(errors="replace")


@dataclass
class TuiRun:
    share: float
    seed: int
    first_paint: float | None = None
    all_data: float | None = None
    count_shown: str = ""
    pace_shown: str = ""
    border_throttled: bool = False
    exit_code: int | None = None
    panes: dict[str, float] = field(default_factory=dict)
    """Per-pane marks (`data:<pane>`), if the app writes them."""
    first_sent: dict[str, float] = field(default_factory=dict)
    first_ok: dict[str, float] = field(default_factory=dict)
    answers: dict[str, int] = field(default_factory=dict)
    injected: dict[str, int] = field(default_factory=dict)
    requests: int = 0
    error: str = ""

    def line(self) -> str:
        data = f"{self.all_data:.1f} s" if self.all_data is not None else "never"
        paint = f"{self.first_paint:.1f} s" if self.first_paint is not None else "never"
        firsts = ", ".join(
            f"{op.split(':', 1)[1]} {self.first_sent.get(op, math.nan):.1f}→{t:.1f}"
            for op, t in sorted(self.first_ok.items(), key=lambda kv: kv[1])
        )
        never: Counter[tuple[str, str]] = Counter()
        for key, n in self.answers.items():
            op, code = key.rsplit(" ", 1)
            if op not in self.first_ok:
                never[(op, code)] += n
        unanswered = ", ".join(
            f"{op.split(':', 1)[1]} {code} x{n}"
            f" (first sent at {self.first_sent.get(op, math.nan):.1f} s)"
            for (op, code), n in sorted(never.items())
        )
        out = (
            f"  TUI      {self.share:>4.0%} seed {self.seed}: first paint {paint}, all_data {data};"
            f" status line: {self.count_shown or 'no throttled count'},"
            f" {self.pace_shown or 'no pace warning'}; {self.requests} requests,"
            f" {self.injected.get('throttle', 0)} throttled; per operation, first sent→first 200"
            f" (s): {firsts}"
        )
        if self.panes:
            out += "; panes: " + ", ".join(f"{k} {v:.1f} s" for k, v in sorted(self.panes.items()))
        if unanswered:
            out += f"; never answered 200: {unanswered}"
        if self.exit_code is not None:
            out += f"; EXITED {self.exit_code}"
        if self.error:
            out += f"; {self.error}"
        by_op: dict[str, list[str]] = {}
        for key, n in sorted(self.answers.items()):
            op, code = key.rsplit(" ", 1)
            by_op.setdefault(op.split(":", 1)[1], []).append(f"{code} x{n}")
        if by_op:
            out += "\n           answers: " + "; ".join(
                f"{op} {' '.join(codes)}" for op, codes in by_op.items()
            )
        return out


def tui_run(share: float, seed: int, *, timeout: float, watch: float) -> TuiRun:
    run = TuiRun(share, seed)
    feeder = Feeder(["--rate", "0", "--simulate", "--throttle", str(share), "--seed", str(seed)])
    app = WatchedDemo(feeder.url)
    try:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and app.proc.poll() is None:
            events = app.events()
            run.first_paint = events.get("first_paint")
            run.all_data = events.get("all_data")
            run.panes = {
                k.removeprefix("data:"): v for k, v in events.items() if k.startswith("data:")
            }
            if run.all_data is not None:
                break
            time.sleep(0.1)
        # The status line is redrawn every 5 s: watch it for a while after the data came.
        end = time.monotonic() + watch
        while time.monotonic() < end and app.proc.poll() is None:
            time.sleep(0.5)
        run.exit_code = app.proc.poll()
        text = app.text()
        counts = STATUS_COUNT.findall(text)
        paces = STATUS_PACE.findall(text)
        run.count_shown = counts[-1] if counts else ""
        run.pace_shown = paces[-1] if paces else ""
        run.border_throttled = "throttled on" in text
        if run.exit_code is not None:
            run.error = text[-300:].strip().replace("\n", " ")
    finally:
        with contextlib.suppress(Exception):
            app.quit()
        report = feeder.stop()
    run.first_sent = {op: t - app.started for op, t in report.get("first_sent", {}).items()}
    run.first_ok = {op: t - app.started for op, t in report.get("first_ok", {}).items()}
    run.answers = report.get("answers", {})
    run.injected = report.get("injected", {})
    run.requests = sum(report.get("requests", {}).values())
    return run


# -- the report ------------------------------------------------------------------------------


def mark(ok: bool) -> str:
    return "PASS" if ok else "MISS"


def seconds_text(value: float) -> str:
    return "inf" if math.isinf(value) else f"{value:.1f}"


def integer(value: float) -> str:
    return f"{value:.0f}"


def median_worst(values: Sequence[float], fmt: Callable[[float], str]) -> str:
    return f"{fmt(statistics.median(values))} / {fmt(max(values))}"


def plain_table(
    rows: list[PlainRun],
    shares: Sequence[float],
    interval: float,
    reference: float,
    *,
    judge_requests: bool = True,
) -> None:
    target = interval + 3.0
    print(
        f"  {'share':>5}  {'missing':>9}  {'doubled':>9}  {'delay p95 s':>13}  {'req/min':>11}"
        f"   once  delay≤{target:g}s  req/min≤{reference:.0f}"
    )
    for share in shares:
        runs = [r for r in rows if r.share == share and not r.error]
        failed = [r for r in rows if r.share == share and r.error]
        if not runs:
            print(
                f"  {share:>5.0%}  no completed run" + (f" ({failed[0].error})" if failed else "")
            )
            continue
        missing = [float(r.missing) for r in runs]
        doubled = [float(r.doubled) for r in runs]
        p95 = [r.p95 for r in runs]
        rpm = [r.per_minute for r in runs]
        early = any(r.exited_early for r in runs)
        once = not failed and not early and max(missing) == 0 and max(doubled) == 0
        print(
            f"  {share:>5.0%}  {median_worst(missing, integer):>9}"
            f"  {median_worst(doubled, integer):>9}  {median_worst(p95, seconds_text):>13}"
            f"  {median_worst(rpm, integer):>11}   {mark(once)}"
            f"  {mark(not failed and max(p95) <= target):>10}"
            f"  {mark(not failed and max(rpm) <= reference) if judge_requests else '-':>10}"
            + (f"   ({len(failed)} run(s) failed)" if failed else "")
            + ("   (a client exited early)" if early else "")
        )


def run_plain(args: argparse.Namespace, shares: list[float], seeds: list[int]) -> None:
    grace = args.grace if args.grace is not None else 2 * THROTTLE_BUDGET + 3 * args.interval
    awslogs = None if args.no_awslogs else args.awslogs
    print(
        f"plain mode: {args.seconds:g} s at {args.rate:g} lines/s into Worker,"
        f" {args.late:.0%} stamped 2-8 s in the past, --interval {args.interval:g} s,"
        f" up to {grace:.0f} s grace for the last lines; {args.parallel} run(s) at a time"
    )
    jobs = [("mwaa-tui", s, seed) for s in shares for seed in seeds]
    if awslogs:
        # Its reference is the unthrottled feed; the other shares show how it copes.
        jobs = [("awslogs", s, seeds[0]) for s in shares] + jobs
    else:
        why = "not run (--no-awslogs)" if args.no_awslogs else "not found"
        print(
            f"  awslogs {why} (--awslogs PATH; e.g. python -m venv /tmp/awslogs-venv &&"
            f" /tmp/awslogs-venv/bin/pip install awslogs): the {AWSLOGS_MEASURED:.0f}"
            " requests a minute it made when measured earlier is the reference"
        )

    def one(job: tuple[str, float, int]) -> PlainRun:
        client, share, seed = job
        try:
            run = plain_run(
                client,
                share,
                seed,
                seconds=args.seconds,
                rate=args.rate,
                late=args.late,
                interval=args.interval,
                grace=grace,
                awslogs=awslogs,
            )
        except Exception as exc:  # one broken run must not lose the others
            run = PlainRun(client, share, seed, error=f"{type(exc).__name__}: {exc}")
        print(run.line(), flush=True)
        return run

    with ThreadPoolExecutor(max_workers=max(1, args.parallel)) as pool:
        runs = list(pool.map(one, jobs))
    ours = [r for r in runs if r.client == "mwaa-tui"]
    theirs = [r for r in runs if r.client == "awslogs"]
    cpu = [(r.cpu_client, r.cpu_feeder) for r in runs if not math.isnan(r.cpu_client)]
    if cpu:
        print(
            f"  CPU per run, median: client {statistics.median(c for c, _ in cpu):.0f} %,"
            f" sandbox + feeder {statistics.median(f for _, f in cpu):.0f} % of one core"
            f" ({args.parallel} run(s) at a time on {os.cpu_count()} cores)"
        )
    base = next((r for r in theirs if r.share == 0 and not r.error and not r.exited_early), None)
    if base is not None:
        reference = base.per_minute
        where = f"what awslogs made here on the unthrottled feed, {reference:.0f}"
    else:
        reference = AWSLOGS_MEASURED
        where = f"awslogs's {reference:.0f} measured earlier (not measured here)"
    print(
        f"plain `mwaa-tui logs --follow --json -c Worker`, median / worst of {len(seeds)} seed(s)"
    )
    print(
        "  targets: every line exactly once;"
        f" delay p95 ≤ interval + 3 s = {args.interval + 3:g} s; req/min ≤ {where}"
    )
    plain_table(ours, shares, args.interval, reference)
    if theirs:
        print(f"awslogs (`awslogs get {GROUP} ALL --watch`), seed {seeds[0]}, the same feed:")
        plain_table(theirs, shares, args.interval, reference, judge_requests=False)


def run_tui(args: argparse.Namespace, shares: list[float], seeds: list[int]) -> None:
    tui_shares = [s for s in shares if s in TUI_TARGETS] or list(TUI_TARGETS)
    print(
        "TUI on a 120x40 pty against the demo simulation (its sandbox in another process),"
        f" one run at a time, each up to {args.tui_timeout:g} s + {args.tui_watch:g} s watching"
    )
    runs: list[TuiRun] = []
    for share in tui_shares:
        for seed in seeds:
            try:
                run = tui_run(share, seed, timeout=args.tui_timeout, watch=args.tui_watch)
            except Exception as exc:
                run = TuiRun(share, seed, error=f"{type(exc).__name__}: {exc}")
            print(run.line(), flush=True)
            runs.append(run)
    print(f"TUI: start to data in every pane (all_data), median / worst of {len(seeds)} seed(s)")
    for share in tui_shares:
        mine = [r for r in runs if r.share == share]
        times = [r.all_data if r.all_data is not None else math.inf for r in mine]
        target = TUI_TARGETS[share]
        print(
            f"  {share:>5.0%}  all_data {median_worst(times, seconds_text):>13} s"
            f"   target ≤ {target:g} s   {mark(max(times) <= target)}"
        )
        if share == max(TUI_TARGETS):
            counted = sum(1 for r in mine if r.count_shown)
            paced = sum(1 for r in mine if r.pace_shown)
            example = next((r.pace_shown for r in mine if r.pace_shown), "") or next(
                (r.count_shown for r in mine if r.count_shown), ""
            )
            told = bool(mine) and all(r.count_shown or r.pace_shown for r in mine)
            print(
                f"         status line says how throttled: 'throttled N' in {counted}/{len(mine)}"
                f" runs, a pace warning in {paced}/{len(mine)}"
                + (f" (e.g. '{example}')" if example else "")
                + f"   {mark(told)}"
            )
        panes = sorted({k for r in mine for k in r.panes})
        for pane in panes:
            times = [r.panes.get(pane, math.inf) for r in mine]
            print(f"         {pane:<12} {median_worst(times, seconds_text):>13} s")
    if not any(r.panes for r in runs):
        print(
            "  per pane: the app marks only first_paint and all_data; each run's line above lists"
            " when the sandbox first saw and first answered 200 each operation, as a stand-in"
        )


def main() -> None:
    p = argparse.ArgumentParser(prog="python -m bench.faults", description=__doc__.split("\n")[0])
    p.add_argument("--seconds", type=float, default=60.0, help="feed length of a plain run")
    p.add_argument("--seeds", type=int, default=3, help="seeds 1..N for every share")
    p.add_argument(
        "--shares",
        default=",".join(f"{100 * s:g}" for s in SHARES),
        help="throttled shares in percent, comma-separated",
    )
    p.add_argument("--rate", type=float, default=20.0, help="lines a second into Worker")
    p.add_argument("--late", type=float, default=0.1, help="share of lines stamped 2-8 s ago")
    p.add_argument("--interval", type=float, default=3.0, help="plain mode's --interval")
    p.add_argument("--grace", type=float, default=None, help="seconds to wait for the last lines")
    p.add_argument("--parallel", type=int, default=2, help="plain runs at a time")
    p.add_argument("--awslogs", default=shutil.which("awslogs"), help="awslogs to compare with")
    p.add_argument("--no-awslogs", action="store_true")
    p.add_argument("--tui-timeout", type=float, default=120.0)
    p.add_argument("--tui-watch", type=float, default=15.0, help="seconds to watch after data")
    p.add_argument("--only", choices=["plain", "tui"])
    args = p.parse_args()
    began = time.monotonic()
    shares = [float(s) / 100 for s in args.shares.split(",")]
    seeds = list(range(1, args.seeds + 1))
    print(
        "bench.faults: throttling on mwaa, logs, cloudwatch and cloudtrail at"
        f" {', '.join(f'{s:.0%}' for s in shares)}; seeds {', '.join(map(str, seeds))}"
    )
    print(
        "  where: each run has its own sandbox + feeder process (bench._feeder) and the client"
        f" in another; {os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f} at start"
    )
    if args.only != "tui":
        run_plain(args, shares, seeds)
    if args.only != "plain":
        run_tui(args, shares, seeds)
    print(
        f"total run time {time.monotonic() - began:.0f} s;"
        f" load average {os.getloadavg()[0]:.2f} at the end"
    )


if __name__ == "__main__":
    main()
