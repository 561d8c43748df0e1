"""Finding the extracts: which files make each table, and in which format.

A table is given as a file, a glob or a folder (``--cdr cdr/``), or found in the data
folder as ``DIR/<table>.*`` or ``DIR/<table>/``; on Spark also as a table of the
metastore (``--cdr table:db.cdr_2026q3``) or a URI Spark reads (``hdfs://``, ``s3a://``:
checked by Spark, not here). Nothing here reads the data: staging
(:mod:`segment.io.staging`) does.

In a folder (or a glob) the table's files are those of its format; anything else (a
README, a checksum file, a subfolder other than a partition folder ``key=value``, whose
files are parts) is not data: it is listed in ``Source.skipped`` and
reported, never read. ``.txt`` counts as CSV only where no .csv, .tsv or Parquet file is
beside it. Hidden files (``.x``, ``_SUCCESS``) are ignored. Two parts with the same bytes
are an error: a part delivered twice would count its rows twice.
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
    skipped: tuple[Path, ...] = ()  # entries of the folder or glob that are not the table's files
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


_PARTITION = re.compile(r"^[^=]+=[^=]*$")  # a Hive-style partition folder: month=2026-08


def _visible_entries(folder: Path, table: str) -> list[Path]:
    """The entries of ``folder`` (hidden ones left out), with the contents of its partition
    folders (``key=value``, as Spark and Hive write a partitioned table) in their place."""
    try:
        entries = sorted(p for p in folder.iterdir() if not p.name.startswith((".", "_")))
    except OSError as e:
        raise InputError(f"{table}: cannot read folder {folder}: {(e.strerror or str(e)).lower()}") from None
    out: list[Path] = []
    for p in entries:
        out += _visible_entries(p, table) if p.is_dir() and _PARTITION.match(p.name) else [p]
    return out


def _split(table: str, entries: list[Path], where: str) -> tuple[list[Path], list[Path]]:
    """The table's files among ``entries`` (files and folders of a folder or a glob) and
    the entries skipped; InputError when none is a table file or CSV and Parquet mix."""
    files = [p for p in entries if p.is_file() and file_format(p)]
    parquet = [p for p in files if file_format(p) == "parquet"]
    csv = [p for p in files if file_format(p) == "csv"]
    if parquet and csv and any(not _is_txt(p) for p in csv):
        both = f"{next(p for p in csv if not _is_txt(p)).name}, {parquet[0].name}"
        raise InputError(f"{table}: {where} mixes CSV and Parquet files ({both}); give one format per table")
    if parquet:
        chosen = parquet
    elif any(not _is_txt(p) for p in csv):
        chosen = [p for p in csv if not _is_txt(p)]  # a README.txt beside .csv parts is not a part
    else:
        chosen = csv
    if not chosen:
        raise InputError(f"{table}: {where} holds no .csv or .parquet file")
    return chosen, [p for p in entries if p not in chosen]


def _is_txt(path: Path) -> bool:
    return path.name.lower().endswith(".txt")


def _check_readable(table: str, path: Path) -> None:
    try:
        size = path.stat().st_size
        with open(path, "rb"):
            pass
    except OSError as e:
        raise InputError(f"{table}: cannot read {path}: {(e.strerror or str(e)).lower()}") from None
    if size == 0:
        raise InputError(f"{table}: {path} is empty (0 bytes)")


def _compressed_twin(table: str, paths: list[Path]) -> None:
    """InputError when a part is given both as is and gzip-compressed (``x.csv`` and
    ``x.csv.gz``): the same part twice, whose bytes differ."""
    plain = {str(p): p for p in paths}
    for p in paths:
        if p.name.lower().endswith(".gz") and str(p)[:-3] in plain:
            raise InputError(f"{table}: {p} is {plain[str(p)[:-3]]} compressed: the same part twice would count its "
                             "rows twice; remove one of them")


def _same_bytes(table: str, paths: list[Path]) -> None:
    """InputError when two parts are the same bytes (sizes first: hashing only equal sizes)."""
    from ..provenance.files import sha256_file

    by_size: dict[int, list[Path]] = {}
    for p in paths:
        by_size.setdefault(p.stat().st_size, []).append(p)
    for group in by_size.values():
        seen: dict[str, Path] = {}
        for p in group if len(group) > 1 else ():
            first = seen.setdefault(sha256_file(p), p)
            if first != p:
                raise InputError(f"{table}: {p} has the same bytes as {first}: a part delivered twice would "
                                 "count its rows twice; remove one of them")


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
        return Source(table, (), "table", name=name)
    if _URI.match(text) and not text.lower().startswith("file://"):
        fmt = file_format(Path(text.rstrip("/"))) or ("csv" if text.rstrip("/").lower().endswith(CSV_SUFFIXES) else "parquet")
        return Source(table, (text,), fmt)
    path = Path(text)
    skipped: list[Path] = []
    if any(ch in text for ch in "*?["):
        entries = sorted(Path(p) for p in globmod.glob(text) if not Path(p).name.startswith((".", "_")))
        if not entries:
            raise InputError(f"{table}: no file matches {text}")
        paths, skipped = _split(table, entries, text)
    elif path.is_dir():
        paths, skipped = _split(table, _visible_entries(path, table), f"folder {path}")
    elif path.is_file():
        paths = [path]
        if file_format(path) is None:
            raise InputError(f"{table}: {path}: unknown format (expected .csv or .parquet)")
    else:
        raise InputError(f"{table}: file not found: {path}")
    for p in paths:
        _check_readable(table, p)
    if len(paths) > 1:
        _same_bytes(table, paths)
        _compressed_twin(table, paths)
    return Source(table, tuple(paths), file_format(paths[0]), tuple(skipped))


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
