"""``segment value``: ARPU and card tiers, value score, revenue concentration, group classes."""

from __future__ import annotations

import typer

from . import analysis as a
from . import options as o
from .inputs import InputArgs, with_inputs
from .render import fmt_num


def register(app: typer.Typer) -> None:
    app.command("value")(value)


@with_inputs
def value(ctx: typer.Context, inputs: InputArgs, out: a.Out = None, segments: a.Segments = None,
          fmt: o.OutputFormat = o.Format.table, force: o.Force = False) -> None:
    """Value tiers, value score 0-100, revenue concentration and enterprise group classes.

    Example: [bold]segment value --data sample_data --out value.parquet[/]
    """
    from segment.value import analyse

    result = a.run(ctx, inputs, "value", analyse, out, force, segments)
    a.emit({**result.summary(), "out": str(out) if out else None}, fmt, _table)


def _table(s: dict) -> None:
    from rich.table import Table

    from segment.value import CARDS, TIERS

    from .charts import lorenz

    con = a.console()
    w = s["window"]
    con.print(f"[bold]Window[/] {w['start']}..{w['end']} ({w['months']} months)   "
              f"[bold]customers[/] {s['population']['customers']} ({s['population']['definition']})")
    rules = ", ".join(f"{k}: {v}" for k, v in s["tiers"]["rules"].items())
    con.print(a.crosstab_table(f"ARPU tiers ({rules})", s["tiers"]["by_brand"], ["brand"], list(TIERS), share=True))
    con.print(a.crosstab_table("Card tiers", s["card_tiers"]["by_brand"], ["brand"], list(CARDS), share=True))
    if s["tiers"]["by_segment"]:
        con.print(a.crosstab_table("ARPU tiers per segment", s["tiers"]["by_segment"], ["brand", "segment"],
                                   list(TIERS), share=True))
    t = Table(title="Value score: top and bottom deciles", title_justify="left")
    for col in ("decile", "customers", "score", "arpu", "tenure (y)", "overdue d/month", "arrears/month",
                "credit level", "discount rate"):
        t.add_column(col, justify="left" if col == "decile" else "right")
    for key in ("top_decile", "bottom_decile"):
        p = s["score"][key]
        t.add_row(key.split("_")[0], str(p["customers"]), f"{fmt_num(p['value_score_min'])}–{fmt_num(p['value_score_max'])}",
                  *(fmt_num(p[c]) for c in ("arpu", "tenure_years", "overdue_days", "arrears", "credit_level",
                                            "discount_rate")))
    con.print(t)
    c = s["concentration"]
    t = Table(title=f"Revenue concentration (top {c['top_share']:.0%} of customers)", title_justify="left")
    for col in ("scope", "customers", "revenue", "top share of revenue", "gini", "revenue < discount"):
        t.add_column(col, justify="left" if col == "scope" else "right")
    for scope, r in [("all", c["overall"]), *c["by_brand"].items()]:
        t.add_row(scope, str(r["customers"]), f"{r['revenue']:,.2f}", _pct(r["top_revenue_share"]),
                  fmt_num(r["gini"]), _pct(r["not_covering_discount"]))
    con.print(t)
    con.print("[bold]Lorenz curve[/] (all customers; '*' revenue, '.' equality)")
    for line in lorenz(c["overall"]["lorenz"]):
        con.print(line, markup=False, highlight=False)
    g = s["groups"]
    if not g["available"]:
        con.print(f"[bold]Group classes[/] skipped: {g['reason']}")
    else:
        t = Table(title="Enterprise group classes", title_justify="left")
        for col in ("class", "groups", "lines", "revenue", "share of revenue"):
            t.add_column(col, justify="left" if col == "class" else "right")
        for r in g["classes"]:
            t.add_row(r["class"], str(r["groups"]), str(r["lines"]), f"{r['revenue']:,.2f}", _pct(r["revenue_share"]))
        con.print(t)
    if s.get("out"):
        con.print(f"Wrote [bold]{s['out']}[/]")


def _pct(x) -> str:
    return "–" if x is None else f"{x:.1%}"
