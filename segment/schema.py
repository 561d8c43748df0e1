"""The input contract: canonical tables, their columns, types and which are required.

Every later stage reads the staged views ``stg_<table>`` whose columns are exactly
the ones listed here (absent optional columns are typed NULLs), so SQL files can be
static while inputs vary.
"""

from __future__ import annotations

from dataclasses import dataclass


# Identifier columns keep an integer type when every source has one (hashing and
# joining integers is several times faster than strings on billions of rows);
# otherwise they are staged as VARCHAR.
ID = "ID"


@dataclass(frozen=True)
class Column:
    name: str
    type: str  # DuckDB type the column is staged as, or ID
    required: bool = False
    doc: str = ""
    # A coded column: the values it may hold (an operator's own codes are mapped onto them
    # with [values.<table>.<column>] in the config; others are counted and reported).
    codes: tuple[str, ...] = ()
    # A single value for the whole column is implausible (the sign of a wrong mapping).
    varies: bool = False


@dataclass(frozen=True)
class Table:
    name: str
    required: bool
    grain: str
    columns: tuple[Column, ...]

    def column(self, name: str) -> Column:
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(name)


# Money keeps six decimals: per-second tariffs charge fractions of a cent per event, and
# rounding each event to cents would bias every sum (sums are exact in DECIMAL).
MONEY = "DECIMAL(18,6)"
CHANNELS = ("hall", "hotline", "ivr", "web", "sms", "wap", "kiosk")  # interactions.channel, in this order
SERVICES = ("voice", "sms", "data")  # cdr.service
DIRECTIONS = ("out", "in")  # cdr.direction
NETWORKS = ("onnet", "offnet")  # cdr.peer_network
ROAMING = ("none", "domestic", "international")  # cdr.roaming
PURPOSES = ("inquiry", "complaint", "transaction", "campaign")  # interactions.purpose
GENDERS = ("M", "F", "U")  # customers.gender
# The bill's components (billing columns; the features give each one's share of the gross bill).
FEES = {"package_fee": "plan's fixed fee", "voice_fee": "voice usage fee", "sms_fee": "SMS usage fee",
        "data_fee": "data usage fee", "vas_fee": "value-added services fee", "roaming_fee": "roaming fee"}


def _one_of(values: tuple[str, ...]) -> str:
    return ", ".join(values[:-1]) + " or " + values[-1]


def _table(name: str, required: bool, grain: str, *columns: Column, id_doc: str = "subscriber id",
           one_customer: bool = True) -> Table:
    """A table of the contract; each starts with its required customer_id (``one_customer``:
    a single customer for the whole table is implausible)."""
    return Table(name, required, grain, (Column("customer_id", ID, True, id_doc, varies=one_customer), *columns))


def _coded(name: str, codes: tuple[str, ...], required: bool = False, doc: str = "") -> Column:
    return Column(name, "VARCHAR", required, doc or _one_of(codes), codes=codes)


TABLES: dict[str, Table] = {
    t.name: t
    for t in (
        _table("customers", True, "one row per subscriber",
            Column("brand", "VARCHAR", True, "product line, e.g. GoTone, M-Zone, Easyown"),
            Column("activation_date", "DATE", True, "date the line was opened", varies=True),
            Column("birth_year", "INTEGER", False, "year of birth", varies=True),
            _coded("gender", GENDERS),
            Column("plan_id", "VARCHAR", False, "tariff plan"),
            Column("group_id", "VARCHAR", False, "enterprise (group) account"),
            Column("credit_level", "INTEGER", False, "1 (worst) .. 5 (best)"),
            Column("churn_date", "DATE", False, "date the line left; empty while active"),
            Column("dealer_id", "VARCHAR", False, "dealer or sales channel that opened the line"),
            id_doc="unique subscriber id", one_customer=False,
        ),
        _table("cdr", True, "one row per usage event",
            Column("start_time", "TIMESTAMP", True, "local start time", varies=True),
            _coded("service", SERVICES, True),
            _coded("direction", DIRECTIONS, doc="out or in (voice and sms)"),
            Column("peer_id", ID, False, "hashed counterpart (voice and sms)"),
            _coded("peer_network", NETWORKS),
            Column("duration_s", "BIGINT", False, "call length in whole seconds (voice)", varies=True),
            Column("volume_kb", "BIGINT", False, "data volume in whole kilobytes (data)", varies=True),
            Column("charge", MONEY, False, "tariffed charge of the event", varies=True),
            _coded("roaming", ROAMING),
            Column("cell_id", ID, False, "serving cell"),
        ),
        _table("billing", True, "one row per customer per month",
            Column("bill_month", "DATE", True, "DATE or 'YYYY-MM'; staged as the first day of the month"),
            Column("total_fee", MONEY, True, "amount billed for the month", varies=True),
            *(Column(fee, MONEY, False, doc) for fee, doc in FEES.items()),
            Column("discount", MONEY, False, "discount granted"),
            Column("overdue_days", "INTEGER", False, "days the bill was paid late"),
            Column("arrears", MONEY, False, "amount owed at month end"),
            one_customer=False,
        ),
        _table("interactions", False, "one row per service contact",
            Column("contact_time", "TIMESTAMP", True, "time of the contact", varies=True),
            _coded("channel", CHANNELS, True),
            _coded("purpose", PURPOSES),
        ),
        _table("recharges", False, "one row per prepaid top-up",
            Column("recharge_time", "TIMESTAMP", True, "time of the top-up", varies=True),
            Column("amount", MONEY, True, "amount topped up", varies=True),
        ),
    )
}


def coded_columns() -> list[tuple[str, Column]]:
    """Every coded column as (table, column), in contract order."""
    return [(t.name, c) for t in TABLES.values() for c in t.columns if c.codes]
