"""``segment sample``: write realistic synthetic extracts of any size."""

from __future__ import annotations

import typer

from . import options as o
from .execute import execute


def register(app: typer.Typer) -> None:
    app.command("sample")(sample)


def sample(ctx: typer.Context, out: o.SampleOut, customers: o.SampleCustomers = 3000, months: o.SampleMonths = 4,
           seed: o.SampleSeed = 42, end_month: o.SampleEnd = "2026-08",
           file_format: o.SampleFileFormat = o.FileFormat.parquet, structure: o.SampleStructure = "default",
           fmt: o.OutputFormat = o.Format.table, force: o.Force = False) -> None:
    """Generate customers, cdr, billing, interactions and recharges extracts (plus truth).

    Example: [bold]segment sample --customers 200000 --months 4 --seed 1 --out big/[/]
    """
    from segment.jobs.sample import Request

    from .views.small import sample as view

    request = Request(out=out, customers=customers, months=months, seed=seed, end_month=end_month,
                      file_format=file_format.value, structure=structure, force=force)
    execute(ctx, "sample", request, view, fmt)
