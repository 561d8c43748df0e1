"""``segment rules``: each segment's rules in plain words, and rules.sql beside model.sql."""

from __future__ import annotations

import typer

from . import options as o
from .execute import execute


def register(app: typer.Typer) -> None:
    app.command("rules")(rules)


def rules(ctx: typer.Context, run_dir: o.RulesRun, features_file: o.RulesFeatures = None, config: o.ConfigFile = None,
          out: o.RulesOut = None, fmt: o.OutputFormat = o.Format.table, force: o.Force = False) -> None:
    """Segment rules a marketer can read (a shallow decision tree per brand), with precision, coverage and rules.sql.

    Example: [bold]segment rules results/[/]
    """
    from segment.jobs.rules import Request

    from .views.rules import rules as view

    request = Request(run=run_dir, features=features_file, config=config, out=out, force=force)
    execute(ctx, "rules", request, view, fmt)
