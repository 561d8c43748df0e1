"""``segment compare``: two runs side by side, brand by brand: which segment is which,
who moved, how each segment drifted, how k changed, and what screening decided
differently (segment/tracking/)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from . import common
from .common import SCHEMA_VERSION, Options, Outcome, Progress


@dataclass(frozen=True)
class Request(Options):
    run_a: Path  # the earlier run folder (run / cluster --out)
    run_b: Path  # the later one
    config: Path | None = None  # [tracking] settings
    out: Path | None = None  # the customers who moved (.parquet or .csv)
    force: bool = False


def run(req: Request, progress: Progress | None = None) -> Outcome:
    """``summary`` is the comparison (``result``: a :class:`segment.tracking.Comparison`).
    Raises InputError (exit 3) when a folder is not a run or a brand cannot be matched."""
    from .. import config as cfgmod
    from ..io.outputs import check_table_out, write_frame
    from ..numbers import sig
    from ..tracking import compare, load_run

    say = common.say(progress)
    check_table_out(req.out, req.force)
    cfg = cfgmod.load(req.config)
    say(f"reading {req.run_a} and {req.run_b}")
    a, b = load_run(req.run_a), load_run(req.run_b)
    say("matching segments")
    result = compare(a, b, cfg.tracking)
    if req.out is not None:
        write_frame(result.movers, req.out, req.force)
        common.record("compare", req, cfg, files={"run_a": a.files, "run_b": b.files}).write_beside(req.out)
    summary = {"version": SCHEMA_VERSION, **sig(result.summary()), "psi_alert": cfg.tracking.psi_alert,
               "movers": result.movers.height, "out": None if req.out is None else str(req.out)}
    warnings = [f"brand {x} is only in {run}" for run, key in ((req.run_a, "brands_only_a"), (req.run_b, "brands_only_b"))
                for x in summary[key]]
    if not result.screening["available"]:
        warnings.append("screening.json is missing from a run: no screening diff")
    if a.features is None or b.features is None:
        warnings.append("a run holds no features (features.parquet, or the table cluster --features recorded): "
                        "no drift, and no centre distances")
    moved = sum(c["customers"]["movers"] for c in result.brands.values())
    shared = sum(c["customers"]["shared"] for c in result.brands.values())
    done = (f"{len(result.brands)} brand(s) compared: {shared - moved:,} of {shared:,} shared customers in the "
            f"matched segment" + (f"; {moved:,} movers -> {req.out}" if req.out else ""))
    return Outcome(summary, done, warnings, result)
