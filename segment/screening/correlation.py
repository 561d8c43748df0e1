"""The correlation pass: pairwise-complete Pearson and Spearman matrices, groups of linked
indicators and the one indicator kept per group (docs/screening.md, "Correlation pass")."""

from __future__ import annotations

import math
from typing import Sequence

import numpy as np


def average_ranks(x: np.ndarray) -> np.ndarray:
    """Average ranks (1-based, ties share their mean rank) of the non-missing values; NaN stays NaN."""
    out = np.full(len(x), np.nan)
    idx = np.flatnonzero(~np.isnan(x))
    if len(idx) == 0:
        return out
    v = x[idx]
    order = np.argsort(v)  # the order within ties does not matter for average ranks
    s = v[order]
    n = len(s)
    starts = np.concatenate(([0], np.flatnonzero(s[1:] != s[:-1]) + 1))
    ends = np.concatenate((starts[1:], [n]))
    avg = (starts + ends + 1) / 2.0  # mean of ranks start+1 .. end
    out[idx[order]] = np.repeat(avg, ends - starts)
    return out


def _standardized(Y: np.ndarray, M: np.ndarray, counts: np.ndarray, inplace: bool = False) -> np.ndarray:
    """Columns centred and scaled by their own mean and std, 0 where missing (same r, better rounding)."""
    if inplace:
        Z = Y
        Z[~M] = 0.0
    else:
        Z = np.where(M, Y, 0.0)
    mu = Z.sum(axis=0) / np.maximum(counts, 1)
    Z -= mu
    Z[~M] = 0.0
    sd = np.sqrt(np.einsum("ij,ij->j", Z, Z) / np.maximum(counts, 1))
    Z /= np.where(sd > 0, sd, 1.0)
    return Z


def _correlation(Z: np.ndarray, Mf: np.ndarray | None, n: np.ndarray, min_rows: int) -> np.ndarray:
    with np.errstate(invalid="ignore", divide="ignore"):
        P = Z.T @ Z
        if Mf is None:  # no missing value: every pair uses every row
            vi = np.broadcast_to(np.diag(P)[:, None], P.shape)
            cov = P
        else:
            S = Z.T @ Mf  # S[i, j]: sum of z_i over the rows where i and j are present
            np.square(Z, out=Z)
            Q = Z.T @ Mf  # the same for z_i²
            nn = np.maximum(n, 1)
            cov = P - S * S.T / nn
            vi = Q - S * S / nn
        r = cov / np.sqrt(vi * vi.T)
        # a column constant over the common rows has (numerically) zero variance there
        tiny = 1e-10 * np.maximum(n, 1)
        bad = (n < min_rows) | (vi <= tiny) | (vi.T <= tiny) | ~np.isfinite(r)
    r = np.clip(r, -1.0, 1.0)
    r[bad] = np.nan
    return r


def pairwise_correlations(X: np.ndarray, min_rows: int = 3, spearman: bool = True):
    """Pearson (and Spearman) correlation of every pair of columns over the rows where both are present.

    Computed as matrix products over the 0/1 presence mask M (no loop over rows):
    n = MᵀM, per-pair sums (Z·M)ᵀM and sums of squares (Z²)ᵀM, cross products ZᵀZ, on
    columns centred and scaled first. Spearman is the same on average ranks, computed
    once per column over its non-missing values (the usual approximation for
    pairwise-complete Spearman; exact for a pair without missing values).

    ``X``: (rows, p), NaN = missing. Returns ``(pearson, spearman or None, n)``, each
    (p, p); a correlation is NaN where the pair has fewer than ``min_rows`` common rows
    or a column is constant over them.
    """
    rows, p = X.shape
    M = ~np.isnan(X)
    counts = M.sum(axis=0)
    if M.all():
        Mf, n = None, np.full((p, p), float(rows))
    else:
        Mf = M.astype(np.float64)
        n = Mf.T @ Mf
    pearson = _correlation(_standardized(X, M, counts), Mf, n, min_rows)
    rho = None
    if spearman:
        R = np.empty_like(X, order="F")
        for j in range(p):
            R[:, j] = average_ranks(X[:, j])
        rho = _correlation(_standardized(R, M, counts, inplace=True), Mf, n, min_rows)
    return pearson, rho, n


def pairwise_pearson(X: np.ndarray, min_rows: int = 3) -> tuple[np.ndarray, np.ndarray]:
    """Pairwise-complete Pearson matrix and pair counts (see :func:`pairwise_correlations`)."""
    r, _, n = pairwise_correlations(X, min_rows, spearman=False)
    return r, n


def pairwise_spearman(X: np.ndarray, min_rows: int = 3) -> tuple[np.ndarray, np.ndarray]:
    """Spearman matrix (Pearson on per-column average ranks) and pair counts (see :func:`pairwise_correlations`)."""
    _, rho, n = pairwise_correlations(X, min_rows, spearman=True)
    return rho, n


def link_matrix(pearson: np.ndarray, spearman: np.ndarray, method: str = "max") -> np.ndarray:
    """|r| used for grouping: the larger of |Pearson| and |Spearman| (or one of them); NaN -> 0."""
    a = np.abs(np.nan_to_num(pearson, nan=0.0))
    b = np.abs(np.nan_to_num(spearman, nan=0.0))
    out = {"max": np.maximum(a, b), "pearson": a, "spearman": b}[method]
    out = out.copy()
    np.fill_diagonal(out, 1.0)
    return out


def components(adjacent: np.ndarray, among: Sequence[int] | None = None) -> list[list[int]]:
    """Connected components of the graph ``adjacent`` (bool, symmetric) restricted to ``among``.

    Returns lists of indices, each ascending, ordered by their first index.
    """
    nodes = sorted(range(adjacent.shape[0]) if among is None else among)
    allowed = set(nodes)
    seen: set[int] = set()
    out = []
    for start in nodes:
        if start in seen:
            continue
        comp, stack = [], [start]
        seen.add(start)
        while stack:
            i = stack.pop()
            comp.append(i)
            for j in np.flatnonzero(adjacent[i]):
                j = int(j)
                if j in allowed and j not in seen:
                    seen.add(j)
                    stack.append(j)
        out.append(sorted(comp))
    return out


def rsquare_ratios(r: np.ndarray, clusters: list[list[int]]) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """VARCLUS-style 1 - R² ratios from a correlation matrix and a partition of its columns.

    Each cluster is summarised by the first principal component of its correlation
    sub-matrix; the correlation of column i with the component of cluster g is
    ``r[i, g] @ w / sqrt(lambda)`` (w, lambda: leading eigenvector and eigenvalue), so no
    pass over the data is needed. NaN correlations count as 0.

    Returns ``(own, nearest, nearest_cluster, ratio)``, each of length p: R² with the
    own cluster's component, the highest R² with another cluster's component (0 when
    there is none), the index of that cluster (-1), and (1 - own) / (1 - nearest).
    """
    p = r.shape[0]
    R = np.nan_to_num(r, nan=0.0)
    np.fill_diagonal(R, 1.0)
    C = np.zeros((p, len(clusters)))
    label = np.empty(p, dtype=int)
    for g, members in enumerate(clusters):
        label[members] = g
        sub = R[np.ix_(members, members)]
        vals, vecs = np.linalg.eigh(sub)
        w, lam = vecs[:, -1], max(vals[-1], 1e-12)
        C[:, g] = R[:, members] @ w / math.sqrt(lam)
    C2 = np.clip(C * C, 0.0, 1.0)
    own = C2[np.arange(p), label]
    other = C2.copy()
    other[np.arange(p), label] = -1.0
    if len(clusters) > 1:
        nearest_cluster = np.argmax(other, axis=1)
        nearest = other[np.arange(p), nearest_cluster]
    else:
        nearest_cluster = np.full(p, -1)
        nearest = np.zeros(p)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(nearest < 1, (1 - own) / (1 - nearest), np.inf)
    ratio = np.clip(ratio, 0.0, np.inf)
    return own, nearest, nearest_cluster, ratio


def choose_representatives(
    names: Sequence[str], link: np.ndarray, threshold: float, ratio: np.ndarray, priority: Sequence[str] = (),
) -> tuple[list[int], dict[int, tuple[int, float]], list[dict]]:
    """Keep one indicator per group of linked indicators; drop the rest with their evidence.

    Groups are the connected components of ``link >= threshold``. In each, the member
    with the lowest ``ratio`` is kept (ratios compared to 6 decimals; ties broken by
    position in ``priority``, listed names first, then by name); the members linked to
    it directly are dropped, and whatever remains of the group (members linked to the
    group only through a dropped one) is grouped and resolved again in the same way. So
    every dropped indicator has |r| >= threshold with the one it names, and no two kept
    indicators reach the threshold together.

    Returns ``(kept, dropped, groups)``: kept indices (ascending), dropped index ->
    (kept index, |r|), and per group of two or more ``{"members", "kept"}`` (indices).
    """
    rank = {name: k for k, name in enumerate(priority)}

    def key(i: int):
        x = ratio[i]
        return (round(float(x), 6) if math.isfinite(x) else math.inf, rank.get(names[i], len(rank)), names[i])

    adjacent = link >= threshold
    np.fill_diagonal(adjacent, False)
    kept: list[int] = []
    dropped: dict[int, tuple[int, float]] = {}
    groups = []
    for comp in components(adjacent):
        if len(comp) == 1:
            kept.extend(comp)
            continue
        reps = []
        pending = [comp]
        while pending:
            part = pending.pop(0)
            rep = min(part, key=key)
            reps.append(rep)
            rest = []
            for j in part:
                if j == rep:
                    continue
                if adjacent[rep, j]:
                    dropped[j] = (rep, float(link[rep, j]))
                else:
                    rest.append(j)
            if rest:
                pending.extend(components(adjacent, rest))
        kept.extend(reps)
        groups.append({"members": comp, "kept": sorted(reps)})
    return sorted(kept), dropped, groups
