"""Per-brand preparation of the clustering variables: impute, log, winsorize, standardize.

The steps, in this order, for every variable x of one brand:

1. impute: missing values become the brand median of x (counted in the report);
2. log: ``ln(1 + x)`` when x is non-negative and its skewness exceeds ``log_skew``;
3. winsorize: clip to the ``winsor_low`` / ``winsor_high`` percentiles (after the log);
4. standardize: ``(x - mean) / std`` with the mean and population std after step 3.

Every parameter is stored, so the same arithmetic can be replayed elsewhere: by
:func:`transform` here and by the exported ``model.sql`` in a warehouse. Both use
``ln(1 + x)`` (not a fused log1p) so that they compute the same doubles.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class VariablePrep:
    """How one variable is prepared; every field is a plain number for model.json."""

    name: str
    median: float
    log: bool
    low: float  # winsorizing bounds, after the log
    high: float
    mean: float
    std: float
    imputed: int  # missing values filled with the median when fitted

    def to_dict(self) -> dict:
        return {"name": self.name, "median": self.median, "log": self.log, "low": self.low,
                "high": self.high, "mean": self.mean, "std": self.std, "imputed": self.imputed}

    @classmethod
    def from_dict(cls, d: dict) -> "VariablePrep":
        return cls(d["name"], float(d["median"]), bool(d["log"]), float(d["low"]), float(d["high"]),
                   float(d["mean"]), float(d["std"]), int(d.get("imputed", 0)))


def skewness(x: np.ndarray) -> float:
    """Population (biased) skewness of a 1-D array without NaN; 0 for a constant array."""
    d = x - x.mean()
    m2 = float(np.mean(d * d))
    if m2 <= 0:
        return 0.0
    return float(np.mean(d * d * d) / m2 ** 1.5)


def fit_variable(name: str, x: np.ndarray, log_skew: float, low_q: float, high_q: float,
                 min_distinct: int = 2) -> VariablePrep | None:
    """Fit the preparation of one variable; None when it has no usable spread in this brand:
    no spread at all, or fewer than ``min_distinct`` distinct values once prepared.

    ``x`` is 1-D float with NaN for missing values.
    """
    present = ~np.isnan(x)
    if not present.any():
        return None
    median = float(np.median(x[present]))
    v = np.where(present, x, median)
    log = bool(v.min() >= 0 and skewness(v) > log_skew)
    if log:
        v = np.log(1.0 + v)
    low, high = (float(q) for q in np.percentile(v, [low_q * 100, high_q * 100]))
    v = np.clip(v, low, high)
    mean = float(v.mean())
    std = float(v.std())
    if not std > 0 or (min_distinct > 2 and len(np.unique(v)) < min_distinct):
        return None
    return VariablePrep(name, median, log, low, high, mean, std, int((~present).sum()))


def apply_variable(p: VariablePrep, x: np.ndarray) -> np.ndarray:
    """Prepare one column with fitted parameters (the same operations as model.sql)."""
    v = np.where(np.isnan(x), p.median, x)
    if p.log:
        v = np.log(1.0 + v)
    v = np.minimum(np.maximum(v, p.low), p.high)
    return (v - p.mean) / p.std


class Preparer:
    """Fit per-variable preparation on one brand's matrix (scikit-learn style).

    Parameters: ``log_skew`` skewness above which a non-negative variable is logged;
    ``winsor_low`` / ``winsor_high`` percentiles (as fractions) for clipping;
    ``min_distinct`` distinct prepared values a variable needs to be used, except the
    ``asked`` variables (``[clustering] include`` and one-hot columns), which need two.
    Fitted: ``variables_`` (list of VariablePrep, for the usable columns, input order),
    ``dropped_`` (names without spread in this brand).
    """

    def __init__(self, log_skew: float = 1.0, winsor_low: float = 0.01, winsor_high: float = 0.99,
                 min_distinct: int = 2, asked: frozenset[str] = frozenset()):
        self.log_skew = log_skew
        self.winsor_low = winsor_low
        self.winsor_high = winsor_high
        self.min_distinct = min_distinct
        self.asked = asked

    def fit(self, X: np.ndarray, names: list[str]) -> "Preparer":
        """``X``: (n_customers, n_variables) float array with NaN for missing values."""
        if X.shape[1] != len(names):
            raise ValueError("X and names disagree")
        self.variables_, self.dropped_ = [], []
        for j, name in enumerate(names):
            p = fit_variable(name, X[:, j].astype(float), self.log_skew, self.winsor_low, self.winsor_high,
                             2 if name in self.asked else self.min_distinct)
            (self.variables_.append(p) if p is not None else self.dropped_.append(name))
        self.names_ = [p.name for p in self.variables_]
        return self

    def transform(self, X: np.ndarray, names: list[str]) -> np.ndarray:
        """The prepared (n_customers, len(variables_)) matrix; ``X`` columns found by name."""
        pos = {n: j for j, n in enumerate(names)}
        out = np.empty((X.shape[0], len(self.variables_)))
        for k, p in enumerate(self.variables_):
            out[:, k] = apply_variable(p, X[:, pos[p.name]].astype(float))
        return out
