"""The metrics pane alone (zoomed), its panels refreshing: CPU and terminal bytes at rest."""

from __future__ import annotations

import os
import statistics
import time

from bench._demo import DemoProcess, SandboxProcess


def run(seconds: float = 60.0, window: float = 10.0) -> dict[str, float]:
    sandbox = SandboxProcess()
    demo = DemoProcess(columns=160, rows=48, endpoint=sandbox.url)
    try:
        demo.wait_for("all_data")
        os.write(demo.master, b"\t")  # focus the metrics pane
        time.sleep(0.5)
        os.write(demo.master, b"z")  # zoom it: only the panels are drawn
        time.sleep(5)
        shares, rates = [], []
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            cpu0, bytes0, t0 = demo.cpu_seconds(), demo.bytes_out, time.monotonic()
            time.sleep(window)
            elapsed = time.monotonic() - t0
            shares.append(100.0 * (demo.cpu_seconds() - cpu0) / elapsed)
            rates.append((demo.bytes_out - bytes0) / elapsed / 1000)
    finally:
        demo.quit()
        sandbox.stop()
    result = {"cpu_median_pct": statistics.median(shares), "kb_per_s": statistics.median(rates)}
    print(f"metrics pane zoomed at 160x48, {seconds:.0f} s (targets: < 5 % CPU, < 20 kB/s)")
    print(f"  CPU           median {result['cpu_median_pct']:.1f} %   max {max(shares):.1f} %")
    print(f"  terminal out  median {result['kb_per_s']:.1f} kB/s")
    return result


if __name__ == "__main__":
    run()
