"""``segment score``: apply a saved model to a features table (the same SQL as model.sql)."""

from __future__ import annotations

import typer

from . import options as o
from .execute import execute


def register(app: typer.Typer) -> None:
    app.command("score")(score)


def score(ctx: typer.Context, model_path: o.Model, features_file: o.ScoreFeatures, out: o.ScoreOut,
          excel_csv: o.ExcelCsv = False, fmt: o.OutputFormat = o.Format.table, force: o.Force = False,
          fail_on: o.ScoreFailOn = None) -> None:
    """Assign segments to new customers with a saved model; print the segment counts.

    Example: [bold]segment score --model results/ --features next_quarter.parquet --out assigned.parquet[/]
    """
    from segment.jobs.score import Request

    from .views.small import score as view

    request = Request(model=model_path, features=features_file, out=out, excel_csv=excel_csv, force=force,
                      fail_on=tuple(fail_on) if fail_on else None)
    execute(ctx, "score", request, view, fmt)
