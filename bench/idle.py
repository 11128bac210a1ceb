"""CPU while the demo runs untouched, and its memory, sampled in windows."""

from __future__ import annotations

import statistics
import time

from bench._demo import DemoProcess, SandboxProcess


def run(
    seconds: float = 60.0, window: float = 10.0, warmup: float = 10.0, external: bool = False
) -> dict[str, float]:
    """`external` runs the sandbox in another process: the figure is then the app's alone."""
    sandbox = SandboxProcess() if external else None
    demo = DemoProcess(endpoint=sandbox.url if sandbox else None)
    try:
        demo.wait_for("all_data")
        time.sleep(warmup)
        shares = []
        out_rates = []
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            cpu0, bytes0, t0 = demo.cpu_seconds(), demo.bytes_out, time.monotonic()
            time.sleep(window)
            elapsed = time.monotonic() - t0
            shares.append(100.0 * (demo.cpu_seconds() - cpu0) / elapsed)
            out_rates.append((demo.bytes_out - bytes0) / elapsed / 1024)
        memory = demo.memory_kib()
    finally:
        demo.quit()
        if sandbox is not None:
            sandbox.stop()
    result = {
        "cpu_median_pct": statistics.median(shares),
        "cpu_max_pct": max(shares),
        "terminal_kib_per_s": statistics.median(out_rates),
        "rss_mib": memory["VmRSS"] / 1024,
        "peak_rss_mib": memory["VmHWM"] / 1024,
    }
    what = (
        "app alone, sandbox in another process"
        if external
        else ("app, pollers, in-process sandbox and simulator together")
    )
    print(f"idle demo for {seconds:.0f} s in {window:.0f} s windows (target: < 5 % of one core)")
    print(f"  measured      {what}")
    cpu, top = result["cpu_median_pct"], result["cpu_max_pct"]
    print(f"  CPU           median {cpu:.1f} %   max {top:.1f} %")
    print(f"  terminal out  median {result['terminal_kib_per_s']:.1f} KiB/s")
    print(
        f"  memory        RSS {result['rss_mib']:.0f} MiB   peak {result['peak_rss_mib']:.0f} MiB"
    )
    return result


if __name__ == "__main__":
    run()
