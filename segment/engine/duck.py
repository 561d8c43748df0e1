"""The embedded DuckDB engine: the connection, with the engine interface around it."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb


@dataclass(frozen=True)
class Dialect:
    """What staging writes differently per engine."""

    name: str
    text_type: str  # the type of text columns in a cast
    enums: bool  # whether fixed lists of values may be staged as ENUMs
    csv_nulls: bool  # whether its CSV reader applies [input] null_values itself (else staging does)

    def local_time(self, expr: str, zone: str) -> str:
        """Instants (a timestamp with time zone) as the wall-clock time of ``zone`` (TIMESTAMP)."""
        from ..sql import quote_literal

        if self.name == "spark":
            return f"CAST(from_utc_timestamp({expr}, {quote_literal(zone)}) AS TIMESTAMP)"
        return f"timezone({quote_literal(zone)}, {expr})"

    def month_from_text(self, expr: str) -> str:
        """A 'YYYY-MM' text as a timestamp (NULL when it is not one)."""
        if self.name == "spark":
            return f"try_to_timestamp({expr}, 'yyyy-MM')"
        return f"TRY_STRPTIME({expr}, '%Y-%m')"


DIALECT = Dialect("duckdb", "VARCHAR", True, True)


class DuckDBEngine:
    """A DuckDB connection (``con``) with the engine interface; attributes it does not
    define are the connection's own (the relational API DuckDB-only code uses)."""

    name = "duckdb"
    dialect = DIALECT
    errors = (duckdb.Error,)  # what a bad input raises once reading has started (reading is lazy)

    def __init__(self, con: duckdb.DuckDBPyConnection):
        self.con = con

    def __getattr__(self, attr: str) -> Any:
        return getattr(self.con, attr)

    def execute(self, sql: str, params: dict | None = None):
        return self.con.execute(sql, params or None)

    def frame(self, sql: str, params: dict | None = None):
        """The rows of ``sql`` as a polars DataFrame, in the query's order."""
        return self.con.sql(sql, params=params or None).pl()

    def has_relation(self, name: str) -> bool:
        """Whether a table or view ``name`` exists (temporary ones included)."""
        return self.con.execute(
            "select count(*) from (select view_name as name from duckdb_views() union all "
            "select table_name from duckdb_tables()) where name = $n", {"n": name}).fetchall()[0][0] > 0

    def columns(self, name: str) -> list[tuple[str, str]]:
        """(column, type) of the table or view ``name``, in order."""
        return self.con.execute(
            "select column_name, data_type from duckdb_columns() where table_name = $t order by column_index",
            {"t": name}).fetchall()

    def register_source(self, source, cfg, workdir: Path, origins: dict | None = None) -> list[tuple[str, str]]:
        from ..io.reading import register

        return register(self.con, source, cfg, workdir, {} if origins is None else origins)

    def write_parquet(self, query: str, path: Path) -> None:
        """The rows of ``query`` (a SELECT with an ORDER BY) as one Parquet file, fixed settings."""
        from ..io.outputs import copy_parquet

        copy_parquet(self.con, query, path)

    def describe(self) -> dict:
        return {"name": self.name, "version": duckdb.__version__, "master": None}

    def close(self) -> None:
        self.con.close()
