"""The value and churn sections, from the summaries in analyses.json: tiers per brand, the
Lorenz (whale) curve with the Gini and the top customers' share of revenue, enterprise
group classes; churn stages per brand and segment, and the rules that fired most."""

from __future__ import annotations

from . import charts
from .folder import RunFolder
from .html import Section, kpis, num, pct, table


def value(run: RunFolder) -> Section:
    s = Section("value", "Value")
    v = run.analysis("value")
    if v is None:
        return s.note("No value analysis in this folder (no analyses.json).")
    tiers, cards = v.get("tiers") or {}, v.get("card_tiers") or {}
    conc = v.get("concentration") or {}
    overall = conc.get("overall") or {}
    top = conc.get("top_share", 0.2)
    s.add(kpis([("customers of the window", num((v.get("population") or {}).get("customers"))),
                ("Gini of revenue", "–" if overall.get("gini") is None else f"{overall['gini']:.3f}"),
                (f"revenue share of the top {top:.0%}", pct(overall.get("top_revenue_share"))),
                ("revenue in the window", num(overall.get("revenue")))]))
    brands = [r["brand"] for r in tiers.get("by_brand") or []]
    panels = []
    for title, palette, part in (("ARPU tier", "tier", tiers), ("card tier", "card", cards)):
        rows = {r["brand"]: r for r in part.get("by_brand") or []}
        levels = run.levels(palette)
        if rows:
            panels.append((title, palette, levels,
                           [[int(rows.get(b, {}).get(lv, 0)) for lv in levels] for b in brands]))
    if panels:
        rules = "; ".join(f"{k}: {r}" for k, r in (tiers.get("rules") or {}).items())
        s.chart(charts.stacked("c-value-tiers", brands, panels, shares=False), f"Customers per tier and brand. Tiers: {rules}.")
    curves = []
    if overall.get("lorenz"):
        curves.append(("all brands", overall["lorenz"], _conc_text("all brands", overall, top)))
    for b, c in (conc.get("by_brand") or {}).items():
        if c.get("lorenz"):
            curves.append((b, c["lorenz"], _conc_text(b, c, top)))
    if curves:
        s.chart(charts.lorenz("c-value-lorenz", curves, "Revenue concentration (Lorenz curve)"),
                "The further the curve from the dotted diagonal, the more revenue comes from few customers.")
    rows = [[name, num(c.get("customers")), num(c.get("revenue")), _gini(c.get("gini")), pct(c.get("top_revenue_share")),
             pct(c.get("not_covering_discount"))]
            for name, c in [("all brands", overall), *(conc.get("by_brand") or {}).items()] if c]
    s.add(table(["", "customers", "revenue", "Gini", f"top {top:.0%} share", "revenue below discount"], rows,
                {1, 2, 3, 4, 5}))
    groups = v.get("groups") or {}
    s.add("<h3>Enterprise groups</h3>")
    if groups.get("available"):
        rows = [[g["class"], num(g.get("groups")), num(g.get("lines")), num(g.get("revenue")), pct(g.get("revenue_share"))]
                for g in groups.get("classes") or []]
        s.add(table(["class", "groups", "lines", "revenue", "share of revenue"], rows, {1, 2, 3, 4}))
    else:
        s.note(f"Group classes not available: {groups.get('reason') or 'not computed'}.")
    return s


def _gini(g) -> str:
    return "–" if g is None else f"{g:.3f}"


def _conc_text(name: str, c: dict, top: float) -> str:
    return (f"{name}: Gini {_gini(c.get('gini'))}, top {top:.0%} of customers bring {pct(c.get('top_revenue_share'))} "
            f"of the revenue ({num(c.get('customers'))} customers)")


def churn(run: RunFolder) -> Section:
    s = Section("churn", "Churn")
    c = run.analysis("churn")
    if c is None:
        return s.note("No churn analysis in this folder (no analyses.json).")
    levels = run.levels("stage")
    stages = c.get("stages") or {}
    s.add(kpis([(stage, num(stages.get(stage))) for stage in levels]))
    by_brand = c.get("by_brand") or []
    if by_brand:
        s.chart(charts.stacked("c-churn-brands", [r["brand"] for r in by_brand],
                               [("churn stage", "stage", list(levels), [[int(r.get(st, 0)) for st in levels] for r in by_brand])],
                               shares=False), "Customers of the window per stage and brand (the most severe rule that fired).")
    rules = c.get("rules") or []
    fired = sorted((r for r in rules if r.get("available")), key=lambda r: (-r.get("fired", 0), r["name"]))
    if fired:
        s.chart(charts.hbars("c-churn-reasons", [r["name"].replace("_", " ") for r in fired], [r.get("fired", 0) for r in fired],
                             [f"{r.get('fired', 0):,} ({r['stage']})" for r in fired], title="Why: how often each rule fired",
                             hover=[f"{r['name']} ({r['stage']}): {r['rule']}" for r in fired], colour_of="#c44e52"),
                "A customer may fire several rules; the stage is that of the most severe.")
    for r in rules:
        if not r.get("available"):
            s.note(f"Rule {r['name']} did not run: {r.get('reason')}.")
    by_segment = c.get("by_segment") or []
    if by_segment:
        rows = [[r["brand"], r["segment"], num(r.get("customers")), *[num(r.get(st)) for st in levels],
                 pct((r.get("churned", 0) + r.get("alert", 0)) / r["customers"] if r.get("customers") else None)]
                for r in by_segment]
        s.add("<h3>Stages per brand and segment</h3>",
              table(["brand", "segment", "customers", *levels, "churned or alert"], rows, set(range(2, 4 + len(levels)))))
    return s
