"""A sandbox with environment `demo` whose log groups are fed at a fixed rate.

python -m bench._feeder --rate 500 --components 5 --chars 150

Prints the sandbox URL on its first line, then feeds until terminated. Lines older than
a minute are pruned, as CloudWatch's own scans stay fast however long a group is.

For the fault benchmarks (`bench.faults`), also:

python -m bench._feeder --rate 20 --component Worker --throttle 0.5 --seed 2 --late 0.1 \\
    --after-first-read --feed-seconds 60 --report /tmp/report.json
python -m bench._feeder --rate 0 --simulate --throttle 0.9 --seed 1 --report /tmp/r.json

- `--throttle` answers that share of calls to every service (MWAA, Logs, CloudWatch,
  CloudTrail) with throttling, with the sandbox's own fault injection, seeded by `--seed`;
- `--late` stamps that share of lines 2-8 s in the past, as CloudWatch ingests some late;
- `--after-first-read` holds the feed until a client's first FilterLogEvents arrives (so a
  client's start-up is not counted as delay); `--feed-seconds` stops feeding after that
  long and prints `fed N` (lines are numbered from 0);
- `--simulate` runs the demo simulation (metrics, alarms, CloudTrail, its own logs) too;
- `--report FILE` writes, on exit, each line's put time (and whether it was stamped late),
  the requests the sandbox received (sampled every second, per operation), its answers by
  status, when each operation was first asked for and first answered 200, and the faults
  it injected, as JSON.
"""

from __future__ import annotations

import argparse
import json
import random
import signal
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterable
from typing import Any

from mwaa_tui.core.snapshots import COMPONENTS
from mwaa_tui.sandbox import Faults, Sandbox
from mwaa_tui.sandbox.protocol import identify

LEVELS = ("INFO",) * 8 + ("WARNING", "ERROR")
TICK = 0.1
SERVICES = ("mwaa", "logs", "cloudwatch", "cloudtrail")
LATE_SECONDS = (2.0, 8.0)


def line(rng: random.Random, n: int, t: float, chars: int) -> str:
    stamp = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(t))
    head = f"[{stamp}.000+0000] {{taskinstance.py:2612}} {rng.choice(LEVELS)} - line {n} "
    return (head + "payload " * (chars // 8))[:chars]


class AnsweredSandbox(Sandbox):
    """The sandbox, also counting its answers per operation by HTTP status, and when each
    operation was first answered 200 (what a client saw, as against what it sent)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.answers: Counter[str] = Counter()
        self.first_sent: dict[str, float] = {}
        self.first_ok: dict[str, float] = {}

    def __call__(
        self, environ: dict[str, Any], start_response: Callable[..., Any]
    ) -> Iterable[bytes]:
        call = identify(environ, b"")  # the headers name the operation
        op = f"{call.service}:{call.operation}"
        self.first_sent.setdefault(op, time.time())

        def counted(status: str, headers: list[tuple[str, str]], *exc: Any) -> Any:
            code = status.split(" ", 1)[0]
            self.answers[f"{op} {code}"] += 1
            if code == "200":
                self.first_ok.setdefault(op, time.time())
            return start_response(status, headers, *exc)

        return super().__call__(environ, counted)


def _requests(sandbox: Sandbox) -> dict[str, int]:
    """Requests received so far, per `service:Operation`."""
    while True:
        try:
            return {f"{s}:{op}": n for (s, op), n in list(sandbox.requests.items())}
        except RuntimeError:  # a new operation was added meanwhile
            continue


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--rate", type=float, default=500.0, help="lines per second per component")
    p.add_argument("--components", type=int, default=5)
    p.add_argument(
        "--component",
        action="append",
        choices=COMPONENTS,
        help="feed this component (repeatable; instead of the first --components)",
    )
    p.add_argument("--chars", type=int, default=150)
    p.add_argument("--throttle", type=float, default=0.0, help="share of calls throttled")
    p.add_argument("--seed", type=int, default=1, help="for the faults and the late lines")
    p.add_argument("--late", type=float, default=0.0, help="share of lines stamped 2-8 s ago")
    p.add_argument("--after-first-read", action="store_true")
    p.add_argument("--feed-seconds", type=float, default=None)
    p.add_argument("--simulate", action="store_true", help="run the demo simulation too")
    p.add_argument("--report", default=None, metavar="FILE")
    args = p.parse_args()
    sandbox = AnsweredSandbox(evaluate_every=10.0 if args.simulate else None)
    sandbox.start()
    # After start(): it resets the faults.
    sandbox.faults = Faults(throttle=dict.fromkeys(SERVICES, args.throttle), seed=args.seed)
    stop_simulation = None
    if args.simulate:
        from mwaa_tui.sandbox.simulator import Simulator

        sim = Simulator(sandbox, environment="demo")
        sim.setup(time.time())
        stop_simulation = sim.start_thread()
        env = sandbox.mwaa.environments["demo"]
    else:
        env = sandbox.create_environment("demo")
    components = args.component or list(COMPONENTS[: args.components])
    groups = [env.group_name(c) for c in components] if args.rate > 0 else []
    with sandbox.lock:
        for g in groups:
            sandbox.logs.groups[g].create_log_stream("load")
    fed: list[tuple[int, float, bool]] = []
    samples: list[tuple[float, dict[str, int]]] = []
    report: dict[str, Any] = {"feed_start": None, "feed_end": None}
    print(sandbox.url, flush=True)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        if args.after_first_read:
            while not sandbox.requests[("logs", "FilterLogEvents")]:
                time.sleep(0.01)
        _feed(sandbox, args, groups, fed, samples, report)
    finally:
        if stop_simulation is not None:
            stop_simulation.set()
        if args.report:
            report.update(
                fed=fed,
                samples=samples,
                requests=_requests(sandbox),
                injected=dict(sandbox.faults.injected),
                answers=dict(sandbox.answers),
                first_sent=sandbox.first_sent,
                first_ok=sandbox.first_ok,
            )
            with open(args.report, "w", encoding="utf-8") as fh:
                json.dump(report, fh)


def _feed(
    sandbox: Sandbox,
    args: argparse.Namespace,
    groups: list[str],
    fed: list[tuple[int, float, bool]],
    samples: list[tuple[float, dict[str, int]]],
    report: dict[str, Any],
) -> None:
    rng = random.Random(args.seed)
    late_rng = random.Random(f"{args.seed}-late")  # the levels stay as without --late
    per_tick = args.rate * TICK
    owed = 0.0
    n = 0
    start = next_tick = time.monotonic()
    report["feed_start"] = time.time()
    next_sample = 0.0
    feeding = True
    while True:
        if args.report and time.monotonic() >= next_sample:
            samples.append((time.time(), _requests(sandbox)))
            next_sample = time.monotonic() + 1.0
        ending = args.feed_seconds is not None and time.monotonic() - start >= args.feed_seconds
        if feeding and ending:
            feeding = False
            report["feed_end"] = time.time()
            print(f"fed {n}", flush=True)
        owed += per_tick if feeding else 0.0
        count, owed = int(owed), owed - int(owed)
        now = time.time()
        if count and groups:
            late = [bool(args.late) and late_rng.random() < args.late for _ in range(count)]
            stamps = [now - late_rng.uniform(*LATE_SECONDS) if x else now for x in late]
            with sandbox.lock:
                for g in groups:
                    stream = sandbox.logs.groups[g].streams["load"]
                    # A batch must be in time order, as PutLogEvents requires.
                    batch = [
                        (int(t * 1000), line(rng, n + i, t, args.chars))
                        for i, t in enumerate(stamps)
                    ]
                    batch.sort(key=lambda item: item[0])
                    stream.put_log_events([{"timestamp": t, "message": m} for t, m in batch])
                    horizon = int((now - 60) * 1000)
                    if stream.events and stream.events[0].timestamp < horizon:
                        stream.events = [e for e in stream.events if e.timestamp >= horizon]
            if args.report:
                put = time.time()
                fed.extend((n + i, put, late[i]) for i in range(count))
            n += count
        next_tick += TICK
        time.sleep(max(0.0, next_tick - time.monotonic()))


if __name__ == "__main__":
    main()
