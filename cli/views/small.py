"""The views of the commands whose outcome is one small table: sample, score, verify."""

from __future__ import annotations

from rich.markup import escape

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
    from rich.table import Table

    t = Table(title=f"{outcome.summary['customers']:,} customers scored -> {outcome.summary['out']}", title_justify="left")
    for c in ("brand", "segment", "name", "customers"):
        t.add_column(c, justify="right" if c in ("segment", "customers") else "left")
    for b, s, n, c in counts.rows():
        t.add_row(escape(str(b)), str(s), escape(str(n)), f"{c:,}")
    out_console().print(t)


VERIFY_COLUMNS = ("what", "name", "status", "recorded", "current", "detail")


def verify(outcome, fmt) -> None:
    report = outcome.result
    if emit(outcome.summary, fmt, VERIFY_COLUMNS, report.rows()):
        return
    if report.ok:
        print(report.ok_line())
        return
    from rich.table import Table

    t = Table(title=f"segment verify {report.manifest}: what differs", title_justify="left")
    for col in ("what", "name", "status", "detail"):
        t.add_column(col, overflow="fold")
    for what, name, status, recorded, current, detail in report.rows(differences_only=True):
        if what in ("input", "version"):
            detail = f"recorded {recorded or '-'}; now {current or '-'}"
        t.add_row(what, escape(str(name)), status, escape(str(detail)))
    out_console().print(t)
