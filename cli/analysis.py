"""What the value, churn and channels commands share: one run over the inputs, the
--segments option, the CSV form of a summary and small rich tables."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, Callable, Optional

import typer

from .inputs import InputArgs
from .render import Reporter, out_console, write_csv, write_json

Segments = Annotated[Optional[Path], typer.Option(
    "--segments", help="Segments table (customer_id, segment[, brand]; .parquet or .csv) for per-segment cross-tabs.")]
Out = Annotated[Optional[Path], typer.Option("--out", "-o", help="Write one row per customer here (.parquet or .csv).")]


def run(ctx: typer.Context, inputs: InputArgs, name: str, analyse: Callable, out: Path | None, force: bool,
        segments: Path | None, write: Callable | None = None, options: dict | None = None):
    """Compute the features once, run ``analyse(fs, cfg, segments)``, write --out and its
    manifest (``options``: the command's own options); return the result.

    ``write(result, path, force)`` replaces ``result.write(path, force)`` when given.
    """
    from segment import quality, tabulate
    from segment.features import compute

    cfg = inputs.load_config()
    gates = inputs.gates(cfg, quality.FEATURE_GATES)
    tabulate.check_out(out, force)
    segs = tabulate.read_segments(segments) if segments else None
    sources = inputs.sources(for_manifest=out is not None)
    report = Reporter(quiet=ctx.obj.quiet, name=f"segment {name}")
    try:
        with compute(sources, cfg, inputs.engine(), progress=report) as fs:
            report(f"{name} analysis")
            result = analyse(fs, cfg, segs)
            quality.check(gates, quality.measure_features(fs))
            if out is not None:
                report(f"writing {out}")
                if write:
                    write(result, out, force)
                else:
                    result.write(out, force)
        if out is not None:
            # the analyses describe every customer of the window: the 'all' population
            inputs.record(name, cfg, sources, result.window, "all", files={"segments": segments},
                          options={"segments": segments, **(options or {})}).write_beside(out)
    finally:
        report.stop()
    for w in fs.warnings:
        report.warn(w)
    report.done(f"{result.detail.height} customers" + (f" -> {out}" if out else ""))
    return result


def flatten(obj: Any, prefix: str = "") -> list[tuple[str, Any]]:
    """A nested summary as (dotted key, value) rows: the CSV form of every summary."""
    rows: list[tuple[str, Any]] = []
    if isinstance(obj, dict):
        for k, v in obj.items():
            rows += flatten(v, f"{prefix}.{k}" if prefix else str(k))
    elif isinstance(obj, list):
        for i, v in enumerate(obj):
            rows += flatten(v, f"{prefix}.{i}")
    else:
        rows.append((prefix, obj))
    return rows


def emit(summary: dict, fmt, table: Callable[[dict], None]) -> None:
    from .options import Format

    if fmt == Format.json:
        write_json(summary)
    elif fmt == Format.csv:
        write_csv(["key", "value"], flatten(summary))
    else:
        table(summary)


def crosstab_table(title: str, rows: list[dict], keys: list[str], levels: list[str], share: bool = False):
    """A rich table of crosstab rows: keys, customers, then each level (count and share of the row)."""
    from rich.table import Table

    t = Table(title=title, title_justify="left")
    for k in keys:
        t.add_column(k)
    t.add_column("customers", justify="right")
    for lv in levels:
        t.add_column(lv, justify="right")
    for r in rows:
        n = r["customers"]
        cells = [f"{r[lv]} ({r[lv] / n:.0%})" if share and n else str(r[lv]) for lv in levels]
        t.add_row(*[str(r[k]) for k in keys], str(n), *cells)
    return t


def console():
    return out_console()
