"""``segment features``: one row per customer with the indicators of the catalogue."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from . import common
from .common import SCHEMA_VERSION, InputOptions, Outcome, Progress


@dataclass(frozen=True)
class Request(InputOptions):
    out: Path | None = None  # .parquet or .csv
    excel_csv: bool = False  # a CSV --out starts with a byte-order mark (also [output] csv_bom)
    force: bool = False


def run(req: Request, progress: Progress | None = None) -> Outcome:
    """Compute the features; write ``req.out`` and its manifest when given."""
    from .. import quality
    from ..features import compute
    from ..io.outputs import check_writable

    say = common.say(progress)
    cfg = common.load_config(req)
    gates = common.gates(req, cfg, quality.FEATURE_GATES)
    cfg = quality.with_gates(cfg, gates)
    if req.out is not None:
        common.check_suffix(req.out)
        check_writable(req.out, req.force)
    sources = common.sources(req, for_manifest=req.out is not None)
    with common.resources(req), compute(sources, cfg, common.engine(req, cfg), progress=say) as fs:
        quality.check(gates, quality.measure_features(fs))
        if req.out is not None:
            say(f"writing {req.out}")
            fs.write(req.out, req.force, bom=req.excel_csv or cfg.output.csv_bom)
        summary = fs.summary()
    if req.out is not None:
        say("writing the manifest")
        common.record("features", req, cfg, sources, summary["window"], summary["population"]).write_beside(req.out)
    done = f"{summary['customers']} customers, {len(summary['indicators'])} indicators" + (
        f" -> {req.out}" if req.out else "")
    summary = {"version": SCHEMA_VERSION, "out": str(req.out) if req.out else None, **summary}
    return Outcome(summary, done, list(summary["warnings"]))


@dataclass(frozen=True)
class CatalogueRequest:
    """``segment features --list``: the catalogue, its definitions filled from the config."""

    config: Path | None = None


def catalogue(req: CatalogueRequest) -> Outcome:
    from .. import config as cfgmod
    from ..catalogue import ANGLES, catalogue as rows_of

    rows = rows_of(cfgmod.load(req.config))
    return Outcome({"version": SCHEMA_VERSION, "angles": ANGLES, "indicators": rows}, f"{len(rows)} indicators")
