"""Channel preference: each customer's share of service contacts per channel.

Population: the customers of the window (see :mod:`segment.tabulate`); contacts are the
interactions of the window on the known channels, :data:`segment.schema.CHANNELS`
(counted by sql/24_service_contacts.sql). The preferred channel has the largest share;
ties go to the first channel in that order; customers with fewer than ``[channels]
min_contacts`` contacts get ``none``. Needs the interactions table: without it the
analysis raises InputError.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import polars as pl

from . import tabulate
from .config import ChannelConfig, Config
from .errors import InputError
from .schema import CHANNELS

SHARES = [f"share_{c}" for c in CHANNELS]
COLUMNS = ["customer_id", "brand", "contacts", *SHARES, "preferred_channel"]
PREFERRED = (*CHANNELS, "none")


@dataclass
class ChannelResult(tabulate.Analysis):
    """Contacts, shares and preferred channel per customer (``detail`` also holds other_contacts)."""

    detail: pl.DataFrame
    window: dict
    config: ChannelConfig
    segments: pl.DataFrame | None = None
    analysis = "channels"
    output_columns = COLUMNS

    def summary(self) -> dict:
        head, d, keys = self.summary_head()
        return {
            **head,
            "min_contacts": self.config.min_contacts,
            "contacts": int(d["contacts"].sum()),
            "other_channel_contacts": int(d["other_contacts"].sum()),
            "customers_with_contacts": int((d["contacts"] > 0).sum()),
            "customers_below_minimum": int((d["preferred_channel"] == "none").sum()),
            "mix": {"overall": mix(d, []), "by_brand": mix(d, ["brand"]),
                    "by_segment": mix(d, keys) if keys else None},
            "preferred": {
                "overall": {c: int((d["preferred_channel"] == c).sum()) for c in PREFERRED},
                "by_brand": tabulate.crosstab(d, ["brand"], "preferred_channel", PREFERRED),
                "by_segment": tabulate.crosstab(d, keys, "preferred_channel", PREFERRED) if keys else None,
            },
        }


def analyse(fs, cfg: Config, segments: pl.DataFrame | None = None) -> ChannelResult:
    """Contacts per channel, shares and the preferred channel of every customer of the window.

    Parameters: ``fs`` an open FeatureSet; ``cfg`` the config (``[channels]``);
    ``segments`` optional (customer_id, segment[, brand]).
    Returns a :class:`ChannelResult`. Raises InputError (exit 3) without an interactions table.
    """
    given = fs.con.has_relation("src_interactions")
    if not given:
        raise InputError("channels: no interactions table, so there are no service contacts to analyse "
                         "(give --interactions FILE or put interactions.* in --data)")
    tabulate.window_customers(fs)
    detail = tabulate.query(fs.con, "60_channels", **dataclasses.asdict(cfg.channels))
    if segments is not None:
        tabulate.attach_segments(detail.select("customer_id", "brand"), segments)  # validate early
    return ChannelResult(detail, tabulate.window_info(fs), cfg.channels, segments)


def mix(df: pl.DataFrame, by: list[str]) -> list[dict]:
    """Share of all contacts on each channel, per combination of ``by`` (one row if empty)."""
    counts = [(pl.col(s) * pl.col("contacts")).round(0).sum().cast(pl.Int64).alias(c)
              for s, c in zip(SHARES, CHANNELS)]
    g = (df.group_by(by).agg(pl.col("contacts").sum(), *counts).sort(by) if by
         else df.select(pl.col("contacts").sum(), *counts))
    rows = []
    for r in g.iter_rows(named=True):
        n = r["contacts"]
        rows.append({**{b: r[b] for b in by}, "contacts": n,
                     **{c: (round(r[c] / n, 6) if n else None) for c in CHANNELS}})
    return rows
