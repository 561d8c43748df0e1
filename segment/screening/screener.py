"""The :class:`Screener` estimator: both passes wired together, scikit-learn style."""

from __future__ import annotations

import math
from dataclasses import fields
from typing import Sequence

import numpy as np
import polars as pl

from ..catalogue import BY_NAME
from ..config import ScreeningConfig
from ..config_check import validate_screening
from .correlation import choose_representatives, components, link_matrix, pairwise_correlations, rsquare_ratios
from .factors import factor_view
from .stats import STATS, availability_checks, column_stats, to_matrix

# The defaults are ScreeningConfig's, read from it so that they cannot drift apart.
_D = ScreeningConfig()
# Screener parameter -> ScreeningConfig field. Every field is a parameter; `seed` goes by
# scikit-learn's name. `factors` is not a setting but the --factors option, so not here.
_PARAMS = {("random_state" if f.name == "seed" else f.name): f.name for f in fields(ScreeningConfig)}


def _like(default, value):
    """``value`` as the type of the field's default, so that 1 and [..] make the same config as 1.0 and (..)."""
    return type(default)(value) if isinstance(default, (int, float, tuple)) else value


class Screener:
    """Availability and correlation screening of the numeric columns of a table.

    Parameters are the fields of :class:`segment.config.ScreeningConfig`, with its
    defaults (``seed`` is ``random_state``), and ``factors`` (add the factor-analysis
    view). ``fit(frame)`` takes a polars DataFrame holding only candidate indicators
    (no id or brand column).

    Fitted attributes:
    ``variables_`` name -> record (status, reason, statistic, threshold, flags,
    correlated_with, abs_r, group, stats; full precision), in the input column order;
    ``kept_`` kept names (input order); ``dropped_`` name -> reason; ``groups_`` list of
    groups of linked indicators; ``not_screened_`` name -> why; ``n_rows_``;
    ``pearson_`` / ``spearman_`` (DataFrames over the availability survivors, sorted
    by name); ``factors_`` (dict or None).
    """

    def __init__(self, max_missing: float = _D.max_missing, max_mode_share: float = _D.max_mode_share,
                 min_cv: float = _D.min_cv, max_abs_r: float = _D.max_abs_r, correlation: str = _D.correlation,
                 min_pair_rows: int = _D.min_pair_rows, priority: Sequence[str] = _D.priority,
                 factors: bool = False, parallel_iterations: int = _D.parallel_iterations,
                 parallel_quantile: float = _D.parallel_quantile, random_state: int = _D.seed):
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
        return cls(factors=factors, **{param: getattr(cfg, name) for param, name in _PARAMS.items()})

    def _config(self) -> ScreeningConfig:
        cfg = ScreeningConfig(**{name: _like(getattr(_D, name), getattr(self, param))
                                 for param, name in _PARAMS.items()})
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
