"""What the value, churn and channels jobs share: one pass over the inputs, the
``--segments`` table, ``--out`` and its manifest."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from . import common
from .common import InputOptions, Outcome, Progress


@dataclass(frozen=True)
class AnalysisRequest(InputOptions):
    out: Path | None = None  # one row per customer: .parquet or .csv
    segments: Path | None = None  # customer_id, segment[, brand] for per-segment cross-tabs
    force: bool = False


def run(name: str, req: AnalysisRequest, analyse: Callable, progress: Progress | None,
        table: Callable | None = None, summary: dict | None = None) -> Outcome:
    """Compute the features once, run ``analyse(fs, cfg, segments)``, write ``req.out``
    (``table(result)``: the rows written, by default ``result.customers``) and its manifest.

    ``summary`` adds keys to the result's summary (a command's own options).
    """
    from .. import quality, tabulate
    from ..features import compute
    from ..io.outputs import check_table_out, write_frame

    say = common.say(progress)
    cfg = common.load_config(req)
    gates = common.gates(req, cfg, quality.FEATURE_GATES)
    check_table_out(req.out, req.force)
    segs = tabulate.read_segments(req.segments) if req.segments else None
    sources = common.sources(req, for_manifest=req.out is not None)
    with compute(sources, cfg, common.engine(req, cfg), progress=say) as fs:
        say(f"{name} analysis")
        result = analyse(fs, cfg, segs)
        quality.check(gates, quality.measure_features(fs))
        if req.out is not None:
            say(f"writing {req.out}")
            write_frame(table(result) if table else result.customers, req.out, req.force)
        warnings = list(fs.warnings)
    if req.out is not None:
        # the analyses describe every customer of the window: the 'all' population
        common.record(name, req, cfg, sources, result.window, "all",
                      files={"segments": req.segments}).write_beside(req.out)
    out = {**result.summary(), **(summary or {}), "out": str(req.out) if req.out else None}
    return Outcome(out, f"{result.detail.height} customers" + (f" -> {req.out}" if req.out else ""),
                   warnings, result)
