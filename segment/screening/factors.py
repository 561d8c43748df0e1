"""The factor-analysis view of the kept indicators: KMO, Bartlett, parallel analysis and varimax
loadings. It describes; it never drops (docs/screening.md, "Factor-analysis view")."""

from __future__ import annotations

from typing import Any, Sequence

import numpy as np


def kmo(r: np.ndarray) -> tuple[float, np.ndarray]:
    """Kaiser-Meyer-Olkin measure of sampling adequacy from a correlation matrix.

    KMO = sum r²_ij / (sum r²_ij + sum a²_ij) over i != j, with a the partial
    correlations from the inverse (pseudo-inverse if singular). Returns
    ``(overall, per_variable)``.
    """
    try:
        inv = np.linalg.inv(r)
    except np.linalg.LinAlgError:
        inv = np.linalg.pinv(r)
    d = np.sqrt(np.abs(np.diag(inv)))
    a = -inv / np.outer(d, d)
    off = ~np.eye(len(r), dtype=bool)
    r2 = np.where(off, r * r, 0.0)
    a2 = np.where(off, a * a, 0.0)
    per = r2.sum(axis=1) / (r2.sum(axis=1) + a2.sum(axis=1))
    overall = r2.sum() / (r2.sum() + a2.sum())
    return float(overall), per


def bartlett(r: np.ndarray, n: int) -> tuple[float | None, int, float | None]:
    """Bartlett's test of sphericity: chi² = -(n - 1 - (2p + 5) / 6) ln|R|, df = p(p - 1) / 2.

    Returns ``(chi2, df, p_value)``; chi2 and p are None when |R| is not positive.
    """
    from scipy.stats import chi2 as chi2_dist

    p = r.shape[0]
    df = p * (p - 1) // 2
    sign, logdet = np.linalg.slogdet(r)
    if sign <= 0:
        return None, df, None
    stat = -(n - 1 - (2 * p + 5) / 6) * logdet
    return float(stat), df, float(chi2_dist.sf(stat, df))


def parallel_thresholds(n: int, p: int, iterations: int, quantile: float, seed: int) -> np.ndarray:
    """Eigenvalues that random data of the same shape reaches (Horn's parallel analysis).

    The correlation matrix of n rows of independent normal data is that of a Wishart
    matrix with n - 1 degrees of freedom, drawn here directly by the Bartlett
    decomposition (O(p²) per draw instead of O(n p²)). Returns, for each position k,
    the ``quantile`` of the k-th largest eigenvalue over ``iterations`` draws.
    """
    rng = np.random.default_rng(seed)
    df = n - 1
    out = np.empty((iterations, p))
    low = np.tril_indices(p, -1)
    for t in range(iterations):
        A = np.zeros((p, p))
        A[np.diag_indices(p)] = np.sqrt(rng.chisquare(df - np.arange(p)))
        A[low] = rng.standard_normal(len(low[0]))
        W = A @ A.T
        d = np.sqrt(np.diag(W))
        out[t] = np.linalg.eigvalsh(W / np.outer(d, d))[::-1]
    return np.quantile(out, quantile, axis=0)


def varimax(loadings: np.ndarray, max_iter: int = 500, tol: float = 1e-8) -> np.ndarray:
    """Varimax rotation with Kaiser normalisation (rows scaled to unit length while rotating)."""
    p, k = loadings.shape
    if k < 2:
        return loadings.copy()
    h = np.sqrt((loadings ** 2).sum(axis=1))
    h = np.where(h > 0, h, 1.0)
    L = loadings / h[:, None]
    rot = np.eye(k)
    crit = 0.0
    for _ in range(max_iter):
        Lr = L @ rot
        u, s, vt = np.linalg.svd(L.T @ (Lr ** 3 - Lr * (Lr ** 2).sum(axis=0) / p))
        rot = u @ vt
        old, crit = crit, s.sum()
        if old and crit < old * (1 + tol):
            break
    return (L @ rot) * h[:, None]


def factor_view(X: np.ndarray, names: Sequence[str], iterations: int = 100, quantile: float = 0.95,
                seed: int = 0) -> dict[str, Any]:
    """KMO, Bartlett, number of factors and varimax loadings of the columns of ``X``.

    Uses the rows complete on every column (a proper correlation matrix). Factors are
    principal components of the correlation matrix; their number is the parallel
    analysis count (at least 1), rotated by varimax; each factor's sign makes its
    loadings sum positive; factors are ordered by the variance they explain.
    """
    complete = ~np.isnan(X).any(axis=1)
    n, p = int(complete.sum()), X.shape[1]
    if p < 2 or n < p + 2:
        return {"rows": n, "skipped": f"needs at least 2 indicators and more complete rows than indicators "
                                      f"({p} indicator(s), {n} complete row(s))"}
    r = np.corrcoef(X[complete], rowvar=False)
    overall, per = kmo(r)
    stat, df, pval = bartlett(r, n)
    vals, vecs = np.linalg.eigh(r)
    vals, vecs = vals[::-1], vecs[:, ::-1]
    thresholds = parallel_thresholds(n, p, iterations, quantile, seed)
    above = vals > thresholds
    n_parallel = int(np.argmin(above)) if not above.all() else p
    k = max(1, n_parallel)
    L = varimax(vecs[:, :k] * np.sqrt(np.clip(vals[:k], 0, None)))
    L *= np.where(L.sum(axis=0) < 0, -1.0, 1.0)
    L = L[:, np.argsort(-(L ** 2).sum(axis=0), kind="stable")]
    singular = stat is None
    return {
        "rows": n,
        "note": ("the correlation matrix of these indicators is singular (an exact linear dependency, e.g. a total "
                 "and its parts): Bartlett's test is undefined and KMO uses the pseudo-inverse") if singular else None,
        "kmo": overall,
        "kmo_per_variable": {nm: float(v) for nm, v in zip(names, per)},
        "bartlett": {"chi2": stat, "df": df, "p_value": pval},
        "eigenvalues": [float(v) for v in vals],
        "parallel_thresholds": [float(v) for v in thresholds],
        "n_factors": {"kaiser": int((vals > 1).sum()), "parallel": n_parallel},
        "loadings": [
            {"name": nm, "loadings": [float(v) for v in L[i]], "dominant_factor": int(np.argmax(np.abs(L[i]))) + 1,
             "communality": float((L[i] ** 2).sum())}
            for i, nm in enumerate(names)
        ],
    }
