#!/usr/bin/env python3
"""Benchmark `segment features` under a DuckDB memory limit, spilling to disk.

Generates (once) 1M customers x 4 months of extracts (~250M CDR rows, five times the
features benchmark) with `segment sample`, then runs
    segment features --data DIR --out ... --memory-limit 4GB --temp-dir SPILL
and prints wall time, CDR rows/second, peak RSS (from the OS accounting of the child
process) and the peak size of the spill folder (polled every 0.2 s). With
--compare-unlimited it also runs once without a limit, for the cost of spilling.

    python bench/bench_spill.py [--customers 1000000] [--memory-limit 4GB] [--compare-unlimited]
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
from pathlib import Path

from measure import run_measured, sample

HERE = Path(__file__).resolve().parent


def folder_size(path: Path) -> int:
    total = 0
    for root, _, files in os.walk(path):
        for f in files:
            try:
                total += os.stat(os.path.join(root, f)).st_size
            except FileNotFoundError:  # DuckDB removes spill files as it goes
                pass
    return total


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--customers", type=int, default=1_000_000)
    ap.add_argument("--months", type=int, default=4)
    ap.add_argument("--memory-limit", default="4GB")
    ap.add_argument("--threads", type=int, default=None)
    ap.add_argument("--data", type=Path, default=None, help="existing extracts (skips generation)")
    ap.add_argument("--compare-unlimited", action="store_true", help="also run once without a memory limit")
    args = ap.parse_args()

    segment = shutil.which("segment") or sys.exit("install the project first: pip install .")
    data = args.data or sample(segment, HERE / "out" / f"data_{args.customers}_{args.months}", args.customers, args.months)

    import duckdb  # only to count the rows

    cdr_rows = duckdb.connect().execute(
        "select count(*) from read_parquet($f)", {"f": str(data / "cdr" / "*.parquet")}).fetchall()[0][0]
    size = sum(p.stat().st_size for p in data.rglob("*") if p.is_file())
    print(f"CDR rows: {cdr_rows:,} in {data} ({size / 2**30:.2f} GiB of Parquet)")

    out = data.parent / f"features_{args.customers}.parquet"
    base = [segment, "-q", "features", "--data", str(data), "--out", str(out), "--force", "--format", "json"]
    if args.threads:
        base += ["--threads", str(args.threads)]
    runs = [("limit " + args.memory_limit, ["--memory-limit", args.memory_limit])]
    if args.compare_unlimited:
        runs.append(("no limit", []))
    for label, extra in runs:
        with tempfile.TemporaryDirectory(prefix="segment-spill-", dir=data.parent) as spill:
            peak_spill = 0

            def poll(folder: Path = Path(spill)) -> None:
                nonlocal peak_spill
                peak_spill = max(peak_spill, folder_size(folder))

            m = run_measured(base + extra + ["--temp-dir", spill], every=poll)
        print(f"{label:>12}: {m.wall:7.1f} s, {cdr_rows / m.wall / 1e6:.2f} M CDR rows/s, "
              f"peak RSS {m.rss / 2**30:.2f} GiB, peak spill {peak_spill / 2**30:.2f} GiB")


if __name__ == "__main__":
    main()
