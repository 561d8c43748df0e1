"""``segment report``: one self-contained HTML file describing a run folder (and what
changed since a previous one), to open offline or attach to an e-mail."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path

from . import common
from .common import SCHEMA_VERSION, Options, Outcome, Progress


@dataclass(frozen=True)
class Request(Options):
    run: Path  # a folder written by segment run (or segment cluster)
    out: Path  # the HTML file
    previous: Path | None = None  # an earlier run folder: transitions and screening diff
    force: bool = False


def run(req: Request, progress: Progress | None = None) -> Outcome:
    """Write ``req.out``, and its manifest beside it (inputs: the run folders' files read)."""
    from .. import report
    from ..io.outputs import atomic_path, check_writable
    from ..provenance.files import absolute

    say = common.say(progress)
    common.check_suffix(req.out, (".html", ".htm"))
    check_writable(req.out, req.force)
    current = report.load(req.run)
    previous = report.load(req.previous) if req.previous is not None else None
    say("drawing the charts")
    rep = report.build(current, previous)
    data = rep.html.encode("utf-8")
    with atomic_path(req.out, req.force) as tmp:
        tmp.write_bytes(data)
    read = [("run", p) for p in current.files] + [("previous", p) for p in (previous.files if previous else [])]
    record = dataclasses.replace(common.record("report", req), inputs=tuple(sorted((r, absolute(p)) for r, p in read)))
    record.write_beside(req.out)
    summary = {"version": SCHEMA_VERSION, "out": str(req.out), "run": str(req.run),
               "previous": None if req.previous is None else str(req.previous), "bytes": len(data), **rep.summary()}
    warnings = list(current.notes)  # of the previous folder only assignments and screening are read
    return Outcome(summary, f"report of {current.name}: {len(rep.sections)} sections, {rep.charts} charts "
                            f"({len(data) / 1e6:.2f} MB) -> {req.out}", warnings, rep)
