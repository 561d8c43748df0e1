#!/usr/bin/env python3
"""Benchmark `segment features` against DuckDB's own floor on the same files.

Generates (once) 200k customers x 4 months of extracts (~50M CDR rows) with
`segment sample`, then alternates, in the same run:
  A. `segment features --data DIR --out ... --force`
  B. the floor: one DuckDB query that scans the same CDR columns with the same
     window filter and computes a trivial aggregate.
Prints per-run wall time and peak RSS (from the OS accounting of each child
process), CDR rows/second, and the median ratio A/B.

    python bench/bench_features.py [--customers 200000] [--runs 3] [--threads N]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
from pathlib import Path

from measure import run_measured, sample

HERE = Path(__file__).resolve().parent
FLOOR = r"""
import sys, duckdb
con = duckdb.connect()
con.execute("SET enable_progress_bar = false")
if len(sys.argv) > 3: con.execute("SET threads = " + str(int(sys.argv[3])))
files = sorted(str(p) for p in __import__("pathlib").Path(sys.argv[1]).glob("*.parquet"))
row = con.execute('''
    select count(*), count(customer_id), count(service), count(direction), count(peer_id), count(peer_network),
           sum(duration_s), sum(volume_kb), sum(charge), count(roaming), count(cell_id)
    from read_parquet($files)
    where start_time >= cast($start as date) and start_time < cast($end as date)
''', {"files": files, "start": sys.argv[2].split(",")[0], "end": sys.argv[2].split(",")[1]}).fetchall()[0]
print(row[0])
"""


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--customers", type=int, default=200_000)
    ap.add_argument("--months", type=int, default=4)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--threads", type=int, default=None)
    ap.add_argument("--memory-limit", default=None)
    ap.add_argument("--data", type=Path, default=None, help="existing extracts (skips generation)")
    args = ap.parse_args()

    segment = shutil.which("segment") or sys.exit("install the project first: pip install .")
    data = args.data or sample(segment, HERE / "out" / f"data_{args.customers}_{args.months}", args.customers, args.months)

    import duckdb  # only to read the window and row counts

    con = duckdb.connect()
    months = [r[0] for r in con.execute(
        "select distinct bill_month from read_parquet($f) order by 1", {"f": str(data / "billing.parquet")}).fetchall()]
    end = months[-1]
    start = months[-3]
    nxt = f"{end.year + (end.month == 12)}-{end.month % 12 + 1:02d}-01"
    cdr_rows = con.execute("select count(*) from read_parquet($f)", {"f": str(data / "cdr" / "*.parquet")}).fetchall()[0][0]
    window = f"{start:%Y-%m-%d},{nxt}"

    out = data.parent / "features.parquet"
    feat_cmd = [segment, "-q", "features", "--data", str(data), "--out", str(out), "--force", "--format", "json"]
    floor_cmd = [sys.executable, "-c", FLOOR, str(data / "cdr"), window]
    if args.threads:
        feat_cmd += ["--threads", str(args.threads)]
        floor_cmd.append(str(args.threads))
    if args.memory_limit:
        feat_cmd += ["--memory-limit", args.memory_limit]

    print(f"CDR rows: {cdr_rows:,} in {data}; window {start:%Y-%m}..{end:%Y-%m}")
    a_times, b_times, a_rss, b_rss, ratios, cpu_ratios = [], [], [], [], [], []
    for i in range(args.runs + 1):  # the first pair warms the page cache and is not counted
        a, b = run_measured(feat_cmd), run_measured(floor_cmd)
        (wa, ra), (wb, rb), rows_in_window = (a.wall, a.rss), (b.wall, b.rss), b.out
        tag = "warm-up" if i == 0 else f"run {i}"
        print(f"{tag:>8}: features {wa:7.2f} s, CPU {a.cpu:6.2f} s ({ra / 2**30:.2f} GiB)   "
              f"floor {wb:6.2f} s, CPU {b.cpu:5.2f} s ({rb / 2**30:.2f} GiB)   ratio {wa / wb:5.2f}, CPU {a.cpu / b.cpu:5.2f}")
        if i:
            a_times.append(wa); b_times.append(wb); a_rss.append(ra); b_rss.append(rb); ratios.append(wa / wb)
            cpu_ratios.append(a.cpu / b.cpu)
    med = statistics.median(a_times)
    print(f"features: median {med:.2f} s, {cdr_rows / med / 1e6:.1f} M CDR rows/s (all rows read), "
          f"peak RSS {max(a_rss) / 2**30:.2f} GiB")
    print(f"floor:    median {statistics.median(b_times):.2f} s, {int(rows_in_window):,} rows in the window")
    print(f"ratio features/floor: median {statistics.median(ratios):.2f} (min {min(ratios):.2f}, max {max(ratios):.2f})")
    print(f"CPU ratio features/floor: median {statistics.median(cpu_ratios):.2f} "
          f"(min {min(cpu_ratios):.2f}, max {max(cpu_ratios):.2f})")


if __name__ == "__main__":
    main()
