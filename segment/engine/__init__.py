"""The engines the SQL of ``sql/`` runs on: DuckDB (embedded, the default: nothing to
start) or Spark (local mode, a cluster, or Spark Connect), behind one small interface.

An engine (:class:`segment.engine.duck.DuckDBEngine`,
:class:`segment.engine.spark.SparkEngine`) offers:

* ``execute(sql, params)``: one statement with ``$name`` parameters bound from a dict,
  never formatted into the text; returns a cursor (``fetchone``, ``fetchall``,
  ``description``). ``create or replace temp table <name> as <query>`` is materialised
  (on Spark: a cached table, computed once, not a lazy view);
* ``frame(sql, params)``: the result as a polars DataFrame, in the query's order;
* ``has_relation(name)``, ``columns(name)``: the tables and views there are, with their
  columns and types (type names as DuckDB spells them: BIGINT, VARCHAR, DECIMAL(18,2) ...);
* ``register_source(source, cfg, workdir)``: an input (files or, on Spark, a metastore
  table) as the view ``src_<table>``; ``dialect``: what staging writes differently;
* ``write_parquet(query, path)``: a query's rows as one Parquet file with the fixed settings;
* ``describe()``: name, version and master, for the manifest; ``close()``.

The SQL is one portable source (:mod:`segment.engine.portable` lists the subset and the
few rewrites Spark needs). pyspark is an optional extra (``pip install '.[spark]'``) and is
imported only when ``--engine spark`` asks for it: DuckDB runs never pay for it.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import duckdb

from ..errors import UsageError

ENGINES = ("duckdb", "spark")


@dataclass(frozen=True)
class EngineOptions:
    threads: int | None = None  # None: DuckDB's default (all cores); Spark local mode: local[threads]
    memory_limit: str | None = None  # e.g. "4GB"; None: DuckDB's default (80% of RAM); Spark: the driver's memory
    temp_directory: Path | None = None  # where DuckDB spills when over the memory limit (Spark: spark.local.dir)
    engine: str = "duckdb"  # one of ENGINES
    spark_master: str | None = None  # local[N], spark://host:port, yarn, k8s://...; None: $SPARK_MASTER or local[*]
    spark_remote: str | None = None  # Spark Connect, sc://host:port; None: $SPARK_REMOTE if set
    spark_conf: tuple[tuple[str, str], ...] = ()  # extra Spark settings (the config's [engine] spark_conf)


def connect(opts: EngineOptions | None = None, spill_dir: Path | None = None) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB connection: no progress bar, optional limits and spill folder.

    ``spill_dir`` is where DuckDB spills when ``opts`` names no folder: the run's private
    work folder, removed with it, rather than DuckDB's own default (``.tmp`` in the
    current folder, left behind if the process is killed).
    """
    opts = opts or EngineOptions()
    con = duckdb.connect(":memory:")
    con.execute("SET enable_progress_bar = false")
    try:
        if opts.threads is not None:
            if opts.threads < 1:
                raise UsageError(f"--threads must be at least 1, got {opts.threads}")
            con.execute("SET threads = $n", {"n": opts.threads})
        if opts.memory_limit:
            con.execute("SET memory_limit = $m", {"m": opts.memory_limit})
        temp = opts.temp_directory or spill_dir
        if temp:
            con.execute("SET temp_directory = $t", {"t": str(temp)})
    except duckdb.Error as e:
        con.close()
        raise UsageError(f"engine setting rejected: {str(e).splitlines()[0]}") from None
    return con


def start(opts: EngineOptions | None = None, spill_dir: Path | None = None):
    """The engine ``opts.engine`` names, ready for staging: DuckDB in memory, or a Spark session."""
    opts = opts or EngineOptions()
    if opts.engine == "duckdb":
        from .duck import DuckDBEngine

        return DuckDBEngine(connect(opts, spill_dir))
    if opts.engine == "spark":
        from .spark import SparkEngine  # the only import of pyspark

        return SparkEngine.start(opts)
    raise UsageError(f"--engine must be one of {', '.join(ENGINES)}, got {opts.engine!r}")


def spark_target(opts: EngineOptions) -> tuple[bool, str]:
    """(remote, where) of a Spark engine: Spark Connect when a remote is given (the option,
    else $SPARK_REMOTE), else the master (the option, $SPARK_MASTER, else local[threads or *])."""
    remote = opts.spark_remote or os.environ.get("SPARK_REMOTE")
    if remote:
        return True, remote
    return False, opts.spark_master or os.environ.get("SPARK_MASTER") or f"local[{opts.threads or '*'}]"


def describe(opts: EngineOptions) -> dict:
    """Name, version and master of the engine ``opts`` names, for the manifest (without starting it)."""
    if opts.engine == "spark":
        try:
            v = version("pyspark")
        except PackageNotFoundError:
            v = None
        return {"name": "spark", "version": v, "master": spark_target(opts)[1]}
    return {"name": "duckdb", "version": duckdb.__version__, "master": None}


def is_spark(con) -> bool:
    """Whether ``con`` (an engine or a DuckDB connection) is a Spark engine."""
    return getattr(con, "name", None) == "spark"


from .resources import resource_error  # noqa: E402  (needs EngineOptions above)

__all__ = ["ENGINES", "EngineOptions", "connect", "describe", "is_spark", "resource_error", "spark_target", "start"]
