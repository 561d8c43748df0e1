#!/usr/bin/env python3
"""Benchmark `segment run` end to end, stage by stage.

Runs `segment run --data DIR --out OUT --force` once (the extracts are generated first
with `segment sample` when missing: 200k customers x 4 months, ~50M CDR rows), reads
the stage lines that `segment run` prints on stderr, and prints the time of each stage,
the total, CDR rows/second and the peak RSS of the process.

    python bench/bench_run.py [--customers 200000] [--data DIR]
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import sys
from pathlib import Path

from measure import run_measured, sample

HERE = Path(__file__).resolve().parent


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--customers", type=int, default=200_000)
    ap.add_argument("--data", type=Path, default=None)
    args = ap.parse_args()
    segment = shutil.which("segment") or sys.exit("install the project first: pip install .")
    data = args.data or sample(segment, HERE / "out" / f"data_{args.customers}_4", args.customers)
    import duckdb

    cdr_rows = duckdb.connect().execute("select count(*) from read_parquet($f)",
                                        {"f": str(data / "cdr" / "*.parquet")}).fetchone()[0]
    out = HERE / "out" / "run_result"
    env = {**os.environ, "CI": "1"}  # plain stage lines on stderr
    m = run_measured([segment, "run", "--data", str(data), "--out", str(out), "--force", "--format", "json"], env=env)
    wall, err = m.wall, m.err
    # Stage lines carry the time since the reporter started; the last one is the summary
    # line, after which the process only prints and exits.
    stages = [(float(x.group(1)), x.group(2)) for x in re.finditer(r"\[\s*([\d.]+)s\] (.*)", err)]
    groups: dict[str, float] = {}
    for (t, name), (t_next, _) in zip(stages, stages[1:]):
        key = re.sub(r"(clustering \S+): .*", r"\1", name)
        key = "features: " + name if not key.startswith(("clustering", "screening", "assigning", "profiling",
                                                          "value", "writing")) else key
        key = re.sub(r"profiling \S+", "profiling", key)
        groups[key] = groups.get(key, 0.0) + (t_next - t)
    groups["imports before the first stage, output and exit"] = wall - stages[-1][0]
    print(f"CDR rows: {cdr_rows:,} in {data}")
    for name, secs in groups.items():
        print(f"  {secs:7.1f} s  {name}")
    print(f"total {wall:.1f} s, {cdr_rows / wall / 1e6:.2f} M CDR rows/s, peak RSS {m.rss / 2**30:.2f} GiB")


if __name__ == "__main__":
    main()
