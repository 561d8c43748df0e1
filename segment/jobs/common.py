"""What every job shares: the input options, the outcome, and the steps around the
computation (config, gates, sources, manifest record)."""

from __future__ import annotations

import dataclasses
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

from ..errors import SegmentError, UsageError
from ..io.inputs import is_reference
from ..provenance.files import absolute

if TYPE_CHECKING:
    from ..config import Config

Progress = Callable[[str], None]

# The version of every command's JSON document, bumped on a breaking change (docs/json.md).
SCHEMA_VERSION = 1

# Options that are not recorded as the request's options: where the outputs go and
# whether they may be replaced (the manifest says where the output is on its own).
NOT_RECORDED = ("out", "force")
TABLE_OPTIONS = ("customers", "cdr", "billing", "interactions", "recharges")


@dataclass
class Outcome:
    """What a job did. ``summary`` is the command's ``--format json`` document."""

    summary: dict
    done: str  # one line for people: what was done and where it went
    warnings: list[str] = field(default_factory=list)
    result: Any = None  # the library object behind the summary (for the CLI's tables)
    failure: SegmentError | None = None  # a check that failed after the outcome was made (verify)


def say(progress: Progress | None) -> Progress:
    return progress or (lambda stage: None)


@dataclass(frozen=True)
class Options:
    """Base of every request: :meth:`options` is what the manifest records."""

    def options(self, **resolved: Any) -> dict[str, Any]:
        """Every option but ``out`` and ``force`` by name, paths absolute; ``resolved``
        replaces a value the job settled (the seed actually used)."""
        out = {}
        for f in dataclasses.fields(self):
            if f.name in NOT_RECORDED:
                continue
            v = resolved.get(f.name, getattr(self, f.name))
            if isinstance(v, Path) or (f.name in TABLE_OPTIONS and isinstance(v, str) and not is_reference(v)):
                v = absolute(v)
            out[f.name] = list(v) if isinstance(v, tuple) else v
        return out


@dataclass(frozen=True)
class InputOptions(Options):
    """The options of every command that reads extracts."""

    data: Path | None = None
    config: Path | None = None
    encoding: str | None = None
    customers: str | None = None
    cdr: str | None = None
    billing: str | None = None
    interactions: str | None = None
    recharges: str | None = None
    months: int | None = None
    end_month: str | None = None
    population: str | None = None
    threads: int | None = None
    memory_limit: str | None = None
    temp_dir: Path | None = None
    engine: str | None = None  # duckdb or spark; None: the config's [engine] name
    spark_master: str | None = None
    spark_remote: str | None = None
    fail_on: tuple[str, ...] | None = None

    def extracts_given(self) -> bool:
        return any(x is not None for x in (self.data, self.customers, self.cdr, self.billing))


def check_options(req: InputOptions) -> None:
    """The request's own values, before any work: a bad one is a usage error (exit 2), as
    Typer's are, whether the request comes from the command line or from Python."""
    import codecs

    from .. import config as cfgmod

    m = req.months
    if m is not None and (isinstance(m, bool) or not isinstance(m, int) or not 1 <= m <= cfgmod.MAX_MONTHS):
        raise UsageError(f"--months must be a whole number from 1 to {cfgmod.MAX_MONTHS}, got {m!r}")
    if req.end_month is not None and not cfgmod.is_month(req.end_month):
        raise UsageError(f"--end-month must be a month written YYYY-MM (01..12), got {req.end_month!r}")
    if req.population is not None and req.population not in cfgmod.POPULATIONS:
        raise UsageError(f"--population must be {' or '.join(cfgmod.POPULATIONS)}, got {req.population!r}")
    if req.encoding is not None:
        try:
            codecs.lookup(req.encoding)
        except (LookupError, TypeError, ValueError):
            raise UsageError(f"--encoding: unknown encoding {req.encoding!r}") from None
    if req.threads is not None and (isinstance(req.threads, bool) or not isinstance(req.threads, int)
                                    or req.threads < 1):
        raise UsageError(f"--threads must be at least 1, got {req.threads!r}")
    if req.temp_dir is not None:
        from ..io.outputs import check_spill_folder

        check_spill_folder(Path(req.temp_dir))


def load_config(req: InputOptions, **sections) -> "Config":
    """The config file with the command-line overrides applied (and ``sections`` on top);
    the request's own values are checked first (:func:`check_options`)."""
    from .. import config as cfgmod

    check_options(req)
    cfg = cfgmod.load(req.config)
    window = {"months": req.months, "end_month": req.end_month, "population": req.population}
    cfg = cfg.replace(features={k: v for k, v in window.items() if v is not None},
                      input={"encoding": req.encoding} if req.encoding else {})
    return cfg.replace(**sections) if sections else cfg


def gates(req: InputOptions, cfg: "Config", measured):
    """The data-quality gates to check: the config's ``quality.fail_on`` and ``--fail-on``."""
    from ..quality import resolve

    return resolve(req.fail_on or (), cfg.quality.fail_on, measured, str(req.config or "config"))


def sources(req: InputOptions, for_manifest: bool = False):
    """The extracts' sources; ``for_manifest`` starts hashing their files in the
    background, for the manifest written at the end."""
    from ..io.inputs import find_inputs

    found = find_inputs(req.data, {t: getattr(req, t) for t in TABLE_OPTIONS})
    if for_manifest:
        from ..provenance.files import prefetch

        prefetch(p for source in found.values() for p in source.paths)
    return found


def engine(req: InputOptions, cfg: "Config | None" = None):
    """The engine settings: the request's options over the config's [engine] (None: its defaults)."""
    from ..config import Config
    from ..engine import EngineOptions

    e = (cfg or Config()).engine
    conf = tuple(tuple(s.strip() for s in kv.split("=", 1)) for kv in e.spark_conf)
    return EngineOptions(req.threads, req.memory_limit, req.temp_dir, req.engine or e.name,
                         req.spark_master or e.spark_master or None, req.spark_remote or e.spark_remote or None, conf)


@contextmanager
def resources(req: InputOptions):
    """Turn an engine error about memory, disk space or the spill folder, met in any stage
    after the features (the analyses, the segmentation), into its ResourceError (exit 5)."""
    import duckdb

    from ..engine import resource_error

    try:
        yield
    except duckdb.Error as e:
        error = resource_error(e, engine(req))
        if error is None:
            raise
        raise error from None


def record(command: str, req: Options, cfg: "Config | None" = None, sources=None, window: dict | None = None,
           population: str | None = None, seed: int | None = None, files: dict | None = None):
    """The manifest record of ``command``: the request's options (a ``seed`` option as
    the seed actually used), the input files (``sources``, the config, ``files`` by
    role), the resolved config, the seed, and the window with its ``population``."""
    from ..engine import describe
    from ..provenance.manifest import Record, input_files

    win = None if window is None else {**window, "population": population}
    resolved = {"seed": seed} if "seed" in {f.name for f in dataclasses.fields(req)} else {}
    used = isinstance(req, InputOptions) and cfg is not None and sources
    return Record(command, req.options(**resolved),
                  input_files(sources, config=getattr(req, "config", None), **(files or {})),
                  cfg.to_dict() if cfg is not None else None, seed, win,
                  describe(engine(req, cfg)) if used else None)


def previous_run(path: Path | None):
    """``--previous``: the run folder read (:class:`segment.tracking.Run`), None without it."""
    if path is None:
        return None
    from ..tracking import load_run

    return load_run(path)


def parse_k(k: str | int) -> int | None:
    """``--k``: 'auto' (None) or a whole number of segments, at least 1."""
    if k == "auto":
        return None
    try:
        value = int(k)
    except (TypeError, ValueError):
        raise UsageError(f"--k must be 'auto' or a whole number, got {k!r}") from None
    if value < 1:
        raise UsageError(f"--k must be at least 1, got {value}")
    return value


def check_suffix(out: Path | None, suffixes: tuple[str, ...] = (".parquet", ".csv")) -> None:
    if out is not None and out.suffix.lower() not in suffixes:
        raise UsageError(f"--out {out}: the name must end in {' or '.join(suffixes)}")
