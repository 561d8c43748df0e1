"""The screening report: JSON-ready records of a fitted :class:`Screener`, :func:`screen` (the
whole table and each brand) and the flat rows of ``--format csv``."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterable

import polars as pl

from ..config import ScreeningConfig
from ..errors import DataError, EmptyPopulationError, SchemaError
from ..numbers import sig
from .screener import Screener
from .stats import CHECKS, screenable

SCHEMA_VERSION = 1


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
    roles: list[dict] | None = None  # every column's role (segment/roles.py), set by the jobs

    @property
    def available(self) -> list[str]:
        """The indicators that pass the availability pass: kept, or dropped only as
        correlated with a kept one (table order)."""
        return [v["name"] for v in self.variables if v["status"] == "kept" or v["reason"] == "correlated"]

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
        if self.roles is not None:
            out["roles"] = self.roles
        return out


def report_from(screener: Screener) -> ScreeningReport:
    """A :class:`ScreeningReport` from a fitted :class:`Screener`."""
    variables = []
    for rec in screener.variables_.values():
        variables.append(sig({k: rec.get(k) for k in _VAR_KEYS}))
    cfg = screener.config_
    thresholds = {
        "max_missing": cfg.max_missing, "max_mode_share": cfg.max_mode_share, "min_cv": cfg.min_cv,
        "max_abs_r": cfg.max_abs_r, "correlation": cfg.correlation, "min_pair_rows": cfg.min_pair_rows,
        "priority": list(cfg.priority), "checks": list(CHECKS),
    }
    return ScreeningReport(screener.n_rows_, variables, list(screener.kept_), sig(screener.groups_), thresholds,
                           sig(screener.factors_))


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
    if not any(screenable(candidates.get_column(c)) for c in candidates.columns):
        raise DataError(f"no numeric indicator column to screen (columns: {', '.join(candidates.columns[:20]) or 'none'})")
    report = report_from(Screener.from_config(cfg, factors).fit(candidates))
    if by_brand:
        brands = frame.get_column(brand_col).drop_nulls().unique().sort().to_list()
        for b in brands:
            part = candidates.filter(frame.get_column(brand_col) == b)
            report.brands[str(b)] = report_from(Screener.from_config(cfg, factors).fit(part))
    return report


# The flat row: these fields of a variable's record, then these of its stats.
_ROW_RECORD = ("name", "angle", "status", "reason", "correlated_with", "abs_r")
_ROW_STATS = ("missing_share", "mode_share", "zero_share", "distinct", "mean", "std", "cv", "skewness", "p01", "p50",
              "p99")
ROW_COLUMNS = _ROW_RECORD + _ROW_STATS


def iter_rows(report: ScreeningReport) -> Iterable[tuple]:
    """Flat rows for CSV and tables, one per variable, in the order of :data:`ROW_COLUMNS`."""
    for v in report.variables:
        s = v["stats"] or {}
        yield tuple(v[k] for k in _ROW_RECORD) + tuple(s.get(k) for k in _ROW_STATS)
