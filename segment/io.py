"""Finding inputs, reading them into DuckDB as typed views, and writing outputs atomically.

Inputs are never modified: CSV files in an encoding DuckDB cannot read natively
(e.g. GBK) are transcoded into the run's private temporary folder first.
"""

from __future__ import annotations

import codecs
import ctypes
import errno
import glob as globmod
import os
import re
import shutil
import socket
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import duckdb

from .config import Config
from .errors import InputError, OutputError, OutputExistsError, SchemaError
from .schema import ID, TABLES
from .sql import quote_ident, quote_literal

PARQUET_SUFFIXES = (".parquet", ".pq")
CSV_SUFFIXES = (".csv", ".txt", ".tsv", ".csv.gz", ".tsv.gz")
_INTEGER_TYPES = {"TINYINT", "SMALLINT", "INTEGER", "BIGINT", "UTINYINT", "USMALLINT", "UINTEGER", "UBIGINT", "HUGEINT"}


@dataclass(frozen=True)
class Source:
    """Where one table comes from: its files (sorted) and their format."""

    table: str
    paths: tuple[Path, ...]
    fmt: str  # "csv" or "parquet"

    @property
    def label(self) -> str:
        if len(self.paths) == 1:
            return str(self.paths[0])
        return f"{self.paths[0].parent}/ ({len(self.paths)} files)"


def file_format(path: Path) -> str | None:
    """"parquet" or "csv" from a file's name, None for anything else."""
    name = path.name.lower()
    if name.endswith(PARQUET_SUFFIXES):
        return "parquet"
    if name.endswith(CSV_SUFFIXES):
        return "csv"
    return None


def _visible_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.is_file() and not p.name.startswith((".", "_")))


def resolve(table: str, spec: str | Path) -> Source:
    """Turn a file, a glob or a folder into a :class:`Source`."""
    text = str(spec)
    path = Path(text)
    if any(ch in text for ch in "*?["):
        paths = sorted(Path(p) for p in globmod.glob(text) if Path(p).is_file())
        if not paths:
            raise InputError(f"{table}: no file matches {text}")
    elif path.is_dir():
        paths = [p for p in _visible_files(path) if file_format(p)]
        if not paths:
            raise InputError(f"{table}: folder {path} holds no .csv or .parquet file")
    elif path.is_file():
        paths = [path]
    else:
        raise InputError(f"{table}: file not found: {path}")
    fmts = {file_format(p) for p in paths}
    if None in fmts:
        bad = next(p for p in paths if file_format(p) is None)
        raise InputError(f"{table}: {bad}: unknown format (expected .csv or .parquet)")
    if len(fmts) > 1:
        raise InputError(f"{table}: {text} mixes CSV and Parquet files; give one format per table")
    for p in paths:
        if p.stat().st_size == 0:
            raise InputError(f"{table}: {p} is empty (0 bytes)")
    return Source(table, tuple(paths), fmts.pop())


def find_inputs(data: Path | None, overrides: dict[str, str | Path | None] | None = None) -> dict[str, Source]:
    """Locate every table: per-table overrides first, then ``DIR/<table>.*`` or ``DIR/<table>/``.

    Returns the sources found, keyed by table; optional tables may be absent.
    Raises InputError for a missing required table or an ambiguous match.
    """
    overrides = {k: v for k, v in (overrides or {}).items() if v}
    if data is not None and not Path(data).is_dir():
        raise InputError(f"data folder not found: {data}")
    found: dict[str, Source] = {}
    for name, table in TABLES.items():
        if name in overrides:
            found[name] = resolve(name, overrides[name])
            continue
        if data is None:
            if table.required:
                raise InputError(f"{name}: no input given (use --data DIR or --{name} FILE)")
            continue
        candidates = [p for p in sorted(Path(data).glob(f"{name}.*")) if file_format(p)]
        folder = Path(data) / name
        if folder.is_dir():
            candidates.append(folder)
        if len(candidates) > 1:
            raise InputError(f"{name}: more than one candidate in {data}: {', '.join(p.name for p in candidates)}")
        if candidates:
            found[name] = resolve(name, candidates[0])
        elif table.required:
            raise InputError(f"{name}: not found in {data} (looked for {name}.csv, {name}.parquet or {name}/)")
    return found


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


def _cast_expr(src_col: str, src_type: str, target: str, canon: str) -> str:
    q = quote_ident(src_col)
    if canon == "bill_month":
        if src_type in ("DATE",) or src_type.startswith("TIMESTAMP"):
            return f"CAST(date_trunc('month', {q}) AS DATE)"
        return f"CAST(date_trunc('month', coalesce(TRY_CAST({q} AS DATE), TRY_STRPTIME(CAST({q} AS VARCHAR), '%Y-%m'))) AS DATE)"
    if src_type == target:
        return q
    if target.startswith("DECIMAL") and src_type in {"DOUBLE", "FLOAT"} | _INTEGER_TYPES:
        return f"CAST({q} AS {target})"
    if target in ("BIGINT", "INTEGER") and src_type in _INTEGER_TYPES:
        return f"CAST({q} AS {target})"
    if target == "TIMESTAMP" and src_type.startswith("TIMESTAMP"):
        return f"CAST({q} AS TIMESTAMP)"
    if target in ("BIGINT", "INTEGER") and src_type == "VARCHAR":
        # whole numbers written as 12 or 12.0
        return f"CAST(TRY_CAST({q} AS DOUBLE) AS {target})"
    return f"TRY_CAST({q} AS {target})"


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
    columns: dict[str, list[tuple[str, str]]] = {}
    for name, source in sources.items():
        columns[name] = register(con, source, cfg, workdir)

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
            if name in sources and src in types and (name, col.name) in _ENUMS:
                # A value outside the list stages as NULL: 22_cdr_summary counts those rows.
                expr = f"TRY_CAST({quote_ident(src)} AS {_enum_type(con, name, col.name)})"
                have.add(col.name)
            elif name in sources and src in types:
                expr = _cast_expr(src, types[src], target, col.name)
                if "TRY_" in expr:
                    checks.append((col.name, src, expr))
                have.add(col.name)
            else:
                if name in sources and col.required:
                    found = ", ".join(c for c, _ in columns[name][:20])
                    where = f"column {src!r}" + (f" (mapped from {col.name})" if src != col.name else "")
                    raise SchemaError(f"{name} ({sources[name].label}): required {where} is missing; columns found: {found}")
                expr = f"CAST(NULL AS {target})"
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


# ---------------------------------------------------------------- outputs
#
# An output X is written under a hidden temporary name beside it,
# ``.X.<host>.<pid>.<random>.tmp``, and renamed into place only when complete, so X is
# either absent, the old complete X or the new complete X, whatever happens. Errors and
# signals the CLI turns into exceptions (SIGINT, SIGTERM) remove the temporary output;
# SIGKILL cannot be caught, so the next write of X removes the temporaries of processes
# of this host that no longer run (the host and pid in the name say whose they are).

_HOST = re.sub(r"[^A-Za-z0-9-]", "-", socket.gethostname())[:32] or "host"
_TEMP = re.compile(r"\.(?P<host>[A-Za-z0-9-]+)\.(?P<pid>\d+)\.[^.]+\.tmp")


def check_writable(path: Path, force: bool) -> None:
    """Refuse to overwrite an existing output unless ``force``; its folder must exist and be writable."""
    path = Path(path)
    if path.exists() and not force:
        raise OutputExistsError(f"{path} already exists (use --force to overwrite)")
    folder = path.parent
    if not folder.is_dir():
        raise OutputError(f"cannot write {path}: folder {folder} does not exist")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise OutputError(f"cannot write {path}: folder {folder} is not writable")


def _alive(pid: int) -> bool:
    if os.name != "posix":  # os.kill(pid, 0) is not a harmless probe on Windows
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        return True
    return True


def remove_stale_temporaries(path: Path) -> list[Path]:
    """Remove the temporary outputs of ``path`` left by dead processes of this host.

    A leftover of the old-output side of a two-step swap (``...-old.tmp``) is put back
    as ``path`` when ``path`` is missing, since it is then the only complete copy.
    Returns the temporaries removed or restored.
    """
    path = Path(path)
    prefix = f".{path.name}"
    done = []
    for p in sorted(path.parent.glob(globmod.escape(prefix) + ".*.tmp")):
        m = _TEMP.fullmatch(p.name[len(prefix):])
        if not m or m["host"] != _HOST or _alive(int(m["pid"])):
            continue
        if p.name.endswith("-old.tmp") and not path.exists():
            os.replace(p, path)
        else:
            _remove(p)
        done.append(p)
    return done


def private_workdir() -> Path:
    """A new private folder in the system's temporary folder (TMPDIR) for one run's
    scratch files (transcoded CSVs); those of dead processes are removed first, since
    after a SIGKILL they may hold a copy of a large extract. The caller removes it."""
    base = Path(tempfile.gettempdir()) / "segment-work"
    remove_stale_temporaries(base)
    return Path(tempfile.mkdtemp(prefix=_temp_prefix(base), suffix=".tmp", dir=base.parent))


def _temp_prefix(path: Path) -> str:
    return f".{path.name}.{_HOST}.{os.getpid()}."


def _output_error(path: Path, e: OSError) -> OutputError:
    if e.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return OutputError(f"cannot write {path}: folder {path.parent} is not writable")
    return OutputError(f"cannot write {path}: {e.strerror or e}")


@contextmanager
def atomic_path(path: Path, force: bool = False) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; rename it into place on success.

    On any failure (also KeyboardInterrupt) the temporary file is removed, so a
    half-written output never appears under the final name.
    Raises OutputExistsError / OutputError (exit 2) when ``path`` cannot be written.
    """
    path = Path(path)
    check_writable(path, force)
    if path.is_dir():
        raise OutputError(f"cannot write {path}: it is a folder")
    remove_stale_temporaries(path)
    try:
        fd, tmp = tempfile.mkstemp(prefix=_temp_prefix(path), suffix=".tmp", dir=path.parent)
    except OSError as e:
        raise _output_error(path, e) from None
    os.close(fd)
    tmp_path = Path(tmp)
    try:
        yield tmp_path
        # mkstemp makes the file private (0600), and a writer that reuses it keeps that
        # mode: the output gets the usual one (0666 less the umask), like any new file.
        os.chmod(tmp_path, 0o666 & ~_umask())
        os.replace(tmp_path, path)
    except BaseException:
        tmp_path.unlink(missing_ok=True)
        raise


def _umask() -> int:
    """The process's umask (reading it means setting it: put it straight back)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _exchange(a: Path, b: Path) -> bool:
    """Swap two existing paths in one step (Linux renameat2 RENAME_EXCHANGE).

    Returns False where the system or the file system cannot do it.
    """
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError, TypeError):
        return False
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    at_fdcwd, rename_exchange = -100, 2
    if renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.ENOSYS, errno.EINVAL, errno.EOPNOTSUPP):
        return False
    raise OSError(err, os.strerror(err), str(b))


@contextmanager
def atomic_dir(path: Path, force: bool = False) -> Iterator[Path]:
    """Like :func:`atomic_path` for a folder of outputs.

    With ``force`` over an existing ``path``, the complete new folder and the old one
    are swapped in one step where the system allows it (Linux), so ``path`` always
    exists; elsewhere the old one is moved aside first.
    """
    path = Path(path)
    check_writable(path, force)
    remove_stale_temporaries(path)
    try:
        tmp = Path(tempfile.mkdtemp(prefix=_temp_prefix(path), suffix=".tmp", dir=path.parent))
    except OSError as e:
        raise _output_error(path, e) from None
    # mkdtemp makes the folder private (0700); the output should get the usual umask mode.
    os.chmod(tmp, 0o777 & ~_umask())
    old = tmp.with_name(tmp.name[: -len(".tmp")] + "-old.tmp")
    try:
        yield tmp
        if path.exists() and _exchange(tmp, path):
            _remove(tmp)  # tmp now holds the old output
        elif path.exists():
            os.replace(path, old)
            os.replace(tmp, path)
            _remove(old)
        else:
            os.replace(tmp, path)
    except BaseException:
        _remove(tmp)
        if old.exists() and not path.exists():  # stopped between the two renames
            os.replace(old, path)
        raise


def _remove(p: Path) -> None:
    if p.is_dir() and not p.is_symlink():
        shutil.rmtree(p, ignore_errors=True)
    else:
        p.unlink(missing_ok=True)
