"""The views of value, churn and channels: the summary as JSON, as ``key,value`` CSV
rows, or as rich tables."""

from __future__ import annotations

from .charts import lorenz
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
    from rich.table import Table

    con = out_console()
    for note in s.get("list_notes", []):
        con.print(f"note: {note}")
    if s.get("out"):
        return
    rows = s["listing"]
    t = Table(title=f"{s['listed']} customers in {s['list']}, highest value score first", title_justify="left")
    for c in (list(rows[0]) if rows else ["customer_id"]):
        t.add_column(c, justify="right" if c in ("value_score", "arpu", "contacts") or c.startswith("share_") else "left")
    for r in rows:
        t.add_row(*(fmt_num(v) if isinstance(v, float) else ("–" if v is None else str(v)) for v in r.values()))
    con.print(t)


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


def _value_table(s: dict) -> None:
    from rich.table import Table

    from segment.value import CARDS, TIERS

    con = out_console()
    w = s["window"]
    con.print(f"[bold]Window[/] {w['start']}..{w['end']} ({w['months']} months)   "
              f"[bold]customers[/] {s['population']['customers']} ({s['population']['definition']})")
    rules = ", ".join(f"{k}: {v}" for k, v in s["tiers"]["rules"].items())
    con.print(crosstab_table(f"ARPU tiers ({rules})", s["tiers"]["by_brand"], ["brand"], list(TIERS), share=True))
    con.print(crosstab_table("Card tiers", s["card_tiers"]["by_brand"], ["brand"], list(CARDS), share=True))
    if s["tiers"]["by_segment"]:
        con.print(crosstab_table("ARPU tiers per segment", s["tiers"]["by_segment"], ["brand", "segment"],
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
    _wrote(s)


def _pct(x) -> str:
    return "–" if x is None else f"{x:.1%}"


def _churn_table(s: dict) -> None:
    from rich.table import Table

    from segment.churn import STAGES

    con = out_console()
    w = s["window"]
    con.print(f"[bold]Window[/] {w['start']}..{w['end']} ({w['months']} months)   "
              f"[bold]customers[/] {s['population']['customers']} ({s['population']['definition']})")
    con.print(crosstab_table("Churn stages per brand", s["by_brand"], ["brand"], list(STAGES), share=True))
    if s["by_segment"]:
        con.print(crosstab_table("Churn stages per segment", s["by_segment"], ["brand", "segment"],
                                   list(STAGES), share=True))
    t = Table(title="Rules", title_justify="left")
    for col in ("rule", "stage", "fired", "definition"):
        t.add_column(col, justify="right" if col == "fired" else "left")
    for r in s["rules"]:
        t.add_row(r["name"], r["stage"], str(r["fired"]) if r["available"] else "–",
                  r["rule"] if r["available"] else f"not available: {r['reason']}")
    con.print(t)
    _wrote(s)


def _channels_table(s: dict) -> None:
    from rich.table import Table

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
        t = Table(title=title, title_justify="left")
        for k in (*keys, "contacts", *CHANNELS):
            t.add_column(k, justify="left" if k in keys else "right")
        for r in rows:
            t.add_row(*(str(r[k]) for k in keys), str(r["contacts"]),
                      *("–" if r[c] is None else f"{r[c]:.0%}" for c in CHANNELS))
        con.print(t)
    con.print(crosstab_table("Preferred channel per brand", s["preferred"]["by_brand"], ["brand"], list(PREFERRED)))
    if s["preferred"]["by_segment"]:
        con.print(crosstab_table("Preferred channel per segment", s["preferred"]["by_segment"],
                                   ["brand", "segment"], list(PREFERRED)))
    _wrote(s)


def _wrote(s: dict) -> None:
    if s.get("out"):
        what = f"the {s['listed']} customers in {s['list']}, highest value score first" if s.get("list") else "every customer"
        out_console().print(f"Wrote [bold]{s['out']}[/] ({what})")
