"""``segment profile``: the segments of a run, or every indicator of one segment."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..errors import InputError, UsageError
from ..io.outputs import check_writable
from .common import Options, Outcome, Progress, check_suffix, record


@dataclass(frozen=True)
class Request(Options):
    run: Path  # an output folder of run / cluster (or its profiles.json)
    brand: str | None = None
    segment: int | None = None  # every indicator of this segment (needs brand)
    names: Path | None = None  # segment names set by hand (segment/naming.py), shown instead of the run's
    out: Path | None = None  # what is shown, as .json or as an .xlsx workbook of its tables
    force: bool = False


def read_profiles(run_dir: Path) -> tuple[dict, Path]:
    """profiles.json of a run folder (or the file itself). Raises InputError (exit 3)."""
    from ..io.inputs import read_json

    profiles, path = read_json(run_dir, "profiles.json", "profiles.json (give the --out folder of segment run or cluster)")
    if not isinstance(profiles, dict) or not isinstance(profiles.get("brands"), dict):
        raise InputError(f"{path}: not a profiles.json written by segment")
    return profiles, path


def run(req: Request, progress: Progress | None = None) -> Outcome:
    """``summary`` is the brands' profiles, or with ``segment`` the segment's indicators
    (``result``: the segment's own profile)."""
    from .. import naming
    from ..categories import segment_rows
    from ..profiles import segment_detail

    if req.out is not None:
        check_suffix(req.out, (".json", ".xlsx"))
        check_writable(req.out, req.force)
    profiles, path = read_profiles(req.run)
    given = naming.load(req.names)
    segments = {b: [s["segment"] for s in v["segments"]] for b, v in profiles["brands"].items()}
    warnings = naming.unused(given, segments, req.names)
    profiles = naming.rename_profiles(profiles, given)
    brands = profiles["brands"]
    if req.brand is not None and req.brand not in brands:
        raise UsageError(f"--brand {req.brand!r}: not in {path} (brands: {', '.join(brands)})")
    if req.segment is None:
        shown = {b: v for b, v in brands.items() if req.brand is None or b == req.brand}
        return _written(req, path, Outcome({**profiles, "brands": shown}, f"{len(shown)} brand(s)", warnings))
    if req.brand is None:
        raise UsageError("--segment needs --brand")
    try:
        rows = segment_detail(brands[req.brand], req.segment)
    except KeyError:
        raise UsageError(f"--segment {req.segment}: {req.brand} has segments 1..{len(brands[req.brand]['segments'])}") from None
    seg = next(s for s in brands[req.brand]["segments"] if s["segment"] == req.segment)
    outcomes, categories = segment_rows(brands[req.brand], req.segment)
    summary = {"version": profiles["version"], "brand": req.brand, "segment": req.segment, "name": seg["name"],
               "indicators": rows, "outcomes": outcomes, "categories": categories}
    return _written(req, path, Outcome(summary, f"{req.brand} segment {req.segment}", warnings, seg))


def _written(req: Request, profiles_file: Path, outcome: Outcome) -> Outcome:
    """Write what is shown to ``req.out`` (and its manifest) when asked."""
    if req.out is None:
        return outcome
    from ..io.outputs import atomic_path, write_json
    from ..categories import long_tables
    from ..io.sheets import summary_sheets, write_workbook

    with atomic_path(req.out, req.force) as tmp:
        if req.out.suffix.lower() == ".xlsx":
            summary, first = long_tables(outcome.summary)  # categories and outcomes: one sheet each
            write_workbook(summary_sheets(summary, first), tmp)
        else:
            write_json(outcome.summary, tmp)
    record("profile", req, files={"profiles": profiles_file, "names": req.names}).write_beside(req.out)
    outcome.done += f" -> {req.out}"
    return outcome
