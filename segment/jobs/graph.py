"""What the multisim and reentry jobs share: the features' pass over the inputs, one call
of :mod:`segment.callgraph`, ``--out`` (one row per pair found) and its manifest."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from . import common
from .common import SCHEMA_VERSION, InputOptions, Outcome, Progress


@dataclass(frozen=True)
class GraphRequest(InputOptions):
    out: Path | None = None  # one row per pair found: .parquet or .csv
    force: bool = False


def run(name: str, req: GraphRequest, find: Callable, progress: Progress | None) -> Outcome:
    """Compute the features once (their checks and gates), run ``find(fs, cfg)``, write
    ``req.out`` atomically and its manifest beside it."""
    from .. import quality
    from ..callgraph import check_id_space
    from ..features import compute
    from ..io.outputs import check_table_out, write_frame

    say = common.say(progress)
    cfg = common.load_config(req)
    check_id_space(cfg)
    gates = common.gates(req, cfg, quality.FEATURE_GATES)
    cfg = quality.with_gates(cfg, gates)
    check_table_out(req.out, req.force, (".parquet", ".csv"))
    sources = common.sources(req, for_manifest=req.out is not None)
    with common.resources(req), compute(sources, cfg, common.engine(req, cfg), progress=say) as fs:
        say(f"{name}: matching contacts")
        result = find(fs, cfg)
        quality.check(gates, quality.measure_features(fs))
        rows = result.customers
        out = {"version": SCHEMA_VERSION, **result.summary(), "out": str(req.out) if req.out else None, "rows": rows.to_dicts()}
        if req.out is not None:
            say(f"writing {req.out}")
            write_frame(rows, req.out, req.force)
        warnings = list(fs.warnings)
    if req.out is not None:
        common.record(name, req, cfg, sources, result.window, "all").write_beside(req.out)
    done = f"{rows.height} {name} pair(s)" + (f" -> {req.out}" if req.out else "")
    return Outcome(out, done, warnings, result)
