"""The audit queries on tiny inline tables; the expected rows are worked out by hand."""

from datetime import date, datetime
from decimal import Decimal

import duckdb

from segment import sql


def _con():
    con = duckdb.connect()
    con.execute("create temp table stg_customers (customer_id bigint, activation_date date)")
    con.execute("create temp table stg_cdr (customer_id bigint, start_time timestamp)")
    con.execute("create temp table stg_billing (customer_id bigint, bill_month date, total_fee decimal(18,2), "
                "package_fee decimal(18,2), voice_fee decimal(18,2), sms_fee decimal(18,2), data_fee decimal(18,2), "
                "vas_fee decimal(18,2), roaming_fee decimal(18,2), discount decimal(18,2), arrears decimal(18,2))")
    con.execute("create temp table stg_interactions (customer_id bigint, contact_time timestamp)")
    con.execute("create temp table stg_recharges (customer_id bigint, recharge_time timestamp)")
    return con


def _bill(cid, month, total=10, discount=0, arrears=None):
    return (cid, month, total, 0, 0, 0, 0, 0, 0, discount, arrears)


def test_future_dates_one_row_per_column_with_the_nearest_future_value():
    con = _con()
    con.executemany("insert into stg_customers values (?, ?)", [(1, date(2026, 11, 24)), (2, date(2026, 11, 25))])
    con.executemany("insert into stg_cdr values (?, ?)", [
        (1, datetime(2026, 11, 24, 23, 59, 59)),  # tomorrow: allowed (time zones)
        (1, datetime(2099, 1, 1)),
        (2, datetime(2026, 11, 25, 0, 0, 0)),  # the day after tomorrow: future
    ])
    con.executemany("insert into stg_billing values (?,?,?,?,?,?,?,?,?,?,?)",
                    [_bill(1, date(2026, 11, 1)), _bill(1, date(2026, 12, 1))])
    con.executemany("insert into stg_recharges values (?, ?)", [(1, datetime(2027, 1, 1, 8))])
    got = sql.run(con, "audit_future_dates", tomorrow=date(2026, 11, 24), this_month=date(2026, 11, 1)).fetchall()
    assert got == [
        ("customers", "activation_date", 1, datetime(2026, 11, 25)),
        ("cdr", "start_time", 2, datetime(2026, 11, 25)),
        ("billing", "bill_month", 1, datetime(2026, 12, 1)),
        ("recharges", "recharge_time", 1, datetime(2027, 1, 1, 8)),
    ]


def test_no_future_dates_no_rows():
    con = _con()
    con.executemany("insert into stg_cdr values (?, ?)", [(1, datetime(2026, 8, 31, 23, 59))])
    con.executemany("insert into stg_billing values (?,?,?,?,?,?,?,?,?,?,?)", [_bill(1, date(2026, 11, 1))])
    assert sql.run(con, "audit_future_dates", tomorrow=date(2026, 11, 24), this_month=date(2026, 11, 1)).fetchall() == []


def test_negative_fees_one_row_per_column_first_bill_by_customer_and_month():
    con = _con()
    con.executemany("insert into stg_billing values (?,?,?,?,?,?,?,?,?,?,?)", [
        _bill(2, date(2026, 5, 1), discount=-3),
        _bill(1, date(2026, 6, 1), total=-1, discount=-2),
        _bill(1, date(2026, 7, 1), arrears=None),
        _bill(3, date(2026, 7, 1), arrears=5),
    ])
    got = sql.run(con, "audit_billing_negative_fee").fetchall()
    assert got == [
        ("discount", 2, 1, date(2026, 6, 1), Decimal("-2.00")),
        ("total_fee", 1, 1, date(2026, 6, 1), Decimal("-1.00")),
    ]


def test_required_values_audit_lists_empty_values_per_table_and_column():
    con = duckdb.connect()
    con.execute("create temp table stg_customers as select * from (values (1, 'GoTone', date '2020-01-01'), "
                "(null, ' ', date '2020-01-01'), (3, null, null)) t(customer_id, brand, activation_date)")
    con.execute("create temp table stg_billing as select * from (values (1, date '2026-06-01', 10.0), "
                "(1, null, null)) t(customer_id, bill_month, total_fee)")
    got = sql.run(con, "audit_required_values").fetchall()
    assert got == [("billing", "bill_month", 1), ("billing", "total_fee", 1),
                   ("customers", "activation_date", 1), ("customers", "brand", 2), ("customers", "customer_id", 1)]
    con.execute("delete from stg_billing where bill_month is null")
    con.execute("delete from stg_customers where customer_id is distinct from 1")
    assert sql.run(con, "audit_required_values").fetchall() == []
