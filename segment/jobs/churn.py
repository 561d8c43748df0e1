"""``segment churn``: a churn stage per customer with the rules that fired; ``list``
limits the output to one stage, highest value score first (a retention list)."""

from __future__ import annotations

from dataclasses import dataclass

from ..errors import UsageError
from . import analysis
from .common import Outcome, Progress


@dataclass(frozen=True)
class Request(analysis.AnalysisRequest):
    list: str | None = None  # churned, alert, warning or healthy


def run(req: Request, progress: Progress | None = None) -> Outcome:
    from ..churn import STAGES, assess

    stage = req.list
    if stage is not None and stage not in STAGES:
        raise UsageError(f"--list {stage}: choose from {', '.join(STAGES)}")
    table = (lambda r: r.listing(stage)) if stage else None
    outcome = analysis.run("churn", req, assess, progress, table=table, summary={"list": stage})
    if stage:
        outcome.summary["listed"] = outcome.result.listing(stage).height
    return outcome
