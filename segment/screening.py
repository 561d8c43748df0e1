"""Variable screening: which indicators are worth clustering on, and exactly why not.

Two passes, as in the segmentation playbook:

1. **Availability** (per indicator): missing share, share of the most frequent value,
   share of zeros, distinct count, mean, std, coefficient of variation, skewness and
   the 1st/50th/99th percentiles. The first rule that fires (in the order of
   :data:`CHECKS`) drops the indicator.
2. **Correlation** (on the survivors): pairwise-complete Pearson and Spearman matrices;
   indicators whose |r| (the larger of the two) reaches ``max_abs_r`` are linked, linked
   indicators form groups (connected components), and each group keeps the member with
   the lowest VARCLUS-style 1 - R² ratio; every dropped member names the kept one it is
   redundant with and their |r|.

An optional factor-analysis view (KMO, Bartlett, Kaiser and parallel analysis, varimax
loadings) describes the kept indicators; it never drops anything.

The maths lives in module-level functions (arrays in, arrays out) tested on their own;
:class:`Screener` wires them together scikit-learn style and :func:`screen` is the one
call the CLI makes. Columns are sorted by name before any computation, so the result
does not depend on the input column order. See docs/screening.md.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Iterable, Sequence

import numpy as np
import polars as pl

from .catalogue import BY_NAME
from .config import ScreeningConfig
from .errors import DataError, EmptyPopulationError, SchemaError

SCHEMA_VERSION = 1

# Order of the availability checks: the first that fires is the reason. `constant`
# comes before `single_value` because a constant column also has a mode share of 1,
# and "constant" is the stronger, more useful statement.
CHECKS = ("missing", "constant", "single_value", "low_variation")
STATS = ("n", "missing_share", "mode", "mode_share", "zero_share", "distinct", "mean", "std", "cv",
         "skewness", "p01", "p50", "p99")

_YES = {"yes", "y", "true", "t", "1", "是"}
_NO = {"no", "n", "false", "f", "0", "否"}


# ---------------------------------------------------------------- preparing the table

def to_matrix(frame: pl.DataFrame) -> tuple[np.ndarray, list[str], dict[str, str], dict[str, dict]]:
    """The numeric view of a wide table.

    Numeric and boolean columns are read as float64 (null and NaN are missing). Text
    columns with at most two distinct values become 0/1: yes/no-like values map to
    1/0, any other pair maps in sorted order (first -> 0). Other columns (text with
    more values, dates, nested types) are not screened.

    Returns ``(X, names, not_screened, encodings)``: ``X`` of shape (rows, len(names)),
    NaN for missing; ``not_screened`` name -> reason; ``encodings`` name -> {value: 0/1}.
    """
    names: list[str] = []
    exprs: list[pl.Expr] = []
    not_screened: dict[str, str] = {}
    encodings: dict[str, dict] = {}
    for name, dtype in frame.schema.items():
        col = pl.col(name)
        if dtype.is_numeric() or dtype == pl.Boolean or dtype == pl.Null:
            expr = col.cast(pl.Float64).fill_nan(None)
        elif dtype in (pl.String, pl.Categorical, pl.Enum):
            levels = sorted(frame.get_column(name).cast(pl.String).drop_nulls().unique().to_list())
            if len(levels) > 2:
                not_screened[name] = f"text with {len(levels)} distinct values"
                continue
            if {v.strip().lower() for v in levels} <= _YES | _NO:
                mapping = {v: (1 if v.strip().lower() in _YES else 0) for v in levels}
            else:
                mapping = {v: k for k, v in enumerate(levels)}
            encodings[name] = mapping
            expr = col.cast(pl.String).replace_strict(mapping, default=None, return_dtype=pl.Float64)
        else:
            not_screened[name] = f"not numeric ({dtype})"
            continue
        names.append(name)
        exprs.append(expr)
    if not exprs:
        return np.empty((frame.height, 0)), names, not_screened, encodings
    X = frame.select(exprs).to_numpy(order="fortran")
    return np.asfortranarray(X, dtype=np.float64), names, not_screened, encodings


# ---------------------------------------------------------------- availability pass

def column_stats(x: np.ndarray) -> dict[str, Any]:
    """Univariate statistics of one column (NaN = missing).

    Shares other than ``missing_share`` are over the non-missing values; ``std`` is the
    population std (ddof = 0); ``skewness`` the biased moment estimator (as
    ``scipy.stats.skew``); percentiles interpolate linearly (numpy's default); ``cv``
    is std / mean, only where the mean is positive. ``std`` is exactly 0 when all
    non-missing values are equal. Statistics of an all-missing column are None.
    """
    rows = len(x)
    v = x[~np.isnan(x)]
    n = len(v)
    out: dict[str, Any] = dict.fromkeys(STATS)
    out.update(n=n, missing_share=(1 - n / rows) if rows else None, distinct=0)
    if n == 0:
        return out
    s = np.sort(v)
    change = np.flatnonzero(s[1:] != s[:-1])
    starts = np.concatenate(([0], change + 1))
    runs = np.diff(np.concatenate((starts, [n])))
    top = int(np.argmax(runs))  # the smallest of the most frequent values
    mean = float(s.mean())
    constant = s[0] == s[-1]
    if constant:
        std, skew = 0.0, None
    else:
        d = s - mean
        m2 = float(np.mean(d * d))
        std = math.sqrt(m2)
        skew = float(np.mean(d * d * d)) / m2 ** 1.5 if m2 > 0 else None
    p01, p50, p99 = np.quantile(s, [0.01, 0.5, 0.99])
    out.update(
        mode=float(s[starts[top]]), mode_share=float(runs[top]) / n, zero_share=float(np.count_nonzero(s == 0)) / n,
        distinct=len(starts), mean=mean, std=std, cv=std / mean if mean > 0 else None, skewness=skew,
        p01=float(p01), p50=float(p50), p99=float(p99), min=float(s[0]),
    )
    return out


def availability_checks(stats: dict[str, Any], cfg: ScreeningConfig) -> list[tuple[str, float | None, float]]:
    """Every availability rule that fires on ``stats``, in the order of :data:`CHECKS`.

    Returns ``[(rule, statistic, threshold), ...]``; the first entry is the reason.
    """
    fired = []
    if stats["missing_share"] is not None and stats["missing_share"] > cfg.max_missing:
        fired.append(("missing", stats["missing_share"], cfg.max_missing))
    if stats["n"] and stats["std"] == 0:
        fired.append(("constant", stats["std"], 0.0))
    if stats["n"] and stats["mode_share"] >= cfg.max_mode_share:
        fired.append(("single_value", stats["mode_share"], cfg.max_mode_share))
    if stats["n"] and stats["cv"] is not None and stats.get("min", 0) >= 0 and stats["cv"] < cfg.min_cv:
        fired.append(("low_variation", stats["cv"], cfg.min_cv))
    return fired


# ---------------------------------------------------------------- correlation pass

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


# ---------------------------------------------------------------- factor-analysis view

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


# ---------------------------------------------------------------- the estimator

class Screener:
    """Availability and correlation screening of the numeric columns of a table.

    Parameters mirror :class:`segment.config.ScreeningConfig`. ``fit(frame)`` takes a
    polars DataFrame holding only candidate indicators (no id or brand column).

    Fitted attributes:
    ``variables_`` name -> record (status, reason, statistic, threshold, flags,
    correlated_with, abs_r, group, stats; full precision), in the input column order;
    ``kept_`` kept names (input order); ``dropped_`` name -> reason; ``groups_`` list of
    groups of linked indicators; ``not_screened_`` name -> why; ``n_rows_``;
    ``pearson_`` / ``spearman_`` (DataFrames over the availability survivors, sorted
    by name); ``factors_`` (dict or None).
    """

    def __init__(self, max_missing: float = 0.5, max_mode_share: float = 0.95, min_cv: float = 0.05,
                 max_abs_r: float = 0.85, correlation: str = "max", min_pair_rows: int = 30,
                 priority: Sequence[str] = (), factors: bool = False, parallel_iterations: int = 100,
                 parallel_quantile: float = 0.95, random_state: int = 0):
        self.max_missing = max_missing
        self.max_mode_share = max_mode_share
        self.min_cv = min_cv
        self.max_abs_r = max_abs_r
        self.correlation = correlation
        self.min_pair_rows = min_pair_rows
        self.priority = priority
        self.factors = factors
        self.parallel_iterations = parallel_iterations
        self.parallel_quantile = parallel_quantile
        self.random_state = random_state

    @classmethod
    def from_config(cls, cfg: ScreeningConfig, factors: bool = False) -> "Screener":
        return cls(cfg.max_missing, cfg.max_mode_share, cfg.min_cv, cfg.max_abs_r, cfg.correlation,
                   cfg.min_pair_rows, cfg.priority, factors, cfg.parallel_iterations, cfg.parallel_quantile,
                   cfg.seed)

    def _config(self) -> ScreeningConfig:
        from .config import validate_screening

        cfg = ScreeningConfig(float(self.max_missing), float(self.max_mode_share), float(self.min_cv),
                              float(self.max_abs_r), self.correlation, int(self.min_pair_rows),
                              tuple(self.priority), int(self.parallel_iterations), float(self.parallel_quantile),
                              int(self.random_state))
        validate_screening(cfg)
        return cfg

    def fit(self, frame: pl.DataFrame) -> "Screener":
        from threadpoolctl import threadpool_limits

        # The products here are tall and thin (rows x ~100): one BLAS thread is faster
        # than two, and OpenBLAS threads that spin on a busy shared machine made the
        # same products 10-50x slower in the benchmark (bench/README.md).
        with threadpool_limits(limits=1, user_api="blas"):
            return self._fit(frame)

    def _fit(self, frame: pl.DataFrame) -> "Screener":
        cfg = self._config()
        order = list(frame.columns)
        # Sorted by name so that nothing below depends on the input column order.
        X, names, not_screened, encodings = to_matrix(frame.select(sorted(order)))
        self.n_rows_ = frame.height
        self.not_screened_ = not_screened
        records: dict[str, dict] = {}
        survivors: list[int] = []
        for j, name in enumerate(names):
            stats = column_stats(X[:, j])
            fired = availability_checks(stats, cfg)
            rec = _record(name, stats)
            rec["flags"] = [f[0] for f in fired]
            if name in encodings:
                rec["encoding"] = encodings[name]
            if fired:
                rule, stat, thr = fired[0]
                rec.update(status="dropped", reason=rule, statistic=stat, threshold=thr)
            else:
                survivors.append(j)
            records[name] = rec
        for name, why in not_screened.items():
            records[name] = {**_record(name, None), "status": "not_screened", "reason": "not_numeric", "detail": why}

        snames = [names[j] for j in survivors]
        S = np.asfortranarray(X[:, survivors])
        del X  # the survivors are all that is needed from here on
        pr, sr, _ = pairwise_correlations(S, cfg.min_pair_rows)
        link = link_matrix(pr, sr, cfg.correlation)
        adjacent = link >= cfg.max_abs_r
        np.fill_diagonal(adjacent, False)
        clusters = components(adjacent) if snames else []
        own, nearest, nearest_c, ratio = rsquare_ratios(pr, clusters) if snames else ([], [], [], np.array([]))
        _, dropped_idx, groups = choose_representatives(snames, link, cfg.max_abs_r, ratio, cfg.priority)
        group_of = {}
        self.groups_ = []
        for gid, g in enumerate(groups, start=1):
            members = [snames[i] for i in g["members"]]
            for i in g["members"]:
                group_of[i] = gid
            sub = link[np.ix_(g["members"], g["members"])]
            self.groups_.append({
                "id": gid,
                "members": members,
                "kept": [snames[i] for i in g["kept"]],
                "max_abs_r": float(sub[~np.eye(len(members), dtype=bool)].max()),
                "rsquare": [{"name": snames[i], "own": float(own[i]), "nearest": float(nearest[i]),
                             "nearest_cluster": snames[clusters[nearest_c[i]][0]] if nearest_c[i] >= 0 else None,
                             "ratio": float(ratio[i])} for i in g["members"]],
            })
        for i, name in enumerate(snames):
            rec = records[name]
            rec["group"] = group_of.get(i)
            rec["rsquare_ratio"] = float(ratio[i]) if i in group_of else None
            if i in dropped_idx:
                k, r = dropped_idx[i]
                rec.update(status="dropped", reason="correlated", correlated_with=snames[k], abs_r=r,
                           statistic=r, threshold=cfg.max_abs_r,
                           pearson=_num(pr[i, k]), spearman=_num(sr[i, k]))
            else:
                rec["status"] = "kept"
        self.pearson_ = pl.DataFrame({n: pr[:, k] for k, n in enumerate(snames)}).insert_column(
            0, pl.Series("name", snames)) if snames else pl.DataFrame()
        self.spearman_ = pl.DataFrame({n: sr[:, k] for k, n in enumerate(snames)}).insert_column(
            0, pl.Series("name", snames)) if snames else pl.DataFrame()
        self.variables_ = {name: records[name] for name in order}
        self.kept_ = [name for name in order if records[name]["status"] == "kept"]
        self.dropped_ = {name: records[name]["reason"] for name in order if records[name]["status"] == "dropped"}
        self.factors_ = None
        if self.factors:
            kept_sorted = sorted(self.kept_)
            cols = [snames.index(n) for n in kept_sorted]
            self.factors_ = factor_view(S[:, cols], kept_sorted, cfg.parallel_iterations, cfg.parallel_quantile,
                                        cfg.seed)
        self.config_ = cfg
        return self


def _num(x) -> float | None:
    x = float(x)
    return x if math.isfinite(x) else None


def _record(name: str, stats: dict | None) -> dict:
    ind = BY_NAME.get(name)
    rec = {"name": name, "angle": ind.angle if ind else None, "status": None, "reason": None,
           "statistic": None, "threshold": None, "correlated_with": None, "abs_r": None, "flags": [],
           "group": None}
    if stats is not None:
        rec["stats"] = {k: stats[k] for k in STATS}
    else:
        rec["stats"] = None
    return rec


# ---------------------------------------------------------------- the report

def _sig(x: Any, digits: int = 6) -> Any:
    """Floats rounded to ``digits`` significant digits (NaN/inf -> None), recursively."""
    if isinstance(x, float) or isinstance(x, np.floating):
        x = float(x)
        if not math.isfinite(x):
            return None
        return float(f"{x:.{digits}g}")
    if isinstance(x, dict):
        return {k: _sig(v, digits) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [_sig(v, digits) for v in x]
    if isinstance(x, np.integer):
        return int(x)
    return x


_VAR_KEYS = ("name", "angle", "status", "reason", "statistic", "threshold", "correlated_with", "abs_r",
             "pearson", "spearman", "group", "rsquare_ratio", "flags", "detail", "encoding", "stats")


@dataclass
class ScreeningReport:
    """The result of :func:`screen`, JSON-ready (floats rounded to 6 significant digits)."""

    rows: int
    variables: list[dict]
    kept: list[str]
    groups: list[dict]
    thresholds: dict
    factors: dict | None = None
    brands: dict[str, "ScreeningReport"] = field(default_factory=dict)

    @property
    def dropped(self) -> dict[str, str]:
        return {v["name"]: v["reason"] for v in self.variables if v["status"] == "dropped"}

    def summary(self) -> dict:
        """Counts: indicators in, kept, dropped per reason, not screened."""
        reasons: dict[str, int] = {}
        for v in self.variables:
            if v["status"] == "dropped":
                reasons[v["reason"]] = reasons.get(v["reason"], 0) + 1
        order = [*CHECKS, "correlated"]
        return {
            "indicators": len(self.variables),
            "kept": len(self.kept),
            "dropped": {k: reasons[k] for k in order if k in reasons},
            "not_screened": sum(v["status"] == "not_screened" for v in self.variables),
        }

    def to_dict(self, version: bool = True) -> dict:
        out: dict[str, Any] = {"version": SCHEMA_VERSION} if version else {}
        out.update(
            rows=self.rows,
            summary=self.summary(),
            variables=self.variables,
            groups=self.groups,
            thresholds=self.thresholds,
            factors=self.factors,
            brands={b: r.to_dict(version=False) for b, r in self.brands.items()},
        )
        return out


def report_from(screener: Screener) -> ScreeningReport:
    """A :class:`ScreeningReport` from a fitted :class:`Screener`."""
    variables = []
    for rec in screener.variables_.values():
        variables.append(_sig({k: rec.get(k) for k in _VAR_KEYS}))
    cfg = screener.config_
    thresholds = {
        "max_missing": cfg.max_missing, "max_mode_share": cfg.max_mode_share, "min_cv": cfg.min_cv,
        "max_abs_r": cfg.max_abs_r, "correlation": cfg.correlation, "min_pair_rows": cfg.min_pair_rows,
        "priority": list(cfg.priority), "checks": list(CHECKS),
    }
    return ScreeningReport(screener.n_rows_, variables, list(screener.kept_), _sig(screener.groups_), thresholds,
                           _sig(screener.factors_))


def screen(frame: pl.DataFrame, cfg: ScreeningConfig, id_col: str = "customer_id",
           brand_col: str | None = "brand", by_brand: bool = False, factors: bool = False) -> ScreeningReport:
    """Screen every indicator of a wide table (one row per customer).

    ``id_col`` must exist and is not screened; ``brand_col`` is not screened either
    (ignored when absent, unless ``by_brand``). With ``by_brand`` the report also holds
    one report per brand (rows with an empty brand belong to none), in ``.brands``.
    Raises SchemaError / DataError / EmptyPopulationError (exit 3) for unusable tables.
    """
    if id_col not in frame.columns:
        raise SchemaError(f"id column {id_col!r} not found; columns: {', '.join(frame.columns[:20])}"
                          + (" ..." if frame.width > 20 else "") + " (use --id)")
    if by_brand and (brand_col is None or brand_col not in frame.columns):
        raise SchemaError(f"brand column {brand_col!r} not found (use --brand, or drop --by-brand)")
    if frame.height == 0:
        raise EmptyPopulationError("the table has no rows")
    dup = frame.get_column(id_col).is_duplicated()
    if dup.any():
        ex = frame.filter(dup).get_column(id_col).unique().sort().head(3).to_list()
        raise DataError(f"id column {id_col!r}: {int(dup.sum())} row(s) share an id, e.g. {', '.join(map(str, ex))}")
    exclude = {id_col} | ({brand_col} if brand_col and brand_col in frame.columns else set())
    candidates = frame.select([c for c in frame.columns if c not in exclude])
    if not any(_screenable(candidates.get_column(c)) for c in candidates.columns):
        raise DataError(f"no numeric indicator column to screen (columns: {', '.join(candidates.columns[:20]) or 'none'})")
    report = report_from(Screener.from_config(cfg, factors).fit(candidates))
    if by_brand:
        brands = frame.get_column(brand_col).drop_nulls().unique().sort().to_list()
        for b in brands:
            part = candidates.filter(frame.get_column(brand_col) == b)
            report.brands[str(b)] = report_from(Screener.from_config(cfg, factors).fit(part))
    return report


def _screenable(s: pl.Series) -> bool:
    if s.dtype.is_numeric() or s.dtype in (pl.Boolean, pl.Null):
        return True
    return s.dtype in (pl.String, pl.Categorical, pl.Enum) and s.drop_nulls().n_unique() <= 2


def iter_rows(report: ScreeningReport) -> Iterable[tuple]:
    """Flat rows for CSV and tables: name, angle, status, reason, correlated_with, abs_r and key stats."""
    for v in report.variables:
        s = v["stats"] or {}
        yield (v["name"], v["angle"], v["status"], v["reason"], v["correlated_with"], v["abs_r"],
               s.get("missing_share"), s.get("mode_share"), s.get("zero_share"), s.get("distinct"), s.get("mean"),
               s.get("std"), s.get("cv"), s.get("skewness"), s.get("p01"), s.get("p50"), s.get("p99"))


ROW_COLUMNS = ("name", "angle", "status", "reason", "correlated_with", "abs_r", "missing_share", "mode_share",
               "zero_share", "distinct", "mean", "std", "cv", "skewness", "p01", "p50", "p99")
