"""Finding the extracts: which files make each table, and in which format.

A table is given as a file, a glob or a folder (``--cdr cdr/``), or found in the data
folder as ``DIR/<table>.*`` or ``DIR/<table>/``; on Spark also as a table of the
metastore (``--cdr table:db.cdr_2026q3``) or a URI Spark reads (``hdfs://``, ``s3a://``:
checked by Spark, not here). Nothing here reads the data: staging
(:mod:`segment.io.staging`) does.
"""

from __future__ import annotations

import glob as globmod
import json
import re
from dataclasses import dataclass
from pathlib import Path

from ..errors import InputError
from ..schema import TABLES

PARQUET_SUFFIXES = (".parquet", ".pq")
CSV_SUFFIXES = (".csv", ".txt", ".tsv", ".csv.gz", ".tsv.gz")


@dataclass(frozen=True)
class Source:
    """Where one table comes from: its files (sorted) and their format."""

    table: str
    paths: tuple[Path, ...]
    fmt: str  # "csv", "parquet" or "table" (a metastore table: Spark only)
    name: str = ""  # the metastore table, db.name

    @property
    def label(self) -> str:
        if self.fmt == "table":
            return f"table {self.name}"
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


TABLE_PREFIX = "table:"
_TABLE_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*){0,2}$")
_URI = re.compile(r"^[a-z][a-z0-9+.-]*://", re.I)


def is_reference(spec: str | Path | None) -> bool:
    """Whether a table option names a metastore table or a URI rather than a local path."""
    return isinstance(spec, str) and (spec.startswith(TABLE_PREFIX) or bool(_URI.match(spec)))


def resolve(table: str, spec: str | Path) -> Source:
    """Turn a file, a glob, a folder, a URI or ``table:db.name`` into a :class:`Source`."""
    text = str(spec)
    if text.startswith(TABLE_PREFIX):
        name = text[len(TABLE_PREFIX):]
        if not _TABLE_NAME.match(name):
            raise InputError(f"{table}: {text!r} is not a table name (table:db.name)")
        return Source(table, (), "table", name)
    if _URI.match(text) and not text.lower().startswith("file://"):
        fmt = file_format(Path(text.rstrip("/"))) or ("csv" if text.rstrip("/").lower().endswith(CSV_SUFFIXES) else "parquet")
        return Source(table, (text,), fmt)
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


def read_json(path: Path, name: str, what: str) -> tuple[object, Path]:
    """A JSON document the tool wrote: ``path`` is the file or a folder holding ``name``.

    Returns the document and the file it came from; raises InputError (exit 3) naming
    ``what`` when it is missing, unreadable or not JSON.
    """
    path = Path(path)
    if path.is_dir():
        path = path / name
    try:
        return json.loads(path.read_text(encoding="utf-8")), path
    except FileNotFoundError:
        raise InputError(f"{what} not found: {path}") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as e:
        raise InputError(f"{path}: not a {what} (not valid JSON: {e})") from None
    except OSError as e:
        raise InputError(f"cannot read {path}: {e.strerror or e}") from None
