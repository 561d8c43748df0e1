"""``segment cluster``: screen, prepare and cluster every brand of a features table."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from . import cluster_options as co
from . import options as o
from .inputs import InputArgs, with_inputs
from .render import Reporter

FeaturesFile = Annotated[Optional[Path], typer.Option("--features", help="A wide table (CSV or Parquet: one row per customer) instead of --data.", show_default=False)]
IdCol = Annotated[str, typer.Option("--id", help="Id column of the table.")]
BrandCol = Annotated[Optional[str], typer.Option("--brand", help="Brand column; segments are formed within each brand.")]
NoBrand = Annotated[bool, typer.Option("--no-brand", help="The table has no brand: segment it as one.")]


def register(app: typer.Typer) -> None:
    app.command("cluster")(cluster)


def load_table(inputs: InputArgs, cfg, features_file: Path | None, report, for_manifest: bool = False):
    """The features table (a user's file, or computed from the extracts), its quality
    measures, the extracts' sources and the window (None and None for a user's file)."""
    if features_file is not None:
        from segment.tables import read_table

        report(f"reading {features_file}")
        return read_table(features_file), {}, None, None
    from segment.features import compute
    from segment.quality import measure_features
    from segment.tabulate import window_info

    sources = inputs.sources(for_manifest)
    with compute(sources, cfg, inputs.engine(), progress=report) as fs:
        return fs.frame(), measure_features(fs), sources, window_info(fs)


@with_inputs
def cluster(
    ctx: typer.Context,
    inputs: InputArgs,
    features_file: FeaturesFile = None,
    id_col: IdCol = "customer_id",
    brand_col: BrandCol = "brand",
    no_brand: NoBrand = False,
    k: co.K = "auto",
    seed: co.Seed = None,
    skip_failed_brands: co.SkipFailed = False,
    out: Annotated[Optional[Path], typer.Option("--out", "-o", help="Folder for screening.json, assignments.parquet, profiles.json, model.json, model.sql.")] = None,
    fmt: o.OutputFormat = o.Format.table,
    force: o.Force = False,
) -> None:
    """Segment each brand of a features table (screening, preparation, k choice, stability).

    Example: [bold]segment cluster --features my_table.parquet --id msisdn --brand product --out seg/[/]
    """
    from segment import quality
    from segment.errors import UsageError
    from segment.io import atomic_dir, check_writable
    from segment.pipeline import segment_table

    k_value = co.parse_k(k)
    extracts = any(x is not None for x in (inputs.data, inputs.customers, inputs.cdr, inputs.billing))
    if extracts == (features_file is not None):
        raise UsageError("give either --data DIR (compute the features) or --features FILE (a wide table)")
    cfg = inputs.load_config()
    gates = inputs.gates(cfg, quality.SEGMENT_GATES | (quality.FEATURE_GATES if extracts else set()))
    if out is not None:
        check_writable(out, force)
    report = Reporter(quiet=ctx.obj.quiet, name="segment cluster")
    try:
        frame, measures, sources, window = load_table(inputs, cfg, features_file, report, out is not None)
        seg = segment_table(frame, cfg, id_col, None if no_brand else brand_col, k_value, seed,
                            skip_failed_brands, progress=report, threads=inputs.threads)
        quality.check(gates, {**measures, **quality.measure_segmentation(seg)})
        if out is not None:
            record = inputs.record("cluster", cfg, sources, window, cfg.features.population, seg.seed,
                                   files={"features": features_file}, options={
                                       "features": features_file, "id": id_col, "brand": brand_col,
                                       "no_brand": no_brand, "k": k, "seed": seg.seed,
                                       "skip_failed_brands": skip_failed_brands})
            with atomic_dir(out, force) as tmp:
                seg.write(tmp)
                record.write_into(tmp, out.name)
    finally:
        report.stop()
    report.done(f"{len(seg.brands)} brand(s) segmented" + (f" -> {out}" if out else ""))
    from .segview import emit

    emit(seg.profiles(), fmt)
