"""``segment screen``: which indicators to cluster on, and for every other one exactly why not."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from . import common
from .cluster import TableOptions, load_table
from .common import Outcome, Progress


@dataclass(frozen=True)
class Request(TableOptions):
    by_brand: bool = False  # also screen each brand separately
    factors: bool = False  # add the factor-analysis view
    out: Path | None = None  # the JSON report, or an .xlsx workbook of its tables
    force: bool = False


def run(req: Request, progress: Progress | None = None) -> Outcome:
    from .. import quality
    from ..io.outputs import atomic_path, check_writable, write_json
    from .. import roles
    from ..screening import screen

    say = common.say(progress)
    req.check_source()
    cfg = common.load_config(req)
    gates = common.gates(req, cfg, quality.SCREEN_GATES | (quality.FEATURE_GATES if req.features is None else set()))
    cfg = quality.with_gates(cfg, gates)
    if req.out is not None:
        check_writable(req.out, req.force)
    frame, measures, sources, window, warnings = load_table(req, cfg, say, req.out is not None)
    say(f"screening {frame.width} columns x {frame.height} rows")
    asked = roles.asked_roles(req.asked(), cfg)
    brand = req.brand if req.brand in frame.columns else None
    outcomes = roles.outcome_columns(frame, cfg, req.id, brand, asked)  # never screened (segment/roles.py)
    result = screen(frame.drop(outcomes), cfg.screening, req.id, req.brand, req.by_brand, req.factors)
    result.roles = roles.assign(frame, cfg, req.id, brand, result, asked).to_list()
    quality.check(gates, {**measures, **quality.measure_screening(result)})
    report = result.to_dict()
    if req.out is not None:
        with atomic_path(req.out, req.force) as tmp:
            if req.out.suffix.lower() == ".xlsx":
                from ..io.sheets import summary_sheets, write_workbook

                write_workbook(summary_sheets(report), tmp)
            else:
                write_json(report, tmp)
        common.record("screen", req, cfg, sources, window, cfg.features.population, cfg.screening.seed,
                      files={"features": req.features}).write_beside(req.out)
    s = result.summary()
    done = f"{s['indicators']} indicators, {s['kept']} kept" + (f" -> {req.out}" if req.out else "")
    return Outcome(report, done, warnings, result)
