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
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--customers", type=int, default=200_000)
    ap.add_argument("--data", type=Path, default=None)
    args = ap.parse_args()
    segment = shutil.which("segment") or sys.exit("install the project first: pip install .")
    data = args.data or HERE / "out" / f"data_{args.customers}_4"
    if not data.exists():
        data.parent.mkdir(parents=True, exist_ok=True)
        subprocess.run([segment, "-q", "sample", "--customers", str(args.customers), "--months", "4",
                        "--seed", "1", "--out", str(data)], check=True, stdout=subprocess.DEVNULL)
    import duckdb

    cdr_rows = duckdb.connect().execute("select count(*) from read_parquet($f)",
                                        {"f": str(data / "cdr" / "*.parquet")}).fetchone()[0]
    out = HERE / "out" / "run_result"
    env = {**os.environ, "CI": "1"}  # plain stage lines on stderr
    t0 = time.perf_counter()
    p = subprocess.Popen([segment, "run", "--data", str(data), "--out", str(out), "--force", "--format", "json"],
                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=env)
    err = p.stderr.read()
    _, status, usage = os.wait4(p.pid, 0)
    wall = time.perf_counter() - t0
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"segment run failed:\n{err}")
    stages = [(float(m.group(1)), m.group(2)) for m in re.finditer(r"\[\s*([\d.]+)s\] (.*)", err)]
    groups: dict[str, float] = {}
    for (t, name), (t_next, _) in zip(stages, stages[1:] + [(wall, "end")]):
        key = re.sub(r"(clustering \S+): .*", r"\1", name)
        key = "features: " + name if not key.startswith(("clustering", "screening", "assigning", "profiling",
                                                          "value", "writing")) else key
        key = re.sub(r"profiling \S+", "profiling", key)
        groups[key] = groups.get(key, 0.0) + (t_next - t)
    print(f"CDR rows: {cdr_rows:,} in {data}")
    for name, secs in groups.items():
        print(f"  {secs:7.1f} s  {name}")
    print(f"total {wall:.1f} s, {cdr_rows / wall / 1e6:.2f} M CDR rows/s, peak RSS {usage.ru_maxrss / 2**20:.2f} GiB")


if __name__ == "__main__":
    main()
