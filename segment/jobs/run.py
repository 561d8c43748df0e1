"""``segment run``: the main job, from extracts to segments, profiles and the analyses around them."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path

from ..errors import InputError, UsageError
from . import common
from .common import InputOptions, Outcome, Progress


@dataclass(frozen=True)
class Request(InputOptions):
    out: Path | None = None  # a folder: features, screening, assignments, profiles, model, analyses
    k: str = "auto"
    seed: int | None = None
    skip_failed_brands: bool = False
    report: bool = False  # also write report.html into the folder (segment report), listed in its manifest
    previous: Path | None = None  # a previous run folder: matching segments keep its numbers and names
    names: Path | None = None  # segment names set by hand (segment/naming.py)
    force: bool = False


def default_data() -> Path:
    """The bundled sample: ./sample_data, else the one beside the source checkout."""
    for candidate in (Path("sample_data"), Path(__file__).resolve().parents[2] / "sample_data"):
        if candidate.is_dir():
            return candidate
    raise InputError("no --data given and no sample_data/ folder here; use --data DIR")


def run(req: Request, progress: Progress | None = None) -> Outcome:
    """Segment every brand and describe the customers around the segments; write ``req.out``."""
    from .. import quality
    from ..io.outputs import atomic_dir, check_writable
    from ..naming import load as load_names
    from ..pipeline import run as run_pipeline

    say = common.say(progress)
    k = common.parse_k(req.k)
    if req.report and req.out is None:
        raise UsageError("--report writes report.html into the --out folder: give --out")
    if not req.extracts_given():
        req = dataclasses.replace(req, data=default_data())
    cfg = common.load_config(req)
    gates = common.gates(req, cfg, quality.RUN_GATES)
    cfg = quality.with_gates(cfg, gates)
    if req.out is not None:
        check_writable(req.out, req.force)
    sources = common.sources(req, for_manifest=req.out is not None)
    previous = common.previous_run(req.previous)
    names = load_names(req.names)
    with common.resources(req):
        result = run_pipeline(sources, cfg, common.engine(req, cfg), k, req.seed, req.skip_failed_brands, say, previous,
                              names)
    quality.check(gates, quality.measure_run(result))
    if req.out is not None:
        say(f"writing {req.out}")
        seed = result.segmentation.seed
        record = common.record("run", req, cfg, sources, result.window, cfg.features.population, seed,
                               files={"previous": previous.files if previous else None, "names": req.names})
        with atomic_dir(req.out, req.force) as tmp:
            result.write(tmp)
            record.write_into(tmp, req.out.name)
            if req.report:
                from ..report import write_into

                say("writing report.html")
                write_into(tmp, req.out.name)
    warnings = [*result.warnings, *(f"{name} skipped: {why}" for name, why in result.skipped.items())]
    done = f"{len(result.segmentation.brands)} brand(s) segmented" + (f" -> {req.out}" if req.out else "")
    done += " (with report.html)" if req.report else ""
    # the data-quality measures (what every gate would compare) and the warnings, for scripts
    measures = {k: {"value": m.value, "text": m.text} for k, m in quality.measure_run(result).items()}
    return Outcome({**result.summary(), "quality": measures, "warnings": warnings}, done, warnings, result)
