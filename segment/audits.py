"""The contract's audits of customers and billing, and of dates in the future: each is a
query of ``sql/audit_*.sql`` returning offending rows (none = pass), and a DataError
(exit 3) naming the table, the file, the column and an example when it finds some."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Callable

from . import sql
from .config import Config
from .errors import DataError
from .numbers import money_text


def _audit(con, name: str, message: Callable[[list[tuple]], str]) -> None:
    rows = sql.run(con, name).fetchall()
    if rows:
        raise DataError(message(rows))


def customers_and_billing(con, cfg: Config, label: dict[str, str], today: date) -> None:
    """Rows present, required values, unique ids and bill months, no negative amounts, no future dates."""
    for table in ("customers", "billing"):
        if con.execute(f"SELECT count(*) FROM stg_{table}").fetchone()[0] == 0:
            raise DataError(f"{table} ({label[table]}): no rows (header only?)")
    rows = sql.run(con, "audit_required_values").fetchall()
    empty = {t: [(c, n) for table, c, n in rows if table == t] for t in ("customers", "billing")}
    col = cfg.source_column
    what = {"customers": "empty required values", "billing": "empty or unreadable required values"}

    def required(table: str) -> None:
        if empty[table]:
            raise DataError(f"{table} ({label[table]}): {what[table]}: "
                            + ", ".join(f"{col(table, c)} in {n} row(s)" for c, n in empty[table]))

    required("customers")
    _audit(con, "audit_customers_duplicate_id", lambda r: f"customers ({label['customers']}): column "
           f"{col('customers', 'customer_id')!r}: {len(r)} id(s) appear more than once, e.g. "
           f"{', '.join(str(x[0]) for x in r[:3])}")
    required("billing")
    _audit(con, "audit_billing_duplicate_month", lambda r: f"billing ({label['billing']}): column "
           f"{col('billing', 'bill_month')!r}: {len(r)} customer-month(s) billed more than once, "
           f"e.g. customer {r[0][0]} month {r[0][1]:%Y-%m} ({r[0][2]} bills)")
    _audit(con, "audit_billing_negative_fee", lambda r: f"billing ({label['billing']}): " + "; ".join(
           f"column {col('billing', c)!r}: {n} bill(s) with a negative amount, e.g. customer {cid} month {m:%Y-%m} "
           f"({money_text(v)})"
           for c, n, cid, m, v in r))
    check_future(con, cfg, label, today)


def check_future(con, cfg: Config, label: dict[str, str], today: date) -> None:
    """Raise DataError when a date lies in the future: a time stamp after tomorrow (one day
    of slack for time zones) or a bill month after the current month. Such values come
    from a wrong clock or a misread date format, and would silently shift the window."""
    tomorrow = today + timedelta(days=1)
    this_month = today.replace(day=1)
    rows = sql.run(con, "audit_future_dates", tomorrow=tomorrow, this_month=this_month).fetchall()
    if not rows:
        return
    table, column, n, first = rows[0]
    if column == "bill_month":
        after, example = f"the current month {this_month:%Y-%m}", f"{first:%Y-%m}"
    else:
        after, example = f"{tomorrow}", f"{first:%Y-%m-%d}" if column.endswith("_date") else str(first)
    raise DataError(f"{table} ({label[table]}): column {cfg.source_column(table, column)!r}: {n} value(s) after "
                    f"{after} (in the future), e.g. {example}; is a clock or the date format wrong?")
