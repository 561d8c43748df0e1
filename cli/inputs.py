"""The input options every extract-reading command shares, declared once.

``@with_inputs`` appends the options below (--data, the per-table overrides, --config,
--encoding, the window, the engine settings, --fail-on) to a command's signature and hands the
command one frozen :class:`InputArgs` instead of fourteen parameters.
"""

from __future__ import annotations

import functools
import inspect
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Annotated, Optional

import typer

from . import options as o

_PARAMS = [
    ("data", o.DataDir),
    ("config", o.ConfigFile),
    ("encoding", o.Encoding),
    ("customers", o.Customers),
    ("cdr", o.Cdr),
    ("billing", o.Billing),
    ("interactions", o.Interactions),
    ("recharges", o.Recharges),
    ("months", Annotated[Optional[int], typer.Option(help="Calendar months in the window (default 3).", rich_help_panel="Window")]),
    ("end_month", Annotated[Optional[str], typer.Option(help="Last month of the window, YYYY-MM (default: latest billed).", rich_help_panel="Window")]),
    ("population", Annotated[Optional[o.Population], typer.Option(help="stable: a bill and an event every month; all: any activity.", rich_help_panel="Window")]),
    ("threads", o.Threads),
    ("memory_limit", o.MemoryLimit),
    ("temp_dir", o.TempDir),
    ("fail_on", o.FailOn),
]


@dataclass(frozen=True)
class InputArgs:
    """What the user said about the inputs; turned into library objects on demand."""

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
    population: o.Population | None = None
    threads: int | None = None
    memory_limit: str | None = None
    temp_dir: Path | None = None
    fail_on: list[str] | None = None

    def load_config(self, **sections):
        """The config file with the command-line overrides applied (and ``sections`` on top)."""
        from segment import config as cfgmod

        cfg = cfgmod.load(self.config)
        window = {"months": self.months, "end_month": self.end_month,
                  "population": self.population.value if self.population else None}
        cfg = cfg.replace(features={k: v for k, v in window.items() if v is not None},
                          input={"encoding": self.encoding} if self.encoding else {})
        return cfg.replace(**sections) if sections else cfg

    def sources(self, for_manifest: bool = False):
        """The extracts' sources; ``for_manifest`` starts hashing their files in the
        background, for the manifest written at the end."""
        from segment.io import find_inputs

        found = find_inputs(self.data, {"customers": self.customers, "cdr": self.cdr, "billing": self.billing,
                                        "interactions": self.interactions, "recharges": self.recharges})
        if for_manifest:
            from segment.manifest import prefetch

            prefetch(p for source in found.values() for p in source.paths)
        return found

    def gates(self, cfg, measured):
        """The data-quality gates to check: the config's ``quality.fail_on`` and ``--fail-on``."""
        from segment.quality import resolve

        return resolve(self.fail_on or (), cfg.quality.fail_on, measured, str(self.config or "config"))

    def options(self) -> dict:
        """Every input option by name, paths absolute, None when not given (for manifests)."""
        from segment.manifest import absolute

        paths = {"data", "config", "customers", "cdr", "billing", "interactions", "recharges", "temp_dir"}
        return {f.name: absolute(getattr(self, f.name)) if f.name in paths else absolute_if_path(getattr(self, f.name))
                for f in fields(self)}

    def record(self, command: str, cfg, sources=None, window: dict | None = None, population: str | None = None,
               seed: int | None = None, files: dict | None = None, options: dict | None = None):
        """The manifest record of ``command``: these options plus ``options``, the input
        files (``sources``, the config, ``files`` by role), the resolved config, the seed,
        and the window (start, end, months) with its ``population``."""
        from segment.manifest import Record, input_files

        opts = {**self.options(), **{k: absolute_if_path(v) for k, v in (options or {}).items()}}
        win = None if window is None else {**window, "population": population}
        return Record(command, opts, input_files(sources, config=self.config, **(files or {})),
                      cfg.to_dict() if cfg is not None else None, seed, win)

    def engine(self):
        from segment.engine import EngineOptions

        return EngineOptions(self.threads, self.memory_limit, self.temp_dir)


def absolute_if_path(v):
    """Option values for a manifest: paths absolute, enums by value."""
    from segment.manifest import absolute

    if isinstance(v, Path):
        return absolute(v)
    return v.value if isinstance(v, o.Enum) else v


assert [f.name for f in fields(InputArgs)] == [name for name, _ in _PARAMS]


def with_inputs(command):
    """Decorator: the command takes ``inputs: InputArgs``; the CLI shows the options above."""
    sig = inspect.signature(command, eval_str=True)  # Typer takes __signature__ as it is
    own = [p.replace(kind=inspect.Parameter.KEYWORD_ONLY) for p in sig.parameters.values() if p.name != "inputs"]
    extra = [inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, default=None, annotation=ann)
             for name, ann in _PARAMS]

    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        values = {name: kwargs.pop(name, None) for name, _ in _PARAMS}
        return command(*args, inputs=InputArgs(**values), **kwargs)

    wrapper.__signature__ = sig.replace(parameters=[*own, *extra])
    return wrapper
