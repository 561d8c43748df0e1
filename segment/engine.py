"""Opening the embedded DuckDB engine with the settings every stage relies on."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb

from .errors import UsageError


@dataclass(frozen=True)
class EngineOptions:
    threads: int | None = None  # None: DuckDB's default (all cores)
    memory_limit: str | None = None  # e.g. "4GB"; None: DuckDB's default (80% of RAM)
    temp_directory: Path | None = None  # where DuckDB spills when over the memory limit


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
