"""``segment score``: apply a saved model to a features table (the same SQL as model.sql)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from . import common
from .common import SCHEMA_VERSION, Options, Outcome, Progress


@dataclass(frozen=True)
class Request(Options):
    model: Path  # an output folder of run / cluster, or its model.json
    features: Path  # the customers to score (CSV or Parquet)
    out: Path  # the assignments (.parquet or .csv)
    excel_csv: bool = False  # a CSV --out starts with a byte-order mark
    force: bool = False
    fail_on: tuple[str, ...] | None = None  # data-quality gates: unscored[=N], any


def run(req: Request, progress: Progress | None = None) -> Outcome:
    from .. import model as modelmod, quality, why
    from ..io.outputs import check_table_out, write_frame
    from ..tables import read_table

    say = common.say(progress)
    gates = quality.resolve(req.fail_on or (), (), quality.SCORE_GATES)
    check_table_out(req.out, req.force)
    model = modelmod.load(req.model)
    say(f"scoring {req.features}")
    frame = read_table(req.features)
    assigned, unscored, notes = modelmod.score_all(model, frame, str(req.features))
    assigned = why.add(model, frame, assigned)  # why_1.. as in run / cluster (segment/why.py)
    quality.check(gates, quality.measure_score(unscored))
    write_frame(assigned, req.out, req.force, bom=req.excel_csv)
    model_file = req.model / "model.json" if req.model.is_dir() else req.model
    common.record("score", req, files={"model": model_file, "features": req.features}).write_beside(req.out)
    counts = assigned.group_by("brand", "segment", "segment_name").len("customers").sort("brand", "segment")
    summary = {"version": SCHEMA_VERSION, "out": str(req.out), "customers": assigned.height,
               "unscored": unscored, "segments": counts.to_dicts()}
    return Outcome(summary, f"{assigned.height} customers scored -> {req.out}", notes, counts)
