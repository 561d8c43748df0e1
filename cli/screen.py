"""``segment screen``: which indicators to cluster on, and for every other one exactly why not."""

from __future__ import annotations

import typer

from . import options as o
from .execute import execute
from .options import with_inputs


def register(app: typer.Typer) -> None:
    app.command("screen")(screen)


@with_inputs
def screen(ctx: typer.Context, inputs: dict, features_file: o.FeaturesFile = None, id_col: o.IdCol = "customer_id",
           brand_col: o.ScreenBrandCol = "brand", by_brand: o.ByBrand = False, factors: o.Factors = False,
           profile: o.ProfileCols = None, outcome: o.OutcomeCols = None, revenue: o.Revenue = None,
           out: o.ScreenOut = None, fmt: o.OutputFormat = o.Format.table, force: o.Force = False) -> None:
    """Screen indicators: drop the near-empty, near-constant and redundant ones, saying why.

    Example: [bold]segment screen --features features.parquet --by-brand --out screening.json[/]
    """
    from segment.jobs.screen import Request

    from .views.screen import screen as view

    request = Request(**inputs, features=features_file, id=id_col, brand=brand_col, by_brand=by_brand,
                      factors=factors, profile=tuple(profile or ()), outcome=tuple(outcome or ()), revenue=revenue,
                      out=out, force=force)
    execute(ctx, "screen", request, view, fmt)
