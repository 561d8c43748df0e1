"""``segment compare``: two runs side by side (matching, transitions, movers, drift, k, screening)."""

from __future__ import annotations

import typer

from . import options as o
from .execute import execute


def register(app: typer.Typer) -> None:
    app.command("compare")(compare)


def compare(ctx: typer.Context, run_a: o.RunA, run_b: o.RunB, config: o.ConfigFile = None, out: o.MoversOut = None,
            fmt: o.OutputFormat = o.Format.table, force: o.Force = False) -> None:
    """Compare two runs: which segment is which, who moved, drift, k and screening changes.

    Example: [bold]segment compare results_q1/ results_q2/ --out movers.parquet[/]
    """
    from segment.jobs.compare import Request

    from .views.compare import compare as view

    execute(ctx, "compare", Request(run_a=run_a, run_b=run_b, config=config, out=out, force=force), view, fmt)
