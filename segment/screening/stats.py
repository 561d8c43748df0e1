"""The availability pass: the numeric view of a table, the statistics of each column and the
rules that drop an indicator (docs/screening.md, "Availability pass")."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import polars as pl

from ..config import ScreeningConfig

# The availability checks in the order availability_checks applies them: the first that
# fires is the reason. `constant` comes before `single_value` because a constant column
# also has a mode share of 1, and "constant" is the stronger, more useful statement.
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


def screenable(s: pl.Series) -> bool:
    """Whether :func:`to_matrix` screens this column (asked before fitting, to fail early and clearly)."""
    return not to_matrix(s.to_frame())[2]


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


Evidence = tuple[float | None, float]  # (statistic, threshold) of a rule that fires


def _missing(s: dict[str, Any], cfg: ScreeningConfig) -> Evidence | None:
    share = s["missing_share"]
    return (share, cfg.max_missing) if share is not None and share > cfg.max_missing else None


def _constant(s: dict[str, Any], cfg: ScreeningConfig) -> Evidence | None:
    return (s["std"], 0.0) if s["n"] and s["std"] == 0 else None


def _single_value(s: dict[str, Any], cfg: ScreeningConfig) -> Evidence | None:
    return (s["mode_share"], cfg.max_mode_share) if s["n"] and s["mode_share"] >= cfg.max_mode_share else None


def _low_variation(s: dict[str, Any], cfg: ScreeningConfig) -> Evidence | None:
    # std / mean says how little a quantity varies only on a scale that starts at 0: an
    # indicator with negative values can have a small mean and still vary a lot.
    cv = s["cv"]
    return (cv, cfg.min_cv) if s["n"] and cv is not None and s.get("min", 0) >= 0 and cv < cfg.min_cv else None


# Rule name -> its predicate. The order they apply in is CHECKS's alone, so that it is written once.
RULES = {"missing": _missing, "constant": _constant, "single_value": _single_value, "low_variation": _low_variation}


def availability_checks(stats: dict[str, Any], cfg: ScreeningConfig) -> list[tuple[str, float | None, float]]:
    """Every availability rule that fires on ``stats``, in the order of :data:`CHECKS`.

    Returns ``[(rule, statistic, threshold), ...]``; the first entry is the reason.
    """
    fired = []
    for rule in CHECKS:
        evidence = RULES[rule](stats, cfg)
        if evidence is not None:
            fired.append((rule, *evidence))
    return fired
