"""``segment channels``: each customer's share of service contacts per channel."""

from __future__ import annotations

import typer

from . import analysis as a
from . import options as o
from .inputs import InputArgs, with_inputs


def register(app: typer.Typer) -> None:
    app.command("channels")(channels)


@with_inputs
def channels(ctx: typer.Context, inputs: InputArgs, out: a.Out = None, segments: a.Segments = None,
             fmt: o.OutputFormat = o.Format.table, force: o.Force = False) -> None:
    """Channel preference from service contacts: shares per channel and the preferred one.

    Example: [bold]segment channels --data sample_data --out channels.parquet[/]
    """
    from segment.channels import analyse

    result = a.run(ctx, inputs, "channels", analyse, out, force, segments)
    a.emit({**result.summary(), "out": str(out) if out else None}, fmt, _table)


def _table(s: dict) -> None:
    from rich.table import Table

    from segment.channels import PREFERRED
    from segment.schema import CHANNELS

    con = a.console()
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
    con.print(a.crosstab_table("Preferred channel per brand", s["preferred"]["by_brand"], ["brand"], list(PREFERRED)))
    if s["preferred"]["by_segment"]:
        con.print(a.crosstab_table("Preferred channel per segment", s["preferred"]["by_segment"],
                                   ["brand", "segment"], list(PREFERRED)))
    if s.get("out"):
        con.print(f"Wrote [bold]{s['out']}[/]")
