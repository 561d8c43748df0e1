"""``segment run``: the main job, from extracts to segments, profiles and the analyses around them."""

from __future__ import annotations

import typer

from . import options as o
from .execute import execute
from .options import with_inputs


def register(app: typer.Typer) -> None:
    app.command("run")(run)


@with_inputs
def run(ctx: typer.Context, inputs: dict, out: o.RunOut = None, k: o.K = "auto", seed: o.Seed = None,
        skip_failed_brands: o.SkipFailed = False, previous: o.Previous = None, names: o.Names = None,
        report: o.RunReport = False,
        fmt: o.OutputFormat = o.Format.table,
        force: o.Force = False) -> None:
    """Segment every brand: features, screening, clustering, profiles, value, churn, channels.

    Example: [bold]segment run --data extracts/ --out results/ --seed 7[/]
    """
    from segment.jobs.run import Request

    from .views.segments import run as view

    request = Request(**inputs, out=out, k=k, seed=seed, skip_failed_brands=skip_failed_brands, previous=previous,
                      names=names, report=report, force=force)
    execute(ctx, "run", request, view, fmt)
