"""Reading the extracts into the engine as typed views: ``src_<table>`` as the files are,
``stg_<table>`` with canonical names and types (DuckDB's, or Spark's through the engine's
``register_source`` and ``dialect``).

Inputs are never modified: CSV files in an encoding DuckDB cannot read natively
(e.g. GBK) are transcoded into the run's private temporary folder first.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass
from pathlib import Path

import duckdb

from ..config import Config
from ..engine.duck import DIALECT
from ..errors import InputError, SchemaError
from ..schema import ID, TABLES
from ..sql import quote_ident, quote_literal
from .inputs import Source

_INTEGER_TYPES = {"TINYINT", "SMALLINT", "INTEGER", "BIGINT", "UTINYINT", "USMALLINT", "UINTEGER", "UBIGINT", "HUGEINT"}


def _transcode(src: Path, encoding: str, workdir: Path) -> Path:
    """Copy a CSV into UTF-8 inside workdir, streaming; errors name the file and line."""
    out = workdir / f"{len(list(workdir.iterdir()))}_{src.name}"
    dec = codecs.getincrementaldecoder(encoding)(errors="strict")
    line = 1
    with open(src, "rb") as fin, open(out, "w", encoding="utf-8", newline="") as fout:
        while chunk := fin.read(1 << 22):
            try:
                text = dec.decode(chunk)
            except UnicodeDecodeError as e:
                line += chunk[: e.start].count(b"\n")
                raise InputError(f"{src}: not valid {encoding} near line {line}") from None
            line += text.count("\n")
            fout.write(text)
        fout.write(dec.decode(b"", final=True))
    return out


def _is_utf8(encoding: str) -> bool:
    return codecs.lookup(encoding).name == "utf-8"


def register(con: duckdb.DuckDBPyConnection, source: Source, cfg: Config, workdir: Path) -> list[tuple[str, str]]:
    """Create the view ``src_<table>`` over the files; return its (column, type) pairs."""
    if source.fmt == "table":
        raise InputError(f"{source.table}: {source.label} is a metastore table: read it with --engine spark")
    paths = list(source.paths)
    try:
        if source.fmt == "parquet":
            rel = con.read_parquet([str(p) for p in paths], union_by_name=len(paths) > 1)
        else:
            if not _is_utf8(cfg.input.encoding):
                paths = [_transcode(p, cfg.input.encoding, workdir) for p in paths]
            rel = con.read_csv(
                [str(p) for p in paths],
                header=True,
                all_varchar=True,
                delimiter=cfg.input.delimiter,
                union_by_name=len(paths) > 1,
            )
        rel.to_view(f"src_{source.table}", replace=True)
        cols = list(zip(rel.columns, [str(t) for t in rel.types]))
    except duckdb.Error as e:
        raise InputError(f"{source.table}: cannot read {source.label}: {explain_read_error(e, cfg)}") from None
    if source.fmt == "csv" and len(cols) == 1 and cfg.input.delimiter not in cols[0][0]:
        # A CSV read with the wrong delimiter arrives as one wide column.
        only = cols[0][0]
        for d in (";", "\t", "|"):
            if d in only:
                raise InputError(
                    f"{source.table}: {source.label} has a single column {only[:60]!r}; "
                    f"is the delimiter {d!r}? (set [input] delimiter in the config)"
                )
    return cols


def explain_read_error(e: Exception, cfg: Config) -> str:
    """DuckDB's reading error as one line, with what to do for the common cases."""
    text = str(e)
    msg = text.strip().splitlines()[0] if text.strip() else type(e).__name__
    if "not utf-8 encoded" in text or "Invalid unicode" in text:
        line = re.search(r"CSV Error on Line: (\d+)", text)
        near = f" near line {line.group(1)}" if line else ""
        return f"the file is not valid UTF-8{near} (if it is GBK, pass --encoding gbk)"
    if "No magic bytes found at end of file" in text:
        return "not a Parquet file, or a truncated one (no PAR1 marker at its end)"
    if "TProtocolException" in text:
        return f"corrupt Parquet file ({msg})"
    return msg


@dataclass(frozen=True)
class Staged:
    """What staging found: which canonical columns exist, per table."""

    present: dict[str, frozenset[str]]
    id_type: str


def _cast_expr(src_col: str, src_type: str, target: str, canon: str, dialect=DIALECT) -> str:
    q = quote_ident(src_col)
    if canon == "bill_month":
        if src_type in ("DATE",) or src_type.startswith("TIMESTAMP"):
            return f"CAST(date_trunc('month', {q}) AS DATE)"
        text = dialect.month_from_text(f"CAST({q} AS {dialect.text_type})")
        return f"CAST(date_trunc('month', coalesce(TRY_CAST({q} AS DATE), {text})) AS DATE)"
    if src_type == target:
        return q
    if target.startswith("DECIMAL") and src_type in {"DOUBLE", "FLOAT"} | _INTEGER_TYPES:
        return f"CAST({q} AS {target})"
    if target in ("BIGINT", "INTEGER") and src_type in _INTEGER_TYPES:
        return f"CAST({q} AS {target})"
    if target == "TIMESTAMP" and src_type.startswith("TIMESTAMP"):
        return f"CAST({q} AS TIMESTAMP)"
    if target in ("BIGINT", "INTEGER") and src_type == "VARCHAR":
        # whole numbers written as 12 or 12.0 (rounded half to even, as DuckDB's cast does)
        return f"CAST(round_even(TRY_CAST({q} AS DOUBLE), 0) AS {target})"
    return f"TRY_CAST({q} AS {_type(target, dialect)})"


def _type(name: str, dialect) -> str:
    return dialect.text_type if name == "VARCHAR" else name


# Text columns with a fixed list of values, staged as DuckDB ENUMs: a one-byte code makes
# the service a cheaper GROUP BY key and comparison than text (about 3% of each CDR
# aggregate). The values are listed in text order, so ORDER BY sorts them as text.
_ENUMS = {("cdr", "service"): ("cdr_service", ("data", "sms", "voice"))}


def _enum_type(con: duckdb.DuckDBPyConnection, table: str, column: str) -> str:
    name, values = _ENUMS[(table, column)]
    if not con.execute("SELECT count(*) FROM duckdb_types() WHERE type_name = $n", {"n": name}).fetchone()[0]:
        con.execute(f"CREATE TYPE {name} AS ENUM ({', '.join(quote_literal(v) for v in values)})")
    return name


def stage(con: duckdb.DuckDBPyConnection, sources: dict[str, Source], cfg: Config, workdir: Path) -> Staged:
    """Create the typed views ``stg_<table>`` for every table, present or not.

    Checks required columns and that every value parses as its type; raises
    SchemaError naming the table, the column and a few offending values.
    """
    # an engine reads its inputs its own way; a bare DuckDB connection with register()
    read = getattr(con, "register_source", None) or (lambda s, c, w: register(con, s, c, w))
    dialect = getattr(con, "dialect", DIALECT)
    columns: dict[str, list[tuple[str, str]]] = {}
    for name, source in sources.items():
        columns[name] = read(source, cfg, workdir)

    id_types = []
    for name, cols in columns.items():
        types = dict(cols)
        src = cfg.source_column(name, "customer_id")
        if src in types:
            id_types.append(types[src])
    id_type = "BIGINT" if id_types and all(t in _INTEGER_TYPES for t in id_types) else "VARCHAR"

    present: dict[str, frozenset[str]] = {}
    for name, table in TABLES.items():
        types = dict(columns.get(name, []))
        exprs, checks, have = [], [], set()
        for col in table.columns:
            target = col.type
            if col.type == ID:
                target = id_type if col.name == "customer_id" else ("BIGINT" if types.get(cfg.source_column(name, col.name)) in _INTEGER_TYPES else "VARCHAR")
            src = cfg.source_column(name, col.name)
            if name in sources and src in types and (name, col.name) in _ENUMS and dialect.enums:
                # A value outside the list stages as NULL: 22_cdr_summary counts those rows.
                expr = f"TRY_CAST({quote_ident(src)} AS {_enum_type(con, name, col.name)})"
                have.add(col.name)
            elif name in sources and src in types:
                expr = _cast_expr(src, types[src], target, col.name, dialect)
                if "TRY_" in expr:
                    checks.append((col.name, src, expr))
                have.add(col.name)
            else:
                if name in sources and col.required:
                    found = ", ".join(c for c, _ in columns[name][:20])
                    where = f"column {src!r}" + (f" (mapped from {col.name})" if src != col.name else "")
                    raise SchemaError(f"{name} ({sources[name].label}): required {where} is missing; columns found: {found}")
                expr = f"CAST(NULL AS {_type(target, dialect)})"
            exprs.append(f"{expr} AS {quote_ident(col.name)}")
        source_view = f"src_{name}" if name in sources else "(SELECT 1 WHERE false)"
        con.execute(f"CREATE OR REPLACE TEMP VIEW stg_{name} AS SELECT {', '.join(exprs)} FROM {source_view}")
        if checks:
            _check_casts(con, name, sources[name], checks)
        present[name] = frozenset(have)
    return Staged(present, id_type)


def _check_casts(con, table: str, source: Source, checks: list[tuple[str, str, str]]) -> None:
    parts = [f"count(*) FILTER (WHERE {quote_ident(src)} IS NOT NULL AND ({expr}) IS NULL)" for _, src, expr in checks]
    counts = con.execute(f"SELECT {', '.join(parts)} FROM src_{table}").fetchone()
    for (canon, src, expr), bad in zip(checks, counts):
        if bad:
            q = quote_ident(src)
            examples = [r[0] for r in con.execute(
                f"SELECT DISTINCT {q} FROM src_{table} WHERE {q} IS NOT NULL AND ({expr}) IS NULL ORDER BY 1 LIMIT 3"
            ).fetchall()]
            kind = TABLES[table].column(canon).type
            raise SchemaError(
                f"{table} ({source.label}): column {src!r}: {bad} value(s) cannot be read as "
                f"{'a month' if canon == 'bill_month' else kind}, e.g. {', '.join(repr(x) for x in examples)}"
            )
