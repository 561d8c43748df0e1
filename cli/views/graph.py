"""The views of segment multisim and segment reentry."""

from __future__ import annotations

from rich.table import Table

from .output import emit, out_console


def show(outcome, fmt) -> None:
    """JSON: the summary; CSV: the pairs found; table: the counts, then the pairs."""
    s = outcome.summary
    rows = s["rows"]
    columns = list(outcome.result.customers.columns)
    if emit(s, fmt, columns, ([r[c] for c in columns] for r in rows)):
        return
    con = out_console()
    w = s["window"]
    con.print(f"window {w['start']}..{w['end']}; caps: {s['caps']['max_contacts']} contacts per shared contact, "
              f"{s['caps']['max_degree']} customers per number")
    if "per_month" in s:
        t = Table("month", "re-entries", "same brand", title=f"{s['reentries']} re-entries")
        for r in s["per_month"]:
            t.add_row(r["month"], str(r["reentries"]), str(r["same_brand"]))
        con.print(t)
    else:
        con.print(f"{s['owners']} customer(s) with {s['numbers']} other number(s) ({s['offnet_numbers']} off-net), "
                  f"of {s['pairs_scored']} pairs scored")
    shown = columns[:9]
    t = Table(*shown)
    for r in rows[:50]:
        t.add_row(*("" if r[c] is None else f"{r[c]:.3g}" if isinstance(r[c], float) else str(r[c]) for c in shown))
    if rows:
        con.print(t)
    if len(rows) > 50:
        con.print(f"... and {len(rows) - 50} more (--out FILE or --format csv for all)")
