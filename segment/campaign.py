"""Campaign lists: the customers of one churn stage, value tier or preferred channel, with
what a campaign needs to act on them: segment and its name, value tier and score,
preferred channel, and the analysis's own columns (the churn reasons, the channel share).

A list is ordered by value score, highest first (ties: lower customer_id), so that a
campaign with a budget for N customers takes the first N.
"""

from __future__ import annotations

import polars as pl

from .errors import InputError, UsageError

# The columns every list starts with; ``None`` where the inputs cannot say (see ``notes``).
LEAD = ["customer_id", "brand", "segment", "segment_name"]
TAIL = ["arpu_tier", "value_score", "preferred_channel"]


def levels(analysis: str) -> tuple[str, ...]:
    """What ``--list`` takes for an analysis: churn stages, ARPU tiers or channels."""
    from .churn import STAGES
    from .schema import CHANNELS
    from .value import TIERS

    return {"churn": STAGES, "value": TIERS, "channels": (*CHANNELS, "none")}[analysis]


def check_level(analysis: str, level: str | None) -> None:
    """UsageError (exit 2) for a ``--list`` level the analysis does not have."""
    if level is not None and level not in levels(analysis):
        raise UsageError(f"--list {level}: choose from {', '.join(levels(analysis))}")


def _own_columns(analysis: str, level: str) -> tuple[str, list[str]]:
    """The column a list selects on, and the analysis's own columns it carries."""
    if analysis == "churn":
        return "stage", ["stage", "reasons"]
    if analysis == "value":
        return "arpu_tier", ["arpu", "card_tier"]
    return "preferred_channel", ["contacts", f"share_{level}"] if level != "none" else ["contacts"]


def build(analysis: str, level: str, result, fs, cfg, segments: pl.DataFrame | None) -> tuple[pl.DataFrame, list[str]]:
    """The list of ``level`` from an analysis ``result`` of the open FeatureSet ``fs``.

    Returns the rows and notes on the columns that are empty, and why.
    Raises UsageError for a level the analysis does not have.
    """
    from . import channels as channelmod, value as valuemod

    check_level(analysis, level)
    column, own = _own_columns(analysis, level)
    rows = result.customers.filter(pl.col(column) == level).select("customer_id", "brand", *own)
    notes = []
    # churn carries the value tier and score already; channels computes them
    has_value = {"arpu_tier", "value_score"} <= set(result.customers.columns)
    value = result if has_value else valuemod.analyse(fs, cfg)
    rows = rows.join(value.customers.select("customer_id", "arpu_tier", "value_score"), on="customer_id",
                     how="left", maintain_order="left")
    try:
        channels = result if analysis == "channels" else channelmod.analyse(fs, cfg)
        preferred = channels.customers.select("customer_id", "preferred_channel")
    except InputError as e:
        notes.append(f"preferred_channel is empty: {e}")
        preferred = rows.select("customer_id", pl.lit(None, pl.Utf8).alias("preferred_channel"))
    rows = rows.join(preferred, on="customer_id", how="left", maintain_order="left")
    rows = rows.join(_segments(segments, rows, notes), on="customer_id", how="left", maintain_order="left")
    rows = rows.sort(["value_score", "customer_id"], descending=[True, False], nulls_last=True)
    return rows.select(*LEAD, *own, *TAIL), notes


def _segments(segments: pl.DataFrame | None, rows: pl.DataFrame, notes: list[str]) -> pl.DataFrame:
    """customer_id, segment, segment_name from ``--segments`` (text; None when not given)."""
    if segments is None:
        notes.append("segment is empty: no --segments table given (e.g. the assignments.parquet of a run)")
        return rows.select("customer_id", pl.lit(None, pl.Utf8).alias("segment"),
                           pl.lit(None, pl.Utf8).alias("segment_name"))
    if "segment_name" not in segments.columns:
        notes.append("segment_name is empty: the --segments table has no segment_name column")
    name = pl.col("segment_name") if "segment_name" in segments.columns else pl.lit(None)
    return segments.select(pl.col("customer_id").cast(rows.schema["customer_id"]), pl.col("segment").cast(pl.Utf8),
                           name.cast(pl.Utf8).alias("segment_name"))
