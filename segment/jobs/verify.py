"""``segment verify``: run the job a manifest recorded again, on the same inputs, in this
process, and check that every output is byte-identical.

The recorded options are turned back into the job's request (:func:`segment.jobs.request_from`),
with ``out`` in a temporary folder and ``config`` pointing at the recorded config
(written out as TOML), so the re-run uses exactly the recorded settings whatever the
config file says now. No command line is rebuilt and no process is started.
"""

from __future__ import annotations

import shutil
import tempfile
import warnings
from dataclasses import dataclass, fields
from pathlib import Path

from ..errors import CheckFailed, InputError, SegmentError
from .common import Options, Outcome, Progress, say as _say


@dataclass(frozen=True)
class Request(Options):
    path: Path  # a manifest.json, a FILE.manifest.json, or a folder holding manifest.json


def run(req: Request, progress: Progress | None = None) -> Outcome:
    """The report (``result``: a :class:`~segment.provenance.compare.VerifyReport`);
    ``failure`` is CheckFailed (exit 4) when anything differs. Raises InputError (exit 3)
    when the manifest or a recorded input is missing, and the re-run's own error (with its
    exit code) when the re-run fails. The temporary folder is always removed."""
    from ..provenance import compare
    from ..provenance.files import describe_file
    from ..provenance.manifest import read, sidecar, versions

    say = _say(progress)
    recorded, mpath = read(req.path)
    for i in recorded.get("inputs", []):
        if not Path(i["path"]).exists():
            raise InputError(f"{i['role']}: input file not found: {i['path']} (recorded in {mpath})")
    out_info = recorded["command"].get("out") or {}
    tmp = Path(tempfile.mkdtemp(prefix="segment-verify-"))
    try:
        (tmp / "run").mkdir()
        out = tmp / "run" / out_info.get("name", "out")
        say(f"re-running segment {recorded['command']['name']}")
        rerun(recorded, out, tmp)
        folder = out_info.get("kind") == "folder"
        new, _ = read(out if folder else sidecar(out))
        say("comparing")
        current_inputs = [i for i in new["inputs"] if i["role"] != "config"]
        for i in recorded.get("inputs", []):
            if i["role"] == "config":  # the re-run read the recorded config, so look at the file itself
                current_inputs.append({**i, **describe_file(Path(i["path"]))})
        report = compare.VerifyReport(
            manifest=str(mpath), command=recorded["command"]["name"],
            inputs=compare.compare_inputs(recorded.get("inputs", []), current_inputs),
            versions=compare.compare_versions(recorded.get("versions", {}), versions()),
            settings=compare.compare_settings(recorded, new),
            # output paths are relative to the manifest's folder (a folder output: the folder itself)
            outputs=compare.compare_outputs(recorded.get("outputs", []), mpath.parent, new["outputs"],
                                            out if folder else out.parent),
        )
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    failure = None if report.ok else CheckFailed(report.failure())
    n = len(report.outputs)
    done = f"{n} output{'s' * (n != 1)} compared" + ("" if report.ok else ": differences found")
    return Outcome(report.to_dict(), done, [], report, failure)


def rerun(recorded: dict, out: Path, scratch: Path) -> None:
    """Run the recorded job into ``out``, quietly; its error names the inputs that changed."""
    from .. import jobs
    from ..provenance.manifest import config_toml

    command = recorded["command"]["name"]
    if command not in jobs.COMMANDS or command == "verify":
        raise InputError(f"the manifest records an unknown command {command!r}")
    overrides: dict = {"out": out}
    if "config" in {f.name for f in fields(jobs.module(command).Request)}:
        overrides["config"] = None
        if recorded.get("config") is not None:
            overrides["config"] = scratch / "config.toml"
            overrides["config"].write_text(config_toml(recorded["config"]), encoding="utf-8")
    try:
        request = jobs.request_from(command, recorded["command"]["options"], **overrides)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # the re-run is as quiet as --quiet
            jobs.run_job(command, request)
    except SegmentError as e:
        raise _rerun_error(recorded, e) from None


def _rerun_error(recorded: dict, error: SegmentError) -> SegmentError:
    """The error of a failed re-run, of the same class (and exit code), naming the inputs
    that changed since the manifest."""
    from ..provenance.files import sha256_file

    changed = []
    for i in recorded.get("inputs", []):
        try:
            if sha256_file(Path(i["path"])) != i["sha256"]:
                changed.append(i["path"])
        except InputError:
            changed.append(i["path"])
    msg = f"re-running segment {recorded['command']['name']} failed (exit {error.exit_code}): {error}"
    if changed:
        msg += f"; changed since the manifest: {', '.join(changed)}"
    out = type(error)(msg)
    out.exit_code = error.exit_code
    return out
