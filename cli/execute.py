"""Running a job from a command: progress and warnings on stderr, the result on stdout."""

from __future__ import annotations

import dataclasses
from typing import Callable

import typer

from .views.output import Reporter, for_people


def execute(ctx: typer.Context, command: str, request, view: Callable, fmt) -> None:
    """Run the job of ``command`` with a progress reporter, say what it warned about
    and what it did, show its outcome with ``view(outcome, fmt)``; then raise the
    outcome's failure (a check that failed: exit 4) if it has one."""
    from segment import jobs

    report = Reporter(quiet=ctx.obj.quiet, name=f"segment {command}")
    try:
        outcome = jobs.run_job(command, request, report)
    finally:
        report.stop()
    for w in outcome.warnings:
        report.warn(w)
    report.done(outcome.done)
    if getattr(fmt, "value", fmt) == "table":  # data drawn by Rich: escaped (for_people)
        outcome = dataclasses.replace(outcome, summary=for_people(outcome.summary))
    view(outcome, fmt)
    if outcome.failure is not None:
        raise outcome.failure
