"""``segment multisim``: off-net numbers and other customers whose contacts are a customer's own (second phones)."""

from __future__ import annotations

from dataclasses import dataclass

from . import graph
from .common import Outcome, Progress


@dataclass(frozen=True)
class Request(graph.GraphRequest):
    pass


def run(req: Request, progress: Progress | None = None) -> Outcome:
    from ..callgraph import multisim

    return graph.run("multisim", req, multisim, progress)
