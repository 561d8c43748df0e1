"""``segment value``: ARPU and card tiers, value score, revenue concentration, group classes."""

from __future__ import annotations

from dataclasses import dataclass

from . import analysis
from .common import Outcome, Progress


@dataclass(frozen=True)
class Request(analysis.AnalysisRequest):
    pass


def run(req: Request, progress: Progress | None = None) -> Outcome:
    from ..value import analyse

    return analysis.run("value", req, analyse, progress)
