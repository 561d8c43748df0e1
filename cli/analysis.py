"""The commands whose options are the inputs, --out, --segments: value and channels."""

# no `from __future__ import annotations`: the --list option is a local of command(), and
# Typer must see the annotation objects themselves

import typer

from . import options as o
from .execute import execute
from .options import with_inputs


def command(name: str, doc: str, list_of: str):
    """The Typer command ``segment <name>`` running the job ``name`` and its view;
    ``--list`` takes one ``list_of``."""
    ListOf = o.list_option(list_of)

    @with_inputs
    def analysis(ctx: typer.Context, inputs: dict, out: o.TableOut = None, segments: o.Segments = None,
                 list_: ListOf = None, excel_csv: o.ExcelCsv = False, fmt: o.OutputFormat = o.Format.table,
                 force: o.Force = False) -> None:
        from segment import jobs

        from .views import analyses

        request = jobs.module(name).Request(**inputs, out=out, segments=segments, list=list_, excel_csv=excel_csv,
                                            force=force)
        execute(ctx, name, request, getattr(analyses, name), fmt)

    analysis.__doc__ = doc
    analysis.__name__ = name
    return analysis
