"""The view of ``segment rules``: per brand, each segment's rules with precision and coverage."""

from __future__ import annotations

from .fit import Col, show
from .output import emit, fmt_num, out_console

_COLUMNS = ("brand", "segment", "name", "rule", "customers", "precision")


def rules(outcome, fmt) -> None:
    s = outcome.summary
    rows = [(b["brand"], seg["segment"], seg["name"], r["rule"], r["customers"], r["precision"])
            for b in s["brands"] for seg in b["segments"] for r in seg["rules"]]
    if emit(s, fmt, _COLUMNS, rows):
        return
    con = out_console()
    for b in s["brands"]:
        cols = [Col("seg", right=True, key=True), Col("rule", wrap=56), Col("customers", True), Col("precision", True)]
        cells = [[seg["segment"], r["rule"], r["customers"], fmt_num(r["precision"], 3)]
                 for seg in b["segments"] for r in seg["rules"]]
        show(f"{b['brand']}: rules (tree depth {s['max_depth']}), agreement with the model "
             f"{b['agreement']:.1%}", cols, cells, con)
        for seg in b["segments"]:
            con.print(f"  segment {seg['segment']} ({seg['name']}): precision {fmt_num(seg['precision'], 3)}, "
                      f"coverage {fmt_num(seg['coverage'], 3)} of {seg['customers']:,} customers")
    con.print(f"Wrote [bold]{s['out']}[/] (CASE WHEN per brand; runs where model.sql runs)")
