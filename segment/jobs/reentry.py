"""``segment reentry``: new lines whose first contacts are those of a line that left shortly before."""

from __future__ import annotations

from dataclasses import dataclass

from . import graph
from .common import Outcome, Progress


@dataclass(frozen=True)
class Request(graph.GraphRequest):
    pass


def run(req: Request, progress: Progress | None = None) -> Outcome:
    from ..callgraph import reentry

    return graph.run("reentry", req, reentry, progress)
