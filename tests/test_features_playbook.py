"""The playbook's indicators (issue 18) on tiny extracts worked out by hand: mobility, the
time profile, trends, the social circle and the social-churn signal, on-net minutes,
recharge regularity and contacts by purpose. (tests/test_features_reference.py compares
every one with an independent Python reference on a random extract.)"""

from __future__ import annotations

import math
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import polars as pl
import pytest

from segment import config
from segment.features import compute
from segment.io.inputs import find_inputs
from test_features_reference import FEE_COLUMNS, write_csv_tables, write_parquet_tables


def _customer(cid, churn=None):
    return {"customer_id": cid, "brand": "GoTone", "activation_date": date(2020, 1, 15), "birth_year": 1990,
            "gender": "M", "plan_id": "P1", "group_id": None, "credit_level": 3, "churn_date": churn}


def _bill(cid, month, fee="100.00"):
    return {"customer_id": cid, "bill_month": date(2026, month, 1), "total_fee": Decimal(fee),
            **{c: Decimal(0) for c in FEE_COLUMNS}, "discount": Decimal(0), "overdue_days": 0, "arrears": Decimal(0)}


def _event(ts, service="voice", direction="out", peer="a", duration=60, cell=1, network="onnet", volume=None):
    return {"customer_id": 1, "start_time": datetime.fromisoformat(ts), "service": service, "direction": direction,
            "peer_id": peer, "peer_network": network, "duration_s": duration, "volume_kb": volume,
            "charge": Decimal("0.10"), "roaming": "none", "cell_id": cell}


def _row(tmp_path: Path, events, bills=None, customers=None, writer=write_csv_tables, **more) -> dict:
    """Customer 1's output row (population "all") for the given events; bills of 100.00 for
    2026-06..08 unless given."""
    tables = {"customers": customers or [_customer(1)], "cdr": events,
              "billing": bills or [_bill(1, m) for m in (6, 7, 8)], **more}
    cfg = config.load(None).replace(features={"population": "all"})
    with compute(find_inputs(writer(tmp_path / "in", tables)), cfg) as fs:
        df = fs.frame()
    row = df.filter(pl.col("customer_id").cast(pl.Utf8) == "1").row(0, named=True)
    return {k: (float(v) if isinstance(v, (int, float, Decimal)) else v) for k, v in row.items()}


def _check(row: dict, want: dict):
    for name, value in want.items():
        if value is None:
            assert row[name] is None, name
        else:
            assert row[name] == pytest.approx(value, rel=1e-12, abs=1e-12), (name, row[name], value)


@pytest.mark.parametrize("writer", [write_csv_tables, write_parquet_tables])
def test_mobility_by_hand(tmp_path, writer):
    # Located events: cell 10 twice at night (Jul 1, 02:00 and 03:00), cell 20 three times by
    # day (Jul 1 12:00, Jul 2 12:00 and 13:00), cell 30 once at night (Jul 2 22:00); one event
    # on Jul 3 without a cell. Home = cell 10 (2 nocturnal events against 1).
    events = [
        _event("2026-07-01 02:00:00", cell=10), _event("2026-07-01 03:00:00", cell=10),
        _event("2026-07-01 12:00:00", cell=20), _event("2026-07-02 12:00:00", cell=20),
        _event("2026-07-02 13:00:00", cell=20), _event("2026-07-02 22:00:00", cell=30),
        _event("2026-07-03 12:00:00", cell=None),
    ]
    _check(_row(tmp_path, events), {
        "number_of_antennas": 3 / 3,
        "entropy_of_antennas": -(2 / 6 * math.log(2 / 6) + 3 / 6 * math.log(3 / 6) + 1 / 6 * math.log(1 / 6)),
        "percent_top_antenna": 3 / 6,
        "percent_at_home": 2 / 6,
        "home_night_share": 2 / 3,
        # days with a located event: Jul 1 and Jul 2; (day, cell) pairs (1, 10) (1, 20) (2, 20) (2, 30)
        "antennas_per_active_day": 4 / 2,
        "home_days_share": 1 / 2,
        # ceil(0.8 x 6) = 5 events: cell 20 (3) + cell 10 (2)
        "frequent_antennas": 2.0,
        "night_antennas": 2 / 3,
        "events_per_antenna_mean": 2.0,
    })


@pytest.mark.parametrize("writer", [write_csv_tables, write_parquet_tables])
def test_home_ties_by_hand(tmp_path, writer):
    # One nocturnal event at each of cells 20, 100 and 7; cell 7 has a second event by day, so
    # it is home (the most events among the tied). Without that day event, 100 and 20 and 7 tie
    # on everything and the least id as text, '100', is home whether ids are read as numbers
    # (Parquet) or as text (CSV).
    night = [_event("2026-07-01 02:00:00", cell=20), _event("2026-07-02 02:00:00", cell=100),
             _event("2026-07-03 02:00:00", cell=7)]
    row = _row(tmp_path / "a", [*night, _event("2026-07-04 12:00:00", cell=7)], writer=writer)
    assert row["percent_at_home"] == pytest.approx(2 / 4)
    row = _row(tmp_path / "b", night, writer=writer)
    assert row["percent_at_home"] == pytest.approx(1 / 3)
    assert row["home_days_share"] == pytest.approx(1 / 3)  # home (100) on Jul 2 of three days


def test_time_profile_by_hand(tmp_path):
    # Voice at the day-parts' edges, Wed 2026-07-01 .. Sun 07-05; one SMS on Saturday, one data
    # session on Sunday at 18:00.
    events = [_event(f"2026-07-0{d} {t}") for d, t in (
        (1, "00:00:00"), (1, "05:59:59"), (2, "06:00:00"), (2, "11:59:59"), (3, "12:00:00"),
        (4, "17:59:59"), (5, "18:00:00"), (5, "23:59:59"))]
    events += [_event("2026-07-04 09:00:00", service="sms", duration=None),
               _event("2026-07-05 18:00:00", service="data", direction=None, peer=None, duration=None,
                      network=None, volume=10)]
    _check(_row(tmp_path, events), {
        "voice_00_06": 2 / 3, "voice_06_12": 2 / 3, "voice_12_18": 2 / 3, "voice_18_24": 2 / 3,
        "voice_weekday": 5 / 3, "voice_weekend": 3 / 3, "voice_weekend_share": 3 / 8,
        "sms_06_12": 1 / 3, "sms_00_06": 0.0, "sms_weekend": 1 / 3, "sms_weekday": 0.0, "sms_weekend_share": 1.0,
        "data_18_24": 1 / 3, "data_weekend_share": 1.0, "data_12_18": 0.0,
    })


def test_trends_by_hand(tmp_path):
    # Bills 100, 130, 40: slope over months 0, 1, 2 = (40 - 100) / 2 = -30; last/first 0.4.
    # Voice: June two 60 s calls (peers a, b), July one 120 s call (a), August none:
    #   minutes [2, 2, 0] -> slope -1, last/first 0; calls [2, 1, 0] -> -1, 0; contacts [2, 1, 0].
    # Active days: Jun 1, Jun 2 | Jul 1 | Aug 5 (a 2048 KB data session): [2, 1, 1] -> -0.5, 0.5.
    # Data MB [0, 0, 2]: slope 1, last/first null (nothing in the first month). No SMS: slope 0.
    events = [_event("2026-06-01 10:00:00", peer="a"), _event("2026-06-02 10:00:00", peer="b"),
              _event("2026-07-01 10:00:00", peer="a", duration=120),
              _event("2026-08-05 10:00:00", service="data", direction=None, peer=None, duration=None,
                     network=None, volume=2048)]
    bills = [_bill(1, 6, "100.00"), _bill(1, 7, "130.00"), _bill(1, 8, "40.00")]
    _check(_row(tmp_path, events, bills=bills), {
        "total_fee_slope": -30.0, "total_fee_last_first": 0.4,
        "minutes_slope": -1.0, "minutes_last_first": 0.0,
        "calls_slope": -1.0, "calls_last_first": 0.0,
        "contacts_voice_slope": -1.0, "contacts_voice_last_first": 0.0,
        "active_days_slope": -0.5, "active_days_last_first": 0.5,
        "data_mb_slope": 1.0, "data_mb_last_first": None,
        "sms_slope": 0.0, "sms_last_first": None, "contacts_sms_slope": 0.0,
        "active_months": 3.0, "active_day_share": 4 / 92,
        "days_since_last_event": 26 + 14 / 24,  # Aug 5 10:00 to Sep 1 00:00
    })


def _social_tables():
    # Customer 1 calls customers 2 (out 60 s and in 30 s), 3 (out twice, 100 s each; churned
    # 2026-07-10), 4 (out 50 s; churns 2026-09-15, after the window), 5 (out 200 s, off-net:
    # never one of ours, although 5 is a customer id, churned) and 777 (out 10 s, on-net, not a
    # customer); peers are integers, as customer ids.
    calls = [(2, "out", 60), (2, "in", 30), (3, "out", 100), (3, "out", 100), (4, "out", 50),
             (5, "out", 200), (777, "out", 10)]
    events = [_event(f"2026-07-{k + 1:02d} 10:00:00", direction=d, peer=p, duration=s,
                     network="offnet" if p == 5 else "onnet") for k, (p, d, s) in enumerate(calls)]
    customers = [_customer(1), _customer(2), _customer(3, date(2026, 7, 10)), _customer(4, date(2026, 9, 15)),
                 _customer(5, date(2026, 6, 1))]
    return events, customers


def _write_typed(folder: Path, tables: dict) -> Path:
    """Parquet with integer peer ids (write_parquet_tables writes them as text)."""
    as_text = [{**e, "peer_id": None if e["peer_id"] is None else str(e["peer_id"])} for e in tables["cdr"]]
    folder = write_parquet_tables(folder, {**tables, "cdr": as_text})
    cdr = pl.read_parquet(folder / "cdr.parquet").with_columns(pl.col("peer_id").cast(pl.Int64))
    cdr.write_parquet(folder / "cdr.parquet")
    return folder


@pytest.mark.parametrize("writer", [write_csv_tables, _write_typed])
def test_social_circle_and_churned_contacts_by_hand(tmp_path, writer):
    events, customers = _social_tables()
    _check(_row(tmp_path, events, customers=customers, writer=writer), {
        "reciprocity_voice": 1 / 5,  # only 2 both ways, of 5 peers
        "top_contact_share_voice": 2 / 7,
        "customer_contact_share_voice": 3 / 5,  # 2, 3, 4
        "churned_contact_share_voice": 1 / 3,  # 3
        "churned_contact_event_share": 2 / 5,  # events with 3 / with 2, 3, 4
        "customer_contact_share_sms": None,
        "minutes_onnet": 350 / 60 / 3,
        "minutes_offnet": 200 / 60 / 3,
        "onnet_minutes_share": 350 / 550,
        "minutes_total": 550 / 60 / 3,
        "call_duration_mean_out": 520 / 6,
        "call_duration_mean_in": 30.0,
        "charge_per_minute": 0.7 / (550 / 60),
        "usage_charge_voice": 0.7 / 3,
    })


def test_recharges_and_contacts_by_hand(tmp_path):
    # Top-ups May 31 (before the window), Jun 1 00:00, Jun 11 00:00, Jul 1 12:00: gaps of 10 and
    # 20.5 days: mean 15.25, population std 5.25, max 20.5; the last is 61.5 days before Sep 1.
    tops = [(datetime(2026, 5, 31, 12), "5.00"), (datetime(2026, 6, 1), "10.00"), (datetime(2026, 6, 11), "30.00"),
            (datetime(2026, 7, 1, 12), "20.00")]
    recharges = [{"customer_id": 1, "recharge_time": t, "amount": Decimal(a)} for t, a in tops]
    contacts = [("2026-06-03 10:00:00", "web", "inquiry"), ("2026-07-01 10:00:00", "hall", "complaint"),
                ("2026-08-03 10:00:00", "hall", "complaint"), ("2026-08-04 10:00:00", "hall", "transaction"),
                ("2026-08-20 06:00:00", "sms", "campaign"), ("2026-09-01 00:00:00", "kiosk", "inquiry")]
    interactions = [{"customer_id": 1, "contact_time": datetime.fromisoformat(t), "channel": c, "purpose": p}
                    for t, c, p in contacts]
    row = _row(tmp_path, [_event("2026-07-01 10:00:00")], recharges=recharges, interactions=interactions)
    _check(row, {
        "recharge_interval_mean": 15.25, "recharge_interval_std": 5.25, "recharge_interval_cv": 5.25 / 15.25,
        "recharge_interval_max": 20.5, "days_since_last_recharge": 61.5, "recharge_amount_max": 30.0,
        "inquiries": 1 / 3, "transactions": 1 / 3, "campaign_contacts": 1 / 3, "complaints_last_month": 1.0,
        "contact_channels": 3.0,  # web, hall, sms (the kiosk contact is after the window)
        "days_since_last_contact": 11.75,
    })
