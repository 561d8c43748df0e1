"""``segment verify``: re-run a recorded command and check its outputs are byte-identical."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from . import options as o
from .render import Reporter, out_console, write_csv, write_json

COLUMNS = ("what", "name", "status", "recorded", "current", "detail")


def register(app: typer.Typer) -> None:
    app.command("verify")(verify)


def verify(
    ctx: typer.Context,
    path: Annotated[Path, typer.Argument(help="A manifest.json, a FILE.manifest.json, or a folder holding manifest.json.", show_default=False)],
    fmt: o.OutputFormat = o.Format.table,
) -> None:
    """Re-run the command of a manifest on the same inputs and compare every output (exit 4 if any differs).

    Example: [bold]segment verify results/[/]   or   [bold]segment verify features.parquet.manifest.json[/]
    """
    from segment.manifest import check, verify as run_verify

    report = Reporter(quiet=ctx.obj.quiet, name="segment verify")
    try:
        result = run_verify(path, progress=report)
    finally:
        report.stop()
    if fmt == o.Format.json:
        write_json(result.to_dict())
    elif fmt == o.Format.csv:
        write_csv(COLUMNS, result.rows())
    elif result.ok:
        print(result.ok_line())
    else:
        _table(result)
    check(result)


def _table(result) -> None:
    from rich.table import Table

    t = Table(title=f"segment verify {result.manifest}: what differs", title_justify="left")
    for col in ("what", "name", "status", "detail"):
        t.add_column(col, overflow="fold")
    for what, name, status, recorded, current, detail in result.rows(differences_only=True):
        if what in ("input", "version"):
            detail = f"recorded {recorded or '-'}; now {current or '-'}"
        t.add_row(what, name, status, detail)
    out_console().print(t)
