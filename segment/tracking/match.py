"""Which segment of run B is which segment of run A, for one brand, and the evidence.

Two kinds of evidence, both reported for every pair:

* **customers**: on the customers in both runs, the overlap of every A segment with every
  B segment (a count and its Jaccard share of their union);
* **centroids**: B's segments' centres in A's space (B's customers prepared, and
  projected, with A's model: the mean of each B segment) against A's centres; a
  Euclidean distance in A's units.

Segments are matched one to one (the Hungarian assignment): on the customers when the
brand has at least ``min_shared`` customers in both runs, keeping pairs whose Jaccard
reaches ``min_jaccard``; else on the centroids, keeping pairs that are each other's
nearest. Unmatched A segments are gone, unmatched B segments new.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl
from scipy.optimize import linear_sum_assignment

from ..config import TrackingConfig


@dataclass
class Side:
    """One run, one brand: its model (model.json's brand), its assignments (customer_id,
    segment) and, when known, its customers' indicators (customer_id + columns)."""

    model: dict
    assignments: pl.DataFrame
    features: pl.DataFrame | None = None

    @property
    def numbers(self) -> list[int]:
        return [int(s["segment"]) for s in self.model["segments"]]

    @property
    def names(self) -> dict[int, str]:
        return {int(s["segment"]): s["name"] for s in self.model["segments"]}


@dataclass
class Match:
    a: list[int]  # A's segment numbers (rows of the matrices)
    b: list[int]  # B's segment numbers (columns)
    overlap: np.ndarray  # (len(a), len(b)) customers in both runs, by segment pair
    jaccard: np.ndarray
    distance: np.ndarray | None  # (len(a), len(b)), B's centres in A's space; None without B's indicators
    shared: int  # customers in both runs
    by: str  # "customers" or "centroids"
    pairs: list[tuple[int, int]]  # matched (A segment, B segment)

    def partner(self) -> dict[int, int]:
        """A segment -> its B segment."""
        return dict(self.pairs)

    @property
    def gone(self) -> list[int]:
        return [s for s in self.a if s not in self.partner()]

    @property
    def new(self) -> list[int]:
        matched = set(self.partner().values())
        return [s for s in self.b if s not in matched]

    def evidence(self, i: int, j: int) -> dict:
        return {"shared": int(self.overlap[i, j]), "jaccard": float(self.jaccard[i, j]),
                "distance": None if self.distance is None else float(self.distance[i, j])}

    def records(self, names_a: dict[int, str], names_b: dict[int, str]) -> list[dict]:
        """Every matched pair with both kinds of evidence, in A's order."""
        out = []
        for sa, sb in self.pairs:
            i, j = self.a.index(sa), self.b.index(sb)
            out.append({"segment_a": sa, "name_a": names_a[sa], "segment_b": sb, "name_b": names_b[sb],
                        "by": self.by, **self.evidence(i, j)})
        return out


def overlap_table(a: pl.DataFrame, b: pl.DataFrame, numbers_a: list[int], numbers_b: list[int]) -> np.ndarray:
    """Customers in both assignments, counted by (A segment, B segment)."""
    both = a.select("customer_id", pl.col("segment").alias("sa")).join(
        b.select("customer_id", pl.col("segment").alias("sb")), on="customer_id")
    table = np.zeros((len(numbers_a), len(numbers_b)), dtype=np.int64)
    ia = {s: i for i, s in enumerate(numbers_a)}
    ib = {s: j for j, s in enumerate(numbers_b)}
    for sa, sb, n in both.group_by("sa", "sb").len().rows():
        table[ia[sa], ib[sb]] += n
    return table


def jaccard(table: np.ndarray) -> np.ndarray:
    """|A_i ∩ B_j| / |A_i ∪ B_j| over the customers in both runs."""
    union = table.sum(axis=1, keepdims=True) + table.sum(axis=0, keepdims=True) - table
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(union > 0, table / np.maximum(union, 1), 0.0)


def centroid_distances(a: Side, b: Side) -> np.ndarray | None:
    """(kA, kB) distances between A's centres and B's segments' means in A's space."""
    from ..model import prepared

    if b.features is None or not a.model.get("segments"):
        return None
    rows = b.assignments.select("customer_id", "segment").join(b.features, on="customer_id", how="inner")
    missing = [v["name"] for v in a.model["variables"] if v["name"] not in rows.columns]
    if missing or rows.height == 0:
        return None
    U = prepared(a.model, rows)
    labels = rows.get_column("segment").to_numpy()
    centres_a = np.array([s["center"] for s in a.model["segments"]], dtype=float)
    out = np.full((len(a.numbers), len(b.numbers)), np.inf)
    for j, s in enumerate(b.numbers):
        members = U[labels == s]
        if len(members):
            out[:, j] = np.sqrt(((centres_a - members.mean(axis=0)) ** 2).sum(axis=1))
    return out


def match(a: Side, b: Side, cfg: TrackingConfig) -> Match:
    """Match B's segments to A's (see the module docstring). Raises ValueError when the
    runs share too few customers and B's indicators are not known."""
    na, nb = a.numbers, b.numbers
    table = overlap_table(a.assignments, b.assignments, na, nb)
    jac = jaccard(table)
    dist = centroid_distances(a, b)
    shared = int(table.sum())
    pairs: list[tuple[int, int]] = []
    if shared >= cfg.min_shared:
        by = "customers"
        rows, cols = linear_sum_assignment(-jac)
        pairs = [(na[i], nb[j]) for i, j in zip(rows, cols) if jac[i, j] >= cfg.min_jaccard]
    elif dist is not None:
        by = "centroids"
        rows, cols = linear_sum_assignment(np.where(np.isfinite(dist), dist, 1e12))
        pairs = [(na[i], nb[j]) for i, j in zip(rows, cols)
                 if np.isfinite(dist[i, j]) and dist[i, j] <= dist[i].min() and dist[i, j] <= dist[:, j].min()]
    else:
        raise ValueError(f"the runs share {shared} customer(s) (fewer than tracking.min_shared = "
                         f"{cfg.min_shared}) and the second run's indicators are not known, so its segments "
                         "cannot be placed in the first run's space")
    return Match(na, nb, table, jac, dist, shared, by, sorted(pairs))


def stable_numbers(m: Match, previous_names: dict[int, str]) -> dict[int, tuple[int, str | None]]:
    """--previous: B's provisional number -> (its number, the previous name or None).

    A B segment matched to a previous segment takes that segment's number and name; the
    others get new numbers after the previous run's largest, in their provisional order.
    """
    partner_of_b = {sb: sa for sa, sb in m.pairs}
    out: dict[int, tuple[int, str | None]] = {}
    following = max([*m.a, 0]) + 1
    for sb in m.b:
        if sb in partner_of_b:
            out[sb] = (partner_of_b[sb], previous_names[partner_of_b[sb]])
        else:
            out[sb] = (following, None)
            following += 1
    return out
