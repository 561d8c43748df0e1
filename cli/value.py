"""``segment value``: ARPU and card tiers, value score, revenue concentration, group classes."""

from __future__ import annotations

import typer

from .analysis import command

value = command("value", """Value tiers, value score 0-100, revenue concentration and enterprise group classes.

    Example: [bold]segment value --data sample_data --out value.parquet[/]
    """, "ARPU tier (A, B or C)")


def register(app: typer.Typer) -> None:
    app.command("value")(value)
