"""``segment features``: the summary of a features table and the indicator catalogue."""

from __future__ import annotations

from .fit import Col, show
from .output import emit, fmt_num, out_console

_COLUMNS = ("name", "angle", "non_null", "mean", "min", "max")


def summary(outcome, fmt) -> None:
    s = outcome.summary
    rows = [tuple(i[c] for c in _COLUMNS) for i in s["indicators"]]
    if not emit(s, fmt, _COLUMNS, rows):
        _table(s, rows)


def _table(summary: dict, rows: list[tuple]) -> None:
    con = out_console()
    w = summary["window"]
    con.print(f"[bold]Window[/] {w['start']}..{w['end']} ({w['months']} months)   "
              f"[bold]population[/] {summary['population']}: {summary['customers']} customers   "
              + "  ".join(f"{b}: {n}" for b, n in summary["brands"].items()))
    c = summary["cdr"]
    con.print(f"[bold]CDR rows[/] {c['rows_total']} read, {c['rows_used']} used, "
              f"{c['rows_outside_window']} outside the window, {c['rows_unknown_customer']} of unknown customers")
    cols = [Col("indicator", key=True), Col("angle"), Col("non-null", True), Col("mean", True), Col("min", True),
            Col("max", True)]
    show("Indicators", cols, [[n, a, nn, fmt_num(m), fmt_num(lo), fmt_num(hi)] for n, a, nn, m, lo, hi in rows], con)
    if summary["skipped"]:
        con.print(f"[bold]Skipped[/] {len(summary['skipped'])} indicator(s):")
        for s in summary["skipped"]:
            con.print(f"  {s['name']}: {s['reason']}")
    if summary["out"]:
        con.print(f"Wrote [bold]{summary['out']}[/]")


def catalogue(outcome, fmt) -> None:
    rows = [(i["name"], i["angle"], " ".join(i["requires"]), i["definition"]) for i in outcome.summary["indicators"]]
    if emit(outcome.summary, fmt, ("name", "angle", "requires", "definition"), rows):
        return
    cols = [Col("indicator", key=True), Col("angle"), Col("needs", wrap=24), Col("definition", wrap=48)]
    show(f"{len(rows)} indicators", cols, rows)
