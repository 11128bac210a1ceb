"""A sandbox with environment `demo` whose log groups are fed at a fixed rate.

python -m bench._feeder --rate 500 --components 5 --chars 150

Prints the sandbox URL on its first line, then feeds until terminated. Lines older than
a minute are pruned, as CloudWatch's own scans stay fast however long a group is.
"""

from __future__ import annotations

import argparse
import random
import signal
import sys
import time

from mwaa_tui.core.snapshots import COMPONENTS
from mwaa_tui.sandbox import Sandbox

LEVELS = ("INFO",) * 8 + ("WARNING", "ERROR")
TICK = 0.1


def line(rng: random.Random, n: int, t: float, chars: int) -> str:
    stamp = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(t))
    head = f"[{stamp}.000+0000] {{taskinstance.py:2612}} {rng.choice(LEVELS)} - line {n} "
    return (head + "payload " * (chars // 8))[:chars]


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--rate", type=float, default=500.0, help="lines per second per component")
    p.add_argument("--components", type=int, default=5)
    p.add_argument("--chars", type=int, default=150)
    args = p.parse_args()
    sandbox = Sandbox(evaluate_every=None).start()
    env = sandbox.create_environment("demo")
    groups = [env.group_name(c) for c in COMPONENTS[: args.components]]
    with sandbox.lock:
        for g in groups:
            sandbox.logs.groups[g].create_log_stream("load")
    print(sandbox.url, flush=True)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    rng = random.Random(1)
    per_tick = args.rate * TICK
    owed = 0.0
    n = 0
    next_tick = time.monotonic()
    while True:
        owed += per_tick
        count, owed = int(owed), owed - int(owed)
        now = time.time()
        if count:
            with sandbox.lock:
                for g in groups:
                    stream = sandbox.logs.groups[g].streams["load"]
                    stream.put_log_events(
                        [
                            {
                                "timestamp": int(now * 1000),
                                "message": line(rng, n + i, now, args.chars),
                            }
                            for i in range(count)
                        ]
                    )
                    horizon = int((now - 60) * 1000)
                    if stream.events and stream.events[0].timestamp < horizon:
                        stream.events = [e for e in stream.events if e.timestamp >= horizon]
            n += count
        next_tick += TICK
        time.sleep(max(0.0, next_tick - time.monotonic()))


if __name__ == "__main__":
    main()
