"""Run manifests: what a command read, with which settings and versions, and what it wrote.

Every command that writes outputs writes a manifest (docs/reproducibility.md):

* a folder output (``run``, ``cluster``, ``sample``): ``DIR/manifest.json`` inside the
  folder, written inside the same atomic folder, so the folder appears complete with
  its manifest or not at all;
* a single-file output (``features``, ``screen``, ``score``, ``value``, ``churn``,
  ``channels``): ``FILE.manifest.json`` beside ``FILE``, so that two outputs written
  to one folder never overwrite each other's manifest.

A manifest holds no wall-clock time: the same run gives the same bytes. Its keys are
sorted. ``segment verify`` (:mod:`segment.jobs.verify`) rebuilds the recorded request, runs the
same job in-process on the recorded inputs into a temporary folder and compares every
output's SHA-256 (:mod:`.compare`).
"""

from __future__ import annotations

import json
import platform
import re
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any, Iterable

from ..errors import InputError
from ..io.inputs import is_reference, read_json
from ..io.outputs import atomic_path, write_json
from .files import absolute, describe_file, describe_input

MANIFEST_VERSION = 1
MANIFEST_NAME = "manifest.json"
SIDECAR_SUFFIX = ".manifest.json"
PACKAGES = ("segment", "duckdb", "polars", "scikit-learn", "numpy", "pyarrow", "matplotlib")
# The roles of recorded inputs (docs/reproducibility.md; docs/schemas/verify.schema.json).
ROLES = ("customers", "cdr", "billing", "interactions", "recharges", "config", "features", "segments", "model",
         "profiles", "run", "previous", "run_a", "run_b")  # run, previous: the run folders segment report read;
         # previous also the run of --previous; run_a, run_b: those of segment compare


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



@dataclass(frozen=True)
class Record:
    """What a command was asked to do, before its outputs exist.

    ``command`` is the sub-command's name; ``options`` maps each option's long name
    (``end_month`` for ``--end-month``) to its value as given, paths made absolute,
    ``None`` when not given: enough to rebuild the job's request (:func:`segment.jobs.request_from`).
    ``inputs`` are (role, path) pairs: the extracts' files by table, the config, a
    features or segments table, a model. ``config`` is ``Config.to_dict()``.
    """

    command: str
    options: dict[str, Any]
    inputs: tuple[tuple[str, str], ...] = ()
    config: dict | None = None
    seed: int | None = None
    window: dict | None = None
    engine: dict | None = None  # name, version, master (segment.engine.describe)

    def manifest(self, root: Path, outputs: Iterable[Path], out: dict) -> dict:
        """The manifest dict: inputs described now, outputs relative to ``root``."""
        inputs = []
        for role, path in sorted(set(self.inputs)):
            inputs.append({"role": role, "path": path, **describe_input(path)})
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
            "engine": self.engine,
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
        write_json(obj, target, sort_keys=True)
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
            write_json(obj, tmp, sort_keys=True)
        return target


def add_outputs(folder: Path, files: Iterable[Path]) -> Path:
    """List ``files`` (inside ``folder``) among the outputs of ``folder/manifest.json``, as
    :meth:`Record.write_into` would have: for an output made from the others (the report of
    ``segment run --report``), without describing the inputs again."""
    folder = Path(folder)
    target = folder / MANIFEST_NAME
    obj, _ = read(target)
    outputs = {o["path"]: o for o in obj["outputs"]}
    for p in files:
        info = describe_file(Path(p), count_rows=False)
        rel = Path(p).relative_to(folder).as_posix()
        outputs[rel] = {"path": rel, "size": info["size"], "sha256": info["sha256"]}
    obj["outputs"] = [outputs[k] for k in sorted(outputs, key=Path)]
    write_json(obj, target, sort_keys=True)
    return target


def sidecar(file: Path) -> Path:
    """Where the manifest of a single-file output lives: ``FILE.manifest.json``."""
    file = Path(file)
    return file.with_name(file.name + SIDECAR_SUFFIX)


def input_files(sources: dict | None = None, **files) -> tuple[tuple[str, str], ...]:
    """(role, absolute path) of every input: each file of each extract table, plus
    ``files`` given by role (``config=...``, ``features=...``, a list for several files
    of one role; None is skipped)."""
    pairs = []
    for table, source in (sources or {}).items():
        if source.fmt == "table":
            pairs.append((table, f"table:{source.name}"))
        pairs += [(table, p if is_reference(p) else absolute(p)) for p in source.paths]
    for role, given in files.items():
        pairs += [(role, absolute(p)) for p in (given if isinstance(given, (list, tuple)) else [given]) if p is not None]
    return tuple(sorted(pairs))

def read(path: Path) -> tuple[dict, Path]:
    """Load a manifest: ``path`` is a manifest file or a folder holding ``manifest.json``.

    Returns the manifest and the file it came from. Raises InputError (exit 3).
    """
    obj, path = read_json(path, MANIFEST_NAME, "manifest")
    if not isinstance(obj, dict) or "manifest_version" not in obj or "command" not in obj:
        raise InputError(f"{path}: not a manifest written by segment (no manifest_version)")
    if obj["manifest_version"] != MANIFEST_VERSION:
        raise InputError(f"{path}: manifest version {obj['manifest_version']} is not supported "
                         f"(expected {MANIFEST_VERSION})")
    return obj, path


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
