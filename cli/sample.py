"""``segment sample``: write realistic synthetic extracts of any size."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from . import options as o
from .render import SCHEMA_VERSION, Reporter, out_console, write_csv, write_json


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
    file_format: Annotated[FileFormat, typer.Option("--file-format", help="File format of the extracts.")] = FileFormat.parquet,
    fmt: o.OutputFormat = o.Format.table,
    force: o.Force = False,
) -> None:
    """Generate customers, cdr, billing, interactions and recharges extracts (plus truth).

    Example: [bold]segment sample --customers 200000 --months 4 --seed 1 --out big/[/]
    """
    from segment.errors import UsageError
    from segment.synth import generate
    from segment.io import atomic_dir
    from segment.manifest import Record

    report = Reporter(quiet=ctx.obj.quiet, name="segment sample")
    record = Record("sample", {"customers": customers, "months": months, "seed": seed, "end_month": end_month,
                               "file_format": file_format.value}, seed=seed)
    with atomic_dir(out, force) as tmp:
        try:
            result = generate(tmp, customers=customers, months=months, seed=seed, end_month=end_month,
                              fmt=file_format.value, progress=lambda done, total: report(f"chunk {done}/{total}"))
        except ValueError as e:
            raise UsageError(str(e)) from None
        # paths relative to the output folder (they were written into its temporary twin)
        files = {t: [p.relative_to(tmp).as_posix() for p in ps] for t, ps in result.files.items()}
        record.write_into(tmp, out.name)
    report.done(f"wrote {out}")
    summary = {"version": SCHEMA_VERSION, "out": str(out), "customers": customers, "months": result.months,
               "seed": seed, "file_format": file_format.value,
               "tables": {t: {"rows": n, "files": files[t]} for t, n in result.rows.items()}}
    if fmt == o.Format.json:
        write_json(summary)
    elif fmt == o.Format.csv:
        write_csv(["table", "rows", "files"], [(t, v["rows"], len(v["files"])) for t, v in summary["tables"].items()])
    else:
        con = out_console()
        for table, v in summary["tables"].items():
            con.print(f"{table:<13} {v['rows']:>12,} rows  {len(v['files'])} file(s)")
