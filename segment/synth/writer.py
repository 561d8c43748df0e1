"""Arrow tables of the extracts and their deterministic Parquet or CSV files."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from ..config import InputConfig
from ..schema import CHANNELS, SERVICES, TABLES
from .calendar import Window
from .params import (
    BRANDS, DATA, DEALERS, DIRECTIONS, NETWORKS, PLANS, PURPOSES, ROAMING, TYPE_DIRECTION, TYPE_SERVICE, VOICE,
)

FORMATS = ("parquet", "csv")
# CSV extracts use the delimiter `segment` reads when no config says otherwise.
CSV_DELIMITER = InputConfig().delimiter
PARQUET_OPTIONS = dict(compression="zstd", compression_level=3, use_dictionary=True, write_statistics=True)


def concat(parts: list[dict]) -> dict:
    """The chunks' dicts of arrays joined key by key, in chunk order."""
    return {k: np.concatenate([p[k] for p in parts]) for k in parts[0]}


def _labels(labels: tuple[str, ...], codes: np.ndarray, null: np.ndarray | None = None) -> pa.Array:
    """String column from small integer codes (nulls where ``null``)."""
    idx = pa.array(codes.astype(np.int32), mask=null)
    return pa.array(labels, pa.string()).take(idx)


def _ts(seconds: np.ndarray) -> pa.Array:
    # Whole seconds, typed timestamp[us]: Parquet has no second unit, and
    # microseconds are what DuckDB and polars use natively.
    return pa.array((seconds.astype(np.int64) * 1_000_000).view("datetime64[us]"))


def _date(days: np.ndarray, null: np.ndarray | None = None) -> pa.Array:
    """Date column from days since the epoch (nulls where ``null``)."""
    return pa.array(days.astype("datetime64[D]"), type=pa.date32(), mask=null)


def _contract(table: str, columns: dict[str, pa.Array]) -> pa.Table:
    """``columns`` in the order of the input contract (segment.schema), whose columns they must be."""
    names = [c.name for c in TABLES[table].columns]
    if sorted(names) != sorted(columns):
        raise RuntimeError(f"generated {table} columns differ from segment.schema: {sorted(set(names) ^ set(columns))}")
    return pa.table({name: columns[name] for name in names})


def cdr_table(ev: dict) -> pa.Table:
    typ = ev["typ"]
    svc = TYPE_SERVICE[typ]
    is_data = svc == DATA
    return _contract("cdr", {
        "customer_id": pa.array(ev["cust"].astype(np.int64)),
        "start_time": _ts(ev["ts"]),
        "service": _labels(SERVICES, svc),
        "direction": _labels(DIRECTIONS, np.maximum(TYPE_DIRECTION[typ], 0), is_data),
        "peer_id": pa.array(ev["peer"], mask=is_data),
        "peer_network": _labels(NETWORKS, np.maximum(ev["net"], 0), is_data),
        "duration_s": pa.array(ev["dur"].astype(np.int32), mask=svc != VOICE),
        "volume_kb": pa.array(ev["vol"].astype(np.int64), mask=~is_data),
        "charge": pa.array(ev["charge"].astype(np.float64)),
        "roaming": _labels(ROAMING, ev["roam"]),
        "cell_id": pa.array(ev["cell"].astype(np.int32)),
    })


def customers_table(P: SimpleNamespace) -> pa.Table:
    n_ent = max(P.n_ent, 1)
    ent_labels = tuple(f"G{i:06d}" for i in range(1, n_ent + 1))
    return _contract("customers", {
        "customer_id": pa.array(np.arange(1, P.n + 1, dtype=np.int64)),
        "brand": _labels(BRANDS, P.brand),
        "activation_date": _date(P.activation),
        "birth_year": pa.array(P.birth_year.astype(np.int32), mask=P.birth_null),
        "gender": _labels(("M", "F", "U"), P.gender),
        "plan_id": _labels(tuple(p.code for p in PLANS), P.plan),
        "group_id": _labels(ent_labels, np.maximum(P.ent, 0), P.ent < 0),
        "credit_level": pa.array(P.credit.astype(np.int8)),
        "churn_date": _date(np.maximum(P.churn, 0), ~P.churned),
        "dealer_id": _labels(tuple(f"D{i:04d}" for i in range(1, DEALERS + 1)), P.dealer),
    })


def truth_table(P: SimpleNamespace, phones: SimpleNamespace) -> pa.Table:
    return pa.table({
        "customer_id": pa.array(np.arange(1, P.n + 1, dtype=np.int64)),
        "brand": _labels(BRANDS, P.brand),
        "group": _labels(tuple(g.name for g in P.groups), P.grp),
        "group_index": pa.array(P.gidx.astype(np.int32)),
        "preferred_channel": _labels(CHANNELS, P.pref),
        "planted_tier": _labels(("A", "B", "C"), P.tier),
        "leaving": pa.array(P.leaving.astype(bool)),
        "joined": pa.array(P.joined.astype(bool)),
        "churned": pa.array(P.churned.astype(bool)),
        # the off-net number of the customer's second phone (graph.py), null without one
        "second_phone": pa.array(phones.number, mask=phones.number < 0),
        # the customer_id of the line this re-entrant left, null for everyone else
        "reentry_of": pa.array(P.reentry_of + 1, mask=P.reentry_of < 0),
    })


def billing_table(b: dict, win: Window, fmt: str) -> pa.Table:
    if fmt == "csv":
        month = _labels(win.labels, b["month"])
    else:
        month = _date(win.month_start[b["month"]])
    cols = {"customer_id": pa.array(b["cust"].astype(np.int64)), "bill_month": month}
    for name, key in (("total_fee", "total"), ("package_fee", "package"), ("voice_fee", "voice"),
                      ("sms_fee", "sms"), ("data_fee", "data"), ("vas_fee", "vas"), ("roaming_fee", "roaming"),
                      ("discount", "discount")):
        cols[name] = pa.array(b[key].astype(np.float64))
    cols["overdue_days"] = pa.array(b["overdue"].astype(np.int32))
    cols["arrears"] = pa.array(b["arrears"].astype(np.float64))
    return _contract("billing", cols)


def interactions_table(x: dict) -> pa.Table:
    return _contract("interactions", {
        "customer_id": pa.array(x["cust"].astype(np.int64)),
        "contact_time": _ts(x["ts"]),
        "channel": _labels(CHANNELS, x["channel"]),
        "purpose": _labels(PURPOSES, x["purpose"]),
    })


def recharges_table(x: dict) -> pa.Table:
    return _contract("recharges", {
        "customer_id": pa.array(x["cust"].astype(np.int64)),
        "recharge_time": _ts(x["ts"]),
        "amount": pa.array(x["amount"].astype(np.float64)),
    })


class Writer:
    """Deterministic Parquet (zstd) or CSV (header, CSV_DELIMITER, utf-8, nulls empty)."""

    def __init__(self, fmt: str):
        self.fmt = fmt

    def write(self, table: pa.Table, path: Path) -> None:
        if self.fmt == "parquet":
            pq.write_table(table, path, **PARQUET_OPTIONS)
        else:
            # Second-unit timestamps print as 'YYYY-MM-DD HH:MM:SS'.
            table = table.cast(pa.schema([
                f.with_type(pa.timestamp("s")) if pa.types.is_timestamp(f.type) else f for f in table.schema]))
            # Arrow always quotes header names, so the header is written by hand;
            # values never contain the delimiter or quotes, so nothing needs quoting.
            with open(path, "wb") as f:
                f.write((CSV_DELIMITER.join(table.column_names) + "\n").encode("utf-8"))
                pacsv.write_csv(table, f, pacsv.WriteOptions(include_header=False, delimiter=CSV_DELIMITER,
                                                             quoting_style="none"))
