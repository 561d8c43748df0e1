"""``segment sample``: write realistic synthetic extracts of any size (the same seed
gives the same bytes)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from . import common
from .common import SCHEMA_VERSION, Options, Outcome, Progress


@dataclass(frozen=True)
class Request(Options):
    out: Path  # the folder to create
    customers: int = 3000
    months: int = 4
    seed: int = 42
    end_month: str = "2026-08"
    file_format: str = "parquet"  # parquet or csv
    structure: str = "default"  # the planted segments (segment/synth/structures.py)
    force: bool = False


def run(req: Request, progress: Progress | None = None) -> Outcome:
    from ..errors import UsageError
    from ..synth import generate
    from ..io.outputs import atomic_dir

    say = common.say(progress)
    record = common.record("sample", req, seed=req.seed)
    with atomic_dir(req.out, req.force) as tmp:
        try:
            result = generate(tmp, customers=req.customers, months=req.months, seed=req.seed,
                              end_month=req.end_month, fmt=req.file_format, structure=req.structure,
                              progress=lambda done, total: say(f"chunk {done}/{total}"))
        except ValueError as e:
            raise UsageError(str(e)) from None
        # paths relative to the output folder (they were written into its temporary twin)
        files = {t: [p.relative_to(tmp).as_posix() for p in ps] for t, ps in result.files.items()}
        record.write_into(tmp, req.out.name)
    summary = {"version": SCHEMA_VERSION, "out": str(req.out), "customers": req.customers, "months": result.months,
               "seed": req.seed, "file_format": req.file_format, "structure": req.structure,
               "tables": {t: {"rows": n, "files": files[t]} for t, n in result.rows.items()}}
    return Outcome(summary, f"wrote {req.out}")
