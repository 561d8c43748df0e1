"""``segment churn``: a churn stage per customer with the rules that fired."""

from __future__ import annotations

from enum import Enum
from typing import Annotated, Optional

import typer

from . import analysis as a
from . import options as o
from .inputs import InputArgs, with_inputs


class Stage(str, Enum):
    churned = "churned"
    alert = "alert"
    warning = "warning"
    healthy = "healthy"


def register(app: typer.Typer) -> None:
    app.command("churn")(churn)


@with_inputs
def churn(ctx: typer.Context, inputs: InputArgs, out: a.Out = None, segments: a.Segments = None,
          list_: Annotated[Optional[Stage], typer.Option(
              "--list", help="Limit --out to one stage, highest value score first (a retention list).")] = None,
          fmt: o.OutputFormat = o.Format.table, force: o.Force = False) -> None:
    """Churn early warning: churned, alert, warning or healthy, with the reasons.

    Example: [bold]segment churn --data sample_data --list alert --out alert.csv[/]
    """
    from segment.churn import assess

    stage = list_.value if list_ else None
    result = a.run(ctx, inputs, "churn", assess, out, force, segments,
                   write=lambda r, path, f: r.write(path, f, stage), options={"list": stage})
    summary = {**result.summary(), "list": stage, "out": str(out) if out else None}
    if stage:
        summary["listed"] = result.listing(stage).height
    a.emit(summary, fmt, _table)


def _table(s: dict) -> None:
    from rich.table import Table

    from segment.churn import STAGES

    con = a.console()
    w = s["window"]
    con.print(f"[bold]Window[/] {w['start']}..{w['end']} ({w['months']} months)   "
              f"[bold]customers[/] {s['population']['customers']} ({s['population']['definition']})")
    con.print(a.crosstab_table("Churn stages per brand", s["by_brand"], ["brand"], list(STAGES), share=True))
    if s["by_segment"]:
        con.print(a.crosstab_table("Churn stages per segment", s["by_segment"], ["brand", "segment"],
                                   list(STAGES), share=True))
    t = Table(title="Rules", title_justify="left")
    for col in ("rule", "stage", "fired", "definition"):
        t.add_column(col, justify="right" if col == "fired" else "left")
    for r in s["rules"]:
        t.add_row(r["name"], r["stage"], str(r["fired"]) if r["available"] else "–",
                  r["rule"] if r["available"] else f"not available: {r['reason']}")
    con.print(t)
    if s.get("out"):
        what = f"the {s['listed']} {s['list']} customers, highest value score first" if s.get("list") else "every customer"
        con.print(f"Wrote [bold]{s['out']}[/] ({what})")
