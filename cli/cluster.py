"""``segment cluster``: screen, prepare and cluster every brand of a features table."""

from __future__ import annotations

import typer

from . import options as o
from .execute import execute
from .options import with_inputs


def register(app: typer.Typer) -> None:
    app.command("cluster")(cluster)


@with_inputs
def cluster(ctx: typer.Context, inputs: dict, features_file: o.FeaturesFile = None, id_col: o.IdCol = "customer_id",
            brand_col: o.BrandCol = "brand", no_brand: o.NoBrand = False, k: o.K = "auto", seed: o.Seed = None,
            skip_failed_brands: o.SkipFailed = False, previous: o.Previous = None, profile: o.ProfileCols = None,
            outcome: o.OutcomeCols = None, revenue: o.Revenue = None, names: o.Names = None,
            out: o.ClusterOut = None, fmt: o.OutputFormat = o.Format.table, force: o.Force = False) -> None:
    """Segment each brand of a features table (screening, preparation, k choice, stability).

    Example: [bold]segment cluster --features telco.csv --id customer_id --brand contract --revenue monthly_charges --out seg/[/]
    """
    from segment.jobs.cluster import Request

    from .views.segments import cluster as view

    request = Request(**inputs, features=features_file, id=id_col, brand=brand_col, no_brand=no_brand, k=k,
                      seed=seed, skip_failed_brands=skip_failed_brands, previous=previous, profile=tuple(profile or ()),
                      outcome=tuple(outcome or ()), revenue=revenue, names=names, out=out, force=force)
    execute(ctx, "cluster", request, view, fmt)
