"""Bench of the call graph's churn signals: `segment multisim` and `segment reentry` against
`segment features` on the same extracts (generated with `segment sample`, cached in
bench/out/), each run as its own process, alternated; and their precision and recall
against the pairs the generator planted (truth.parquet), with the [multisim] degree caps
used. Acceptance (issue 18): each under 2x the time of features; precision >= 0.9 and
recall >= 0.85.

    python bench/bench_callgraph.py [--customers 200000] [--months 4] [--repeats 2] [--data DIR]

--data DIR uses existing extracts (with their truth.parquet) instead of generating them. The
times are wall and CPU (user + system of the child): on a shared machine compare CPU.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

import polars as pl

from measure import run_measured, sample

HERE = Path(__file__).resolve().parent


def _pr(found: pl.DataFrame, planted: pl.DataFrame, keys: list[str]) -> tuple[float, float]:
    hit = found.join(planted, on=keys, how="semi").height
    return hit / max(found.height, 1), hit / max(planted.height, 1)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--customers", type=int, default=200_000)
    ap.add_argument("--months", type=int, default=4)
    ap.add_argument("--repeats", type=int, default=2)
    ap.add_argument("--data", type=Path, help="existing extracts (with truth.parquet) instead of generated ones")
    args = ap.parse_args()
    segment = shutil.which("segment") or sys.exit("segment is not installed")
    if args.data:
        if not (args.data / "truth.parquet").exists():
            sys.exit(f"{args.data}: no truth.parquet (extracts of `segment sample` are needed)")
        data = args.data
    else:
        data = sample(segment, HERE / "out" / f"data_{args.customers}_{args.months}", args.customers, args.months)
    window = ["--months", str(args.months)]
    times: dict[str, list[float]] = {"features": [], "multisim": [], "reentry": []}
    cpu: dict[str, list[float]] = {k: [] for k in times}
    with tempfile.TemporaryDirectory() as tmp:
        for _ in range(args.repeats):
            for name in times:
                out = Path(tmp) / f"{name}.parquet"
                m = run_measured([segment, "-q", name, "--data", str(data), *window, "--out", str(out), "--force",
                                  "--format", "json"])
                times[name].append(m.wall)
                cpu[name].append(m.cpu)
        truth = pl.read_parquet(data / "truth.parquet")
        found = pl.read_parquet(Path(tmp) / "multisim.parquet")
        second = truth.filter(pl.col("second_phone").is_not_null()).select("customer_id", candidate_id="second_phone")
        p_m, r_m = _pr(found, second, ["customer_id", "candidate_id"])
        found = pl.read_parquet(Path(tmp) / "reentry.parquet")
        back = truth.filter(pl.col("reentry_of").is_not_null()).select("customer_id", old_customer_id="reentry_of")
        p_r, r_r = _pr(found, back, ["customer_id", "old_customer_id"])
    med = {k: statistics.median(v) for k, v in times.items()}
    med_cpu = {k: statistics.median(v) for k, v in cpu.items()}
    customers = pl.scan_parquet(data / "customers.parquet").select(pl.len()).collect().item()
    print(f"{customers} customers x {args.months} months ({data})")
    for name in ("multisim", "reentry"):
        print(f"{name}: {med[name]:.1f} s wall = {med[name] / med['features']:.2f} x features "
              f"({med['features']:.1f} s); {med_cpu[name]:.1f} s CPU = {med_cpu[name] / med_cpu['features']:.2f} x "
              f"features ({med_cpu['features']:.1f} s)")
    print(f"multisim: precision {p_m:.3f}, recall {r_m:.3f} of {second.height} planted second phones")
    print(f"reentry: precision {p_r:.3f}, recall {r_r:.3f} of {back.height} planted re-entrants")


if __name__ == "__main__":
    main()
