"""``segment sample``: write realistic synthetic extracts of any size."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from . import options as o
from .render import Reporter, out_console


class FileFormat(str, Enum):
    parquet = "parquet"
    csv = "csv"


def register(app: typer.Typer) -> None:
    app.command("sample")(sample)


def sample(
    ctx: typer.Context,
    out: Annotated[Path, typer.Option("--out", "-o", help="Folder to create with the extracts.")],
    customers: Annotated[int, typer.Option(help="Number of subscribers.")] = 3000,
    months: Annotated[int, typer.Option(help="Calendar months of history.")] = 4,
    seed: Annotated[int, typer.Option(help="Random seed; the same seed gives the same bytes.")] = 42,
    end_month: Annotated[str, typer.Option(help="Last month generated, YYYY-MM.")] = "2026-08",
    fmt: Annotated[FileFormat, typer.Option("--format", "-f", help="File format of the extracts.")] = FileFormat.parquet,
    force: o.Force = False,
) -> None:
    """Generate customers, cdr, billing, interactions and recharges extracts (plus truth).

    Example: [bold]segment sample --customers 200000 --months 4 --seed 1 --out big/[/]
    """
    from segment.errors import UsageError
    from segment.generate import generate
    from segment.io import atomic_dir
    from segment.manifest import Record

    report = Reporter(quiet=ctx.obj.quiet, name="segment sample")
    record = Record("sample", {"customers": customers, "months": months, "seed": seed, "end_month": end_month,
                               "format": fmt.value}, seed=seed)
    with atomic_dir(out, force) as tmp:
        try:
            summary = generate(tmp, customers=customers, months=months, seed=seed, end_month=end_month,
                               fmt=fmt.value, progress=lambda done, total: report(f"chunk {done}/{total}"))
        except ValueError as e:
            raise UsageError(str(e)) from None
        record.write_into(tmp, out.name)
    report.done(f"wrote {out}")
    con = out_console()
    for table, n in summary.rows.items():
        files = summary.files[table]
        con.print(f"{table:<13} {n:>12,} rows  {len(files)} file(s)")
