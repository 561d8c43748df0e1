"""Reading a user's wide table (one row per customer): ``--features`` of screen, cluster and score."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from .errors import InputError


def read_table(path: Path) -> pl.DataFrame:
    """Read a wide table (CSV or Parquet, by suffix) given as ``--features``; InputError (exit 3) if unreadable."""
    path = Path(path)
    if not path.exists():
        raise InputError(f"features file not found: {path}")
    if path.is_dir():
        raise InputError(f"{path} is a folder; --features takes one CSV or Parquet file")
    suffix = path.suffix.lower()
    try:
        if suffix in (".parquet", ".pq"):
            return pl.read_parquet(path)
        if suffix in (".csv", ".txt", ".tsv"):
            return pl.read_csv(path, separator="\t" if suffix == ".tsv" else ",", infer_schema_length=10_000,
                               null_values=["", "NA", "NaN", "null", "NULL"])
    except (pl.exceptions.PolarsError, OSError, UnicodeDecodeError) as e:
        msg = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
        raise InputError(f"cannot read {path}: {msg}") from None
    raise InputError(f"{path}: unknown format (expected .csv or .parquet)")
