"""``segment verify``: re-run a recorded command and check its outputs are byte-identical."""

from __future__ import annotations

import typer

from . import options as o
from .execute import execute


def register(app: typer.Typer) -> None:
    app.command("verify")(verify)


def verify(ctx: typer.Context, path: o.Manifest, fmt: o.OutputFormat = o.Format.table) -> None:
    """Re-run the command of a manifest on the same inputs and compare every output (exit 4 if any differs).

    Example: [bold]segment verify results/[/]   or   [bold]segment verify features.parquet.manifest.json[/]
    """
    from segment.jobs.verify import Request

    from .views.small import verify as view

    execute(ctx, "verify", Request(path=path), view, fmt)
