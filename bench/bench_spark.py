#!/usr/bin/env python3
"""Benchmark `segment features` on Spark (local mode) beside DuckDB on the same files.

Generates (once) the extracts with `segment sample` for each size, then alternates, per
size: `segment features --engine duckdb` and `segment features --engine spark
--spark-master local[N]`, each in its own process. Prints wall time and peak memory of
both: for Spark the memory of the whole process tree (the driver's JVM is a child of
the Python process), sampled every 0.2 s from /proc. The Spark output is compared with
DuckDB's (segment.engine.conformance) so that a fast wrong answer cannot pass.

    python bench/bench_spark.py [--customers 200000,1000000] [--runs 2] [--master 'local[2]']
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
from pathlib import Path

from measure import run_measured, sample

HERE = Path(__file__).resolve().parent


def tree_rss(root: int) -> int:
    """Resident bytes of ``root`` and every descendant (Linux /proc)."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            children.setdefault(int(fields[1]), []).append(int(entry))
            rss[int(entry)] = int(fields[21]) * os.sysconf("SC_PAGE_SIZE")
        except (OSError, IndexError, ValueError):
            continue
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        total += rss.get(pid, 0)
        todo += children.get(pid, [])
    return total


def measure(cmd: list[str]) -> tuple[float, int]:
    peak = [0]
    me = os.getpid()

    def poll() -> None:
        peak[0] = max(peak[0], tree_rss(me) - base)

    base = tree_rss(me)
    m = run_measured(cmd, every=poll)
    return m.wall, max(peak[0], m.rss)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--customers", default="200000,1000000")
    ap.add_argument("--months", type=int, default=4)
    ap.add_argument("--runs", type=int, default=2)
    ap.add_argument("--master", default="local[2]")
    args = ap.parse_args()
    segment = shutil.which("segment") or sys.exit("install the project first: pip install '.[spark]'")
    import polars as pl

    from segment.engine import conformance

    for n in [int(x) for x in args.customers.split(",")]:
        data = sample(segment, HERE / "out" / f"data_{n}_{args.months}", n, args.months)
        outs = {e: data.parent / f"features_{n}_{e}.parquet" for e in ("duckdb", "spark")}
        cmds = {e: [segment, "-q", "features", "--data", str(data), "--out", str(outs[e]), "--force",
                    "--format", "json", "--engine", e] + (["--spark-master", args.master] if e == "spark" else [])
                for e in outs}
        got: dict[str, list[tuple[float, int]]] = {e: [] for e in cmds}
        for i in range(args.runs):
            for e in (("duckdb", "spark") if i % 2 == 0 else ("spark", "duckdb")):
                wall, rss = measure(cmds[e])
                got[e].append((wall, rss))
                print(f"{n:>9,} customers  run {i + 1}  {e:6s} {wall:8.2f} s  {rss / 2**30:5.2f} GiB", flush=True)
        diffs = conformance.differences(pl.read_parquet(outs["duckdb"]), pl.read_parquet(outs["spark"]), "customer_id")
        for e, xs in got.items():
            print(f"{n:>9,} customers  {e:6s} median {statistics.median(w for w, _ in xs):8.2f} s, "
                  f"peak {max(r for _, r in xs) / 2**30:5.2f} GiB")
        print(f"{n:>9,} customers  Spark output {'equals DuckDB' if not diffs else 'DIFFERS: ' + '; '.join(diffs[:3])}")


if __name__ == "__main__":
    main()
