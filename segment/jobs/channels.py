"""``segment channels``: each customer's share of service contacts per channel."""

from __future__ import annotations

from dataclasses import dataclass

from . import analysis
from .common import Outcome, Progress


@dataclass(frozen=True)
class Request(analysis.AnalysisRequest):
    pass


def run(req: Request, progress: Progress | None = None) -> Outcome:
    from ..channels import analyse

    return analysis.run("channels", req, analyse, progress)
