"""A report to share: one self-contained HTML file describing a run folder.

Usage from Python::

    from segment import report

    rep = report.build(report.load(Path("results")), previous=report.load(Path("last_quarter")))
    Path("report.html").write_text(rep.html, encoding="utf-8")
    rep.summary()        # the sections and their charts (segment report --format json)

The page opens offline: CSS inline, charts as inline SVG made here with matplotlib, no
script, no font or image fetched (a Content-Security-Policy forbids any request). The
same folder gives the same bytes: no time, no path of the machine, ids fixed by each
section's place in the report (see :mod:`.charts` for the SVG settings that make it so).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .folder import RunFolder, load
from .html import Section, page

__all__ = ["Report", "RunFolder", "build", "load", "write_into", "FILE"]

FILE = "report.html"  # its name inside a run folder (segment run --report)


@dataclass
class Report:
    html: str
    sections: list[Section]

    @property
    def charts(self) -> int:
        return sum(len(s.charts) for s in self.sections)

    def summary(self) -> dict:
        return {"charts": self.charts, "sections": [s.summary() for s in self.sections]}


def build(run: RunFolder, previous: RunFolder | None = None) -> Report:
    """The report of ``run`` (and what changed since ``previous``)."""
    from . import analyses, brand, overview
    from .previous import section as since

    sections = [overview.overview(run)]
    sections += [brand.brand(run, name, i) for i, name in enumerate(run.brands, 1)]
    sections += [analyses.value(run), analyses.churn(run), overview.screening(run)]
    if previous is not None:
        sections.append(since(run, previous))
    brands = ", ".join(run.brands)
    subtitle = f"{overview.window_text(run)} · {overview.segmented(run):,} customers segmented · brands: {brands}"
    versions = (run.manifest or {}).get("versions") or {}
    footer = (f"Made by segment report {_version()} from the folder {run.name}"
              + (f" (written by segment {versions['segment']})" if versions.get("segment") else "")
              + (f" and {previous.name}" if previous is not None else "")
              + ". Every chart is drawn from the run's own files; hover a bar or a cell for its numbers.")
    return Report(page(f"Segments: {run.name}", subtitle, sections, footer), sections)


def write_into(folder: Path, name: str | None = None) -> Path:
    """Write ``folder/report.html`` from the run files in ``folder`` (``name``: the folder's
    final name, when ``folder`` is a temporary one) and list it in the folder's manifest.
    Returns its path."""
    from ..io.outputs import atomic_path

    from ..provenance.manifest import MANIFEST_NAME, add_outputs

    target = Path(folder) / FILE
    rep = build(load(folder, name))
    with atomic_path(target, force=True) as tmp:
        tmp.write_bytes(rep.html.encode("utf-8"))
    if (Path(folder) / MANIFEST_NAME).is_file():
        add_outputs(folder, [target])
    return target


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("segment")
    except PackageNotFoundError:
        return "0+unknown"
