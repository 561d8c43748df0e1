"""``segment churn``: a churn stage per customer with the rules that fired."""

from __future__ import annotations

import typer

from . import options as o
from .execute import execute
from .options import with_inputs


def register(app: typer.Typer) -> None:
    app.command("churn")(churn)


@with_inputs
def churn(ctx: typer.Context, inputs: dict, out: o.TableOut = None, segments: o.Segments = None,
          list_: o.ListStage = None, excel_csv: o.ExcelCsv = False, fmt: o.OutputFormat = o.Format.table,
          force: o.Force = False) -> None:
    """Churn early warning: churned, alert, warning or healthy, with the reasons.

    Example: [bold]segment churn --data sample_data --list alert --out alert.csv[/]
    """
    from segment.jobs.churn import Request

    from .views.analyses import churn as view

    stage = list_.value if list_ else None
    request = Request(**inputs, out=out, segments=segments, list=stage, excel_csv=excel_csv, force=force)
    execute(ctx, "churn", request, view, fmt)
