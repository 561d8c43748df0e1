"""The view of ``segment screen``: every indicator with its status, reason and statistics,
and the factor view."""

from __future__ import annotations

from .fit import Col, show
from .output import emit, fmt_num, out_console


def screen(outcome, fmt) -> None:
    from segment.screening import ROW_COLUMNS, iter_rows

    result = outcome.result
    rows = [("", *r) for r in iter_rows(result)]
    for brand, sub in result.brands.items():
        rows += [(brand, *r) for r in iter_rows(sub)]
    if emit(outcome.summary, fmt, ("brand", *ROW_COLUMNS), rows):
        return
    from .roles import roles_table

    con = out_console()
    roles_table(result.roles, con)
    _table(con, "all customers", result)
    for brand, sub in result.brands.items():
        _table(con, brand, sub)


def _table(con, title: str, result) -> None:
    from rich.text import Text

    cols = [Col("indicator", key=True), Col("angle"), Col("status"), Col("reason"), Col("missing", True),
            Col("mode share", True), Col("cv", True), Col("skew", True), Col("correlated with"), Col("|r|", True)]
    style = {"kept": "green", "dropped": "red", "not_screened": "yellow"}
    rows = []
    for v in result.variables:
        s = v["stats"] or {}
        rows.append([v["name"], v["angle"] or "", Text(v["status"], style=style[v["status"]]), v["reason"] or "",
                     fmt_num(s.get("missing_share")), fmt_num(s.get("mode_share")), fmt_num(s.get("cv")),
                     fmt_num(s.get("skewness")), v["correlated_with"] or "", fmt_num(v["abs_r"])])
    show(f"Screening: {title} ({result.rows} rows)", cols, rows, con)
    s = result.summary()
    dropped = ", ".join(f"{k} {n}" for k, n in s["dropped"].items()) or "none"
    con.print(f"[bold]{s['indicators']}[/] indicators: [bold]{s['kept']}[/] kept, dropped: {dropped}"
              + (f", not screened: {s['not_screened']}" if s["not_screened"] else ""))
    if result.factors:
        _factors(con, result.factors)


def _factors(con, fa: dict) -> None:
    if "skipped" in fa:
        con.print(f"Factor view skipped: {fa['skipped']}")
        return
    b = fa["bartlett"]
    con.print(f"[bold]KMO[/] {fmt_num(fa['kmo'])}   [bold]Bartlett[/] chi2 {fmt_num(b['chi2'])}, df {b['df']}, "
              f"p {fmt_num(b['p_value'])}   [bold]factors[/] Kaiser {fa['n_factors']['kaiser']}, "
              f"parallel analysis {fa['n_factors']['parallel']}   ({fa['rows']} complete rows)")
    if fa.get("note"):
        con.print(f"[yellow]note:[/] {fa['note']}")
    cols = [Col("indicator", key=True), Col("KMO", True), Col("dominant factor", True), Col("loading", True),
            Col("communality", True)]
    rows = [[row["name"], fmt_num(fa["kmo_per_variable"][row["name"]]), f"F{row['dominant_factor']}",
             fmt_num(row["loadings"][row["dominant_factor"] - 1]), fmt_num(row["communality"])] for row in fa["loadings"]]
    show("Varimax loadings (all factors in --format json)", cols, rows, con)
