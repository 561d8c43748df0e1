"""Tables that fit the terminal: no column is ever cut into an ambiguous stub.

A table wider than the terminal is shown in parts: each part repeats the key columns (an
indicator's name, a segment) and takes as many of the other columns as fit, at their full
width. Only text columns that are declared wrapping (names, definitions) wrap, on spaces.
The title is printed on its own line, so it wraps rather than being cut.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Sequence

from rich.table import Table
from rich.text import Text

from .output import out_console

_PAD = 3  # a column's padding and its border


@dataclass(frozen=True)
class Col:
    header: str
    right: bool = False  # numbers
    key: bool = False  # repeated in every part of a split table
    wrap: int | None = None  # a text column that may wrap on spaces at this width


def _text(x: Any) -> Text:
    return x if isinstance(x, Text) else Text("–" if x is None else str(x))


def parts(cols: Sequence[Col], widths: Sequence[int], width: int) -> list[list[int]]:
    """Column indexes of each part: the key columns, then the others packed in order."""
    keys = [i for i, c in enumerate(cols) if c.key]
    room = width - 1 - sum(widths[i] + _PAD for i in keys)
    out: list[list[int]] = []
    current: list[int] = []
    used = 0
    for i, c in enumerate(cols):
        if c.key:
            continue
        need = widths[i] + _PAD
        if current and used + need > room:
            out.append(current)
            current, used = [], 0
        current.append(i)
        used += need
    if current or not out:
        out.append(current)
    return [keys + p for p in out]


def show(title: str, cols: Sequence[Col], rows: Sequence[Sequence[Any]], console=None,
         row_styles: Sequence[str | None] | None = None) -> None:
    """Print ``rows`` under ``cols`` in as many parts as the console's width needs."""
    con = console or out_console()
    cells = [[_text(x) for x in r] for r in rows]
    widths = []
    for j, c in enumerate(cols):
        natural = max([len(c.header), *(r[j].cell_len for r in cells)])
        widths.append(min(natural, c.wrap) if c.wrap else natural)
    split = parts(cols, widths, con.width)
    for n, part in enumerate(split):
        con.print(Text(title if n == 0 else f"{title} (continued)", style="bold"), soft_wrap=False)
        t = Table(show_edge=True, expand=False)
        for j in part:
            c = cols[j]
            t.add_column(c.header, justify="right" if c.right else "left", min_width=widths[j],
                         max_width=c.wrap, no_wrap=c.wrap is None, overflow="fold")
        for k, r in enumerate(cells):
            t.add_row(*(r[j] for j in part), style=row_styles[k] if row_styles else None)
        con.print(t)
