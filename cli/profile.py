"""``segment profile``: the segments of a brand, or every indicator of one segment."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Optional

import typer

from . import options as o
from .render import write_csv, write_json


def register(app: typer.Typer) -> None:
    app.command("profile")(profile)


def profile(
    run_dir: Annotated[Path, typer.Option("--run", help="Output folder of segment run / cluster (holds profiles.json).")],
    brand: Annotated[Optional[str], typer.Option("--brand", "-b", help="Only this brand.")] = None,
    segment: Annotated[Optional[int], typer.Option("--segment", "-s", help="Every indicator of this segment (needs --brand), sorted by how much it differs.")] = None,
    fmt: o.OutputFormat = o.Format.table,
) -> None:
    """Show segment profiles: size, share, ARPU, stability, key indicators as index vs brand.

    Example: [bold]segment profile --run results/ --brand GoTone --segment 2[/]
    """
    from segment.errors import InputError, UsageError
    from segment.profiles import segment_detail

    path = run_dir / "profiles.json" if run_dir.is_dir() else run_dir
    try:
        profiles = json.loads(path.read_text(encoding="utf-8"))
        brands = profiles["brands"]
    except FileNotFoundError:
        raise InputError(f"no profiles.json in {run_dir} (give the --out folder of segment run or cluster)") from None
    except (json.JSONDecodeError, KeyError, TypeError, UnicodeDecodeError):
        raise InputError(f"{path}: not a profiles.json written by segment") from None
    if brand is not None and brand not in brands:
        raise UsageError(f"--brand {brand!r}: not in {path} (brands: {', '.join(brands)})")
    if segment is not None:
        if brand is None:
            raise UsageError("--segment needs --brand")
        try:
            rows = segment_detail(brands[brand], segment)
        except KeyError:
            raise UsageError(f"--segment {segment}: {brand} has segments 1..{len(brands[brand]['segments'])}") from None
        if fmt == o.Format.json:
            write_json({"version": profiles["version"], "brand": brand, "segment": segment, "indicators": rows})
        elif fmt == o.Format.csv:
            write_csv(list(rows[0]) if rows else ["indicator"], [list(r.values()) for r in rows])
        else:
            from .segview import segment_detail_table

            seg = next(s for s in brands[brand]["segments"] if s["segment"] == segment)
            segment_detail_table(brand, seg, rows)
        return
    from .segview import emit

    emit({**profiles, "brands": {b: v for b, v in brands.items() if brand is None or b == brand}}, fmt, show_k=False)
