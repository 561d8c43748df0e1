"""``segment profile``: the segments of a brand, or every indicator of one segment."""

from __future__ import annotations

import typer

from . import options as o
from .execute import execute


def register(app: typer.Typer) -> None:
    app.command("profile")(profile)


def profile(ctx: typer.Context, run_dir: o.RunDir, brand: o.ProfileBrand = None, segment: o.ProfileSegment = None,
            names: o.Names = None, out: o.ProfileOut = None, fmt: o.OutputFormat = o.Format.table, force: o.Force = False) -> None:
    """Show segment profiles: size, share, ARPU, stability, key indicators as index vs brand.

    Example: [bold]segment profile --run results/ --brand GoTone --segment 2[/]
    """
    from segment.jobs.profile import Request

    from .views.segments import profile as view

    request = Request(run=run_dir, brand=brand, segment=segment, names=names, out=out, force=force)
    execute(ctx, "profile", request, view, fmt)
