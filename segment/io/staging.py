"""Typed views of the extracts: ``src_<table>`` as the files are (:mod:`segment.io.reading`),
``stg_<table>`` with canonical names and types (and, for the CDR's coded columns,
their values as given: ``given_<column>``, see ``_ENUMS``).

Staging applies, per column: the ``[input] null_values`` (a Parquet text column too; CSV
applies them as it reads), the ``[values.<table>.<column>]`` code maps of coded columns,
and the cast to the contract's type, checking that every value parses.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import duckdb

from .. import codes
from ..config import Config
from ..engine.duck import DIALECT
from ..errors import ConfigError, SchemaError
from ..numbers import quoted
from ..schema import ID, TABLES
from ..sql import quote_ident, quote_literal
from .inputs import Source
from .reading import Origins, explain, register

_INTEGER_TYPES = {"TINYINT", "SMALLINT", "INTEGER", "BIGINT", "UTINYINT", "USMALLINT", "UINTEGER", "UBIGINT", "HUGEINT"}
# Integer ids stay BIGINT when every source type fits in one; an unsigned 64-bit hash
# (UBIGINT, values up to 2^64) does not, so such ids are staged as text.
_FITS_BIGINT = {"TINYINT", "SMALLINT", "INTEGER", "BIGINT", "UTINYINT", "USMALLINT", "UINTEGER"}


def explain_read_error(e: Exception, cfg: Config) -> str:
    """DuckDB's reading error as one line (see :func:`segment.io.reading.explain`)."""
    return explain(e)


@dataclass(frozen=True)
class Staged:
    """What staging found: which canonical columns exist, per table, and the id type."""

    present: dict[str, frozenset[str]]
    id_type: str


def _cast_expr(q: str, src_type: str, target: str, canon: str, dialect=DIALECT) -> str:
    """SQL casting the source expression ``q`` (of type ``src_type``) to ``target``; a
    ``TRY_`` in it marks a cast whose failures :func:`_check_casts` looks for."""
    if canon == "bill_month":
        if src_type in ("DATE",) or src_type.startswith("TIMESTAMP"):
            return f"CAST(date_trunc('month', {q}) AS DATE)"
        text = dialect.month_from_text(f"CAST({q} AS {dialect.text_type})")
        return f"CAST(date_trunc('month', coalesce(TRY_CAST({q} AS DATE), {text})) AS DATE)"
    if src_type == target:
        return q
    if target.startswith("DECIMAL") and src_type in _INTEGER_TYPES:
        return f"CAST({q} AS {target})"
    if target.startswith("DECIMAL") and src_type in ("DOUBLE", "FLOAT"):
        return f"TRY_CAST({q} AS {target})"  # NaN and infinities: no amount
    if target in ("BIGINT", "INTEGER") and src_type in _INTEGER_TYPES:
        return f"CAST({q} AS {target})"
    if target == "TIMESTAMP" and src_type.startswith("TIMESTAMP"):
        return f"CAST({q} AS TIMESTAMP)"
    if target in ("BIGINT", "INTEGER") and src_type == "VARCHAR":
        # whole numbers written as 12 or 12.0 (rounded half to even, as DuckDB's cast does)
        # (TRY_: NaN and infinities are doubles but no whole number)
        return f"TRY_CAST(round_even(TRY_CAST({q} AS DOUBLE), 0) AS {target})"
    return f"TRY_CAST({q} AS {_type(target, dialect)})"


def _type(name: str, dialect) -> str:
    return dialect.text_type if name == "VARCHAR" else name


def _text(q: str, src_type: str, cfg: Config, fmt: str, dialect=DIALECT) -> str:
    """A source column with the null markers applied: DuckDB's CSV reader applies them as
    it reads; a Parquet text column (or any text column on another engine) gets them here
    (a typed column has real NULLs)."""
    markers = cfg.input.null_values
    if (fmt == "csv" and dialect.csv_nulls) or src_type != "VARCHAR" or not markers:
        return q
    if len(markers) == 1:
        return f"nullif({q}, {quote_literal(markers[0])})"
    return f"CASE WHEN {q} IN ({', '.join(quote_literal(m) for m in markers)}) THEN NULL ELSE {q} END"


def _mapped(q: str, src_type: str, mapping: dict[str, str], dialect=DIALECT) -> str:
    """A coded column as text with the operator's codes replaced by the canonical values."""
    text = q if src_type == "VARCHAR" else f"CAST({q} AS {dialect.text_type})"
    if not mapping:
        return text
    whens = " ".join(f"WHEN {quote_literal(code)} THEN {quote_literal(canon)}" for code, canon in sorted(mapping.items()))
    return f"CASE {text} {whens} ELSE {text} END"


# The CDR's coded columns are staged as DuckDB ENUMs: a one-byte code makes them cheaper
# GROUP BY keys and comparisons than text (about 3% of each CDR aggregate for the service).
# The values are listed in text order, so ORDER BY sorts them as text. A value outside the
# list stages as NULL; beside each column, ``given_<column>`` holds the value as given (code
# maps applied; null markers not, the audit leaves them out), so that 20_cdr_usage counts the values given that are
# not in the list on its one scan (codes_unknown), and audit_cdr_codes.sql, only when it
# found some, says which. (A strict CAST, free of that count, made the CDR stages 30%
# slower in DuckDB 2.0; an engine without ENUMs stages text and compares it with the list.)
_ENUMS = {("cdr", "service"): ("cdr_service", ("data", "sms", "voice")),
          ("cdr", "direction"): ("cdr_direction", ("in", "out")),
          ("cdr", "peer_network"): ("cdr_peer_network", ("offnet", "onnet")),
          ("cdr", "roaming"): ("cdr_roaming", ("domestic", "international", "none"))}
GIVEN = "given_"  # prefix of the as-given twin of an ENUM column

def _listed(con, expr: str, table: str, column: str, dialect) -> str:
    """``expr`` as a value of the column's list, NULL outside it: DuckDB's ENUM, or on an
    engine without ENUMs the text itself, kept only when it is in the list."""
    if dialect.enums:
        return f"TRY_CAST({expr} AS {_enum_type(con, table, column)})"
    listed = ", ".join(quote_literal(v) for v in _ENUMS[(table, column)][1])
    return f"CASE WHEN {expr} IN ({listed}) THEN {expr} END"


def _enum_type(con: duckdb.DuckDBPyConnection, table: str, column: str) -> str:
    name, values = _ENUMS[(table, column)]
    if not con.execute("SELECT count(*) FROM duckdb_types() WHERE type_name = $n", {"n": name}).fetchone()[0]:
        con.execute(f"CREATE TYPE {name} AS ENUM ({', '.join(quote_literal(v) for v in values)})")
    return name


def _id_type(columns: dict[str, list[tuple[str, str]]], cfg: Config) -> str:
    id_types = []
    for name, cols in columns.items():
        types = dict(cols)
        src = cfg.source_column(name, "customer_id")
        if src in types:
            id_types.append(types[src])
    return "BIGINT" if id_types and all(t in _FITS_BIGINT for t in id_types) else "VARCHAR"


def _one_reader_per_column(name: str, source: Source, cfg: Config, types: dict[str, str]) -> None:
    """A column of the file read as two canonical columns (one mapped onto the other's
    name) is a config error: one of them would silently hold the other's values."""
    readers: dict[str, str] = {}
    for col in TABLES[name].columns:
        src = cfg.source_column(name, col.name)
        if src not in types:
            continue
        other = readers.setdefault(src.lower(), col.name)
        if other != col.name:
            raise ConfigError(f"{name} ({source.label}): column {src!r} would be read as both {other} and "
                              f"{col.name}; map the other one to its own column in [columns.{name}]")


def stage(con: duckdb.DuckDBPyConnection, sources: dict[str, Source], cfg: Config, workdir: Path,
          origins: Origins | None = None) -> Staged:
    """Create the typed views ``stg_<table>`` for every table, present or not.

    Checks required columns and that every value parses as its type; raises
    SchemaError naming the table, the column and a few offending values. ``origins``
    collects which input each file read stands for (for errors met later).
    """
    origins = {} if origins is None else origins
    # an engine reads its inputs its own way; a bare DuckDB connection with register()
    read = getattr(con, "register_source", None) or (lambda s, c, w, o: register(con, s, c, w, o))
    dialect = getattr(con, "dialect", DIALECT)
    columns: dict[str, list[tuple[str, str]]] = {}
    for name, source in sources.items():
        columns[name] = read(source, cfg, workdir, origins)
    id_type = _id_type(columns, cfg)

    present: dict[str, frozenset[str]] = {}
    for name, table in TABLES.items():
        types = dict(columns.get(name, []))
        if name in sources:
            _one_reader_per_column(name, sources[name], cfg, types)
        exprs, checks, have, given = [], [], set(), []
        for col in table.columns:
            target = col.type
            src = _named(cfg.source_column(name, col.name), types)
            if col.type == ID:
                fits = types.get(src) in _FITS_BIGINT
                target = id_type if col.name == "customer_id" else ("BIGINT" if fits else "VARCHAR")
            if name in sources and src in types:
                enum = (name, col.name) in _ENUMS
                q = _text(quote_ident(src), types[src], cfg, sources[name].fmt, dialect)
                if col.codes:
                    mapping = codes.mapping(cfg.values, name, col.name)
                    expr = _mapped(q, types[src], mapping, dialect)
                    if enum:
                        # no null markers before the cast: a marker is not in the list either
                        bare = _mapped(quote_ident(src), types[src], mapping, dialect)
                        expr = _listed(con, bare, name, col.name, dialect)
                        # as given, null markers included: audit_cdr_codes leaves them out, and
                        # applying them here would cost every scan of the CDR
                        given.append(f"{bare} AS {quote_ident(GIVEN + col.name)}")
                else:
                    q, src_type = _plain(name, sources[name], src, q, types[src], cfg, dialect)
                    expr = _cast_expr(q, src_type, target, col.name, dialect)
                    if "TRY_" in expr:
                        checks.append((col.name, src, q, expr))
                have.add(col.name)
            else:
                if name in sources and col.required:
                    found = ", ".join(c for c, _ in columns[name][:20])
                    where = f"column {src!r}" + (f" (mapped from {col.name})" if src != col.name else "")
                    raise SchemaError(f"{name} ({sources[name].label}): required {where} is missing; columns found: {found}")
                expr = f"CAST(NULL AS {_type(target, dialect)})"
                if (name, col.name) in _ENUMS:
                    given.append(f"CAST(NULL AS {dialect.text_type}) AS {quote_ident(GIVEN + col.name)}")
            exprs.append(f"{expr} AS {quote_ident(col.name)}")
        source_view = f"src_{name}" if name in sources else "(SELECT 1 WHERE false)"
        con.execute(f"CREATE OR REPLACE TEMP VIEW stg_{name} AS SELECT {', '.join(exprs + given)} FROM {source_view}")
        if checks:
            _check_casts(con, name, sources[name], checks, cfg)
        present[name] = frozenset(have)
    return Staged(present, id_type)


_NESTED = re.compile(r"^(STRUCT|MAP|UNION)\b|\[\d*\]$", re.I)
_INSTANTS = "TIMESTAMP WITH TIME ZONE"


def _plain(table: str, source: Source, src: str, q: str, src_type: str, cfg: Config, dialect) -> tuple[str, str]:
    """``(expression, type)`` of a source column as a plain value: instants (a timestamp with
    time zone) as the wall-clock time of ``[input] time_zone``; SchemaError for a nested
    column (a list, a struct, a map) or for instants without a time zone."""
    if _NESTED.search(src_type):
        raise SchemaError(f"{table} ({source.label}): column {src!r} is {src_type}, not one value per row: give the "
                          "value itself")
    if src_type.upper() == _INSTANTS:
        if not cfg.input.time_zone:
            raise SchemaError(f"{table} ({source.label}): column {src!r} holds instants (a timestamp with time zone): "
                              "set [input] time_zone (e.g. \"Asia/Shanghai\") to read them as that zone's local "
                              "time; times of day and days depend on it")
        return dialect.local_time(q, cfg.input.time_zone), "TIMESTAMP"
    return q, src_type


def _named(src: str, types: dict[str, str]) -> str:
    """The source's column called ``src``: that name, else the one column whose name differs
    from it only in case (SQL names ignore case; a header written CUSTOMER_ID is the column)."""
    if src in types:
        return src
    folded = [c for c in types if c.lower() == src.lower()]
    return folded[0] if len(folded) == 1 else src


def _hint(examples: list[str], kind: str, cfg: Config, src: str = "") -> str:
    """What the values that cannot be read suggest: a null marker, a decimal comma, epoch
    seconds, the header line repeated inside the file."""
    if src and any(x.strip().lower() == src.lower() for x in examples):
        return (f"; {quoted(src)} is the column's own name: the header line repeats inside the file "
                "(parts joined with their headers?)")
    if all(x.lower() in ("nan", "inf", "-inf", "infinity", "-infinity") for x in examples):
        return "; NaN and infinities are not values: the export should leave such a value empty (NULL)"
    markers = [x for x in examples if x in cfg.quality.null_like]
    if markers:
        return f"; if {quoted(markers[0])} means no value, add it to [input] null_values in the config"
    if kind.startswith("DECIMAL") and all(re.fullmatch(r"-?\d+,\d+", x) for x in examples):
        return "; a decimal comma? numbers are read with '.' as the decimal point"
    if kind in ("TIMESTAMP", "DATE") and all(re.fullmatch(r"\d{10}(\d{3})?", x) for x in examples):
        return "; seconds since 1970? give times as text, e.g. 2026-08-31 23:59:59"
    return ""


def _check_casts(con, table: str, source: Source, checks: list[tuple[str, str, str, str]], cfg: Config) -> None:
    parts = [f"count(*) FILTER (WHERE {q} IS NOT NULL AND ({expr}) IS NULL)" for _, _, q, expr in checks]
    counts = con.execute(f"SELECT {', '.join(parts)} FROM src_{table}").fetchone()
    for (canon, src, q, expr), bad in zip(checks, counts):
        if bad:
            examples = [r[0] for r in con.execute(
                f"SELECT DISTINCT {q} FROM src_{table} WHERE {q} IS NOT NULL AND ({expr}) IS NULL ORDER BY 1 LIMIT 3"
            ).fetchall()]
            kind = TABLES[table].column(canon).type
            kind = "an id" if kind == ID else kind
            hint = _hint([str(x) for x in examples], kind, cfg, src)
            raise SchemaError(
                f"{table} ({source.label}): column {src!r}: {bad} value(s) cannot be read as "
                f"{'a month' if canon == 'bill_month' else kind}, e.g. {', '.join(quoted(x) for x in examples)}{hint}"
            )
