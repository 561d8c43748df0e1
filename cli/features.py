"""``segment features``: one row per customer with the indicators of the catalogue."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from . import options as o
from .inputs import InputArgs, with_inputs
from .render import SCHEMA_VERSION, Reporter, fmt_num, out_console, write_csv, write_json


def register(app: typer.Typer) -> None:
    app.command("features")(features)


@with_inputs
def features(
    ctx: typer.Context,
    inputs: InputArgs,
    out: Annotated[Optional[Path], typer.Option("--out", "-o", help="Write the features here (.parquet or .csv).")] = None,
    list_: Annotated[bool, typer.Option("--list", help="List the indicator catalogue and exit.")] = False,
    fmt: o.OutputFormat = o.Format.table,
    force: o.Force = False,
) -> None:
    """Compute one row per customer: monthly averages, shares and social-circle indicators.

    Example: [bold]segment features --data sample_data --out features.parquet[/]
    """
    if list_:
        _print_catalogue(fmt, inputs.load_config())
        return
    from segment import quality
    from segment.errors import UsageError
    from segment.features import compute
    from segment.io import check_writable

    cfg = inputs.load_config()
    gates = inputs.gates(cfg, quality.FEATURE_GATES)
    if out is not None:
        if out.suffix.lower() not in (".parquet", ".csv"):
            raise UsageError(f"--out {out}: the name must end in .parquet or .csv")
        check_writable(out, force)
    sources = inputs.sources(for_manifest=out is not None)
    report = Reporter(quiet=ctx.obj.quiet, name="segment features")
    try:
        with compute(sources, cfg, inputs.engine(), progress=report) as fs:
            quality.check(gates, quality.measure_features(fs))
            if out is not None:
                report("writing " + str(out))
                (fs.write_parquet if out.suffix.lower() == ".parquet" else fs.write_csv)(out, force)
            summary = fs.summary()
        if out is not None:
            report("writing the manifest")
            inputs.record("features", cfg, sources, summary["window"], summary["population"]).write_beside(out)
    finally:
        report.stop()
    for w in summary["warnings"]:
        report.warn(w)
    report.done(f"{summary['customers']} customers, {len(summary['indicators'])} indicators"
                + (f" -> {out}" if out else ""))
    summary = {"version": SCHEMA_VERSION, "out": str(out) if out else None, **summary}
    _render_summary(summary, fmt)


def _render_summary(summary: dict, fmt) -> None:
    from .options import Format

    if fmt == Format.json:
        write_json(summary)
        return
    rows = [(i["name"], i["angle"], i["non_null"], i["mean"], i["min"], i["max"]) for i in summary["indicators"]]
    if fmt == Format.csv:
        write_csv(["name", "angle", "non_null", "mean", "min", "max"], rows)
        return
    from rich.table import Table

    con = out_console()
    w = summary["window"]
    con.print(f"[bold]Window[/] {w['start']}..{w['end']} ({w['months']} months)   "
              f"[bold]population[/] {summary['population']}: {summary['customers']} customers   "
              + "  ".join(f"{b}: {n}" for b, n in summary["brands"].items()))
    c = summary["cdr"]
    con.print(f"[bold]CDR rows[/] {c['rows_total']} read, {c['rows_used']} used, "
              f"{c['rows_outside_window']} outside the window, {c['rows_unknown_customer']} of unknown customers")
    t = Table(title="Indicators", title_justify="left")
    for col, just in (("indicator", "left"), ("angle", "left"), ("non-null", "right"),
                      ("mean", "right"), ("min", "right"), ("max", "right")):
        t.add_column(col, justify=just)
    for name, angle, nn, mean, lo, hi in rows:
        t.add_row(name, angle, str(nn), fmt_num(mean), fmt_num(lo), fmt_num(hi))
    con.print(t)
    if summary["skipped"]:
        con.print(f"[bold]Skipped[/] {len(summary['skipped'])} indicator(s):")
        for s in summary["skipped"]:
            con.print(f"  {s['name']}: {s['reason']}")
    if summary["out"]:
        con.print(f"Wrote [bold]{summary['out']}[/]")


def _print_catalogue(fmt, cfg) -> None:
    from segment.catalogue import ANGLES, catalogue

    from .options import Format

    indicators = catalogue(cfg)
    rows = [(i["name"], i["angle"], " ".join(i["requires"]), i["definition"]) for i in indicators]
    if fmt == Format.json:
        write_json({"version": SCHEMA_VERSION, "angles": ANGLES, "indicators": indicators})
    elif fmt == Format.csv:
        write_csv(["name", "angle", "requires", "definition"], rows)
    else:
        from rich.table import Table

        t = Table(title=f"{len(rows)} indicators", title_justify="left")
        for col in ("indicator", "angle", "needs", "definition"):
            t.add_column(col)
        for r in rows:
            t.add_row(*r)
        out_console().print(t)
