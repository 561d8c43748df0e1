"""What the value, churn and channel analyses share: their population, cross-tabs,
the optional segments table, and writing one row per customer.

Population: the three analyses describe the *customers of the window*: everyone in
customers with a bill or a CDR event in any month of the window, those who left during
it included (the ``features`` table's population, ``stable`` by default, drops them).
It is the table ``window_customers`` (``sql/50_window_customers.sql``), built once per
FeatureSet and shared by the three.
"""

from __future__ import annotations

from pathlib import Path
from typing import Iterable

import polars as pl

from . import sql
from .errors import InputError

POPULATION = "customers of the window: a bill or a CDR event in any month of it (leavers included)"


def window_customers(fs) -> int:
    """Create ``window_customers`` on the FeatureSet's connection (once); return its row count."""
    con = fs.con
    if not con.has_relation("window_customers"):
        sql.run(con, "50_window_customers", start=fs.window.start, end=fs.window.end)
    n = con.execute("select count(*) from window_customers").fetchall()[0][0]
    if n == 0:
        from .errors import EmptyPopulationError

        raise EmptyPopulationError(f"no customer has a bill or an event in {fs.window.months[0]}..{fs.window.months[-1]}")
    return n


def query(con, name: str, **params) -> pl.DataFrame:
    """Run one query file (with exactly its declared parameters) on the engine ``con``
    into a polars DataFrame."""
    expected = sql.params_of(name)
    if set(params) != expected:
        raise TypeError(f"{name}.sql expects parameters {sorted(expected)}, got {sorted(params)}")
    return con.frame(sql.load(name), params)


def has_column(fs, cfg, table: str, column: str) -> bool:
    """Whether the input gave ``table.column`` (the staged view holds typed NULLs otherwise)."""
    src = cfg.source_column(table, column)
    view = f"src_{table}"
    return fs.con.has_relation(view) and src in {c for c, _ in fs.con.columns(view)}


def non_null(fs, table: str, column: str) -> int:
    """Values present in ``stg_<table>.<column>`` (0 when absent or empty)."""
    return fs.con.execute(f"select count({sql.quote_ident(column)}) from stg_{table}").fetchall()[0][0]


def window_info(fs) -> dict:
    w = fs.window
    return {"start": w.months[0], "end": w.months[-1], "months": len(w.months)}


def crosstab(df: pl.DataFrame, by: list[str], col: str, levels: Iterable[str]) -> list[dict]:
    """Counts of ``col``'s ``levels`` per combination of ``by``, as rows (sorted by ``by``).

    Each row holds the ``by`` values, ``customers`` and one count per level (0 when absent).
    """
    levels = list(levels)
    counts = df.group_by([*by, col]).len()
    rows: dict[tuple, dict] = {}
    for r in counts.sort([*by, col], nulls_last=True).iter_rows(named=True):
        key = tuple(r[b] for b in by)
        row = rows.setdefault(key, {**{b: r[b] for b in by}, "customers": 0, **{lv: 0 for lv in levels}})
        row["customers"] += r["len"]
        row[str(r[col])] = row.get(str(r[col]), 0) + r["len"]
    return [rows[k] for k in sorted(rows, key=lambda k: tuple("" if v is None else str(v) for v in k))]


def read_segments(path: Path) -> pl.DataFrame:
    """Read a segments table (customer_id, segment[, brand]) from .parquet or .csv."""
    path = Path(path)
    if not path.is_file():
        raise InputError(f"segments: file not found: {path}")
    try:
        df = pl.read_parquet(path) if path.suffix.lower() in (".parquet", ".pq") else pl.read_csv(path)
    except Exception as e:  # polars raises several unrelated types for unreadable files
        raise InputError(f"segments ({path}): cannot read: {str(e).splitlines()[0]}") from None
    missing = [c for c in ("customer_id", "segment") if c not in df.columns]
    if missing:
        raise InputError(f"segments ({path}): required column(s) missing: {', '.join(missing)}; "
                         f"columns found: {', '.join(df.columns[:20])}")
    return df


def attach_segments(df: pl.DataFrame, segments: pl.DataFrame | None) -> tuple[pl.DataFrame, list[str]]:
    """Add a ``segment`` column (text; ``unassigned`` when missing) and say what to group by.

    Returns the frame and the cross-tab keys: ``[brand, segment]`` (segments are usually
    numbered within a brand) or ``[]`` when there are no segments.
    """
    if segments is None:
        return df, []
    seg = segments.select("customer_id", pl.col("segment").cast(pl.Utf8))
    dup = seg.filter(pl.col("customer_id").is_duplicated())
    if dup.height:
        raise InputError(f"segments: customer_id appears more than once, e.g. {dup['customer_id'][0]}")
    try:
        seg = seg.with_columns(pl.col("customer_id").cast(df.schema["customer_id"]))
    except Exception:
        raise InputError(f"segments: customer_id cannot be read as {df.schema['customer_id']} "
                         "like the customers table's ids") from None
    out = df.join(seg, on="customer_id", how="left", maintain_order="left")
    return out.with_columns(pl.col("segment").fill_null("unassigned")), ["brand", "segment"]


class Analysis:
    """What the value, churn and channel results share (a base of their dataclasses): a
    ``detail`` frame, one row per customer ordered by customer_id that holds the output
    columns ``output_columns``; the ``window``; the optional ``segments`` table."""

    analysis = ""  # its name in the summary: value, churn or channels
    output_columns: list[str] | tuple[str, ...] = ()

    @property
    def customers(self) -> pl.DataFrame:
        """The output contract: one row per customer, ordered by customer_id."""
        return self.detail.select(self.output_columns)

    def summary_head(self) -> tuple[dict, pl.DataFrame, list[str]]:
        """The head every summary starts with, the detail with segments attached, and the
        cross-tab keys (see :func:`attach_segments`)."""
        d, keys = attach_segments(self.detail, self.segments)
        head = {"version": 1, "analysis": self.analysis, "window": self.window,
                "population": {"definition": POPULATION, "customers": d.height}}
        return head, d, keys
