"""Reading a table's files into DuckDB as the view ``src_<table>``, as the files are.

Before anything is read, every file is checked on its own: its header (a column named
twice would be read from one copy only), its encoding (a byte-order mark wins over
``--encoding``), and, for a table of several parts, that every part has the same columns
with compatible types (a part that lacks a column would leave it empty for its rows).
CSV is read as RFC 4180 (``"`` quotes and escapes), ``.tsv`` with tabs, every field as
text, the ``[input] null_values`` as NULL. Inputs are never modified: a file in another
encoding is transcoded into the run's private folder first.

Reading is lazy: a ragged row deep in a CSV surfaces in whichever query reaches it first;
:func:`read_error` turns that error into one line naming the table, the file and the line.
"""

from __future__ import annotations

import codecs
import csv
import errno
import gzip
import io
import re
from pathlib import Path

import duckdb

from ..config import Config
from ..errors import DiskFullError, InputError, ResourceError, SchemaError
from .inputs import Source

_BOMS = ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
         (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))

# the file DuckDB reads (a transcoded copy, or the input itself) -> (table, the input)
Origins = dict[str, tuple[str, Path]]


def _open_binary(path: Path):
    return gzip.open(path, "rb") if path.name.lower().endswith(".gz") else open(path, "rb")


def _encoding_of(path: Path, default: str) -> str:
    """The encoding of a CSV file: that of its byte-order mark, else ``default``."""
    try:
        with _open_binary(path) as f:
            head = f.read(4)
    except (OSError, EOFError) as e:
        raise InputError(f"cannot read {path}: {e}") from None
    for bom, name in _BOMS:
        if head.startswith(bom):
            return name
    return default


def _is_utf8(encoding: str) -> bool:
    return codecs.lookup(encoding).name == "utf-8"


def _transcode(src: Path, encoding: str, workdir: Path, table: str) -> Path:
    """Copy a CSV (gzip or not) into UTF-8 inside workdir, streaming; errors name the file and line."""
    out = workdir / f"{len(list(workdir.iterdir()))}_{src.name.removesuffix('.gz').removesuffix('.GZ')}"
    dec = codecs.getincrementaldecoder(encoding)(errors="strict")
    line = 1
    try:
        with _open_binary(src) as fin, open(out, "w", encoding="utf-8", newline="") as fout:
            while chunk := fin.read(1 << 22):
                try:
                    text = dec.decode(chunk)
                except UnicodeError as e:  # UnicodeDecodeError, or utf-16's missing byte-order mark
                    line += chunk[: getattr(e, "start", 0)].count(b"\n")
                    raise InputError(_not_encoded(table, src, encoding, line, e)) from None
                line += text.count("\n")
                fout.write(text.lstrip("\ufeff") if fout.tell() == 0 else text)
            fout.write(dec.decode(b"", final=True))
    except OSError as e:
        if e.errno in (errno.ENOSPC, errno.EDQUOT):
            raise DiskFullError(f"no space left in the work folder {workdir} to transcode {src} (set TMPDIR to a "
                                "folder with free space)") from None
        if getattr(e, "filename", None) == str(out) or not out.exists():
            raise ResourceError(f"cannot write the work folder {workdir}: {e.strerror or e}") from None
        raise InputError(f"{table}: cannot read {src}: {e.strerror or e}") from None
    except (EOFError, gzip.BadGzipFile) as e:
        raise InputError(f"{table}: cannot read {src}: not a readable gzip file ({e})") from None
    return out


def _not_encoded(table: str, src: Path, encoding: str, line: int, e: UnicodeError) -> str:
    if not isinstance(e, UnicodeDecodeError):  # utf-16 / utf-32 without a byte-order mark
        return (f"{table}: {src} is not {encoding}: it has no byte-order mark (--encoding applies to every CSV "
                "table; a UTF-8 file needs none)")
    return f"{table}: {src}: not valid {encoding} near line {line}"


def _header(path: Path, delimiter: str) -> list[str]:
    """The column names of a (UTF-8) CSV file's first record."""
    try:
        with _open_binary(path) as f:
            text = io.TextIOWrapper(f, encoding="utf-8-sig", errors="replace", newline="")
            return next(csv.reader(text, delimiter=delimiter), [])
    except (OSError, EOFError, csv.Error):
        return []  # DuckDB reports what is wrong with the file


_DATA_LIKE = re.compile(r"^[-+]?[\d.,:/ tTzZ-]+$")  # a number, a date or a time: a value, not a name


def _repeated(table: str, path: Path, names: list[str]) -> None:
    seen: dict[str, str] = {}
    for name in names:
        key = name.strip().lower()  # DuckDB names ignore case
        if key in seen:
            if not key or _DATA_LIKE.match(key):
                raise SchemaError(f"{table} ({path}): the first line repeats {name!r} as a column name and reads "
                                  f"{', '.join(repr(n) for n in names[:6])}, ...: is it a data row? the first line "
                                  "must be the header")
            same = repr(name) if seen[key] == name else f"{seen[key]!r} and {name!r}"
            raise SchemaError(f"{table} ({path}): column {same} appears twice in the header; one copy would be "
                              "read and the other ignored: rename or drop one")
        seen[key] = name


def _family(duck_type: str) -> str:
    t = duck_type.upper()
    if t.startswith(("TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "UTINYINT", "USMALLINT", "UINTEGER",
                     "UBIGINT", "UHUGEINT", "DECIMAL", "DOUBLE", "FLOAT", "REAL")):
        return "a number"
    if t.startswith(("DATE", "TIMESTAMP")):
        return "a date or time"
    if t.startswith("VARCHAR"):
        return "text"
    return t


def _check_parts(table: str, parts: list[tuple[Path, list[tuple[str, str]]]]) -> None:
    """Every part has the columns of the first one, and each column the same kind of type."""
    first, ref = parts[0]
    ref_types = {n.lower(): (n, t) for n, t in ref}
    for path, cols in parts[1:]:
        names = {n.lower(): (n, t) for n, t in cols}
        lacking = [ref_types[k][0] for k in ref_types if k not in names]
        extra = [names[k][0] for k in names if k not in ref_types]
        if lacking or extra:
            what = (f"lacks column(s) {', '.join(map(repr, lacking))} that {first} has" if lacking
                    else f"has column(s) {', '.join(map(repr, extra))} that {first} lacks")
            raise SchemaError(f"{table}: part {path} {what}; all parts of a table must have the same columns")
        for key, (name, t) in names.items():
            ref_name, ref_t = ref_types[key]
            if _family(t) != _family(ref_t):
                raise SchemaError(f"{table}: column {name!r} is {_family(ref_t)} ({ref_t}) in {first} but "
                                  f"{_family(t)} ({t}) in {path}; all parts must give a column the same type")


def _delimiter(path: Path, cfg: Config) -> str:
    return "\t" if path.name.lower().endswith((".tsv", ".tsv.gz")) else cfg.input.delimiter


def register(con: duckdb.DuckDBPyConnection, source: Source, cfg: Config, workdir: Path,
             origins: Origins) -> list[tuple[str, str]]:
    """Create the view ``src_<table>`` over the files; return its (column, type) pairs.

    Records in ``origins`` which input each file DuckDB reads stands for.
    Raises SchemaError / InputError naming the table and the file.
    """
    table, paths = source.table, list(source.paths)
    if source.fmt == "table":
        raise InputError(f"{table}: {source.label} is a metastore table: read it with --engine spark")
    try:
        if source.fmt == "parquet":
            parts = []
            for p in paths:
                _repeated(table, p, _parquet_names(p, table))
                rel = con.read_parquet(str(p))
                parts.append((p, list(zip(rel.columns, [str(t) for t in rel.types]))))
                origins[str(p)] = (table, p)
            if len(parts) > 1:
                _check_parts(table, parts)
            rel = con.read_parquet([str(p) for p in paths], union_by_name=len(paths) > 1)
        else:
            delimiters = {_delimiter(p, cfg) for p in paths}
            if len(delimiters) > 1:
                raise InputError(f"{table}: {source.label} mixes .tsv and other CSV files; give one kind per table")
            delimiter = delimiters.pop()
            read, parts = [], []
            for p in paths:
                encoding = _encoding_of(p, cfg.input.encoding)
                target = p if _is_utf8(encoding) else _transcode(p, encoding, workdir, table)
                origins[str(target)] = (table, p)
                names = _header(target, delimiter)
                _repeated(table, p, names)
                parts.append((p, [(n, "VARCHAR") for n in names]))
                read.append(str(target))
            if len(parts) > 1:
                _check_parts(table, parts)
            options = {"na_values": list(cfg.input.null_values)} if cfg.input.null_values != ("",) else {}
            # every dialect setting given, none sniffed: a first row that is not the header, or a
            # data row starting with '#', is never skipped without a word
            rel = con.read_csv(read, header=True, all_varchar=True, delimiter=delimiter, quotechar='"',
                               escapechar='"', comment="", skiprows=0, union_by_name=len(read) > 1, **options)
        rel.to_view(f"src_{table}", replace=True)
        cols = list(zip(rel.columns, [str(t) for t in rel.types]))
    except duckdb.Error as e:
        raise read_error(e, cfg, origins, table, source.label) from None
    if source.fmt == "csv" and len(cols) == 1 and delimiter not in cols[0][0]:
        # A CSV read with the wrong delimiter arrives as one wide column.
        only = cols[0][0]
        for d in (";", "\t", "|", ","):
            if d in only and d != delimiter:
                raise InputError(
                    f"{table}: {source.label} has a single column {only[:60]!r}; "
                    f"is the delimiter {d!r}? (set [input] delimiter in the config)"
                )
    return cols


def _parquet_names(path: Path, table: str) -> list[str]:
    try:
        import pyarrow.parquet as pq

        return list(pq.read_schema(path).names)
    except Exception:  # pyarrow raises several types for a damaged file; DuckDB names the problem
        return []


def read_error(e: Exception, cfg: Config, origins: Origins, table: str | None = None,
               label: str | None = None) -> InputError:
    """An engine error met while reading the inputs, as one line naming the table and the
    file (found in the error, mapped back from a transcoded copy) and what to do."""
    text = str(e)
    file = re.search(r"^\s*file = (.+)$", text, re.M) or re.search(r'file "([^"]+)"', text)
    read = file.group(1).strip() if file else None
    if read in origins:
        table, path = origins[read]
        label = str(path)
    where = f"{table}: cannot read {label}" if table else "cannot read the inputs"
    if read and "Error when sniffing file" in text:  # DuckDB says no more: find the row ourselves
        ragged = _ragged(Path(read), _delimiter(Path(label or read), cfg))
        if ragged:
            return InputError(f"{where}: {ragged}")
    return InputError(f"{where}: {explain(e)}")


def _ragged(path: Path, delimiter: str) -> str | None:
    """The first record of a CSV whose number of fields is not the header's, as a message."""
    try:
        with _open_binary(path) as f:
            reader = csv.reader(io.TextIOWrapper(f, encoding="utf-8-sig", errors="replace", newline=""),
                                delimiter=delimiter)
            header = next(reader, [])
            start = reader.line_num + 1
            for record in reader:
                if record and len(record) != len(header):
                    if reader.line_num > start:  # the record ran over line ends: a quote left open
                        return (f"line {start} opens a quoted field that runs to line {reader.line_num} "
                                f"({len(record)} field(s) where the header has {len(header)}): is a quote not closed?")
                    return _fields(start, len(record), len(header))
                start = reader.line_num + 1
    except (OSError, EOFError, csv.Error):
        return None
    return None


def _fields(line: int, found: int, expected: int) -> str:
    why = ("is line 1 a title rather than the header?" if line == 2 else
           "a ragged row; a field that holds the delimiter must be quoted")
    return f"line {line} has {found} field(s) where the header (line 1) has {expected} ({why})"


def explain(e: Exception) -> str:
    """DuckDB's reading error as one line, with what to do for the common cases."""
    text = str(e)
    msg = text.strip().splitlines()[0] if text.strip() else type(e).__name__
    line = re.search(r"CSV Error on Line: (\d+)", text)
    if "not utf-8 encoded" in text or "Invalid unicode" in text:
        near = f" near line {line.group(1)}" if line else ""
        return f"the file is not valid UTF-8{near} (if it is GBK, pass --encoding gbk)"
    fields = re.search(r"Expected Number of Columns: (\d+) Found: (\d+)", text)
    if line and fields:
        expected, found = fields.groups()
        return _fields(int(line.group(1)), int(found), int(expected))
    if "Value with unterminated quote" in text or "unterminated quote" in text.lower():
        return f"line {line.group(1) if line else '?'} has a quote that is never closed"
    if "No magic bytes found at end of file" in text:
        return "not a Parquet file, or a truncated one (no PAR1 marker at its end)"
    if "TProtocolException" in text:
        return f"corrupt Parquet file ({msg})"
    if line:
        return f"line {line.group(1)}: {msg}"
    return msg
