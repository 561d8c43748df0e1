"""Each SQL stage on tiny inline tables, with the expected rows worked out by hand."""

from datetime import date, datetime

import duckdb
import polars as pl
from polars.testing import assert_frame_equal

from segment import sql

WINDOW = {"start": date(2026, 6, 1), "end": date(2026, 9, 1)}


def _con_with_cdr(rows):
    con = duckdb.connect()
    con.execute("""
        create temp table stg_cdr (
            customer_id bigint, start_time timestamp, service varchar, direction varchar,
            peer_id varchar, peer_network varchar, duration_s bigint, volume_kb bigint,
            charge decimal(18,2), roaming varchar, cell_id bigint)""")
    con.executemany("insert into stg_cdr values (?,?,?,?,?,?,?,?,?,?,?)", rows)
    return con


def _ts(s):
    return datetime.fromisoformat(s)


CDR = [
    (1, _ts("2026-06-01 07:00:00"), "voice", "out", "a", "onnet", 60, None, 0.5, "none", 1),
    (1, _ts("2026-06-01 07:00:01"), "voice", "in", "a", "onnet", 120, None, 0, "none", 1),
    (1, _ts("2026-06-06 19:00:00"), "voice", "out", "b", "offnet", 600, None, 0.3, "domestic", 1),
    (1, _ts("2026-05-31 23:59:59"), "voice", "out", "b", "offnet", 5, None, 0.1, "none", 1),
    (2, _ts("2026-06-01 10:00:00"), "data", None, None, None, None, 300, 0.25, "international", 2),
    (2, _ts("2026-06-03 10:00:00"), "data", None, None, None, None, 100, 0.25, "none", 2),
]


def test_cdr_month_counts_night_weekend_days_and_exact_sums():
    con = _con_with_cdr(CDR)
    # a window from May, so that the May row (a Sunday, at night) is described too
    sql.run(con, "20_cdr_month", start=date(2026, 5, 1), end=date(2026, 9, 1),
            night_start="07:00:00", night_end="19:00:00", long_call_s=600)
    got = con.sql("""
        select customer_id, month, service, events, events_out, events_in, events_night, events_weekend,
               events_onnet, events_roaming_domestic, events_roaming_international, calls_long,
               durations, cast(duration_sum as bigint) d, cast(duration_sq_sum as bigint) d2,
               cast(volume_kb as bigint) kb, cast(charge as double) charge, day_mask
        from cdr_month order by all""").pl()
    expected = pl.DataFrame(
        {
            "customer_id": [1, 1, 2],
            "month": [date(2026, 5, 1), date(2026, 6, 1), date(2026, 6, 1)],
            "service": ["voice", "voice", "data"],
            "events": [1, 3, 2],
            "events_out": [1, 2, 0],
            "events_in": [0, 1, 0],
            # 23:59:59 is night; 07:00:00 and 19:00:00 are night (strict bounds); 07:00:01 is day
            "events_night": [1, 2, 0],
            # 2026-05-31 is a Sunday, 2026-06-06 a Saturday
            "events_weekend": [1, 1, 0],
            "events_onnet": [0, 2, 0],
            "events_roaming_domestic": [0, 1, 0],
            "events_roaming_international": [0, 0, 1],
            "calls_long": [0, 1, 0],  # exactly 600 s is long
            "durations": [1, 3, 0],
            "d": [5, 780, None],
            "d2": [25, 60**2 + 120**2 + 600**2, None],
            "kb": [None, None, 400],
            "charge": [0.1, 0.8, 0.5],
            # days 31; 1 and 6; 1 and 3 -> bits (day - 1)
            "day_mask": [1 << 30, (1 << 0) | (1 << 5), (1 << 0) | (1 << 2)],
        }
    )
    assert_frame_equal(got, expected, check_dtypes=False)


def test_cdr_month_keeps_only_the_window():
    con = _con_with_cdr(CDR)
    sql.run(con, "20_cdr_month", **WINDOW, night_start="07:00:00", night_end="19:00:00", long_call_s=600)
    got = con.execute("select customer_id, month, service, events from cdr_month order by all").fetchall()
    # the May call of customer 1 is outside the window
    assert got == [(1, date(2026, 6, 1), "voice", 3), (2, date(2026, 6, 1), "data", 2)]


def test_cdr_peer_is_windowed_and_per_peer():
    con = _con_with_cdr(CDR)
    sql.run(con, "21_cdr_peer", **WINDOW)
    got = con.sql("select * from cdr_peer order by all").pl()
    expected = pl.DataFrame(
        {
            "customer_id": [1, 1],
            "service": ["voice", "voice"],
            "peer_id": ["a", "b"],
            "events": [2, 1],  # the May call with b is outside the window
            "events_out": [1, 1],
            "events_in": [1, 0],
            "offnet": [False, True],
        }
    )
    assert_frame_equal(got, expected, check_dtypes=False)


def test_population_stable_needs_every_month_all_needs_any():
    con = duckdb.connect()
    con.execute("create temp table stg_customers as select * from (values (1, 'A'), (2, 'B'), (3, 'C'), (4, 'D')) t(customer_id, brand)")
    con.execute("""create temp table stg_billing as select customer_id, bill_month::date as bill_month, 1.0 as total_fee from (values
        (1, '2026-07-01'), (1, '2026-08-01'), (2, '2026-07-01'), (2, '2026-08-01'), (3, '2026-08-01')) t(customer_id, bill_month)""")
    con.execute("""create temp table cdr_month as select customer_id, month::date as month, 'voice' service from (values
        (1, '2026-07-01'), (1, '2026-08-01'), (2, '2026-07-01'), (3, '2026-06-01')) t(customer_id, month)""")
    params = {"start": date(2026, 7, 1), "end": date(2026, 9, 1), "months": 2}
    sql.run(con, "30_population", **params, population="stable")
    assert con.execute("select customer_id from population order by 1").fetchall() == [(1,)]
    sql.run(con, "30_population", **params, population="all")
    # 3 has a bill in the window (its June event is outside); 4 has nothing
    assert con.execute("select customer_id from population order by 1").fetchall() == [(1,), (2,), (3,)]


def test_cdr_summary_counts_every_row_in_or_out_of_the_window(tmp_path):
    # Parquet, as in production: the whole-file counts may come from its statistics.
    rows = CDR + [
        (3, None, "sms", "out", "c", "onnet", None, None, 0, "none", 1),  # undated
        (1, _ts("2026-05-02 10:00:00"), "voice", "out", "b", "offnet", -7, None, 0, "none", 1),  # outside, negative
        (9, _ts("2026-06-02 10:00:00"), "voice", "out", "b", "offnet", 3, None, 0, "none", 1),  # unknown customer
        (2, _ts("2026-06-02 10:00:00"), "video", None, None, None, None, None, 0, "none", 1),  # unknown service
    ]
    con = _con_with_cdr(rows)
    con.execute(f"copy stg_cdr to '{tmp_path / 'cdr.parquet'}'")
    con.execute("drop table stg_cdr")
    con.execute(f"create view stg_cdr as select * from read_parquet('{tmp_path / 'cdr.parquet'}')")
    con.execute("create temp table stg_customers as select * from (values (1), (2), (3)) t(customer_id)")
    sql.run(con, "20_cdr_month", **WINDOW, night_start="07:00:00", night_end="19:00:00", long_call_s=600)
    cur = sql.run(con, "22_cdr_summary", **WINDOW)
    got = dict(zip([d[0] for d in cur.description], cur.fetchone()))
    assert got == {
        "rows_total": 10,
        "rows_no_time": 1,
        "rows_outside_window": 2,  # the two May rows
        "rows_unknown_service": 1,
        "rows_no_customer_id": 0,
        "rows_unknown_customer": 1,
        "unknown_customers": 1,
        "unknown_examples": [9],
        "rows_used": 5,  # 3 voice of customer 1 and 2 data of customer 2 in June
        "negative_durations": 1,  # outside the window, still found
    }
