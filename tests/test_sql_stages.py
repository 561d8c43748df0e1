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
    # staging's as-given twins of the coded columns (these values are all in their lists)
    con.execute("alter table stg_cdr add column given_service varchar")
    con.execute("alter table stg_cdr add column given_direction varchar")
    con.execute("alter table stg_cdr add column given_peer_network varchar")
    con.execute("alter table stg_cdr add column given_roaming varchar")
    con.execute("update stg_cdr set given_service = service, given_direction = direction, "
                "given_peer_network = peer_network, given_roaming = roaming")
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


def _usage(con, start, end, last_month):
    sql.run(con, "20_cdr_usage", start=start, end=end, last_month=last_month,
            night_start_s=7 * 3600, night_end_s=19 * 3600, long_call_s=600)


def test_cdr_usage_counts_night_weekend_days_and_exact_sums():
    # a window from May, so that the May row (a Sunday, at night) is described too; one more
    # data session on the last day of the window, in its last month
    con = _con_with_cdr(CDR + [(2, _ts("2026-08-31 23:00:00"), "data", None, None, None, None, 50, 0.25, "none", 2)])
    _usage(con, date(2026, 5, 1), date(2026, 9, 1), date(2026, 8, 1))
    got = con.sql("""
        select customer_id, service, block, events, events_last, events_out, events_in, events_night,
               events_weekend, events_onnet, events_roaming_domestic, events_roaming_international,
               calls_long, durations, cast(duration_sum as bigint) d, cast(duration_sq_sum as bigint) d2,
               cast(volume_kb as bigint) kb, cast(charge as double) charge, day_mask_lo, day_mask_hi
        from cdr_usage order by all""").pl()
    expected = pl.DataFrame(
        {
            "customer_id": [1, 2],
            "service": ["voice", "data"],
            "block": [0, 0],  # 123 days: one block of 126
            "events": [4, 3],
            "events_last": [0, 1],  # August
            "events_out": [3, 0],
            "events_in": [1, 0],
            # 23:59:59 is night; 07:00:00 and 19:00:00 are night (strict bounds); 07:00:01 is day
            "events_night": [3, 1],
            # 2026-05-31 is a Sunday, 2026-06-06 a Saturday, 2026-08-31 a Monday
            "events_weekend": [2, 0],
            "events_onnet": [2, 0],
            "events_roaming_domestic": [1, 0],
            "events_roaming_international": [0, 1],
            "calls_long": [1, 0],  # exactly 600 s is long
            "durations": [4, 0],
            "d": [5 + 60 + 120 + 600, None],
            "d2": [25 + 60**2 + 120**2 + 600**2, None],
            "kb": [None, 450],
            "charge": [0.9, 0.75],
            # window days from 2026-05-01 = 0: May 31 = 30, June 1 = 31, June 3 = 33, June 6 = 36,
            # August 31 = 122 (day 59 of the high mask, which holds days 63-125)
            "day_mask_lo": [(1 << 30) | (1 << 31) | (1 << 36), (1 << 31) | (1 << 33)],
            "day_mask_hi": [0, 1 << 59],
        }
    )
    assert_frame_equal(got, expected, check_dtypes=False)


def test_cdr_usage_keeps_only_the_window():
    con = _con_with_cdr(CDR)
    _usage(con, **WINDOW, last_month=date(2026, 8, 1))
    got = con.execute("select customer_id, service, block, events, events_last from cdr_usage order by all").fetchall()
    # the May call of customer 1 is outside the window; nothing falls in August
    assert got == [(1, "voice", 0, 3, 0), (2, "data", 0, 2, 0)]


def test_cdr_usage_splits_a_long_window_into_blocks_of_126_days_and_masks_of_63():
    # 2026-03-01 .. 2026-09-01 is 184 days: days 0-125 in block 0, 126-183 in block 1; in a
    # block, days 0-62 are bits of day_mask_lo, days 63-125 bits 0-62 of day_mask_hi.
    # May 2 is day 62 (lo bit 62), May 3 day 63 (hi bit 0), July 4 day 125 (hi bit 62),
    # July 5 day 126 (block 1, lo bit 0), August 31 day 183 (block 1, lo bit 57).
    con = _con_with_cdr([
        (1, _ts(f"2026-{d} 12:00:00"), "sms", "out", "a", "onnet", None, None, 0, "none", 1)
        for d in ("05-02", "05-03", "07-04", "07-05", "08-31")
    ])
    _usage(con, date(2026, 3, 1), date(2026, 9, 1), date(2026, 8, 1))
    got = con.execute("select block, events, events_last, day_mask_lo, day_mask_hi from cdr_usage order by all").fetchall()
    assert got == [(0, 3, 0, 1 << 62, (1 << 0) | (1 << 62)), (1, 2, 1, (1 << 0) | (1 << 57), 0)]


def test_cdr_peer_is_windowed_and_per_peer():
    con = _con_with_cdr(CDR)
    sql.run(con, "21_cdr_peer", **WINDOW, late_from=date(2026, 6, 2))
    got = con.sql("select * from cdr_peer order by all").pl()
    expected = pl.DataFrame(
        {
            "customer_id": [1, 1],
            "service": ["voice", "voice"],
            "peer_id": ["a", "b"],
            "events": [2, 1],  # the May call with b is outside the window
            "events_out": [1, 1],
            "events_in": [1, 0],
            "events_late": [0, 1],  # on or after June 2: b's June 6 call
            "offnet": [False, True],
            "month_mask": [1, 1],  # bit 0: June, the window's first month
        }
    )
    assert_frame_equal(got, expected, check_dtypes=False)


def test_cdr_usage_day_parts_months_and_network_minutes():
    # customer 1 in the June..August window: 07:00:00 and 07:00:01 are in 06-12, 19:00:00 in
    # 18-24; one more call on-net in August at 05:00 (00-06), 30 s, at month index 2
    con = _con_with_cdr(CDR + [(1, _ts("2026-08-02 05:00:00"), "voice", "out", "a", "onnet", 30, None, 0, "none", 1)])
    _usage(con, **WINDOW, last_month=date(2026, 8, 1))
    got = con.execute("""
        select events_00_06, events_06_12, events_12_18, events_first, events_month_sum,
               cast(duration_onnet as bigint), cast(duration_offnet as bigint), cast(duration_first as bigint),
               cast(duration_last as bigint), cast(duration_month_sum as bigint)
        from cdr_usage where customer_id = 1""").fetchall()
    assert got == [(1, 2, 0, 3, 2, 60 + 120 + 30, 600, 780, 30, 2 * 30)]
    got = con.execute("""
        select events_first, cast(volume_first as bigint), volume_last, cast(volume_month_sum as bigint)
        from cdr_usage where customer_id = 2""").fetchall()
    assert got == [(2, 400, 0, 0)]  # both sessions in June (month 0): August sums 0 x their volumes


def test_cdr_cells_and_mobility():
    # customer 1: cell 1 three times in June (07:00:00 and 19:00:00 nocturnal: the strict
    # bounds), days 0 and 5; customer 2: cell 2 twice by day, days 0 and 2
    con = _con_with_cdr(CDR)
    sql.run(con, "25_cdr_cells", **WINDOW, night_start_s=7 * 3600, night_end_s=19 * 3600)
    got = con.execute("select * from cdr_cells order by all").fetchall()
    assert got == [(1, 1, 0, 3, 2, 1 | 1 << 5, 0), (2, 2, 0, 2, 0, 1 | 1 << 2, 0)]
    sql.run(con, "26_mobility", pareto_share=0.8)
    got = con.execute("select customer_id, cells, night_cells, entropy_of_antennas, percent_at_home, "
                      "home_days_share, antennas_per_active_day, frequent_antennas from mobility order by all").fetchall()
    assert got == [(1, 1, 1, 0.0, 1.0, 1.0, 1.0, 1.0), (2, 1, 0, 0.0, None, None, 1.0, 1.0)]


def test_cdr_hotline_counts_voice_and_sms_with_a_hotline_peer():
    con = _con_with_cdr(CDR + [
        (1, _ts("2026-06-02 10:00:00"), "sms", "out", "10010", "offnet", None, None, 0, "none", 1),
        (1, _ts("2026-06-03 10:00:00"), "voice", "out", "10010", "offnet", 30, None, 0, "none", 1),
        (2, _ts("2026-07-02 10:00:00"), "sms", "in", "10000", "offnet", None, None, 0, "none", 2),
        (2, _ts("2026-05-02 10:00:00"), "sms", "in", "10000", "offnet", None, None, 0, "none", 2),  # outside
        (3, _ts("2026-07-02 10:00:00"), "voice", "out", "10086", "onnet", 30, None, 0, "none", 3),  # not a hotline
    ])
    sql.run(con, "21_cdr_peer", **WINDOW, late_from=date(2026, 7, 1))
    sql.run(con, "23_cdr_hotline", hotlines=["10010", "10000"])
    got = con.execute("select customer_id, hotline_events from cdr_hotline order by all").fetchall()
    assert got == [(1, 2), (2, 1)]  # customer 2's only contact is an SMS in the window


def test_service_contacts_count_every_channel_and_complaints_of_the_last_month():
    con = duckdb.connect()
    con.execute("create temp table stg_interactions (customer_id bigint, contact_time timestamp, "
                "channel varchar, purpose varchar)")
    con.executemany("insert into stg_interactions values (?,?,?,?)", [
        (1, _ts("2026-06-02 10:00:00"), "hall", "complaint"),
        (1, _ts("2026-08-02 10:00:00"), "hall", "complaint"),    # last month
        (1, _ts("2026-08-03 10:00:00"), "web", "inquiry"),
        (1, _ts("2026-08-04 10:00:00"), "fax", "complaint"),     # no known channel: counted in contacts
        (1, _ts("2026-08-05 10:00:00"), None, None),
        (1, _ts("2026-05-31 23:59:59"), "hall", "complaint"),    # before the window
        (2, _ts("2026-09-01 00:00:00"), "kiosk", "inquiry"),     # after it
        (2, _ts("2026-07-01 00:00:00"), "kiosk", "inquiry"),
    ])
    sql.run(con, "24_service_contacts", **WINDOW, last_month=date(2026, 8, 1))
    got = con.sql("select * from service_contacts order by customer_id").pl()
    expected = pl.DataFrame({
        "customer_id": [1, 2], "contacts": [5, 1], "hall": [2, 0], "hotline": [0, 0], "ivr": [0, 0],
        "web": [1, 0], "sms": [0, 0], "wap": [0, 0], "kiosk": [0, 1], "complaints": [3, 0], "complaints_last": [2, 0],
        "inquiries": [1, 1], "transactions": [0, 0], "campaigns": [0, 0],
        "channels_used": [3, 1],  # hall, web, fax (a channel not listed is still a channel); NULL is none
        "last_contact": [_ts("2026-08-05 10:00:00"), _ts("2026-07-01 00:00:00")],
    })
    assert_frame_equal(got, expected, check_dtypes=False)


def _population(con, start, end, months, population):
    sql.run(con, "30_population", start=start, end=end, months=months, population=population)
    return [r[0] for r in con.execute("select customer_id from population order by 1").fetchall()]


def _event(customer, ts):
    return (customer, _ts(ts), "voice", "out", "a", "onnet", 60, None, 0, "none", 1)


def test_population_stable_needs_every_month_all_needs_any():
    con = _con_with_cdr([_event(1, "2026-07-01 10:00:00"), _event(1, "2026-08-31 10:00:00"),
                         _event(2, "2026-07-15 10:00:00"), _event(3, "2026-06-30 10:00:00")])
    con.execute("create temp table stg_customers as select * from (values (1, 'A'), (2, 'B'), (3, 'C'), (4, 'D')) t(customer_id, brand)")
    con.execute("""create temp table stg_billing as select customer_id, bill_month::date as bill_month, 1.0 as total_fee from (values
        (1, '2026-07-01'), (1, '2026-08-01'), (2, '2026-07-01'), (2, '2026-08-01'), (3, '2026-08-01')) t(customer_id, bill_month)""")
    start, end = date(2026, 7, 1), date(2026, 9, 1)
    _usage(con, start, end, date(2026, 8, 1))
    assert _population(con, start, end, 2, "stable") == [1]
    # 3 has a bill in the window (its June event is outside); 4 has nothing
    assert _population(con, start, end, 2, "all") == [1, 2, 3]


def test_population_finds_months_across_day_blocks_and_masks():
    # A 6-month window (184 days, two blocks of 126). July straddles the blocks: days 122-125
    # in block 0 (high mask), 126-152 in block 1. Customer 1 is active in July on July 6
    # (block 1), customer 2 on July 4 (block 0), customer 3 not at all. May straddles the two
    # masks of block 0: days 61-62 in the low one, 63-91 in the high one; customers 4 and 5
    # are active in May only on May 2 (low) and May 3 (high). All are active every other month.
    others = ["2026-03-31", "2026-04-01", "2026-05-31", "2026-06-30", "2026-08-01"]
    rows = [_event(c, f"{d} 10:00:00") for c in (1, 2, 3) for d in others]
    rows += [_event(1, "2026-07-06 10:00:00"), _event(2, "2026-07-04 23:00:00")]
    rows += [_event(c, f"{d} 10:00:00") for c in (4, 5) for d in others + ["2026-07-10"] if d != "2026-05-31"]
    rows += [_event(4, "2026-05-02 10:00:00"), _event(5, "2026-05-03 10:00:00")]
    con = _con_with_cdr(rows)
    con.execute("create temp table stg_customers as select * from (values (1, 'A'), (2, 'B'), (3, 'C'), (4, 'D'), (5, 'E')) "
                "t(customer_id, brand)")
    con.execute("""create temp table stg_billing as select customer_id, cast(m as date) as bill_month, 1.0 as total_fee
        from (values (1), (2), (3), (4), (5)) c(customer_id),
             unnest(range(date '2026-03-01', date '2026-09-01', interval 1 month)) t(m)""")
    start, end = date(2026, 3, 1), date(2026, 9, 1)
    _usage(con, start, end, date(2026, 8, 1))
    assert _population(con, start, end, 6, "stable") == [1, 2, 4, 5]


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
    _usage(con, **WINDOW, last_month=date(2026, 8, 1))
    cur = sql.run(con, "22_cdr_summary")
    got = dict(zip([d[0] for d in cur.description], cur.fetchone()))
    checks = {k: got.pop(k) for k in list(got) if k not in (
        "rows_total", "rows_no_time", "rows_outside_window", "rows_unknown_service", "rows_no_customer_id",
        "rows_unknown_customer", "unknown_customers", "unknown_examples", "rows_used", "negative_durations")}
    # the measures of the checks (segment/checks.py), over the 7 rows of the window
    assert checks == {
        "rows_in_window": 7,
        "rows_known_service": 6,  # all but the video row
        "events_night": 2,  # 07:00:00 and 19:00:00 are not inside the day (7, 19)
        "codes_unknown": 0,  # every direction, peer_network and roaming given is in its list
        "one_customer": False,  # 1, 2 and 9
        "voice_durations": 4, "voice_duration_sum": 783, "voice_duration_sq_sum": 3600 + 14400 + 360000 + 9,
        "data_events": 2, "data_volume_sum": 400, "data_volume_mean_min": 200.0, "data_volume_mean_max": 200.0,  # one customer: 400 / 2
        # means per customer x service: 0.8 / 3 (1 voice), 0.5 / 2 (2 data), 0 (9 voice), 0 (2 video)
        "charge_mean_min": 0.0, "charge_mean_max": 0.8 / 3,
        "first_event": _ts("2026-06-01 07:00:00"), "last_event": _ts("2026-06-06 19:00:00"),
    }
    assert got == {
        "rows_total": 10,
        "rows_no_time": 1,
        "rows_outside_window": 2,  # the two May rows
        "rows_unknown_service": 1,
        "rows_no_customer_id": 0,
        "rows_unknown_customer": 1,
        "unknown_customers": 1,
        "rows_used": 5,  # 3 voice of customer 1 and 2 data of customer 2 in June
        "negative_durations": 1,  # outside the window, still found
    }
    assert sql.run(con, "audit_cdr_unknown_customers").fetchall() == [(9,)]
