"""The one place SQL files are loaded and run.

Queries live in ``sql/`` (installed as the package data ``segment._sql``), one
statement per file, with values bound as ``$name`` parameters. Identifiers cannot
be parameters in DuckDB: they come from the tool's own fixed lists or go through
:func:`quote_ident`.
"""

from __future__ import annotations

import functools
import re
from importlib import resources
from pathlib import Path
from typing import Any

import duckdb

_PARAM = re.compile(r"\$([a-z_][a-z0-9_]*)")


def _sql_dir():
    try:
        return resources.files("segment._sql")
    except ModuleNotFoundError:  # running from a checkout or an editable install
        return Path(__file__).resolve().parent.parent / "sql"


def names() -> list[str]:
    """Names (without ``.sql``) of every shipped query, in pipeline order."""
    return sorted(p.name[:-4] for p in _sql_dir().iterdir() if p.name.endswith(".sql"))


@functools.cache
def load(name: str) -> str:
    """Return the text of ``sql/<name>.sql``."""
    path = _sql_dir().joinpath(f"{name}.sql")
    if not path.is_file():
        raise KeyError(f"no SQL file named {name!r}")
    return path.read_text(encoding="utf-8")


def params_of(name: str) -> set[str]:
    """The ``$parameters`` a query expects (comments excluded)."""
    text = "\n".join(line.split("--", 1)[0] for line in load(name).splitlines())
    return set(_PARAM.findall(text))


def run(con: duckdb.DuckDBPyConnection, name: str, **params: Any) -> duckdb.DuckDBPyConnection:
    """Execute one query file with exactly the parameters it declares."""
    expected = params_of(name)
    if set(params) != expected:
        raise TypeError(f"{name}.sql expects parameters {sorted(expected)}, got {sorted(params)}")
    return con.execute(load(name), params or None)


def quote_ident(name: str) -> str:
    """Quote an identifier for DuckDB so that any string is only ever a name.

    Doubles embedded double quotes, as the SQL standard says; a column called
    ``x"; drop table y; --`` becomes ``"x""; drop table y; --"``.
    """
    if not isinstance(name, str) or name == "" or "\x00" in name:
        raise ValueError(f"invalid identifier: {name!r}")
    return '"' + name.replace('"', '""') + '"'


def quote_literal(value: str) -> str:
    """Quote a string as an SQL literal: ``O'Brien`` becomes ``'O''Brien'``."""
    if not isinstance(value, str) or "\x00" in value:
        raise ValueError(f"invalid string literal: {value!r}")
    return "'" + value.replace("'", "''") + "'"


def float_literal(x: float) -> str:
    """A double literal that parses back to exactly ``x`` (DuckDB, Spark, most warehouses)."""
    x = float(x)
    if x != x or x in (float("inf"), float("-inf")):
        raise ValueError(f"not a finite number: {x}")
    text = repr(x)
    if "e" not in text:
        text += "e0"  # without an exponent DuckDB reads 0.1 as DECIMAL, not DOUBLE
    return f"({text})" if x < 0 else text


def portable_literal(value: str) -> str:
    """A string literal that reads back as ``value`` in DuckDB, Spark SQL and most
    warehouses, whatever it holds: a quote, a backslash (an escape in Spark) or a control
    character becomes ``chr(n)``, e.g. ``('O' || chr(39) || 'Brien')``. For SQL written to be
    run elsewhere (model.sql); inside the tool, :func:`quote_literal`."""
    if not isinstance(value, str):
        raise ValueError(f"invalid string literal: {value!r}")
    parts, run = [], []
    for ch in value:
        if ch in "'\\" or ord(ch) < 32 or ord(ch) == 127:
            if run:
                parts.append("'" + "".join(run) + "'")
                run = []
            parts.append(f"chr({ord(ch)})")
        else:
            run.append(ch)
    if run or not parts:
        parts.append("'" + "".join(run) + "'")
    return parts[0] if len(parts) == 1 else "(" + " || ".join(parts) + ")"


def comment_text(value: object) -> str:
    """Text safe to put in a ``--`` comment: a line break or any other character that is not
    printable is written as ``\\uXXXX``, so that nothing in it can end the comment and
    become SQL."""
    return "".join(ch if ch.isprintable() else f"\\u{ord(ch):04x}" for ch in str(value))
