"""The view of ``segment screen``: every indicator with its status, reason and statistics,
and the factor view."""

from __future__ import annotations

from rich.markup import escape

from .output import emit, fmt_num, out_console


def screen(outcome, fmt) -> None:
    from segment.screening import ROW_COLUMNS, iter_rows

    result = outcome.result
    rows = [("", *r) for r in iter_rows(result)]
    for brand, sub in result.brands.items():
        rows += [(brand, *r) for r in iter_rows(sub)]
    if emit(outcome.summary, fmt, ("brand", *ROW_COLUMNS), rows):
        return
    con = out_console()
    _table(con, "all customers", result)
    for brand, sub in result.brands.items():
        _table(con, brand, sub)


def _table(con, title: str, result) -> None:
    from rich.table import Table

    t = Table(title=f"Screening: {escape(title)} ({result.rows} rows)", title_justify="left")
    for col, just in (("indicator", "left"), ("angle", "left"), ("status", "left"), ("reason", "left"),
                      ("missing", "right"), ("mode", "right"), ("cv", "right"), ("skew", "right"),
                      ("correlated with", "left"), ("|r|", "right")):
        t.add_column(col, justify=just)
    style = {"kept": "green", "dropped": "red", "not_screened": "yellow"}
    for v in result.variables:
        s = v["stats"] or {}
        t.add_row(escape(v["name"]), v["angle"] or "", f"[{style[v['status']]}]{v['status']}[/]", v["reason"] or "",
                  fmt_num(s.get("missing_share")), fmt_num(s.get("mode_share")), fmt_num(s.get("cv")),
                  fmt_num(s.get("skewness")), escape(v["correlated_with"] or ""), fmt_num(v["abs_r"]))
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
        t.add_row(escape(row["name"]), fmt_num(fa["kmo_per_variable"][row["name"]]), f"F{f}",
                  fmt_num(row["loadings"][f - 1]), fmt_num(row["communality"]))
    con.print(t)
