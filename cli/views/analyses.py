"""The views of value, churn and channels: the summary as JSON, as ``key,value`` CSV
rows, or as rich tables."""

from __future__ import annotations

from .charts import lorenz
from .fit import Col, show
from .output import emit, flatten, fmt_num, out_console


def value(outcome, fmt) -> None:
    _show(outcome.summary, fmt, _value_table)


def churn(outcome, fmt) -> None:
    _show(outcome.summary, fmt, _churn_table)


def channels(outcome, fmt) -> None:
    _show(outcome.summary, fmt, _channels_table)


def _show(s: dict, fmt, table) -> None:
    """JSON: the summary; CSV: the campaign list when one was asked for and not written to
    --out, else the summary as key,value rows; table: the summary's tables, then the list."""
    if s.get("list") and not s.get("out"):
        listing = s["listing"]
        columns, rows = (list(listing[0]) if listing else ["customer_id"]), [list(r.values()) for r in listing]
    else:
        columns, rows = ["key", "value"], flatten({k: v for k, v in s.items() if k != "listing"})
    if emit(s, fmt, columns, rows):
        return
    table(s)
    if s.get("list"):
        _listing(s)


def _listing(s: dict) -> None:
    con = out_console()
    for note in s.get("list_notes", []):
        con.print(f"note: {note}")
    if s.get("out"):
        return
    rows = s["listing"]
    names = list(rows[0]) if rows else ["customer_id"]
    wide = {"segment_name": 24, "reasons": 40}
    cols = [Col(c, right=c in ("value_score", "arpu", "contacts") or c.startswith("share_"), key=c == "customer_id",
                wrap=wide.get(c)) for c in names]
    show(f"{s['listed']} customers in {s['list']}, highest value score first", cols,
         [[fmt_num(v) if isinstance(v, float) else v for v in r.values()] for r in rows], con)


def crosstab(title: str, rows: list[dict], keys: list[str], levels: list[str], share: bool = False) -> None:
    """Crosstab rows: keys, customers, then each level (count and share of the row)."""
    cols = [*(Col(k, key=True) for k in keys), Col("customers", True), *(Col(lv, True) for lv in levels)]
    cells = [[*(r[k] for k in keys), r["customers"],
              *(f"{r[lv]} ({r[lv] / r['customers']:.0%})" if share and r["customers"] else r[lv] for lv in levels)]
             for r in rows]
    show(title, cols, cells)


def _value_table(s: dict) -> None:
    from segment.value import CARDS, TIERS

    con = out_console()
    w = s["window"]
    con.print(f"[bold]Window[/] {w['start']}..{w['end']} ({w['months']} months)   "
              f"[bold]customers[/] {s['population']['customers']} ({s['population']['definition']})")
    rules = ", ".join(f"{k}: {v}" for k, v in s["tiers"]["rules"].items())
    crosstab(f"ARPU tiers ({rules})", s["tiers"]["by_brand"], ["brand"], list(TIERS), share=True)
    crosstab("Card tiers", s["card_tiers"]["by_brand"], ["brand"], list(CARDS), share=True)
    if s["tiers"]["by_segment"]:
        crosstab("ARPU tiers per segment", s["tiers"]["by_segment"], ["brand", "segment"],
                 list(TIERS), share=True)
    cols = [Col("decile", key=True), *(Col(c, True) for c in ("customers", "score", "arpu", "tenure (y)",
                                                               "overdue d/month", "arrears/month", "credit level",
                                                               "discount rate"))]
    rows = [[key.split("_")[0], p["customers"], f"{fmt_num(p['value_score_min'])}–{fmt_num(p['value_score_max'])}",
             *(fmt_num(p[c]) for c in ("arpu", "tenure_years", "overdue_days", "arrears", "credit_level", "discount_rate"))]
            for key, p in ((k, s["score"][k]) for k in ("top_decile", "bottom_decile"))]
    show("Value score: top and bottom deciles", cols, rows, con)
    c = s["concentration"]
    cols = [Col("scope", key=True), *(Col(h, True) for h in ("customers", "revenue", "top share of revenue", "gini",
                                                              "revenue < discount"))]
    rows = [[scope, r["customers"], f"{r['revenue']:,.2f}", _pct(r["top_revenue_share"]), fmt_num(r["gini"]),
             _pct(r["not_covering_discount"])] for scope, r in [("all", c["overall"]), *c["by_brand"].items()]]
    show(f"Revenue concentration (top {c['top_share']:.0%} of customers)", cols, rows, con)
    con.print("[bold]Lorenz curve[/] (all customers; '*' revenue, '.' equality)")
    for line in lorenz(c["overall"]["lorenz"]):
        con.print(line, markup=False, highlight=False)
    g = s["groups"]
    if not g["available"]:
        con.print(f"[bold]Group classes[/] skipped: {g['reason']}")
    else:
        cols = [Col("class", key=True), *(Col(h, True) for h in ("groups", "lines", "revenue", "share of revenue"))]
        rows = [[r["class"], r["groups"], r["lines"], f"{r['revenue']:,.2f}", _pct(r["revenue_share"])]
                for r in g["classes"]]
        show("Enterprise group classes", cols, rows, con)
    _wrote(s)


def _pct(x) -> str:
    return "–" if x is None else f"{x:.1%}"


def _churn_table(s: dict) -> None:
    from segment.churn import STAGES

    con = out_console()
    w = s["window"]
    con.print(f"[bold]Window[/] {w['start']}..{w['end']} ({w['months']} months)   "
              f"[bold]customers[/] {s['population']['customers']} ({s['population']['definition']})")
    crosstab("Churn stages per brand", s["by_brand"], ["brand"], list(STAGES), share=True)
    if s["by_segment"]:
        crosstab("Churn stages per segment", s["by_segment"], ["brand", "segment"],
                                   list(STAGES), share=True)
    cols = [Col("rule", key=True), Col("stage"), Col("fired", True), Col("definition", wrap=44)]
    rows = [[r["name"], r["stage"], r["fired"] if r["available"] else None,
             r["rule"] if r["available"] else f"not available: {r['reason']}"] for r in s["rules"]]
    show("Rules", cols, rows, con)
    _wrote(s)


def _channels_table(s: dict) -> None:
    from segment.channels import PREFERRED
    from segment.schema import CHANNELS

    con = out_console()
    w = s["window"]
    con.print(f"[bold]Window[/] {w['start']}..{w['end']} ({w['months']} months)   "
              f"[bold]customers[/] {s['population']['customers']}, {s['contacts']} contacts; "
              f"{s['customers_below_minimum']} with fewer than {s['min_contacts']} contacts get 'none'")
    for title, rows, keys in (("Channel mix (share of contacts)", s["mix"]["by_brand"], ["brand"]),
                              ("Channel mix per segment", s["mix"]["by_segment"], ["brand", "segment"])):
        if not rows:
            continue
        cols = [*(Col(k, key=True) for k in keys), Col("contacts", True), *(Col(c, True) for c in CHANNELS)]
        show(title, cols, [[*(r[k] for k in keys), r["contacts"], *(None if r[c] is None else f"{r[c]:.0%}"
                                                                    for c in CHANNELS)] for r in rows], con)
    crosstab("Preferred channel per brand", s["preferred"]["by_brand"], ["brand"], list(PREFERRED))
    if s["preferred"]["by_segment"]:
        crosstab("Preferred channel per segment", s["preferred"]["by_segment"],
                                   ["brand", "segment"], list(PREFERRED))
    _wrote(s)


def _wrote(s: dict) -> None:
    if s.get("out"):
        what = f"the {s['listed']} customers in {s['list']}, highest value score first" if s.get("list") else "every customer"
        out_console().print(f"Wrote [bold]{s['out']}[/] ({what})")
