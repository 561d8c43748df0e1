"""``segment score``: apply a saved model to a features table (the same SQL as model.sql)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from . import options as o
from .render import SCHEMA_VERSION, out_console, write_csv, write_json


def register(app: typer.Typer) -> None:
    app.command("score")(score)


def score(
    model_path: Annotated[Path, typer.Option("--model", help="Output folder of segment run / cluster, or its model.json.")],
    features_file: Annotated[Path, typer.Option("--features", help="Features of the customers to score (CSV or Parquet).")],
    out: Annotated[Path, typer.Option("--out", "-o", help="Assignments to write (.parquet or .csv).")],
    fmt: o.OutputFormat = o.Format.table,
    force: o.Force = False,
) -> None:
    """Assign segments to new customers with a saved model; print the segment counts.

    Example: [bold]segment score --model results/ --features next_quarter.parquet --out assigned.parquet[/]
    """
    import polars as pl

    from segment import model as modelmod
    from segment.errors import UsageError
    from segment.io import atomic_path, check_writable
    from segment.manifest import Record, absolute, input_files
    from segment.pipeline import write_parquet
    from segment.tables import read_table

    if out.suffix.lower() not in (".parquet", ".csv"):
        raise UsageError(f"--out {out}: the name must end in .parquet or .csv")
    check_writable(out, force)
    model = modelmod.load(model_path)
    assigned = modelmod.score(model, read_table(features_file), str(features_file))
    with atomic_path(out, force) as tmp:
        (write_parquet(assigned, tmp) if out.suffix.lower() == ".parquet" else assigned.write_csv(tmp))
    model_file = model_path / "model.json" if model_path.is_dir() else model_path
    Record("score", {"model": absolute(model_path), "features": absolute(features_file)},
           input_files(model=model_file, features=features_file)).write_beside(out)
    counts = assigned.group_by("brand", "segment", "segment_name").len("customers").sort("brand", "segment")
    if fmt == o.Format.json:
        write_json({"version": SCHEMA_VERSION, "out": str(out), "customers": assigned.height, "segments": counts.to_dicts()})
    elif fmt == o.Format.csv:
        write_csv(counts.columns, counts.rows())
    else:
        from rich.table import Table

        t = Table(title=f"{assigned.height:,} customers scored -> {out}", title_justify="left")
        for c in ("brand", "segment", "name", "customers"):
            t.add_column(c, justify="right" if c in ("segment", "customers") else "left")
        for b, s, n, c in counts.rows():
            t.add_row(b, str(s), n, f"{c:,}")
        out_console().print(t)
