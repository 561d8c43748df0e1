"""Spreadsheets for people who work in Excel: workbooks with one sheet per table, built
from a command's summary, written by xlsxwriter with fixed document properties so the
same tables give the same bytes."""

from __future__ import annotations

import json
import re
from datetime import datetime
from pathlib import Path
from typing import Any

import polars as pl

from ..errors import UsageError

MAX_ROWS = 1_048_575  # Excel's rows per sheet, less the header
_CREATED = datetime(2000, 1, 1)  # a fixed creation date: xlsxwriter would write the time of the run
_BAD = re.compile(r"[\[\]:*?/\\]")


def sheet_name(name: str, taken: set[str]) -> str:
    """A valid, unique sheet name: Excel allows 31 characters and none of ``[]:*?/\\``."""
    base = _BAD.sub("_", name)[:31] or "sheet"
    out, n = base, 1
    while out.lower() in taken:
        n += 1
        suffix = f"~{n}"
        out = base[: 31 - len(suffix)] + suffix
    taken.add(out.lower())
    return out


def _flat(row: dict, prefix: str = "") -> dict:
    out = {}
    for k, v in row.items():
        key = f"{prefix}{k}"
        if isinstance(v, dict):
            out.update(_flat(v, key + "."))
        else:
            out[key] = json.dumps(v, ensure_ascii=False) if isinstance(v, list) else v
    return out


def _table(rows: list[dict]) -> pl.DataFrame:
    flat = [_flat(r) for r in rows]
    columns = list(dict.fromkeys(k for r in flat for k in r))
    # strict=False: a column of mixed kinds (numbers and text) becomes text rather than an error
    return pl.DataFrame({c: [r.get(c) for r in flat] for c in columns}, strict=False)


def summary_sheets(summary: dict, first: dict[str, pl.DataFrame] | None = None) -> dict[str, pl.DataFrame]:
    """Sheets from a command's JSON summary: each list of records becomes a sheet named by
    its dotted key (``tiers.by_brand``), nested records flattened into dotted columns; every
    other value goes to a ``summary`` sheet of key, value rows. ``first`` sheets come first."""
    tables: dict[str, pl.DataFrame] = dict(first or {})
    scalars: list[tuple[str, str]] = []

    def walk(obj: Any, key: str) -> None:
        if isinstance(obj, dict):
            for k, v in obj.items():
                walk(v, f"{key}.{k}" if key else str(k))
        elif isinstance(obj, list) and obj and all(isinstance(x, dict) for x in obj):
            tables[key] = _table(obj)
        else:
            text = json.dumps(obj, ensure_ascii=False) if isinstance(obj, (list, dict)) else obj
            scalars.append((key, "" if text is None else str(text)))

    walk(summary, "")
    return {**tables, "summary": pl.DataFrame(scalars, schema=["key", "value"], orient="row")}


def write_workbook(sheets: dict[str, pl.DataFrame], path: Path) -> None:
    """Write ``sheets`` (name -> table, in order) as one .xlsx workbook at ``path``."""
    import xlsxwriter

    too_big = {name: df.height for name, df in sheets.items() if df.height > MAX_ROWS}
    if too_big:
        name, n = next(iter(too_big.items()))
        raise UsageError(f"{path}: sheet {name!r} would have {n:,} rows, more than a spreadsheet holds "
                         f"({MAX_ROWS:,}); write .csv or .parquet instead")
    taken: set[str] = set()
    with xlsxwriter.Workbook(str(path)) as wb:
        wb.set_properties({"created": _CREATED})
        for name, df in sheets.items():
            df.write_excel(wb, worksheet=sheet_name(name, taken), autofit=df.height <= 10_000)
