"""``segment channels``: each customer's share of service contacts per channel."""

from __future__ import annotations

import typer

from .analysis import command

channels = command("channels", """Channel preference from service contacts: shares per channel and the preferred one.

    Example: [bold]segment channels --data sample_data --out channels.parquet[/]
    """)


def register(app: typer.Typer) -> None:
    app.command("channels")(channels)
