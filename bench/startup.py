"""Launch to first paint and to data in every pane, for `mwaa-tui --demo` (median of N)."""

from __future__ import annotations

import statistics

from bench._demo import DemoProcess


def run(runs: int = 5) -> dict[str, float]:
    paint, data = [], []
    for _ in range(runs):
        demo = DemoProcess()
        try:
            paint.append(demo.wait_for("first_paint"))
            data.append(demo.wait_for("all_data"))
        finally:
            demo.quit()
    result = {
        "first_paint_median_s": statistics.median(paint),
        "first_paint_max_s": max(paint),
        "all_panes_median_s": statistics.median(data),
        "all_panes_max_s": max(data),
    }
    print(f"startup over {runs} runs (targets: first paint < 1 s, all panes < 3 s)")
    print(
        f"  first paint   median {result['first_paint_median_s']:.2f} s   "
        f"max {result['first_paint_max_s']:.2f} s"
    )
    print(
        f"  all panes     median {result['all_panes_median_s']:.2f} s   "
        f"max {result['all_panes_max_s']:.2f} s"
    )
    return result


if __name__ == "__main__":
    run()
