"""``segment channels``: each customer's share of service contacts per channel."""

from __future__ import annotations

import typer

from .analysis import command

channels = command("channels", """Channel preference from service contacts: shares per channel and the preferred one.

    Example: [bold]segment channels --data sample_data --out channels.parquet[/]
    """, "preferred channel (hall, hotline, ivr, web, sms, wap, kiosk or none)")


def register(app: typer.Typer) -> None:
    app.command("channels")(channels)
