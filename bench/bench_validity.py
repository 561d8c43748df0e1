#!/usr/bin/env python3
"""Do the segments hold on data not built like ours? ARI per brand, old and new design.

For every structure of the generator (segment/synth/structures.py: default, sizes,
counts, subtle, noisy, overlap) it generates the extracts (``--customers`` x 4 months,
fixed seed; cached in bench/out/validity/), computes the features of the last three
months, and clusters every brand

* with the **old** design (the correlation pass's representatives, Euclidean k-means,
  3 starts per refit, the mean prediction strength of 3 splits) and the **new** one (the
  config's defaults), each at the planted k (``k_by_brand``) and with the automatic k;
* and two references: k-means (k = planted, 10 starts) on the **planted behaviours**
  of the brand (the customers' own usage parameters that differ between its groups:
  the ceiling), and Euclidean k-means on **all availability-screened** behavioural
  indicators with the same preparation (the issue's reference).

ARI is against the planted groups (truth.parquet). Then, for ``--quarters`` (default
structure), two consecutive quarters of one population (6 months generated): the
automatic k and the prediction-strength curve of each quarter, and the ARI between the
two quarters' segments of the customers present in both.

Stability bootstraps are switched off (``bootstrap = 0``): they do not change the
segments. ``--threads`` runs fits side by side (the result does not depend on it).

    python bench/bench_validity.py [--customers 20000] [--structures default,sizes] [--threads 2]
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))  # the checkout, when run as a script

import numpy as np  # noqa: E402
import polars as pl  # noqa: E402

# the old design is the earlier defaults: the correlation pass's representatives, Euclidean
# k-means, 3 starts per refit, the mean prediction strength of 3 splits, no distinct-value rule
DESIGNS = {
    "old": {"variables": "kept", "metric": "euclidean", "n_init_resample": 3, "ps_repeats": 3, "ps_statistic": "mean",
            "min_distinct": 2},
    "new": {},
    "all-euclidean": {"variables": "screened", "metric": "euclidean"},
}


def extracts(structure: str, customers: int, months: int, seed: int, root: Path) -> Path:
    from segment.synth import generate

    folder = root / f"{structure}_{customers}_{months}_{seed}"
    if not (folder / "truth.parquet").exists():
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        generate(folder, customers=customers, months=months, seed=seed, structure=structure)
    return folder


def features(folder: Path, end_month: str = "") -> pl.DataFrame:
    from segment import config
    from segment.features import compute
    from segment.io.inputs import find_inputs

    cached = folder.parent / f"{folder.name}_features{'_' + end_month if end_month else ''}.parquet"
    if not cached.exists():
        cfg = config.Config().replace(features={"end_month": end_month} if end_month else {})
        with compute(find_inputs(folder), cfg) as fs:
            fs.frame().write_parquet(cached)
    return pl.read_parquet(cached)


def segment(frame: pl.DataFrame, design: str, k_by_brand: dict[str, int] | None, seed: int, threads: int):
    from segment import config
    from segment.pipeline import segment_table

    cfg = config.Config().replace(clustering={**DESIGNS[design], "bootstrap": 0,
                                              **({"k_by_brand": k_by_brand} if k_by_brand else {})})
    return segment_table(frame, cfg, seed=seed, threads=threads)


def ari_by_brand(assignments: pl.DataFrame, truth: pl.DataFrame) -> dict[str, float]:
    from sklearn.metrics import adjusted_rand_score

    joined = assignments.join(truth.select("customer_id", "group"), on="customer_id")
    return {b: float(adjusted_rand_score(g["group"].to_list(), g["segment"].to_list()))
            for (b,), g in sorted(joined.group_by("brand"), key=lambda x: x[0])}


def ceiling(structure: str, customers: int, months: int, seed: int, frame: pl.DataFrame,
            truth: pl.DataFrame) -> dict[str, float]:
    """k-means on each brand's planted behaviours (prepared like the indicators)."""
    from sklearn.cluster import KMeans
    from sklearn.metrics import adjusted_rand_score

    from segment import config
    from segment.prepare import Preparer
    from segment.synth import draw_population, planted_behaviours
    from segment.synth.calendar import window
    from segment.synth.params import BRANDS

    c = config.Config().clustering
    pop, _ = draw_population(customers, window("2026-08", months), seed, structure)
    ids = frame.get_column("customer_id").to_numpy()
    out = {}
    for i, brand in enumerate(BRANDS):
        rows = np.sort(ids[frame.get_column("brand").to_numpy() == brand])
        planted = planted_behaviours(pop, i)
        X = np.column_stack([v[rows - 1] for v in planted.values()])
        Z = Preparer(c.log_skew, c.winsor_low, c.winsor_high).fit(X, list(planted)).transform(X, list(planted))
        groups = truth.filter(pl.col("customer_id").is_in(rows.tolist())).sort("customer_id")["group"].to_list()
        labels = KMeans(len(set(groups)), n_init=10, random_state=0).fit_predict(Z)
        out[brand] = float(adjusted_rand_score(groups, labels))
    return out


def curve(seg, brand: str) -> str:
    return " ".join(f"{s.k}:{s.prediction_strength:.2f}" for s in seg.brands[brand].fit.scores)


def main() -> None:
    from segment.synth import STRUCTURES

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--customers", type=int, default=20_000)
    ap.add_argument("--structures", default=",".join(STRUCTURES))
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--quarters", default="default", help="structures for the two-quarters check ('' for none)")
    ap.add_argument("--out", type=Path, default=HERE / "out" / "validity")
    args = ap.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    results, rows = {}, []
    for structure in [s for s in args.structures.split(",") if s]:
        t0 = time.perf_counter()
        folder = extracts(structure, args.customers, 4, args.seed, args.out)
        frame, truth = features(folder), pl.read_parquet(folder / "truth.parquet")
        planted_k = {b: g["group"].n_unique() for (b,), g in truth.join(frame.select("customer_id"), on="customer_id")
                     .group_by("brand")}
        r = {"planted_k": planted_k, "ceiling": ceiling(structure, args.customers, 4, args.seed, frame, truth)}
        for design in DESIGNS:
            fixed = segment(frame, design, planted_k, args.seed, args.threads)
            r[f"{design}_true_k"] = ari_by_brand(fixed.assignments, truth)
            if design == "all-euclidean":
                continue
            auto = segment(frame, design, None, args.seed, args.threads)
            r[f"{design}_auto_ari"] = ari_by_brand(auto.assignments, truth)
            r[f"{design}_auto_k"] = {b: x.fit.k for b, x in auto.brands.items()}
            r[f"{design}_ps"] = {b: curve(auto, b) for b in auto.brands}
        results[structure] = r
        for b in sorted(planted_k):
            rows.append(f"| {structure} | {b} | {planted_k[b]} | {r['old_true_k'][b]:.3f} | {r['new_true_k'][b]:.3f} | "
                        f"{r['old_auto_k'][b]} ({r['old_auto_ari'][b]:.3f}) | {r['new_auto_k'][b]} "
                        f"({r['new_auto_ari'][b]:.3f}) | {r['ceiling'][b]:.3f} | {r['all-euclidean_true_k'][b]:.3f} |")
        print(f"{structure}: {time.perf_counter() - t0:.0f} s", file=sys.stderr, flush=True)
    print("| structure | brand | planted k | old, planted k | new, planted k | old auto k (ARI) | new auto k (ARI) "
          "| ceiling: k-means on planted behaviours | k-means on all screened |")
    print("|---|---|---|---|---|---|---|---|---|")
    print("\n".join(rows))
    for design in ("old", "new"):
        ks = [(r[f"{design}_auto_k"][b], r["planted_k"][b]) for r in results.values() for b in r["planted_k"]]
        if ks:
            print(f"\n{design}: auto k = planted k in {sum(a == t for a, t in ks)}/{len(ks)} brands, within one in "
                  f"{sum(abs(a - t) <= 1 for a, t in ks)}/{len(ks)}")
    for structure, r in results.items():
        print(f"\nprediction strength, {structure} (k:PS)")
        for design in ("old", "new"):
            for b, c in r[f"{design}_ps"].items():
                print(f"  {design} {b:8s} {c}")
    for structure in [s for s in args.quarters.split(",") if s]:
        results[f"quarters:{structure}"] = quarters(structure, args)
    (args.out / "validity.json").write_text(json.dumps(results, indent=1), encoding="utf-8")


def quarters(structure: str, args) -> dict:
    """Two consecutive quarters (2026-03..05 and 2026-06..08) of one generated population."""
    from sklearn.metrics import adjusted_rand_score

    folder = extracts(structure, args.customers, 6, args.seed, args.out)
    truth = pl.read_parquet(folder / "truth.parquet")
    out = {}
    print(f"\ntwo quarters of one population ({structure}, {args.customers:,} customers): auto k, ARI vs planted, "
          "prediction strength (k:PS)")
    for design in ("old", "new"):
        segs = {q: segment(features(folder, end), design, None, args.seed, args.threads)
                for q, end in (("Q1", "2026-05"), ("Q2", "2026-08"))}
        for q, seg in segs.items():
            ari = ari_by_brand(seg.assignments, truth)
            for b in seg.brands:
                print(f"  {design} {q} {b:8s} k={seg.brands[b].fit.k} ARI {ari[b]:.3f}  {curve(seg, b)}")
        both = segs["Q1"].assignments.join(segs["Q2"].assignments, on=["customer_id", "brand"], suffix="_q2")
        agree = {b: float(adjusted_rand_score(g["segment"].to_list(), g["segment_q2"].to_list()))
                 for (b,), g in sorted(both.group_by("brand"), key=lambda x: x[0])}
        print(f"  {design}: ARI between the quarters' segments: " + ", ".join(f"{b} {v:.3f}" for b, v in agree.items()))
        out[design] = {q: {b: s.brands[b].fit.k for b in s.brands} for q, s in segs.items()} | {"agreement": agree}
    return out


if __name__ == "__main__":
    main()
