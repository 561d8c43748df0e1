"""The Spark engine: the same SQL files on a Spark session (local mode, a cluster or
Spark Connect). This is the only module that imports pyspark.

The session is pinned so that Spark computes what DuckDB does: the session time zone is
UTC and TIMESTAMP means TIMESTAMP_NTZ (wall-clock time, as DuckDB's TIMESTAMP: no shift
by the machine's zone), ANSI mode is on (an overflow is an error, not a wrapped number),
double-quoted names are identifiers (as in DuckDB and :func:`segment.sql.quote_ident`).
Each engine works in its own session (``newSession``: its own temporary views and
cached tables) over one shared SparkContext, so a second run in the same process does
not start another JVM; ``close`` uncaches and drops what the engine made.
"""

from __future__ import annotations

import re
from pathlib import Path

from ..errors import InputError, UsageError
from . import portable, spark_target
from .duck import Dialect

DIALECT = Dialect("spark", "STRING", False, False)

# Settings every session gets; the config's [engine] spark_conf adds to them.
PINNED = {
    "spark.sql.session.timeZone": "UTC",
    "spark.sql.timestampType": "TIMESTAMP_NTZ",
    "spark.sql.ansi.enabled": "true",
    "spark.sql.ansi.doubleQuotedIdentifiers": "true",
    "spark.sql.parquet.inferTimestampNTZ.enabled": "true",
}
# Settings of a new SparkContext (local mode and clusters), not of Spark Connect.
CONTEXT = {"spark.ui.showConsoleProgress": "false", "spark.sql.shuffle.partitions": "8"}

_TYPES = {"bigint": "BIGINT", "int": "INTEGER", "smallint": "SMALLINT", "tinyint": "TINYINT", "string": "VARCHAR",
          "double": "DOUBLE", "float": "FLOAT", "boolean": "BOOLEAN", "date": "DATE", "timestamp_ntz": "TIMESTAMP",
          "timestamp": "TIMESTAMP WITH TIME ZONE", "binary": "BLOB"}


def duckdb_type(spark_type: str) -> str:
    """A Spark type name as DuckDB spells it (what staging compares with)."""
    t = spark_type.lower().replace(" ", "")
    if t.startswith("decimal"):
        return t.upper()
    if t.startswith(("varchar", "char")):
        return "VARCHAR"
    return _TYPES.get(t, t.upper())


class SparkCursor:
    """The result of one statement: ``fetchone``, ``fetchall``, ``description`` (DB-API-like)."""

    def __init__(self, df=None):
        self._df = df
        self._rows: list[tuple] | None = None

    @property
    def description(self):
        return [] if self._df is None else [(f.name, f.dataType.simpleString(), None, None, None, None, None)
                                             for f in self._df.schema.fields]

    def fetchall(self) -> list[tuple]:
        if self._rows is None:
            self._rows = [] if self._df is None else [tuple(r) for r in self._df.collect()]
        return self._rows

    def fetchone(self):
        rows = self.fetchall()
        return rows[0] if rows else None


class SparkEngine:
    name = "spark"
    dialect = DIALECT

    def __init__(self, session, master: str, remote: bool):
        from pyspark.errors import PySparkException

        self.session = session
        self.master = master
        self.remote = remote
        self.errors = (PySparkException,)
        self._cached: list[str] = []
        self._views: set[str] = set()

    @classmethod
    def start(cls, opts) -> "SparkEngine":
        """A session for ``opts``: Spark Connect when a remote is given (``--spark-remote`` or
        $SPARK_REMOTE), else the master (``--spark-master``, $SPARK_MASTER, else local[threads or *])."""
        try:
            from pyspark.sql import SparkSession
        except ImportError:
            raise UsageError("--engine spark needs pyspark: pip install 'segment[spark]'") from None
        conf = {**PINNED, **dict(opts.spark_conf)}
        remote, master = spark_target(opts)
        if remote:
            session = SparkSession.builder.remote(master).getOrCreate()
            for k, v in conf.items():
                session.conf.set(k, v)
            return cls(session, master, True)
        active = SparkSession.getActiveSession()
        if active is not None:
            base = active
            have = active.sparkContext.master
            if have != master:
                raise UsageError(f"a Spark session with master {have} already runs in this process; "
                                 f"cannot start one with master {master}")
        else:
            builder = SparkSession.builder.master(master).appName("segment")
            for k, v in {**CONTEXT, **conf}.items():
                builder = builder.config(k, v)
            if opts.memory_limit:
                builder = builder.config("spark.driver.memory", _spark_memory(opts.memory_limit))
            if opts.temp_directory:
                builder = builder.config("spark.local.dir", str(opts.temp_directory))
            base = builder.getOrCreate()
            base.sparkContext.setLogLevel("ERROR")
        session = base.newSession()
        for k, v in conf.items():
            if session.conf.isModifiable(k):  # static settings (spark.ui.*) hold for the context
                session.conf.set(k, v)
        return cls(session, master, False)

    # ---------------------------------------------------------------- statements
    def execute(self, sql: str, params: dict | None = None) -> SparkCursor:
        """Run one statement of the portable subset; a ``create or replace temp table`` is
        cached (computed now, once)."""
        table, query = portable.split_create(sql)
        text = portable.to_spark(query)
        args = dict(params or {})
        # Views are made from DataFrames, which keep their analysed plan: a view made by
        # SQL keeps its text and is analysed again wherever it is read (seconds per query).
        if table:
            if table in self._cached:
                self.session.catalog.uncacheTable(table)
                self.session.catalog.dropTempView(table)
            self.session.sql(text, args=args).createOrReplaceTempView(table)
            self.session.sql(f"CACHE TABLE {table}")  # eager: computed now, once
            if table not in self._cached:
                self._cached.append(table)
            return SparkCursor()
        view = _VIEW.match(text)
        if view:
            self.session.sql(view.group(2), args=args).createOrReplaceTempView(view.group(1))
            self._views.add(view.group(1))
            return SparkCursor()
        return SparkCursor(self.session.sql(text, args=args))

    def frame(self, sql: str, params: dict | None = None):
        import polars as pl

        table, query = portable.split_create(sql)
        df = self.session.sql(portable.to_spark(query), args=dict(params or {}))
        return pl.from_arrow(df.toArrow())

    def has_relation(self, name: str) -> bool:
        return bool(self.session.catalog.tableExists(name))

    def columns(self, name: str) -> list[tuple[str, str]]:
        return [(c, duckdb_type(t)) for c, t in self.session.table(name).dtypes]

    # ---------------------------------------------------------------- inputs
    def register_source(self, source, cfg, workdir: Path, origins: dict | None = None) -> list[tuple[str, str]]:
        """The view ``src_<table>`` over the source's files or metastore table; its columns
        (``origins``, DuckDB's map from the files it reads to the inputs, is not needed: Spark
        reads the inputs as given)."""
        from pyspark.errors import AnalysisException

        reader = self.session.read
        try:
            if source.fmt == "table":
                df = self.session.table(source.name)
            elif source.fmt == "parquet":
                df = reader.option("mergeSchema", len(source.paths) > 1).parquet(*[_uri(p) for p in source.paths])
            else:
                df = (reader.option("header", True).option("inferSchema", False).option("sep", cfg.input.delimiter)
                      .option("encoding", cfg.input.encoding).option("mode", "FAILFAST")
                      .csv([_uri(p) for p in source.paths]))
        except AnalysisException as e:
            raise InputError(f"{source.table}: cannot read {source.label}: {_first_line(e)}") from None
        view = f"src_{source.table}"
        df.createOrReplaceTempView(view)
        self._views.add(view)
        return [(c, duckdb_type(t)) for c, t in df.dtypes]

    # ---------------------------------------------------------------- outputs
    def write_parquet(self, query: str, path: Path) -> None:
        """The rows of ``query`` as one Parquet file with the fixed settings of
        :mod:`segment.io.outputs` (collected through the driver: for a table that fits it)."""
        from ..io.outputs import write_parquet

        write_parquet(self.frame(query), path)

    def write_parquet_folder(self, query: str, path: Path) -> None:
        """The rows of ``query`` as a Parquet folder written by the executors (the table
        need not fit the driver); zstd, like the single-file writer."""
        df = self.session.sql(portable.to_spark(query))
        df.write.option("compression", "zstd").parquet(_uri(path))

    def describe(self) -> dict:
        return {"name": self.name, "version": self.session.version, "master": self.master}

    def close(self) -> None:
        """Uncache and drop what this engine made, the last made first (a cached table's
        plan reads the tables made before it); the shared SparkContext keeps running."""
        for t in reversed(self._cached):
            try:
                self.session.catalog.uncacheTable(t)
                self.session.catalog.dropTempView(t)
            except Exception:  # closing must not hide the error that got us here
                pass
        for v in sorted(self._views):
            try:
                self.session.catalog.dropTempView(v)
            except Exception:
                pass
        self._cached, self._views = [], set()


_VIEW = re.compile(r"\s*create\s+or\s+replace\s+temp(?:orary)?\s+view\s+(\w+)\s+as\s+(.*)$", re.I | re.S)


def _uri(p) -> str:
    text = str(p)
    return text if re.match(r"^[a-z][a-z0-9+.-]*://", text) else Path(text).resolve().as_uri()


def _first_line(e: Exception) -> str:
    text = str(e).strip()
    return text.splitlines()[0] if text else type(e).__name__


def _spark_memory(limit: str) -> str:
    """'4GB' / '512MB' / '4g' -> Spark's '4g' / '512m'."""
    m = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([kmgt])i?b?\s*", limit, re.I)
    if not m:
        raise UsageError(f"--memory-limit {limit!r}: expected e.g. 4GB or 512MB")
    n, unit = float(m.group(1)), m.group(2).lower()
    return f"{int(n)}{unit}" if n == int(n) else f"{int(n * 1024)}{'kmgt'['kmgt'.index(unit) - 1]}"
