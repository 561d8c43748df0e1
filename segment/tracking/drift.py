"""Between two runs of one brand: the transition matrix, the customers who moved, and how
each matched segment's clustering indicators drifted (mean shift and PSI)."""

from __future__ import annotations

import numpy as np
import polars as pl

from .match import Match, Side


def transitions(m: Match) -> list[dict]:
    """One row per (A segment, B segment) with customers in both: the count and its
    share of the A segment's customers found in B; ``matched`` when B is A's partner."""
    partner = m.partner()
    rows = []
    for i, sa in enumerate(m.a):
        total = int(m.overlap[i].sum())
        for j, sb in enumerate(m.b):
            n = int(m.overlap[i, j])
            if n:
                rows.append({"segment_a": sa, "segment_b": sb, "customers": n, "share": n / total,
                             "matched": partner.get(sa) == sb})
    return rows


def movers(a: Side, b: Side, m: Match, brand: str) -> pl.DataFrame:
    """The customers in both runs whose B segment is not their A segment's match (every
    customer of a gone segment moved): customer_id, brand, segment_a, name_a, segment_b,
    name_b, matched_b (the match of segment_a, null for a gone segment)."""
    partner = m.partner()
    both = a.assignments.select("customer_id", pl.col("segment").alias("segment_a")).join(
        b.assignments.select("customer_id", pl.col("segment").alias("segment_b")), on="customer_id")
    both = both.with_columns(
        pl.col("segment_a").replace_strict(partner, default=None, return_dtype=pl.Int64).alias("matched_b"))
    moved = both.filter(pl.col("matched_b").is_null() | (pl.col("matched_b") != pl.col("segment_b")))
    return moved.select(
        "customer_id", pl.lit(brand).alias("brand"), pl.col("segment_a").cast(pl.Int64),
        pl.col("segment_a").replace_strict(a.names, return_dtype=pl.String).alias("name_a"),
        pl.col("segment_b").cast(pl.Int64),
        pl.col("segment_b").replace_strict(b.names, return_dtype=pl.String).alias("name_b"),
        "matched_b",
    ).sort("customer_id")


def psi(expected: np.ndarray, actual: np.ndarray, bins: int, floor: float = 1e-4) -> float | None:
    """Population stability index of ``actual`` against ``expected`` (1-D, NaN = missing).

    The bins are the ``bins`` quantiles of ``expected`` (repeated edges merged; missing
    values are a bin of their own); each share is floored at ``floor``;
    PSI = sum over bins of (actual - expected) * ln(actual / expected). None when either
    side is empty.
    """
    if len(expected) == 0 or len(actual) == 0:
        return None
    present = expected[~np.isnan(expected)]
    edges = np.unique(np.quantile(present, np.linspace(0, 1, bins + 1)[1:-1])) if len(present) else np.array([])

    def shares(x: np.ndarray) -> np.ndarray:
        miss = np.isnan(x)
        counts = np.bincount(np.searchsorted(edges, x[~miss], side="right"), minlength=len(edges) + 1)
        return np.maximum(np.append(counts, miss.sum()) / len(x), floor)

    e, a = shares(expected), shares(actual)
    return float(((a - e) * np.log(a / e)).sum())


def drift(a: Side, b: Side, m: Match, bins: int) -> list[dict]:
    """For every matched pair and every A clustering variable in both runs' indicators:
    the two segment means, the shift (B mean - A mean) / A's brand std, and the PSI of
    B's segment against A's. Empty when either run's indicators are unknown."""
    if a.features is None or b.features is None:
        return []
    names = [v["name"] for v in a.model["variables"] if v["name"] in a.features.columns
             and v["name"] in b.features.columns]
    fa = a.assignments.select("customer_id", "segment").join(a.features.select("customer_id", *names), on="customer_id")
    fb = b.assignments.select("customer_id", "segment").join(b.features.select("customer_id", *names), on="customer_id")
    XA, XB = (f.select(names).cast(pl.Float64).to_numpy() for f in (fa, fb))
    la, lb = fa.get_column("segment").to_numpy(), fb.get_column("segment").to_numpy()
    with np.errstate(invalid="ignore"):
        std = np.nanstd(XA, axis=0) if len(XA) else np.full(len(names), np.nan)
    rows = []
    for sa, sb in m.pairs:
        A, B = XA[la == sa], XB[lb == sb]
        for j, name in enumerate(names):
            ma, mb = _mean(A[:, j]), _mean(B[:, j])
            shift = (mb - ma) / std[j] if ma is not None and mb is not None and std[j] > 0 else None
            rows.append({"segment_a": sa, "segment_b": sb, "indicator": name, "mean_a": ma, "mean_b": mb,
                         "shift": shift, "psi": psi(A[:, j], B[:, j], bins)})
    return rows


def _mean(x: np.ndarray) -> float | None:
    x = x[~np.isnan(x)]
    return float(x.mean()) if len(x) else None
