"""One job per command: what ``segment <command>`` does, callable from Python with the
same guarantees as the CLI (config, quality gates, atomic outputs, manifest).

Every job module ``segment.jobs.<command>`` holds:

* ``Request``, a frozen dataclass whose fields are exactly the command's options
  (``--end-month`` is ``end_month``; paths as :class:`~pathlib.Path`);
* ``run(request, progress=None) -> Outcome``: config → quality gates → writability →
  compute → gate check → atomic write → manifest.

The manifest records the request (:meth:`Request.options`), and ``segment verify``
rebuilds it with :func:`request_from` and runs the same job in-process::

    from segment import jobs
    from segment.jobs.features import Request

    outcome = jobs.run_job("features", Request(data=Path("sample_data"), out=Path("f.parquet")))
    outcome.summary          # what --format json prints
"""

from __future__ import annotations

import dataclasses
import importlib
import typing
from pathlib import Path
from typing import Any, Callable

from ..errors import UsageError
from .common import Outcome, Progress

__all__ = ["COMMANDS", "Outcome", "Progress", "module", "request_from", "run_job"]

# The commands, in the order of ``segment --help``.
COMMANDS = ("features", "sample", "screen", "run", "cluster", "profile", "rules", "compare", "score", "value",
            "churn", "channels", "multisim", "reentry", "report", "verify")


def module(command: str):
    """The job module of ``command`` (imported on first use: scikit-learn stays unloaded
    until a job that clusters runs)."""
    if command not in COMMANDS:
        raise KeyError(f"no job named {command!r}")
    return importlib.import_module(f"{__name__}.{command}")


def run_job(command: str, request, progress: Progress | None = None) -> Outcome:
    """Run the job of ``command`` on ``request`` (not ``run``: that name is the job of ``segment run``)."""
    return module(command).run(request, progress)


def request_from(command: str, options: dict[str, Any], **overrides: Any):
    """Rebuild the ``Request`` of ``command`` from the options a manifest recorded.

    Path options come back as :class:`~pathlib.Path`, lists as tuples; ``overrides``
    (``out``, ``config``) replace recorded values. An option this version of the tool
    does not know is a usage error (exit 2), so that a manifest of another version
    never silently runs a different job.
    """
    cls = module(command).Request
    hints = typing.get_type_hints(cls)
    known = {f.name for f in dataclasses.fields(cls)}
    unknown = sorted(set(options) - known)
    if unknown:
        raise UsageError(f"segment {command} has no option {', '.join('--' + u.replace('_', '-') for u in unknown)}")
    values = {}
    for name, value in {**options, **overrides}.items():
        if isinstance(value, str) and (hints[name] is Path or Path in typing.get_args(hints[name])):
            value = Path(value)
        elif isinstance(value, list):
            value = tuple(value)
        values[name] = value
    try:
        return cls(**values)
    except TypeError as e:  # a required option the manifest lacks
        raise UsageError(f"segment {command}: {e}") from None


def _no_progress(stage: str) -> None:
    pass


NO_PROGRESS: Callable[[str], None] = _no_progress
