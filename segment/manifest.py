"""Run manifests: what a command read, with which settings and versions, and what it wrote.

Every command that writes outputs writes a manifest (docs/reproducibility.md):

* a folder output (``run``, ``cluster``, ``sample``): ``DIR/manifest.json`` inside the
  folder, written inside the same atomic folder, so the folder appears complete with
  its manifest or not at all;
* a single-file output (``features``, ``screen``, ``score``, ``value``, ``churn``,
  ``channels``): ``FILE.manifest.json`` beside ``FILE``, so that two outputs written
  to one folder never overwrite each other's manifest.

A manifest holds no wall-clock time: the same run gives the same bytes. Its keys are
sorted. :func:`verify` re-runs the recorded command on the recorded inputs into a
temporary folder and compares every output's SHA-256.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import threading
from concurrent.futures import Future
from dataclasses import dataclass, field
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any, Callable, Iterable

from .errors import CheckFailed, InputError, SegmentError, UsageError
from .io import atomic_path, file_format

MANIFEST_VERSION = 1
REPORT_VERSION = 1  # of verify's JSON report; = cli/render.py SCHEMA_VERSION (checked by the schema test)
MANIFEST_NAME = "manifest.json"
SIDECAR_SUFFIX = ".manifest.json"
PACKAGES = ("segment", "duckdb", "polars", "scikit-learn", "numpy", "pyarrow")
_CHUNK = 1 << 22  # bytes read at a time when hashing

Progress = Callable[[str], None]

# The values of the verify report (docs/reproducibility.md; docs/schemas/verify.schema.json).
ROLES = ("customers", "cdr", "billing", "interactions", "recharges", "config", "features", "segments", "model")
INPUT_STATUS = ("same", "changed", "added", "removed")
CHANGE_STATUS = ("same", "changed")  # versions and settings
SETTINGS = ("config", "seed", "window")
OUTPUT_STATUS = ("identical", "differs")
_ON_DISK = {"same": "on disk as recorded", "modified": "modified on disk since the manifest",
            "missing": "missing on disk", "not_recorded": "not in the manifest"}
_RERUN = {"same": "re-run identical to the record", "differs": "re-run differs from the record",
          "not_produced": "not written by the re-run", "extra": "written by the re-run"}
ON_DISK_STATUS = tuple(_ON_DISK)
RERUN_STATUS = tuple(_RERUN)


# ---------------------------------------------------------------- facts about files and versions

def versions() -> dict[str, str | None]:
    """The running tool's version and those of the libraries its outputs depend on."""
    out: dict[str, str | None] = {"python": platform.python_version(),
                                  "platform": f"{platform.system()}-{platform.machine()}"}
    for name in PACKAGES:
        try:
            out[name] = version(name)
        except PackageNotFoundError:  # running from a checkout without installing
            out[name] = "0+unknown" if name == "segment" else None
    return out


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


# Inputs are hashed in a background thread while the command works (hashlib and DuckDB
# both release the GIL), so a manifest costs little wall time even for gigabytes of input.
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


def _describe_input(path: str) -> dict[str, Any]:
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


# ---------------------------------------------------------------- the record of a run

@dataclass(frozen=True)
class Record:
    """What a command was asked to do, before its outputs exist.

    ``command`` is the sub-command's name; ``options`` maps each option's long name
    (``end_month`` for ``--end-month``) to its value as given, paths made absolute,
    ``None`` when not given: enough to rebuild the call (:func:`rerun_args`).
    ``inputs`` are (role, path) pairs: the extracts' files by table, the config, a
    features or segments table, a model. ``config`` is ``Config.to_dict()``.
    """

    command: str
    options: dict[str, Any]
    inputs: tuple[tuple[str, str], ...] = ()
    config: dict | None = None
    seed: int | None = None
    window: dict | None = None

    def manifest(self, root: Path, outputs: Iterable[Path], out: dict) -> dict:
        """The manifest dict: inputs described now, outputs relative to ``root``."""
        inputs = []
        for role, path in sorted(set(self.inputs)):
            inputs.append({"role": role, "path": path, **_describe_input(path)})
        described = []
        for p in sorted(Path(p) for p in outputs):
            info = describe_file(p, count_rows=False)
            described.append({"path": p.relative_to(root).as_posix(), "size": info["size"],
                              "sha256": info["sha256"]})
        return {
            "manifest_version": MANIFEST_VERSION,
            "command": {"name": self.command, "options": dict(self.options), "out": out},
            "config": self.config,
            "seed": self.seed,
            "window": self.window,
            "inputs": inputs,
            "outputs": described,
            "versions": versions(),
        }

    def write_into(self, folder: Path, name: str | None = None) -> Path:
        """Write ``folder/manifest.json`` listing every other file of the folder.

        Call it inside the same ``atomic_dir`` as the outputs; ``name`` is the
        folder's final name (the atomic folder has a temporary one).
        """
        folder = Path(folder)
        files = [p for p in folder.rglob("*") if p.is_file() and p.relative_to(folder).as_posix() != MANIFEST_NAME]
        obj = self.manifest(folder, files, {"kind": "folder", "name": name or folder.name})
        target = folder / MANIFEST_NAME
        _dump(obj, target)
        return target

    def write_beside(self, file: Path) -> Path:
        """Write ``FILE.manifest.json`` beside the output ``file`` (atomically)."""
        file = Path(file)
        target = sidecar(file)
        # The old manifest goes before the inputs are hashed (which takes a while): a run
        # killed meanwhile leaves the new file without a manifest, not with the old one.
        target.unlink(missing_ok=True)
        obj = self.manifest(file.parent, [file], {"kind": "file", "name": file.name})
        with atomic_path(target, force=True) as tmp:
            _dump(obj, tmp)
        return target


def sidecar(file: Path) -> Path:
    """Where the manifest of a single-file output lives: ``FILE.manifest.json``."""
    file = Path(file)
    return file.with_name(file.name + SIDECAR_SUFFIX)


def input_files(sources: dict | None = None, **files: str | Path | None) -> tuple[tuple[str, str], ...]:
    """(role, absolute path) of every input: each file of each extract table, plus
    ``files`` given by role (``config=...``, ``features=...``; None is skipped)."""
    pairs = []
    for table, source in (sources or {}).items():
        pairs += [(table, absolute(p)) for p in source.paths]
    pairs += [(role, absolute(p)) for role, p in files.items() if p is not None]
    return tuple(sorted(pairs))


def _dump(obj: dict, path: Path) -> None:
    Path(path).write_text(json.dumps(obj, indent=2, sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8")


def read(path: Path) -> tuple[dict, Path]:
    """Load a manifest: ``path`` is a manifest file or a folder holding ``manifest.json``.

    Returns the manifest and the file it came from. Raises InputError (exit 3).
    """
    path = Path(path)
    if path.is_dir():
        path = path / MANIFEST_NAME
    try:
        obj = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(f"manifest not found: {path}") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as e:
        raise InputError(f"{path}: not a manifest (not valid JSON: {e})") from None
    except OSError as e:
        raise InputError(f"cannot read {path}: {e.strerror or e}") from None
    if not isinstance(obj, dict) or "manifest_version" not in obj or "command" not in obj:
        raise InputError(f"{path}: not a manifest written by segment (no manifest_version)")
    if obj["manifest_version"] != MANIFEST_VERSION:
        raise InputError(f"{path}: manifest version {obj['manifest_version']} is not supported "
                         f"(expected {MANIFEST_VERSION})")
    return obj, path


# ---------------------------------------------------------------- re-running

_BARE_KEY = re.compile(r"^[A-Za-z0-9_-]+$")


def config_toml(cfg: dict) -> str:
    """A TOML text that ``config.load`` reads back into the same ``Config.to_dict()``."""
    lines: list[str] = []

    def key(k: str) -> str:
        return k if _BARE_KEY.match(k) else json.dumps(k, ensure_ascii=False)

    def value(v: Any) -> str:
        if isinstance(v, bool):
            return "true" if v else "false"
        if isinstance(v, (int, float)):
            return repr(v)
        if isinstance(v, str):
            return json.dumps(v, ensure_ascii=False)  # a JSON string is a TOML basic string
        if isinstance(v, (list, tuple)):
            return "[" + ", ".join(value(x) for x in v) + "]"
        raise TypeError(f"cannot write {v!r} as TOML")

    def table(prefix: list[str], d: dict) -> None:
        lines.append("[" + ".".join(key(p) for p in prefix) + "]")
        for k, v in d.items():
            if v is not None and not isinstance(v, dict):
                lines.append(f"{key(k)} = {value(v)}")
        for k, v in d.items():
            if isinstance(v, dict):
                table([*prefix, k], v)

    for name, section in cfg.items():
        table([name], section)
    return "\n".join(lines) + "\n"


def rerun_args(manifest: dict, out: Path, config_file: Path | None) -> list[str]:
    """The command line (after ``segment``) that re-runs a manifest's command into ``out``.

    Options come from the manifest (``None`` and ``False`` left out, ``True`` as a
    flag, a list as the option repeated); ``--config`` points at ``config_file`` (the recorded config), not at the
    original file, so the re-run uses exactly the recorded settings.
    """
    cmd = manifest["command"]
    args = [cmd["name"]]
    for name, v in sorted(cmd["options"].items()):
        if name == "config":
            continue
        flag = "--" + name.replace("_", "-")
        if v is None or v is False:
            continue
        if v is True:
            args.append(flag)
        elif isinstance(v, list):  # a repeatable option (--fail-on)
            args += [f"{flag}={x}" for x in v]
        else:
            args.append(f"{flag}={v}")  # one token: a value such as -1 is never taken for an option
    if config_file is not None:
        args.append(f"--config={config_file}")
    args.append(f"--out={out}")
    return args


def _run_cli(args: list[str]) -> subprocess.CompletedProcess:
    """Run ``segment ARGS`` in a fresh process of this interpreter.

    If verify itself is interrupted, the re-run is stopped (SIGTERM: it removes its own
    temporary outputs) before the temporary folder is removed.
    """
    cmd = [sys.executable, "-m", "segment_cli.main", "--quiet", *args]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "NO_COLOR": "1"})
    try:
        _, err = proc.communicate()
    except BaseException:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        raise
    return subprocess.CompletedProcess(cmd, proc.returncode, None, err)


# ---------------------------------------------------------------- comparing

def moved_customers(before, after) -> dict[str, int]:
    """How two assignment tables (customer_id, [brand,] segment) differ.

    ``moved``: customers in both whose segment (or brand) differs; ``appeared`` /
    ``disappeared``: customers only in ``after`` / only in ``before``.
    """
    import polars as pl

    keys = ["brand", "segment"] if "brand" in before.columns and "brand" in after.columns else ["segment"]
    a = before.select("customer_id", *[pl.col(k).cast(pl.Utf8) for k in keys])
    b = after.select("customer_id", *[pl.col(k).cast(pl.Utf8) for k in keys])
    both = a.join(b, on="customer_id", how="inner", suffix="_after")
    changed = pl.lit(False)
    for k in keys:
        changed = changed | pl.col(k).ne_missing(pl.col(f"{k}_after"))
    return {
        "customers_before": a.height,
        "customers_after": b.height,
        "moved": both.filter(changed).height,
        "appeared": b.join(a, on="customer_id", how="anti").height,
        "disappeared": a.join(b, on="customer_id", how="anti").height,
    }


def _read_assignments(path: Path):
    """An output read as a table with customer_id and segment, or None."""
    import polars as pl

    try:
        kind = file_format(path)
        if kind == "parquet":
            cols = pl.read_parquet_schema(path)
            if "customer_id" in cols and "segment" in cols:
                return pl.read_parquet(path, columns=[c for c in ("customer_id", "brand", "segment") if c in cols])
        elif kind == "csv":
            df = pl.read_csv(path, infer_schema_length=0)
            if "customer_id" in df.columns and "segment" in df.columns:
                return df
    except Exception:  # a damaged output is reported as differing; no segment count then
        return None
    return None


@dataclass
class VerifyReport:
    """The outcome of :func:`verify`. Lists hold one dict per input, version and output."""

    manifest: str
    command: str
    inputs: list[dict] = field(default_factory=list)
    versions: list[dict] = field(default_factory=list)
    settings: list[dict] = field(default_factory=list)
    outputs: list[dict] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return (all(i["status"] == "same" for i in self.inputs)
                and all(o["status"] == "identical" for o in self.outputs))

    def to_dict(self) -> dict:
        return {"version": REPORT_VERSION, "ok": self.ok, "manifest": self.manifest, "command": self.command,
                "inputs": self.inputs, "versions": self.versions, "settings": self.settings,
                "outputs": self.outputs}

    def ok_line(self) -> str:
        changed = [f"{v['name']} {v['recorded']} -> {v['current']}" for v in self.versions if v["status"] != "same"]
        n, m = len(self.outputs), len(self.inputs)
        return (f"OK: {n} output{'s' * (n != 1)} byte-identical (segment {self.command}; "
                + (f"{m} input{'s' * (m != 1)} unchanged; " if m else "no inputs; ")
                + ("versions as recorded" if not changed else "versions differ: " + ", ".join(changed)) + ")")

    def failure(self) -> str:
        """One line saying what differs (the message of CheckFailed)."""
        parts = []
        bad_out = [o["path"] for o in self.outputs if o["status"] != "identical"]
        if bad_out:
            parts.append(f"{len(bad_out)} of {len(self.outputs)} outputs differ ({', '.join(bad_out)})")
        bad_in = [Path(i["path"]).name for i in self.inputs if i["status"] != "same"]
        if bad_in:
            parts.append(f"{len(bad_in)} input(s) changed ({', '.join(bad_in)})")
        return f"verify {self.manifest}: " + "; ".join(parts)

    def rows(self, differences_only: bool = False) -> list[tuple]:
        """(what, name, status, recorded, current, detail) rows: the CSV and table form.

        For an output, ``current`` is the file on disk when it was modified since the
        manifest, else the re-run's file (SHA-256 prefixes).
        """
        rows = []
        for i in self.inputs:
            rec, cur = i.get("recorded") or {}, i.get("current") or {}
            rows.append(("input", i["path"], i["status"], _facts(rec), _facts(cur), f"table {i['role']}"))
        for v in self.versions:
            rows.append(("version", v["name"], v["status"], v["recorded"] or "", v["current"] or "", ""))
        for st in self.settings:
            detail = ""
            if st["status"] != "same":
                keys = _changed_keys(st["recorded"], st["current"])
                detail = "differs at " + ", ".join(keys[:8]) + (" ..." if len(keys) > 8 else "")
            show = _digest if st["name"] == "config" else _json
            rows.append(("setting", st["name"], st["status"], show(st["recorded"]), show(st["current"]), detail))
        for o in self.outputs:
            current = o["on_disk_sha256"] if o["on_disk"] == "modified" else o["rerun_sha256"]
            rows.append(("output", o["path"], o["status"], (o["recorded_sha256"] or "")[:12], (current or "")[:12],
                         _output_detail(o)))
        if differences_only:
            rows = [r for r in rows if r[2] not in ("same", "identical")]
        return rows


def _output_detail(o: dict) -> str:
    parts = [_ON_DISK[o["on_disk"]], _RERUN[o["rerun"]]]
    if o.get("moved"):
        m = o["moved"]
        parts.append(f"{m['moved']} customers moved segment, {m['appeared']} appeared, "
                     f"{m['disappeared']} disappeared (on disk vs re-run)")
    return "; ".join(parts)


def _facts(info: dict) -> str:
    if not info:
        return ""
    rows = "" if info.get("rows") is None else f", {info['rows']} rows"
    return f"{info['size']} B{rows}, sha256 {info['sha256'][:12]}"


def _json(v: Any) -> str:
    return json.dumps(v, sort_keys=True, ensure_ascii=False)


def _digest(v: Any) -> str:
    """A short fingerprint of a JSON value (the config is too long for a table cell)."""
    return "sha256 " + hashlib.sha256(_json(v).encode("utf-8")).hexdigest()[:12]


def _changed_keys(a: Any, b: Any, prefix: str = "") -> list[str]:
    """Dotted keys where two JSON values differ."""
    if isinstance(a, dict) and isinstance(b, dict):
        out = []
        for k in sorted(set(a) | set(b)):
            out += _changed_keys(a.get(k), b.get(k), f"{prefix}.{k}" if prefix else str(k))
        return out
    return [] if a == b else [prefix or "(value)"]


def compare_inputs(recorded: list[dict], current: list[dict]) -> list[dict]:
    """Inputs keyed by (role, path): same, changed (size or hash), added or removed."""
    rec = {(i["role"], i["path"]): i for i in recorded}
    cur = {(i["role"], i["path"]): i for i in current}
    out = []
    for key in sorted(set(rec) | set(cur)):
        r, c = rec.get(key), cur.get(key)
        if r is None:
            status = "added"
        elif c is None:
            status = "removed"
        else:
            status = "same" if (r["sha256"], r["size"]) == (c["sha256"], c["size"]) else "changed"
        facts = lambda d: None if d is None else {k: d.get(k) for k in ("size", "rows", "sha256")}  # noqa: E731
        out.append({"role": key[0], "path": key[1], "status": status, "recorded": facts(r), "current": facts(c)})
    return out


def compare_versions(recorded: dict, current: dict) -> list[dict]:
    return [{"name": n, "recorded": recorded.get(n), "current": current.get(n),
             "status": "same" if recorded.get(n) == current.get(n) else "changed"}
            for n in sorted(set(recorded) | set(current))]


def compare_outputs(recorded: list[dict], recorded_root: Path, rerun: list[dict], rerun_root: Path) -> list[dict]:
    """Each recorded output against the file on disk and the re-run's; re-run extras too."""
    new = {o["path"]: o for o in rerun}
    out = []
    for o in recorded:
        on_disk_path = recorded_root / o["path"]
        on_disk_sha = sha256_file(on_disk_path) if on_disk_path.is_file() else None
        r = new.pop(o["path"], None)
        on_disk = "missing" if on_disk_sha is None else ("same" if on_disk_sha == o["sha256"] else "modified")
        rerun_state = "not_produced" if r is None else ("same" if r["sha256"] == o["sha256"] else "differs")
        entry = {"path": o["path"], "status": "identical" if on_disk == rerun_state == "same" else "differs",
                 "on_disk": on_disk, "rerun": rerun_state, "recorded_sha256": o["sha256"],
                 "on_disk_sha256": on_disk_sha, "rerun_sha256": r["sha256"] if r else None, "moved": None}
        if entry["status"] != "identical" and on_disk_sha is not None and r is not None:
            before, after = _read_assignments(on_disk_path), _read_assignments(rerun_root / o["path"])
            if before is not None and after is not None:
                entry["moved"] = moved_customers(before, after)
        out.append(entry)
    for path, r in sorted(new.items()):
        out.append({"path": path, "status": "differs", "on_disk": "not_recorded", "rerun": "extra",
                    "recorded_sha256": None, "on_disk_sha256": None, "rerun_sha256": r["sha256"], "moved": None})
    return out


def compare_settings(recorded: dict, rerun: dict) -> list[dict]:
    return [{"name": k, "recorded": recorded.get(k), "current": rerun.get(k),
             "status": "same" if recorded.get(k) == rerun.get(k) else "changed"}
            for k in SETTINGS]


def verify(path: Path, progress: Progress | None = None, runner: Callable = _run_cli) -> VerifyReport:
    """Re-run a manifest's command on the same inputs into a temporary folder and compare.

    ``path``: a manifest file or a folder holding ``manifest.json``. Returns the
    report (``report.ok``); raises InputError (exit 3) when the manifest or a recorded
    input is missing, and the re-run's own error when the re-run fails. The temporary
    folder is always removed.
    """
    say = progress or (lambda s: None)
    recorded, mpath = read(path)
    for i in recorded.get("inputs", []):
        if not Path(i["path"]).exists():
            raise InputError(f"{i['role']}: input file not found: {i['path']} (recorded in {mpath})")
    out_info = recorded["command"].get("out") or {}
    tmp = Path(tempfile.mkdtemp(prefix="segment-verify-"))
    try:
        config_file = None
        if recorded.get("config") is not None:
            config_file = tmp / "config.toml"
            config_file.write_text(config_toml(recorded["config"]), encoding="utf-8")
        (tmp / "run").mkdir()
        out = tmp / "run" / out_info.get("name", "out")
        args = rerun_args(recorded, out, config_file)
        say(f"re-running segment {recorded['command']['name']}")
        done = runner(args)
        if done.returncode != 0:
            raise _rerun_error(recorded, done)
        folder = out_info.get("kind") == "folder"
        new, _ = read(out if folder else sidecar(out))
        say("comparing")
        current_inputs = [i for i in new["inputs"] if i["role"] != "config"]
        for i in recorded.get("inputs", []):
            if i["role"] == "config":  # the re-run read the recorded config, so look at the file itself
                current_inputs.append({**i, **describe_file(Path(i["path"]))})
        report = VerifyReport(
            manifest=str(mpath), command=recorded["command"]["name"],
            inputs=compare_inputs(recorded.get("inputs", []), current_inputs),
            versions=compare_versions(recorded.get("versions", {}), versions()),
            settings=compare_settings(recorded, new),
            # output paths are relative to the manifest's folder (a folder output: the folder itself)
            outputs=compare_outputs(recorded.get("outputs", []), mpath.parent, new["outputs"],
                                    out if folder else out.parent),
        )
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return report


_BOX = "".join(chr(c) for c in range(0x2500, 0x2580))


def _rerun_error(recorded: dict, done) -> SegmentError:
    """The error of a failed re-run, with its exit code, naming the inputs that changed."""
    # the last line that says something (Typer draws usage errors in a box)
    lines = [ln.strip(_BOX + " ") for ln in (done.stderr or "").splitlines()]
    lines = [ln for ln in lines if ln and not ln.startswith("Error ")]
    last = lines[-1] if lines else "no message"
    last = last[len("error: "):] if last.startswith("error: ") else last
    changed = []
    for i in recorded.get("inputs", []):
        try:
            if sha256_file(Path(i["path"])) != i["sha256"]:
                changed.append(i["path"])
        except InputError:
            changed.append(i["path"])
    msg = f"re-running segment {recorded['command']['name']} failed (exit {done.returncode}): {last}"
    if changed:
        msg += f"; changed since the manifest: {', '.join(changed)}"
    cls = {2: UsageError, 3: InputError}.get(done.returncode, SegmentError)
    return cls(msg)


def check(report: VerifyReport) -> None:
    """Raise CheckFailed (exit 4) when the report found a difference."""
    if not report.ok:
        raise CheckFailed(report.failure())
