#!/usr/bin/env python3
"""Benchmark `segment.screening.screen` on a 200k x 100 wide table.

Builds (in memory, fixed seed) a table shaped like real features: 60 indicators in
10 correlated blocks, 20 independent skewed ones, 8 near-empty, 6 near-constant,
6 zero-inflated; 5% of all values missing at random; an id and a brand column.
Each measurement runs in a fresh child process, so its peak RSS (getrusage) is its
own: `screen` alone, then `screen(..., factors=True)`, then `--by-brand`.
Prints wall time, rows/second and peak RSS (and the RSS after building the table,
the floor the screening adds to).

    python bench/bench_screen.py [--rows 200000] [--cols 100] [--runs 3] [--modes screen,factors,by_brand]
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import time


def build(rows: int, cols: int, seed: int = 1):
    import numpy as np
    import polars as pl

    rng = np.random.default_rng(seed)
    data = {"customer_id": np.arange(rows), "brand": rng.choice(["GoTone", "M-Zone", "Easyown"], rows, p=[.15, .3, .55])}
    k = 0

    def add(x):
        nonlocal k
        data[f"x{k:03d}"] = x
        k += 1

    n_block = int(cols * 0.6)
    for b in range(n_block // 6):
        z = rng.normal(size=rows)
        for j in range(6):
            add(np.exp(0.5 * (z + rng.normal(0, 0.1 + 0.15 * j, rows))))
    while k < int(cols * 0.8):
        add(rng.lognormal(0, 1, rows))
    while k < int(cols * 0.88):
        add(np.where(rng.random(rows) < 0.7, np.nan, rng.normal(size=rows)))
    while k < int(cols * 0.94):
        add(np.where(rng.random(rows) < 0.97, 1.0, rng.normal(size=rows)))
    while k < cols:
        add(np.where(rng.random(rows) < 0.6, 0.0, rng.exponential(size=rows)))
    for name in list(data)[2:]:
        x = data[name]
        x[rng.random(rows) < 0.05] = np.nan
    return pl.DataFrame(data).with_columns(pl.col(n).fill_nan(None) for n in list(data)[2:])


def child(rows: int, cols: int, mode: str) -> None:
    from segment.config import ScreeningConfig
    from segment.screening import screen

    frame = build(rows, cols)
    floor = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    t0 = time.perf_counter()
    report = screen(frame, ScreeningConfig(), factors=mode == "factors", by_brand=mode == "by_brand")
    seconds = time.perf_counter() - t0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"seconds": seconds, "peak_kib": peak, "table_kib": floor, **report.summary()}))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=200_000)
    ap.add_argument("--cols", type=int, default=100)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--modes", default="screen,factors,by_brand", help="comma-separated: screen, factors, by_brand")
    ap.add_argument("--child", choices=["screen", "factors", "by_brand"], help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.child:
        child(a.rows, a.cols, a.child)
        return
    print(f"screen: {a.rows} rows x {a.cols} indicators, {a.runs} run(s) per mode", flush=True)
    for mode in a.modes.split(","):
        times = []
        for _ in range(a.runs):
            out = subprocess.run([sys.executable, __file__, "--rows", str(a.rows), "--cols", str(a.cols),
                                  "--child", mode], capture_output=True, text=True, check=True).stdout
            r = json.loads(out)
            times.append(r["seconds"])
            print(f"  {mode:9s} {r['seconds']:6.2f} s  {a.rows / r['seconds']:>10,.0f} rows/s  "
                  f"peak RSS {r['peak_kib'] / 1024:6.0f} MiB (table alone {r['table_kib'] / 1024:.0f} MiB)  "
                  f"kept {r['kept']}/{r['indicators']} dropped {r['dropped']}", flush=True)
        print(f"  {mode:9s} median {statistics.median(times):.2f} s", flush=True)


if __name__ == "__main__":
    main()
