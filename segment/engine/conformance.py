"""Whether two engines computed the same table: the comparison the conformance test
(``tests/test_spark_conformance.py``) and ``bench/bench_spark.py`` apply.

Equal means: the same columns in the same order, the same rows in the same order once
both are sorted by the key, integers, decimals, text, booleans and dates exactly equal,
floats within ``rel`` relative (1e-9: a sum may be added up in another order), NULLs in
the same places. Types may differ where the engines spell them differently (DuckDB's
HUGEINT sum is Spark's BIGINT, DECIMAL(38, 2) is DECIMAL(28, 2)): values are compared.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

REL = 1e-9


@dataclass(frozen=True)
class Column:
    """How one column compares: ``exact`` (bit for bit), ``max_rel`` (floats), ``differ`` rows."""

    name: str
    exact: bool
    max_rel: float
    differ: int
    example: str = ""


def _sorted(df: pl.DataFrame, key) -> pl.DataFrame:
    if key is None:
        return df
    return df.sort(list(key) if isinstance(key, (list, tuple)) else [key], nulls_last=True, maintain_order=True)


def columns(a: pl.DataFrame, b: pl.DataFrame, key=None, rel: float = REL) -> list[Column]:
    """Column by column, ``a`` against ``b`` (same columns and rows required: see :func:`differences`)."""
    a, b = _sorted(a, key), _sorted(b, key)
    out = []
    for c in a.columns:
        x, y = a.get_column(c), b.get_column(c)
        if x.dtype.is_float() or y.dtype.is_float():
            x, y = x.cast(pl.Float64), y.cast(pl.Float64)
            frame = pl.DataFrame({"x": x, "y": y}).with_columns(
                rel=((pl.col("x") - pl.col("y")).abs() / pl.max_horizontal(pl.col("x").abs(), pl.col("y").abs()))
                .fill_nan(0.0))
            nulls = frame.select((pl.col("x").is_null() != pl.col("y").is_null()).sum()).item()
            rels = frame.get_column("rel").fill_null(0.0)
            worst = float(rels.max() or 0.0)
            bad = int(nulls + (rels > rel).sum())
            exact = bool(x.equals(y))
            out.append(Column(c, exact, worst, bad, _example(x, y, (rels > rel) | (x.is_null() != y.is_null()))))
            continue
        if x.dtype.is_decimal() or y.dtype.is_decimal():
            scale = max(getattr(x.dtype, "scale", 0) or 0, getattr(y.dtype, "scale", 0) or 0)
            x, y = x.cast(pl.Decimal(38, scale)), y.cast(pl.Decimal(38, scale))
        elif x.dtype.is_integer() and y.dtype.is_integer():
            x, y = x.cast(pl.Int128), y.cast(pl.Int128)
        elif x.dtype != y.dtype:
            x, y = x.cast(pl.String), y.cast(pl.String)
        mask = x.ne_missing(y)
        bad = int(mask.sum())
        out.append(Column(c, bad == 0, 0.0, bad, _example(x, y, mask)))
    return out


def _example(x: pl.Series, y: pl.Series, mask: pl.Series) -> str:
    if not mask.any():
        return ""
    i = int(mask.arg_max())
    return f"row {i}: {x[i]!r} vs {y[i]!r}"


def differences(a: pl.DataFrame, b: pl.DataFrame, key=None, rel: float = REL) -> list[str]:
    """What differs between ``a`` and ``b`` beyond the tolerances, one line each; [] if equal."""
    if a.columns != b.columns:
        return [f"columns differ: {a.columns} vs {b.columns}"]
    if a.height != b.height:
        return [f"rows differ: {a.height} vs {b.height}"]
    return [f"{c.name}: {c.differ} row(s) differ (max relative {c.max_rel:.3g}; {c.example})"
            for c in columns(a, b, key, rel) if c.differ]


def summary(a: pl.DataFrame, b: pl.DataFrame, key=None, rel: float = REL) -> dict:
    """Columns bit-identical, within the tolerance, and beyond it (for reports)."""
    cols = columns(a, b, key, rel)
    return {"columns": len(cols), "identical": sum(c.exact for c in cols),
            "within": {c.name: c.max_rel for c in cols if not c.exact and not c.differ},
            "differ": {c.name: c.differ for c in cols if c.differ}}
