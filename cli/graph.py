"""``segment multisim`` and ``segment reentry``: churn signals from the call graph."""

# no `from __future__ import annotations`: Typer must see the annotation objects themselves

import typer

from . import options as o
from .execute import execute
from .options import with_inputs

def _command(name: str, doc: str):
    @with_inputs
    def command(ctx: typer.Context, inputs: dict, out: o.PairsOut = None, fmt: o.OutputFormat = o.Format.table,
                force: o.Force = False) -> None:
        from segment import jobs

        from .views import graph

        execute(ctx, name, jobs.module(name).Request(**inputs, out=out, force=force), graph.show, fmt)

    command.__doc__ = doc
    command.__name__ = name
    return command


multisim = _command("multisim", """Multi-SIM owners: off-net numbers and other customers whose contacts are a customer's own.

    Example: [bold]segment multisim --data sample_data --out multisim.csv[/]
    """)
reentry = _command("reentry", """Re-entrants: new lines whose first contacts are those of a line that left shortly before.

    Example: [bold]segment reentry --data sample_data --format json[/]
    """)


def register(app: typer.Typer) -> None:
    app.command("multisim")(multisim)
    app.command("reentry")(reentry)
