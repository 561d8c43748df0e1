"""``segment report``: one self-contained HTML file with charts, to share a run."""

from __future__ import annotations

import typer

from . import options as o
from .execute import execute


def register(app: typer.Typer) -> None:
    app.command("report")(report)


def report(ctx: typer.Context, run: o.ReportRun, out: o.ReportOut, previous: o.ReportPrevious = None,
           fmt: o.OutputFormat = o.Format.table, force: o.Force = False) -> None:
    """Write one HTML file (charts inline, opens offline) describing a run folder.

    Example: [bold]segment report results/ --previous last_quarter/ --out report.html[/]
    """
    from segment.jobs.report import Request

    from .views.small import report as view

    execute(ctx, "report", Request(run=run, out=out, previous=previous, force=force), view, fmt)
