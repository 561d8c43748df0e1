"""``segment screen``: which indicators to cluster on, and for every other one exactly why not."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from . import options as o
from .inputs import InputArgs, with_inputs
from .render import Reporter, fmt_num, out_console, write_csv, write_json


def register(app: typer.Typer) -> None:
    app.command("screen")(screen)


@with_inputs
def screen(
    ctx: typer.Context,
    inputs: InputArgs,
    features_file: Annotated[Optional[Path], typer.Option("--features", help="A wide table to screen (CSV or Parquet: one row per customer) instead of --data.", show_default=False)] = None,
    id_col: Annotated[str, typer.Option("--id", help="Id column of the table (not screened).")] = "customer_id",
    brand_col: Annotated[str, typer.Option("--brand", help="Brand column (not screened; used by --by-brand).")] = "brand",
    by_brand: Annotated[bool, typer.Option("--by-brand", help="Also screen each brand separately.")] = False,
    factors: Annotated[bool, typer.Option("--factors", help="Add the factor-analysis view (KMO, Bartlett, loadings).")] = False,
    out: Annotated[Optional[Path], typer.Option("--out", "-o", help="Write the JSON report here (e.g. screening.json).")] = None,
    fmt: o.OutputFormat = o.Format.table,
    force: o.Force = False,
) -> None:
    """Screen indicators: drop the near-empty, near-constant and redundant ones, saying why.

    Example: [bold]segment screen --features features.parquet --by-brand --out screening.json[/]
    """
    from segment.errors import UsageError
    from segment.io import check_writable

    extracts = any(x is not None for x in (inputs.data, inputs.customers, inputs.cdr, inputs.billing))
    if extracts == (features_file is not None):
        raise UsageError("give either --data DIR (compute the features) or --features FILE (a wide table)")
    from segment import quality

    cfg = inputs.load_config()
    gates = inputs.gates(cfg, quality.SCREEN_GATES | (quality.FEATURE_GATES if features_file is None else set()))
    if out is not None:
        check_writable(out, force)
    report = Reporter(quiet=ctx.obj.quiet, name="segment screen")
    try:
        from .cluster import load_table

        frame, measures, sources, window = load_table(inputs, cfg, features_file, report, out is not None)
        report(f"screening {frame.width} columns x {frame.height} rows")
        from segment.screening import screen as run_screen

        result = run_screen(frame, cfg.screening, id_col, brand_col, by_brand, factors)
        quality.check(gates, {**measures, **quality.measure_screening(result)})
        if out is not None:
            _write_report(result.to_dict(), out, force)
            inputs.record("screen", cfg, sources, window, cfg.features.population, cfg.screening.seed,
                          files={"features": features_file}, options={
                              "features": features_file, "id": id_col, "brand": brand_col,
                              "by_brand": by_brand, "factors": factors}).write_beside(out)
    finally:
        report.stop()
    s = result.summary()
    report.done(f"{s['indicators']} indicators, {s['kept']} kept" + (f" -> {out}" if out else ""))
    _render(result, fmt)


def _write_report(obj: dict, out: Path, force: bool) -> None:
    import json

    from segment.io import atomic_path

    with atomic_path(out, force) as tmp:
        tmp.write_text(json.dumps(obj, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def _render(result, fmt) -> None:
    from segment.screening import ROW_COLUMNS, iter_rows

    if fmt == o.Format.json:
        write_json(result.to_dict())
        return
    if fmt == o.Format.csv:
        rows = [("", *r) for r in iter_rows(result)]
        for brand, sub in result.brands.items():
            rows += [(brand, *r) for r in iter_rows(sub)]
        write_csv(("brand", *ROW_COLUMNS), rows)
        return
    con = out_console()
    _table(con, "all customers", result)
    for brand, sub in result.brands.items():
        _table(con, brand, sub)


def _table(con, title: str, result) -> None:
    from rich.table import Table

    t = Table(title=f"Screening: {title} ({result.rows} rows)", title_justify="left")
    for col, just in (("indicator", "left"), ("angle", "left"), ("status", "left"), ("reason", "left"),
                      ("missing", "right"), ("mode", "right"), ("cv", "right"), ("skew", "right"),
                      ("correlated with", "left"), ("|r|", "right")):
        t.add_column(col, justify=just)
    style = {"kept": "green", "dropped": "red", "not_screened": "yellow"}
    for v in result.variables:
        s = v["stats"] or {}
        t.add_row(v["name"], v["angle"] or "", f"[{style[v['status']]}]{v['status']}[/]", v["reason"] or "",
                  fmt_num(s.get("missing_share")), fmt_num(s.get("mode_share")), fmt_num(s.get("cv")),
                  fmt_num(s.get("skewness")), v["correlated_with"] or "", fmt_num(v["abs_r"]))
    con.print(t)
    s = result.summary()
    dropped = ", ".join(f"{k} {n}" for k, n in s["dropped"].items()) or "none"
    con.print(f"[bold]{s['indicators']}[/] indicators: [bold]{s['kept']}[/] kept, dropped: {dropped}"
              + (f", not screened: {s['not_screened']}" if s["not_screened"] else ""))
    if result.factors:
        _factors(con, result.factors)


def _factors(con, fa: dict) -> None:
    from rich.table import Table

    if "skipped" in fa:
        con.print(f"Factor view skipped: {fa['skipped']}")
        return
    b = fa["bartlett"]
    con.print(f"[bold]KMO[/] {fmt_num(fa['kmo'])}   [bold]Bartlett[/] chi2 {fmt_num(b['chi2'])}, df {b['df']}, "
              f"p {fmt_num(b['p_value'])}   [bold]factors[/] Kaiser {fa['n_factors']['kaiser']}, "
              f"parallel analysis {fa['n_factors']['parallel']}   ({fa['rows']} complete rows)")
    if fa.get("note"):
        con.print(f"[yellow]note:[/] {fa['note']}")
    t = Table(title="Varimax loadings (all factors in --format json)", title_justify="left")
    for col, just in (("indicator", "left"), ("KMO", "right"), ("dominant factor", "right"), ("loading", "right"),
                      ("communality", "right")):
        t.add_column(col, justify=just)
    for row in fa["loadings"]:
        f = row["dominant_factor"]
        t.add_row(row["name"], fmt_num(fa["kmo_per_variable"][row["name"]]), f"F{f}",
                  fmt_num(row["loadings"][f - 1]), fmt_num(row["communality"]))
    con.print(t)
