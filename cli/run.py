"""``segment run``: the main job, from extracts to segments, profiles and the analyses around them."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from . import cluster_options as co
from . import options as o
from .inputs import InputArgs, with_inputs
from .render import Reporter


def register(app: typer.Typer) -> None:
    app.command("run")(run)


def _default_data() -> Path:
    """The bundled sample: ./sample_data, else the one beside the source checkout."""
    from segment.errors import InputError

    for candidate in (Path("sample_data"), Path(__file__).resolve().parent.parent / "sample_data"):
        if candidate.is_dir():
            return candidate
    raise InputError("no --data given and no sample_data/ folder here; use --data DIR")


@with_inputs
def run(
    ctx: typer.Context,
    inputs: InputArgs,
    out: Annotated[Optional[Path], typer.Option("--out", "-o", help="Folder for the outputs (features, screening, assignments, profiles, model, value, churn, channels).")] = None,
    k: co.K = "auto",
    seed: co.Seed = None,
    skip_failed_brands: co.SkipFailed = False,
    fmt: o.OutputFormat = o.Format.table,
    force: o.Force = False,
) -> None:
    """Segment every brand: features, screening, clustering, profiles, value, churn, channels.

    Example: [bold]segment run --data extracts/ --out results/ --seed 7[/]
    """
    import dataclasses

    from segment import quality
    from segment.io import atomic_dir, check_writable
    from segment.pipeline import run as run_pipeline

    k_value = co.parse_k(k)
    if inputs.data is None and not any((inputs.customers, inputs.cdr, inputs.billing)):
        inputs = dataclasses.replace(inputs, data=_default_data())
    cfg = inputs.load_config()
    gates = inputs.gates(cfg, quality.RUN_GATES)
    if out is not None:
        check_writable(out, force)
    report = Reporter(quiet=ctx.obj.quiet, name="segment run")
    try:
        sources = inputs.sources(for_manifest=out is not None)
        result = run_pipeline(sources, cfg, inputs.engine(), k_value, seed, skip_failed_brands, report)
        quality.check(gates, quality.measure_run(result))
        if out is not None:
            report(f"writing {out}")
            seed = result.segmentation.seed
            record = inputs.record("run", cfg, sources, result.window, cfg.features.population, seed,
                                   options={"k": k, "seed": seed, "skip_failed_brands": skip_failed_brands})
            with atomic_dir(out, force) as tmp:
                result.write(tmp)
                record.write_into(tmp, out.name)
    finally:
        report.stop()
    for w in result.warnings:
        report.warn(w)
    for name, why in result.skipped.items():
        report.warn(f"{name} skipped: {why}")
    report.done(f"{len(result.segmentation.brands)} brand(s) segmented" + (f" -> {out}" if out else ""))
    from .segview import emit

    emit(result.summary(), fmt, analyses=True)
