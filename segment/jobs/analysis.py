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
    out: Path | None = None  # one row per customer: .parquet, .csv or .xlsx (plus the summary's tables)
    segments: Path | None = None  # customer_id, segment[, brand] for per-segment cross-tabs
    list: str | None = None  # a campaign list: the customers of one stage, tier or preferred channel
    excel_csv: bool = False  # a CSV --out starts with a byte-order mark (also [output] csv_bom)
    force: bool = False


def run(name: str, req: AnalysisRequest, analyse: Callable, progress: Progress | None) -> Outcome:
    """Compute the features once, run ``analyse(fs, cfg, segments)``, write ``req.out`` (one
    row per customer, or with ``req.list`` the campaign list) and its manifest. With a list,
    the summary also holds it (``listing``), its size and notes on its empty columns."""
    from .. import campaign, quality, tabulate
    from ..features import compute
    from ..io.outputs import SHEET_SUFFIXES, check_table_out, write_frame

    say = common.say(progress)
    cfg = common.load_config(req)
    gates = common.gates(req, cfg, quality.FEATURE_GATES)
    cfg = quality.with_gates(cfg, gates)
    check_table_out(req.out, req.force, SHEET_SUFFIXES)
    campaign.check_level(name, req.list)
    segs = tabulate.read_segments(req.segments) if req.segments else None
    sources = common.sources(req, for_manifest=req.out is not None)
    with common.resources(req), compute(sources, cfg, common.engine(req, cfg), progress=say) as fs:
        say(f"{name} analysis")
        result = analyse(fs, cfg, segs)
        quality.check(gates, quality.measure_features(fs))
        out = {**result.summary(), "list": req.list, "out": str(req.out) if req.out else None}
        rows = result.customers
        if req.list is not None:
            rows, notes = campaign.build(name, req.list, result, fs, cfg, segs)
            out.update(listed=rows.height, list_notes=notes, listing=rows.to_dicts())
        if req.out is not None:
            say(f"writing {req.out}")
            write_frame(rows, req.out, req.force, bom=req.excel_csv or cfg.output.csv_bom, sheets=_sheets(req.out, out))
        warnings = list(fs.warnings)
    if req.out is not None:
        # the analyses describe every customer of the window: the 'all' population
        common.record(name, req, cfg, sources, result.window, "all",
                      files={"segments": req.segments}).write_beside(req.out)
    done = f"{rows.height} customers" + (f" -> {req.out}" if req.out else "")
    return Outcome(out, done, warnings, result)


def _sheets(out: Path, summary: dict) -> dict | None:
    """The summary's tables, as the further sheets of an .xlsx --out."""
    if out.suffix.lower() != ".xlsx":
        return None
    from ..io.sheets import summary_sheets

    return summary_sheets({k: v for k, v in summary.items() if k != "listing"})
