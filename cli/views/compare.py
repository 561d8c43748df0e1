"""The view of ``segment compare``: per brand the matching with its evidence, the
transition matrix (shares of each earlier segment), k and its two prediction-strength
curves, the largest drifts; then the screening diff."""

from __future__ import annotations

from .output import emit, fmt_num, out_console


def compare(outcome, fmt) -> None:
    from segment.tracking import CSV_COLUMNS

    result = outcome.result
    if emit(outcome.summary, fmt, CSV_COLUMNS, result.rows()):
        return
    for brand, c in outcome.summary["brands"].items():
        _brand(brand, c, outcome.summary["psi_alert"])
    _screening(outcome.summary["screening"])


def _curve(points) -> str:
    return " ".join(f"{k}:{ps:.2f}" for k, ps in points) or "– (k was set)"


def _brand(brand: str, c: dict, psi_alert: float) -> None:
    from rich.table import Table

    con = out_console()
    cust, k = c["customers"], c["k"]
    share = cust["share_in_matched_segment"]
    con.print(f"[bold]{brand}[/]: k {k['a']} → {k['b']}; {cust['shared']:,} customers in both runs, "
              f"{'–' if share is None else f'{share:.1%}'} in the matched segment ({cust['movers']:,} moved, "
              f"{cust['appeared']:,} new, {cust['left']:,} gone); matched on {c['matched_by']}")
    con.print(f"  prediction strength A: {_curve(k['prediction_strength_a'])}")
    con.print(f"  prediction strength B: {_curve(k['prediction_strength_b'])}")
    t = Table(title=f"{brand}: segments matched", title_justify="left")
    for col in ("A", "name A", "B", "name B", "shared", "Jaccard", "distance"):
        t.add_column(col, justify="left" if col.startswith("name") else "right")
    for m in c["matches"]:
        t.add_row(str(m["segment_a"]), m["name_a"], str(m["segment_b"]), m["name_b"], f"{m['shared']:,}",
                  f"{m['jaccard']:.3f}", fmt_num(m["distance"], 3))
    for g in c["gone"]:
        t.add_row(str(g["segment"]), g["name"], "–", "(gone)", "", "", "")
    for n in c["new"]:
        t.add_row("–", "(new)", str(n["segment"]), n["name"], "", "", "")
    con.print(t)
    seg_b = sorted({r["segment_b"] for r in c["transitions"]})
    if seg_b:
        t = Table(title=f"{brand}: transitions (share of each A segment's customers found in B)", title_justify="left")
        t.add_column("A \\ B", justify="right")
        for s in seg_b:
            t.add_column(str(s), justify="right")
        cells = {(r["segment_a"], r["segment_b"]): r for r in c["transitions"]}
        for a in sorted({r["segment_a"] for r in c["transitions"]}):
            row = []
            for b in seg_b:
                r = cells.get((a, b))
                row.append("" if r is None else (f"[bold]{r['share']:.1%}[/]" if r["matched"] else f"{r['share']:.1%}"))
            t.add_row(str(a), *row)
        con.print(t)
    top = sorted((d for d in c["drift"] if d["psi"] is not None), key=lambda d: -d["psi"])[:5]
    if top:
        con.print(f"  largest drift (PSI; from {psi_alert} a shift): " + "; ".join(
            f"{d['segment_a']}→{d['segment_b']} {d['indicator']} {d['psi']:.3f}"
            + (" !" if d["psi"] >= psi_alert else "") for d in top))


def _screening(s: dict) -> None:
    con = out_console()
    if not s["available"]:
        return
    if not s["changes"] and not s["thresholds"]:
        con.print("screening: no indicator changed status")
        return
    con.print("[bold]screening changes[/]")
    for t in s["thresholds"]:
        con.print(f"  setting {t['name']}: {t['a']} → {t['b']}")
    for ch in s["changes"]:
        con.print(f"  {ch['text']}", soft_wrap=True)
