"""Why a customer is in its segment: the indicators that put it nearer its segment's centre
than the runner-up's (the segment it is next nearest to).

A customer's margin is its criterion to the runner-up minus its criterion to its own
segment (k-means: squared distances in the model's space; the Gaussian mixture: its
weighted distances). It splits exactly into one term per model variable. With u = z P
(P the projection of the metric "within", the identity otherwise), own centre a and
runner-up b, the margin |u - b|^2 - |u - a|^2 is 2 (u - m)·(a - b) with m = (a + b) / 2,
that is the sum over variables j of 2 (z_j - m_j) w_j, where w = P (a - b) and m in z
units is m P⁺ (P is square and invertible, so this is exact). For the mixture the term
of j is (z_j - b_j)² / v_bj + ln v_bj - (z_j - a_j)² / v_aj - ln v_aj. The ``WHY`` (3)
variables with the largest positive terms (ties by name) are ``why_1``.. in the
assignments, each with the customer's standardized value ``why_1_z``.. (the prepared
value z: after imputation, the log and clipping). Empty where fewer variables favour
the segment, and for every customer of a brand with one segment.
"""

from __future__ import annotations

import numpy as np
import polars as pl

WHY = 3
COLUMNS = tuple(c for i in range(1, WHY + 1) for c in (f"why_{i}", f"why_{i}_z"))


def _z(brand: dict, frame: pl.DataFrame) -> np.ndarray:
    """The prepared (not projected) values of the brand's variables, (rows, variables)."""
    from .model import prepared

    return prepared({k: v for k, v in brand.items() if k != "projection"}, frame)


def terms(brand: dict, Z: np.ndarray, own: np.ndarray) -> np.ndarray:
    """Each variable's share of every row's margin over its runner-up, (rows, variables).

    ``own``: the position (0-based, in ``brand["segments"]``) of each row's segment.
    """
    segs = brand["segments"]
    n, p = Z.shape
    out = np.zeros((n, p))
    if len(segs) < 2 or n == 0:
        return out
    centres = np.array([s["center"] for s in segs], dtype=float)
    if brand.get("method") == "gmm":
        var = np.array([s["variances"] for s in segs], dtype=float)
        crit = np.stack([s["log_det_weight"] + (((Z - centres[t]) ** 2) / var[t]).sum(axis=1)
                         for t, s in enumerate(segs)], axis=1)
    else:
        P = np.array(brand["projection"], dtype=float) if "projection" in brand else np.eye(p)
        U = Z @ P
        crit = np.stack([((U - centres[t]) ** 2).sum(axis=1) for t in range(len(segs))], axis=1)
        pinv = np.linalg.pinv(P)
    crit[np.arange(n), own] = np.inf
    runner = np.argmin(crit, axis=1)
    for a, b in sorted(set(zip(own.tolist(), runner.tolist()))):
        rows = (own == a) & (runner == b)
        if brand.get("method") == "gmm":
            za = (Z[rows] - centres[a]) ** 2 / var[a] + np.log(var[a])
            zb = (Z[rows] - centres[b]) ** 2 / var[b] + np.log(var[b])
            out[rows] = zb - za
        else:
            w = P @ (centres[a] - centres[b])
            mid = ((centres[a] + centres[b]) / 2.0) @ pinv
            out[rows] = 2.0 * (Z[rows] - mid) * w
    return out


def explain(brand: dict, frame: pl.DataFrame, segments: np.ndarray) -> dict[str, np.ndarray]:
    """The why columns of the rows of ``frame`` (one brand's customers, in their segments
    ``segments``, numbers as in model.json): names (object arrays, None where empty) and values."""
    from threadpoolctl import threadpool_limits

    names = np.array([v["name"] for v in brand["variables"]] + [None], dtype=object)
    position = {int(s["segment"]): t for t, s in enumerate(brand["segments"])}
    own = np.array([position[int(s)] for s in segments], dtype=np.int64)
    with threadpool_limits(limits=1, user_api="blas"):  # the same bits whatever the machine's threads
        Z = _z(brand, frame)
        T = terms(brand, Z, own)
    n, p = T.shape
    by_name = np.argsort(names[:p].astype(str), kind="stable")
    ranked = by_name[np.argsort(-T[:, by_name], axis=1, kind="stable")]
    rows = np.arange(n)
    out: dict[str, np.ndarray] = {}
    for i in range(WHY):
        j = ranked[:, i] if i < p else np.full(n, -1)
        good = (j >= 0) & (T[rows, np.maximum(j, 0)] > 0) if p else np.zeros(n, dtype=bool)
        out[f"why_{i + 1}"] = np.where(good, names[np.where(good, j, p)], None)
        out[f"why_{i + 1}_z"] = np.where(good, Z[rows, np.maximum(j, 0)] if p else np.nan, np.nan)
    return out


def add(model: dict, frame: pl.DataFrame, assignments: pl.DataFrame) -> pl.DataFrame:
    """``assignments`` (customer_id, brand, segment, ...) with the why columns, in its own row order."""
    n = assignments.height
    names = {f"why_{i}": np.full(n, None, dtype=object) for i in range(1, WHY + 1)}
    values = {f"why_{i}_z": np.full(n, np.nan) for i in range(1, WHY + 1)}
    indexed = assignments.select("customer_id", "brand", "segment").with_row_index("_row")
    for name, brand in model["brands"].items():
        rows = indexed.filter(pl.col("brand") == name).join(
            frame, left_on="customer_id", right_on=model["id_column"], how="left", maintain_order="left")
        if rows.height == 0:
            continue
        at = rows.get_column("_row").to_numpy()
        got = explain(brand, rows, rows.get_column("segment").to_numpy())
        for c in names:
            names[c][at] = got[c]
        for c in values:
            values[c][at] = got[c]
    return assignments.with_columns([
        s for i in range(1, WHY + 1)
        for s in (pl.Series(f"why_{i}", names[f"why_{i}"].tolist(), dtype=pl.String),
                  pl.Series(f"why_{i}_z", values[f"why_{i}_z"], dtype=pl.Float64).fill_nan(None))])
