"""segment.features on the tiny fixture: every value below is worked out by hand."""

import math
import statistics
from pathlib import Path

import pytest

from segment import config
from segment.io.inputs import find_inputs
from segment.catalogue import INDICATORS, NAMES
from segment.features import choose_window, compute
from segment.errors import DataError


def _rows(folder: Path, **features):
    cfg = config.Config().replace(features=features)
    with compute(find_inputs(folder), cfg) as fs:
        return fs, {str(r["customer_id"]): r for r in fs.frame().to_dicts()}


def _check(row: dict, expected: dict):
    for name, value in expected.items():
        if value is None:
            assert row[name] is None, name
        else:
            assert row[name] == pytest.approx(value, rel=1e-12, abs=1e-12), name


def test_tiny_customer_1_by_hand(tiny):
    _, rows = _rows(tiny)
    ent = -(2 / 3 * math.log(2 / 3) + 1 / 3 * math.log(1 / 3))
    _check(rows["1"], {
        # voice: a out 07:00:00 60 s, a in 07:00:01 120 s, b out 19:00:00 (next day) 30 s
        "number_of_interactions_voice": 1.0,
        "percent_initiated_voice": 2 / 3,
        "number_of_contacts_voice": 2 / 3,
        "entropy_of_contacts_voice": ent,
        "percent_pareto_interactions_voice": 1.0,  # ceil(2.4) = 3 events need both contacts
        "interactions_per_contact_mean_voice": 1.5,
        "balance_of_contacts_mean_voice": 0.75,  # a: 1/2, b: 1/1
        "offnet_contact_share_voice": 0.5,
        "percent_nocturnal_voice": 2 / 3,  # 07:00:00 and 19:00:00 are nocturnal
        "interevent_time_mean_voice": 36 * 3600 / 2,
        "calls_out": 2 / 3,
        "calls_in": 1 / 3,
        "minutes_out": 90 / 60 / 3,
        "minutes_in": 120 / 60 / 3,
        "call_duration_mean_voice": 70.0,
        "call_duration_std_voice": statistics.pstdev([60, 120, 30]),
        "long_calls": 0.0,
        "onnet_call_share": 2 / 3,
        # one SMS: a single event and a single contact
        "number_of_interactions_sms": 1 / 3,
        "entropy_of_contacts_sms": 0.0,
        "percent_pareto_interactions_sms": 1.0,
        "interevent_time_mean_sms": None,
        # one data session of 2048 KB in domestic roaming
        "data_mb": 2 / 3,
        "data_sessions": 1 / 3,
        "data_mb_per_session": 2.0,
        "data_mb_per_active_day": 2.0,
        "data_active_days": 1 / 3,
        "roaming_domestic_events": 1 / 3,
        "roaming_event_share": 1 / 5,
        "night_share": 2 / 5,
        "weekend_share": 0.0,
        "active_days": 4 / 3,  # Jun 1, Jun 2, Jul 3, Aug 3
        "events_total": 5 / 3,
        # bills 100, 110 (discount 10), 90
        "total_fee": 100.0,
        "package_fee": 80.0,
        "voice_fee": 20.0,
        "package_fee_share": 240 / 310,
        "voice_fee_share": 60 / 310,
        "discount_rate": 10 / 310,
        "total_fee_cv": statistics.pstdev([100, 110, 90]) / 100,
        "usage_charge": 1.1 / 3,
        "tenure_months": 79.0,  # 2020-01-15 .. 2026-08-31
        "age": 46.0,
        "group_member": 1.0,
        "credit_level": 5.0,
        "months_with_arrears": 0.0,
        "competitor_hotline_calls": 0.0,
        "last_month_usage_ratio": 1 / 2,  # August 1 event vs (3 + 1) / 2
    })


def test_tiny_customer_2_by_hand(tiny):
    _, rows = _rows(tiny)
    _check(rows["2"], {
        # one call a month to c: Jun 1, Jul 1, Aug 1 (a Saturday) at 10:00; 10 s, 10 s, 600 s
        "number_of_interactions_voice": 1.0,
        "number_of_contacts_voice": 1 / 3,
        "entropy_of_contacts_voice": 0.0,
        "percent_pareto_interactions_voice": 1.0,
        "interactions_per_contact_mean_voice": 3.0,
        "interevent_time_mean_voice": 61 * 86400 / 2,
        "call_duration_mean_voice": 620 / 3,
        "call_duration_std_voice": statistics.pstdev([10, 10, 600]),
        "long_calls": 1 / 3,  # exactly 600 s counts
        "weekend_share": 1 / 3,
        "percent_initiated_sms": None,  # no SMS: shares undefined, volumes zero
        "number_of_interactions_sms": 0.0,
        "data_mb": 0.0,
        "data_mb_per_session": None,
        "tenure_months": 7.0,
        "age": None,
        "group_member": 0.0,
        "overdue_days": 2 / 3,
        "max_overdue_days": 2.0,
        "months_with_arrears": 1.0,
        "arrears": 5 / 3,
        "last_month_usage_ratio": 1.0,
    })


def test_columns_follow_the_catalogue_and_skips_are_explained(tiny):
    fs, rows = _rows(tiny)
    produced = list(rows["1"].keys())
    assert produced[:2] == ["customer_id", "brand"]
    skipped = {s["name"]: s["reason"] for s in fs.skipped}
    assert produced[2:] == [n for n in NAMES if n not in skipped]
    # no interactions or recharges table in the fixture
    assert "interactions.customer_id" in skipped["contacts_hall"]
    assert "recharges.customer_id" in skipped["recharge_count"]
    assert len(INDICATORS) >= 150  # the playbook's ~200 on 10 angles (issue 18)
    assert {i.angle for i in INDICATORS} >= {"revenue", "voice", "sms", "data", "roaming", "time_of_day",
                                             "mobility", "social", "activity", "tenure", "payment", "contacts",
                                             "recharge", "trend"}


def test_window_of_two_months_and_end_month(tiny):
    fs, rows = _rows(tiny, months=2, end_month="2026-07")
    assert fs.window.months == ("2026-06", "2026-07")
    # customer 1 in Jun..Jul: 3 calls + 1 SMS over 2 months
    assert rows["1"]["events_total"] == pytest.approx(2.0)


def test_choose_window_errors_name_the_months():
    from datetime import date
    months = [date(2026, 6, 1), date(2026, 7, 1), date(2026, 8, 1)]
    assert choose_window(months, 3).months == ("2026-06", "2026-07", "2026-08")
    with pytest.raises(DataError, match="2026-12 is outside the data"):
        choose_window(months, 3, "2026-12")
    with pytest.raises(DataError, match="needs bills for 2026-04, 2026-05"):
        choose_window(months, 5)


def test_parquet_and_csv_inputs_agree(tiny, tmp_path):
    import polars as pl
    pq = tmp_path / "pq"
    pq.mkdir()
    for name in ("customers", "cdr", "billing"):
        df = pl.read_csv(tiny / f"{name}.csv", infer_schema_length=0)
        df.write_parquet(pq / f"{name}.parquet")
    _, a = _rows(tiny)
    _, b = _rows(pq)
    assert list(a) == list(b)
    for k in a:
        for col, v in a[k].items():
            w = b[k][col]
            if col != "customer_id":
                assert w == v or (v is not None and w == pytest.approx(v)), col
