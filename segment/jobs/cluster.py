"""``segment cluster``: screen, prepare and cluster every brand of a features table
(a user's own table, or computed from the extracts)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..errors import UsageError
from . import common
from .common import InputOptions, Outcome, Progress


@dataclass(frozen=True)
class TableOptions(InputOptions):
    """A features table: ``features`` (a user's wide table) or computed from the extracts."""

    features: Path | None = None
    id: str = "customer_id"
    brand: str | None = "brand"
    profile: tuple[str, ...] = ()  # columns described, never clustered (segment/roles.py)
    outcome: tuple[str, ...] = ()  # outcomes: profiled as rates, never clustered
    revenue: str | None = None  # the column whose mean is the ARPU

    def asked(self):
        """The roles given as options (segment/roles.py)."""
        from ..roles import Asked

        return Asked(tuple(self.profile or ()), tuple(self.outcome or ()), self.revenue)

    def check_source(self) -> None:
        """Exactly one of ``features`` and the extracts (UsageError otherwise)."""
        if self.extracts_given() == (self.features is not None):
            raise UsageError("give either --data DIR (compute the features) or --features FILE (a wide table)")


def load_table(req: TableOptions, cfg, say: Progress, for_manifest: bool = False):
    """The features table, its quality measures, the extracts' sources, the window and the
    warnings of the input checks (None, None and [] for a user's table)."""
    if req.features is not None:
        from ..tables import read_table

        say(f"reading {req.features}")
        return read_table(req.features), {}, None, None, []
    from ..features import compute
    from ..quality import measure_features
    from ..tabulate import window_info

    sources = common.sources(req, for_manifest)
    with common.resources(req), compute(sources, cfg, common.engine(req, cfg), progress=say) as fs:
        return fs.frame(), measure_features(fs), sources, window_info(fs), list(fs.warnings)


@dataclass(frozen=True)
class Request(TableOptions):
    no_brand: bool = False
    k: str = "auto"
    seed: int | None = None
    skip_failed_brands: bool = False
    previous: Path | None = None  # a previous run folder: matching segments keep its numbers and names
    names: Path | None = None  # segment names set by hand (segment/naming.py)
    out: Path | None = None  # a folder: screening, assignments, profiles, model
    force: bool = False


def run(req: Request, progress: Progress | None = None) -> Outcome:
    from .. import quality
    from ..io.outputs import atomic_dir, check_writable
    from ..naming import load as load_names
    from ..pipeline import segment_table

    say = common.say(progress)
    k = common.parse_k(req.k)
    req.check_source()
    cfg = common.load_config(req)
    measured = quality.SEGMENT_GATES | (quality.FEATURE_GATES if req.features is None else set())
    gates = common.gates(req, cfg, measured)
    cfg = quality.with_gates(cfg, gates)
    if req.out is not None:
        check_writable(req.out, req.force)
    previous = common.previous_run(req.previous)
    names = load_names(req.names)
    frame, measures, sources, window, warnings = load_table(req, cfg, say, req.out is not None)
    seg = segment_table(frame, cfg, req.id, None if req.no_brand else req.brand, k, req.seed,
                        req.skip_failed_brands, progress=say, threads=req.threads, previous=previous,
                        asked=req.asked(), given_names=names)
    quality.check(gates, {**measures, **quality.measure_segmentation(seg)})
    if req.out is not None:
        record = common.record("cluster", req, cfg, sources, window, cfg.features.population, seg.seed,
                               files={"features": req.features, "previous": previous.files if previous else None,
                                      "names": req.names})
        with atomic_dir(req.out, req.force) as tmp:
            seg.write(tmp)
            record.write_into(tmp, req.out.name)
    done = f"{len(seg.brands)} brand(s) segmented" + (f" -> {req.out}" if req.out else "")
    return Outcome(seg.profiles(), done, [*warnings, *seg.warnings], seg)
