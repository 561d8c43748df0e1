"""Engine errors that are about resources, not data: memory, a full disk, a failing
spill folder (exit 5, :class:`~segment.errors.ResourceError`)."""

from __future__ import annotations

import re
from pathlib import Path

import duckdb

from ..errors import DiskFullError, OutOfMemoryError, ResourceError, SpillError
from . import EngineOptions


_WRITE_FAILED = re.compile(r'(?:Could not write|Cannot open|Could not open|Could not create|Could not truncate)'
                           r'(?: file)? \\?"([^"\\]+)\\?"')


def resource_error(e: Exception, opts: EngineOptions | None = None, spill_dir: Path | None = None) -> ResourceError | None:
    """The :class:`~segment.errors.ResourceError` an engine error stands for (memory, a
    full disk, a failing spill folder), or None when the error is about something else.

    ``opts`` and ``spill_dir`` (as given to :func:`connect`) name the memory limit and the
    spill folder in the message.
    """
    text = str(e)
    opts = opts or EngineOptions()
    spill = Path(opts.temp_directory or spill_dir) if (opts.temp_directory or spill_dir) else None
    where = f" (spill folder {spill})" if spill else ""
    if isinstance(e, duckdb.OutOfMemoryException) or "Out of Memory Error" in text:
        limit = f"--memory-limit {opts.memory_limit}" if opts.memory_limit else "its default memory limit (80% of RAM)"
        if spill is not None and _free_bytes(spill) < 64 << 20:
            return DiskFullError(f"out of memory and no space left to spill: the engine reached {limit} and the "
                                 f"spill folder {spill} is full; free space there or give --temp-dir another folder")
        return OutOfMemoryError(f"out of memory: the engine reached {limit} and could not spill{where}; raise "
                                "--memory-limit, use fewer --threads, or give --temp-dir a folder with free space")
    match = _WRITE_FAILED.search(text)
    path = match.group(1) if match else None
    in_spill = path is not None and spill is not None and _inside(Path(path), spill)
    if "No space left on device" in text or '"errno":"28"' in text:
        if in_spill or (path is None and spill is not None):
            return DiskFullError(f"no space left to spill: the spill folder {spill} is full; free space there "
                                 "or give --temp-dir another folder")
        return DiskFullError(f"no space left on the device: cannot write {path or 'a file'}")
    if in_spill or (isinstance(e, duckdb.IOException) and spill is not None and str(spill) in text):
        first = text.strip().splitlines()[0] if text.strip() else type(e).__name__
        return SpillError(f"the spill folder {spill} failed during the run: {first}")
    return None


def _inside(path: Path, folder: Path) -> bool:
    try:
        path.resolve().relative_to(folder.resolve())
        return True
    except (ValueError, OSError):
        return False


def _free_bytes(folder: Path) -> int:
    import shutil

    for candidate in (folder, *folder.parents):
        try:
            return shutil.disk_usage(candidate).free
        except OSError:
            continue
    return 1 << 62
