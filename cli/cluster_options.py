"""Options of the commands that segment (run, cluster)."""

from __future__ import annotations

from typing import Annotated, Optional

import typer

K = Annotated[str, typer.Option("--k", help="Segments per brand: auto (chosen by prediction strength) or a number.")]
Seed = Annotated[Optional[int], typer.Option("--seed", help="Random seed (default: clustering.seed of the config, 42).")]
SkipFailed = Annotated[bool, typer.Option("--skip-failed-brands", help="Report a brand that cannot be segmented and go on with the others.")]


def parse_k(k: str) -> int | None:
    from segment.errors import UsageError

    if k == "auto":
        return None
    try:
        value = int(k)
    except ValueError:
        raise UsageError(f"--k must be 'auto' or a whole number, got {k!r}") from None
    if value < 1:
        raise UsageError(f"--k must be at least 1, got {value}")
    return value
