"""The views of the commands whose outcome is one small table: sample, score, verify, report."""

from __future__ import annotations

from .fit import Col, show
from .output import emit, out_console


def sample(outcome, fmt) -> None:
    tables = outcome.summary["tables"]
    if emit(outcome.summary, fmt, ["table", "rows", "files"], [(t, v["rows"], len(v["files"])) for t, v in tables.items()]):
        return
    con = out_console()
    for table, v in tables.items():
        con.print(f"{table:<13} {v['rows']:>12,} rows  {len(v['files'])} file(s)")


def score(outcome, fmt) -> None:
    counts = outcome.result
    if emit(outcome.summary, fmt, counts.columns, counts.rows()):
        return
    cols = [Col("brand", key=True), Col("segment", True), Col("name", wrap=40), Col("customers", True)]
    show(f"{outcome.summary['customers']:,} customers scored -> {outcome.summary['out']}", cols,
         [[b, s, n, f"{c:,}"] for b, s, n, c in counts.rows()])


VERIFY_COLUMNS = ("what", "name", "status", "recorded", "current", "detail")


def verify(outcome, fmt) -> None:
    report = outcome.result
    if emit(outcome.summary, fmt, VERIFY_COLUMNS, report.rows()):
        return
    if report.ok:
        print(report.ok_line())
        return
    rows = []
    for what, name, status, recorded, current, detail in report.rows(differences_only=True):
        if what in ("input", "version"):
            detail = f"recorded {recorded or '-'}; now {current or '-'}"
        rows.append([what, name, status, detail])
    cols = [Col("what"), Col("name", wrap=32), Col("status"), Col("detail", wrap=36)]
    show(f"segment verify {report.manifest}: what differs", cols, rows)


REPORT_COLUMNS = ("section", "title", "charts", "notes")


def report(outcome, fmt) -> None:
    sections = outcome.summary["sections"]
    rows = [(s["id"], s["title"], s["charts"], "; ".join(s["notes"])) for s in sections]
    if emit(outcome.summary, fmt, REPORT_COLUMNS, rows):
        return
    con = out_console()
    for section, title, charts, notes in rows:
        con.print(f"{title:<28} {charts:>3} chart(s)" + (f"  [dim]{notes}[/]" if notes else ""), highlight=False)
