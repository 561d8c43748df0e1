"""``segment features``: one row per customer with the indicators of the catalogue."""

from __future__ import annotations

import typer

from . import options as o
from .execute import execute
from .options import with_inputs


def register(app: typer.Typer) -> None:
    app.command("features")(features)


@with_inputs
def features(ctx: typer.Context, inputs: dict, out: o.FeaturesOut = None, list_: o.ListCatalogue = False,
             excel_csv: o.ExcelCsv = False, fmt: o.OutputFormat = o.Format.table, force: o.Force = False) -> None:
    """Compute one row per customer: monthly averages, shares and social-circle indicators.

    Example: [bold]segment features --data sample_data --out features.parquet[/]
    """
    from segment.jobs import features as job

    from .views import features as view

    if list_:
        view.catalogue(job.catalogue(job.CatalogueRequest(inputs["config"])), fmt)
    else:
        execute(ctx, "features", job.Request(**inputs, out=out, excel_csv=excel_csv, force=force), view.summary, fmt)
