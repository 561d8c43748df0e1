"""Fingerprints of files: size, SHA-256 and row count, hashed in the background while a
command works (hashlib and DuckDB both release the GIL), so that a manifest costs little
wall time even for gigabytes of input."""

from __future__ import annotations

import gzip
import hashlib
import os
import threading
from concurrent.futures import Future
from pathlib import Path
from typing import Any, Iterable

from ..errors import InputError
from ..io.inputs import TABLE_PREFIX, file_format, is_reference

_CHUNK = 1 << 22  # bytes read at a time when hashing


class _CsvRows:
    """Counts CSV records in a byte stream: line ends outside double-quoted fields.

    A quoted field may hold line breaks (RFC 4180); an escaped quote ``""`` toggles
    the state twice, so it needs no special case. Works for UTF-8, GBK and any
    encoding in which the bytes of ``"`` and ``\\n`` only ever mean those characters.
    """

    def __init__(self) -> None:
        self.in_quote = False
        self.line_ends = 0
        self.last = b""

    def feed(self, chunk: bytes) -> None:
        if not chunk:
            return
        self.last = chunk[-1:]
        if not self.in_quote and b'"' not in chunk:
            self.line_ends += chunk.count(b"\n")
            return
        for i, part in enumerate(chunk.split(b'"')):
            if i:
                self.in_quote = not self.in_quote
            if not self.in_quote:
                self.line_ends += part.count(b"\n")

    def rows(self) -> int:
        """Data rows: records after the header (a last line without a line end counts)."""
        records = self.line_ends + (1 if self.last not in (b"", b"\n") else 0)
        return max(records - 1, 0)


def sha256_file(path: Path) -> str:
    """SHA-256 of a file, read in chunks."""
    return describe_file(path, count_rows=False)["sha256"]


def describe_file(path: Path, count_rows: bool = True) -> dict[str, Any]:
    """Size, SHA-256 and (for CSV and Parquet) row count of one file.

    Parquet rows come from the file's metadata; CSV rows are counted in the same pass
    as the hash (records after the header line; a ``.gz`` file is decompressed in a
    second pass). Other files get ``rows: None``.
    """
    path = Path(path)
    kind = file_format(path) if count_rows else None
    digest = hashlib.sha256()
    counter = _CsvRows() if kind == "csv" and not path.name.lower().endswith(".gz") else None
    try:
        with open(path, "rb") as f:
            while chunk := f.read(_CHUNK):
                digest.update(chunk)
                if counter:
                    counter.feed(chunk)
        size = path.stat().st_size
    except FileNotFoundError:
        raise InputError(f"file not found: {path}") from None
    except OSError as e:
        raise InputError(f"cannot read {path}: {e.strerror or e}") from None
    rows = None
    if counter:
        rows = counter.rows()
    elif kind == "csv":
        counter = _CsvRows()
        try:
            with gzip.open(path, "rb") as f:
                while chunk := f.read(_CHUNK):
                    counter.feed(chunk)
        except (OSError, EOFError) as e:
            raise InputError(f"{path}: not a readable gzip file ({e})") from None
        rows = counter.rows()
    elif kind == "parquet":
        import pyarrow.parquet as pq

        try:
            rows = pq.read_metadata(path).num_rows
        except Exception as e:  # pyarrow raises several types for a damaged file
            raise InputError(f"{path}: not a readable Parquet file ({str(e).splitlines()[0]})") from None
    return {"size": size, "sha256": digest.hexdigest(), "rows": rows}


_pending: dict[str, tuple[tuple[int, int], Future]] = {}


def _stamp(path: Path) -> tuple[int, int]:
    st = path.stat()
    return st.st_size, st.st_mtime_ns


def prefetch(paths: Iterable[str | Path]) -> None:
    """Start describing ``paths`` (:func:`describe_file`) in a background thread; a later
    manifest of the same files uses the result when the files have not changed since.
    The thread is a daemon: a command that fails does not wait for it to finish."""
    todo = []
    for p in paths:
        key = absolute(p)
        if key in _pending:
            continue
        try:
            stamp = _stamp(Path(key))
        except OSError:
            continue  # the command itself reports a missing file
        future: Future = Future()
        _pending[key] = (stamp, future)
        todo.append((key, future))

    def work() -> None:
        for key, future in todo:
            if future.set_running_or_notify_cancel():
                try:
                    future.set_result(describe_file(Path(key)))
                except BaseException as e:  # handed to the thread that reads the result
                    future.set_exception(e)

    if todo:
        threading.Thread(target=work, name="segment-hash", daemon=True).start()


def describe_input(path: str) -> dict[str, Any]:
    if is_reference(path):  # a metastore table or a remote URI: Spark's to read, not hashed here
        return {"kind": "table" if path.startswith(TABLE_PREFIX) else "uri"}
    stamp, future = _pending.pop(path, (None, None))
    if future is not None:
        try:
            info = future.result()
            if _stamp(Path(path)) == stamp:
                return info
        except (InputError, OSError):
            pass  # described again below, which raises the error in this thread
    return describe_file(Path(path))


def absolute(path: str | Path | None) -> str | None:
    """An absolute form of a path or glob, without resolving symbolic links."""
    return None if path is None else os.path.abspath(os.fspath(path))
