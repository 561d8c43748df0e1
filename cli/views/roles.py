"""The column roles of screen and cluster: every column of the table, what it is for and why."""

from __future__ import annotations

from .fit import Col, show
from .output import out_console


def roles_table(roles: list[dict] | None, console=None) -> None:
    """One row per column: name, role, reason (segment/roles.py)."""
    if not roles:
        return
    cols = [Col("column", key=True), Col("role"), Col("why", wrap=60)]
    rows = [[r["name"], r["role"], r["reason"] + (f" ({len(r['encoded'])} 0/1 columns)" if r.get("encoded") else "")]
            for r in roles]
    show(f"Column roles ({len(roles)} columns)", cols, rows, console or out_console())
