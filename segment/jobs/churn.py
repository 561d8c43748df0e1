"""``segment churn``: a churn stage per customer with the rules that fired; ``list`` gives
one stage as a retention list (see :mod:`segment.campaign`)."""

from __future__ import annotations

from dataclasses import dataclass

from . import analysis
from .common import Outcome, Progress


@dataclass(frozen=True)
class Request(analysis.AnalysisRequest):
    pass


def run(req: Request, progress: Progress | None = None) -> Outcome:
    from ..churn import assess

    return analysis.run("churn", req, assess, progress)
