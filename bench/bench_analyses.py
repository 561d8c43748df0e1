#!/usr/bin/env python3
"""Benchmark the value, churn and channel analyses on generated data.

Generates (once, with `segment sample`) N customers x 4 months, then runs in a child
process: the shared feature computation (`segment.features.compute`), then
`value.analyse`, `churn.assess` and `channels.analyse` on the same FeatureSet, and the
three `.write` calls to Parquet. Prints the wall time of each step, customers/second,
and the child's peak RSS (OS accounting). Public tools only: the project, DuckDB, polars.

    python bench/bench_analyses.py [--customers 200000] [--months 4] [--threads N]
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
from pathlib import Path

from measure import run_measured, sample

HERE = Path(__file__).resolve().parent
CHILD = r"""
import json, sys, tempfile, time
from pathlib import Path
from segment import channels, churn, config, value
from segment.io.inputs import find_inputs
from segment.engine import EngineOptions
from segment.features import compute

data, threads = Path(sys.argv[1]), (int(sys.argv[2]) if sys.argv[2] != "-" else None)
cfg = config.Config()
out = Path(tempfile.mkdtemp())
times = {}
t = time.perf_counter()
with compute(find_inputs(data), cfg, EngineOptions(threads=threads)) as fs:
    times["features (shared)"] = time.perf_counter() - t
    t = time.perf_counter(); v = value.analyse(fs, cfg); v.summary(); times["value"] = time.perf_counter() - t
    t = time.perf_counter(); c = churn.assess(fs, cfg, value=v); c.summary(); times["churn"] = time.perf_counter() - t
    t = time.perf_counter(); ch = channels.analyse(fs, cfg); ch.summary(); times["channels"] = time.perf_counter() - t
    t = time.perf_counter()
    v.write(out / "v.parquet"); c.write(out / "c.parquet"); ch.write(out / "ch.parquet")
    times["write 3 parquet"] = time.perf_counter() - t
print(json.dumps({"customers": v.customers.height, "times": times}))
"""


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--customers", type=int, default=200_000)
    ap.add_argument("--months", type=int, default=4)
    ap.add_argument("--threads", type=int, default=None)
    ap.add_argument("--data", type=Path, default=None, help="existing extracts (skips generation)")
    args = ap.parse_args()

    segment = shutil.which("segment") or sys.exit("install the project first: pip install .")
    data = args.data or sample(segment, HERE / "out" / f"data_{args.customers}_{args.months}", args.customers, args.months)

    m = run_measured([sys.executable, "-c", CHILD, str(data), str(args.threads or "-")])
    wall, out = m.wall, m.out
    res = json.loads(out)
    n = res["customers"]
    print(f"{n:,} customers of the window in {data}")
    for step, secs in res["times"].items():
        print(f"  {step:<18} {secs:7.2f} s   {n / secs:12,.0f} customers/s")
    analyses = sum(res["times"][k] for k in ("value", "churn", "channels"))
    print(f"  {'three analyses':<18} {analyses:7.2f} s   {n / analyses:12,.0f} customers/s")
    print(f"total {wall:.1f} s (incl. imports), peak RSS {m.rss / 2**30:.2f} GiB")


if __name__ == "__main__":
    main()
