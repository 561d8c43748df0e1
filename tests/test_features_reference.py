"""Every indicator checked against an independent plain-Python reference.

The reference below is written from the indicator contract (the one-line definitions
in ``segment/catalogue.py`` plus the conventions of the project brief), not from the
SQL, so that the two implementations only agree when both follow the contract:

* window = the ``months`` (3) calendar months ending at the latest bill month;
  volumes are window totals / months, even for customers who joined mid-window;
  shares, means, dispersions and entropies are over all events of the window;
* a count of zero gives a monthly average of 0; a ratio with a zero denominator
  (and any other undefined statistic) is null;
* "stable" population: a bill in every window month and a CDR event in every window
  month; "all": a bill or an event in any window month; output ordered by customer_id.

A seeded random extract (about forty customers, four months of data of which one lies
before the window, plus a few events just outside its edges) is compared column by
column for both populations, once from CSV and once from Parquet; a few small cases
with hand-worked values pin the trickiest definitions.
"""

from __future__ import annotations

import csv
import math
import random
from collections import Counter, defaultdict
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path

import polars as pl
import pytest

from segment import catalogue, config
from segment.io.inputs import find_inputs
from segment.features import compute

import reference_more as more

M = 3
HOTLINES = ("10010", "10000")
LONG_CALL_S = 600
PARETO_SHARE = 0.8
CHANNELS = ("hall", "hotline", "ivr", "web", "sms", "wap", "kiosk")
FEE_COLUMNS = ("package_fee", "voice_fee", "sms_fee", "data_fee", "vas_fee", "roaming_fee")
REL = ABS = 1e-9

HEADERS = {
    "customers": ["customer_id", "brand", "activation_date", "birth_year", "gender", "plan_id",
                  "group_id", "credit_level", "churn_date"],
    "cdr": ["customer_id", "start_time", "service", "direction", "peer_id", "peer_network",
            "duration_s", "volume_kb", "charge", "roaming", "cell_id"],
    "billing": ["customer_id", "bill_month", "total_fee", "package_fee", "voice_fee", "sms_fee",
                "data_fee", "vas_fee", "roaming_fee", "discount", "overdue_days", "arrears"],
    "interactions": ["customer_id", "contact_time", "channel", "purpose"],
    "recharges": ["customer_id", "recharge_time", "amount"],
}
MONEY = pl.Decimal(18, 2)
POLARS_TYPES = {
    "customers": [pl.Int64, pl.Utf8, pl.Date, pl.Int64, pl.Utf8, pl.Utf8, pl.Utf8, pl.Int64, pl.Date],
    "cdr": [pl.Int64, pl.Datetime("us"), pl.Utf8, pl.Utf8, pl.Utf8, pl.Utf8, pl.Int64, pl.Int64, MONEY,
            pl.Utf8, pl.Int64],
    "billing": [pl.Int64, pl.Date] + [MONEY] * 8 + [pl.Int64, MONEY],
    "interactions": [pl.Int64, pl.Datetime("us"), pl.Utf8, pl.Utf8],
    "recharges": [pl.Int64, pl.Datetime("us"), MONEY],
}


# --------------------------------------------------------------------------- writing inputs

def _cell(v):
    if v is None:
        return ""
    if isinstance(v, datetime):
        return v.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(v, date):
        return v.strftime("%Y-%m-%d")
    return v


def write_csv_tables(folder: Path, tables: dict[str, list[dict]]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, rows in tables.items():
        header = HEADERS[name]
        with open(folder / f"{name}.csv", "w", newline="", encoding="utf-8") as f:
            w = csv.writer(f, lineterminator="\n")
            w.writerow(header)
            for r in rows:
                out = []
                for col in header:
                    v = r.get(col)
                    if name == "billing" and col == "bill_month":
                        v = v.strftime("%Y-%m")  # the documented 'YYYY-MM' form
                    out.append(_cell(v))
                w.writerow(out)
    return folder


def write_parquet_tables(folder: Path, tables: dict[str, list[dict]]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, rows in tables.items():
        schema = dict(zip(HEADERS[name], POLARS_TYPES[name]))
        data = {c: [r.get(c) for r in rows] for c in HEADERS[name]}
        pl.DataFrame(data, schema=schema).write_parquet(folder / f"{name}.parquet")
    return folder


def run_real(folder: Path, population: str) -> pl.DataFrame:
    cfg = config.load(None).replace(features={"population": population})
    with compute(find_inputs(folder), cfg) as fs:
        return fs.frame()


# --------------------------------------------------------------------------- the reference

def _div(a, b):
    return None if b == 0 else a / b


def _month_shift(d: date, k: int) -> date:
    n = d.year * 12 + d.month - 1 + k
    return date(n // 12, n % 12 + 1, 1)


def _last_day(d: date) -> date:
    return _month_shift(d, 1) - timedelta(days=1)


def _nocturnal(ts: datetime) -> bool:
    t = ts.time()
    return not (time(7, 0, 0) < t < time(19, 0, 0))


def _pstd(xs: list[float]) -> float:
    mu = sum(xs) / len(xs)
    return math.sqrt(sum((x - mu) ** 2 for x in xs) / len(xs))


def _pareto(counts: list[int]) -> float | None:
    if not counts:
        return None
    target = math.ceil(sum(counts) * PARETO_SHARE)  # Python floats, as the contract says
    acc = k = 0
    for c in sorted(counts, reverse=True):
        if acc >= target:
            break
        acc += c
        k += 1
    return k / len(counts)


def _toolbox(evs: list[dict], s: str) -> dict:
    n = len(evs)
    peered = [e for e in evs if e["peer_id"] is not None]
    counts = Counter(e["peer_id"] for e in peered)
    npeer = len(peered)
    balances = []
    for p in counts:
        out = sum(1 for e in peered if e["peer_id"] == p and e["direction"] == "out")
        inn = sum(1 for e in peered if e["peer_id"] == p and e["direction"] == "in")
        if out + inn:
            balances.append(out / (out + inn))
    offnet = {e["peer_id"] for e in peered if e["peer_network"] == "offnet"}
    times = sorted(e["start_time"] for e in evs)
    gaps = [(b - a).total_seconds() for a, b in zip(times, times[1:])]
    return {
        f"number_of_interactions_{s}": n / M,
        f"percent_initiated_{s}": _div(sum(e["direction"] == "out" for e in evs), n),
        f"number_of_contacts_{s}": len(counts) / M,
        f"entropy_of_contacts_{s}": (
            -sum(c / npeer * math.log(c / npeer) for c in counts.values()) if counts else None
        ),
        f"percent_pareto_interactions_{s}": _pareto(list(counts.values())),
        f"interactions_per_contact_mean_{s}": _div(npeer, len(counts)),
        f"balance_of_contacts_mean_{s}": _div(sum(balances), len(balances)),
        f"offnet_contact_share_{s}": _div(len(offnet), len(counts)),
        f"percent_nocturnal_{s}": _div(sum(_nocturnal(e["start_time"]) for e in evs), n),
        f"interevent_time_mean_{s}": _div(sum(gaps), len(gaps)),
    }


def reference(tables: dict[str, list[dict]], population: str) -> dict[str, dict]:
    """customer_id (as text) -> {"brand": ..., indicator: value}, in output order."""
    end = max(b["bill_month"] for b in tables["billing"])
    window = [_month_shift(end, k) for k in range(-(M - 1), 1)]
    in_window = {(d.year, d.month) for d in window}
    last_day = _last_day(end)
    window_end = datetime.combine(last_day + timedelta(days=1), time(0))
    window_days = (last_day - window[0]).days + 1
    last_month = datetime.combine(end, time(0))
    customer_churn = {str(c["customer_id"]): c["churn_date"] for c in tables["customers"]}

    def month_of(x) -> int:
        return (x.year - window[0].year) * 12 + x.month - window[0].month

    def ym(x):
        return (x.year, x.month)

    by = defaultdict(lambda: defaultdict(list))
    for table, when in (("cdr", "start_time"), ("billing", "bill_month"),
                        ("interactions", "contact_time"), ("recharges", "recharge_time")):
        for r in tables.get(table, []):
            if ym(r[when]) in in_window:
                by[table][r["customer_id"]].append(r)

    out = {}
    for cust in sorted(tables["customers"], key=lambda c: c["customer_id"]):
        cid = cust["customer_id"]
        E = by["cdr"][cid]
        B = by["billing"][cid]
        event_months = {ym(e["start_time"]) for e in E}
        bill_months = {ym(b["bill_month"]) for b in B}
        if population == "stable":
            if not (in_window <= event_months and in_window <= bill_months):
                continue
        elif not (E or B):
            continue

        r: dict = {"brand": cust["brand"]}

        # revenue and payment (billing)
        def bsum(col):
            return sum((b[col] for b in B), Decimal(0))

        gross = bsum("total_fee") + bsum("discount")
        for col in ("total_fee", "package_fee", "voice_fee", "data_fee"):
            r[col] = float(bsum(col)) / M
        for col in FEE_COLUMNS:
            r[f"{col}_share"] = _div(float(bsum(col)), float(gross))
        r["discount_rate"] = _div(float(bsum("discount")), float(gross))
        fees = [float(b["total_fee"]) for b in B]
        r["total_fee_cv"] = _div(_pstd(fees), sum(fees) / len(fees)) if fees else None
        r["overdue_days"] = sum(b["overdue_days"] for b in B) / M
        r["max_overdue_days"] = max((b["overdue_days"] for b in B), default=None)
        r["months_with_arrears"] = sum(1 for b in B if b["arrears"] > 0)
        r["arrears"] = float(bsum("arrears")) / M

        # usage (cdr)
        r["usage_charge"] = float(sum((e["charge"] for e in E), Decimal(0))) / M
        voice = [e for e in E if e["service"] == "voice"]
        sms = [e for e in E if e["service"] == "sms"]
        data = [e for e in E if e["service"] == "data"]
        r.update(_toolbox(voice, "voice"))
        r.update(_toolbox(sms, "sms"))

        vout = [e for e in voice if e["direction"] == "out"]
        vin = [e for e in voice if e["direction"] == "in"]
        r["calls_out"] = len(vout) / M
        r["calls_in"] = len(vin) / M
        r["minutes_out"] = sum(e["duration_s"] for e in vout) / 60 / M
        r["minutes_in"] = sum(e["duration_s"] for e in vin) / 60 / M
        durations = [e["duration_s"] for e in voice]
        r["call_duration_mean_voice"] = _div(sum(durations), len(durations))
        r["call_duration_std_voice"] = _pstd(durations) if durations else None
        r["long_calls"] = sum(d >= LONG_CALL_S for d in durations) / M
        r["onnet_call_share"] = _div(sum(e["peer_network"] == "onnet" for e in voice), len(voice))
        r["sms_out"] = sum(e["direction"] == "out" for e in sms) / M
        r["sms_in"] = sum(e["direction"] == "in" for e in sms) / M

        mb = sum(e["volume_kb"] for e in data) / 1024
        data_days = {e["start_time"].date() for e in data}
        r["data_mb"] = mb / M
        r["data_sessions"] = len(data) / M
        r["data_mb_per_session"] = _div(mb, len(data))
        r["data_mb_per_active_day"] = _div(mb, len(data_days))
        r["data_active_days"] = len(data_days) / M

        dom = sum(e["roaming"] == "domestic" for e in E)
        intl = sum(e["roaming"] == "international" for e in E)
        r["roaming_domestic_events"] = dom / M
        r["roaming_international_events"] = intl / M
        r["roaming_event_share"] = _div(dom + intl, len(E))
        r["night_share"] = _div(sum(_nocturnal(e["start_time"]) for e in E), len(E))
        r["weekend_share"] = _div(sum(e["start_time"].weekday() >= 5 for e in E), len(E))
        r["percent_nocturnal_data"] = _div(sum(_nocturnal(e["start_time"]) for e in data), len(data))
        r["active_days"] = len({e["start_time"].date() for e in E}) / M
        r["events_total"] = len(E) / M
        r["competitor_hotline_calls"] = sum(
            e["service"] in ("voice", "sms") and e["peer_id"] in HOTLINES for e in E) / M
        last = sum(ym(e["start_time"]) == ym(end) for e in E)
        r["last_month_usage_ratio"] = _div(last, (len(E) - last) / (M - 1))

        # tenure and profile (customers)
        act = cust["activation_date"]
        r["tenure_months"] = ((last_day.year - act.year) * 12 + last_day.month - act.month
                              - (1 if last_day.day < act.day else 0))
        r["age"] = None if cust["birth_year"] is None else last_day.year - cust["birth_year"]
        r["group_member"] = 0 if cust["group_id"] is None else 1
        r["credit_level"] = cust["credit_level"]
        r["joined_in_window"] = 1 if window[0] <= act <= last_day else 0

        # the indicators of the playbook's set (tests/reference_more.py)
        r.update(more.bills(B, M))
        r.update(more.usage(E, M))
        r.update(more.time_profile(E, M))
        r.update(more.mobility(E, M, PARETO_SHARE))
        r.update(more.social(E, customer_churn, window_end))
        r.update(more.activity(E, M, window_days, window_end, month_of))
        r.update(more.trends(E, B, month_of, M))

        # service contacts and recharges (optional tables)
        if "interactions" in tables:
            contacts = by["interactions"][cid]
            complaints = sum(c["purpose"] == "complaint" for c in contacts)
            r["contacts_total"] = len(contacts) / M
            for ch in CHANNELS:
                r[f"contacts_{ch}"] = sum(c["channel"] == ch for c in contacts) / M
            r["complaints"] = complaints / M
            r["complaint_share"] = _div(complaints, len(contacts))
            r.update(more.contacts(contacts, M, last_month, window_end))
        if "recharges" in tables:
            amounts = [x["amount"] for x in by["recharges"][cid]]
            total = float(sum(amounts, Decimal(0)))
            r["recharge_count"] = len(amounts) / M
            r["recharge_amount"] = total / M
            r["recharge_amount_mean"] = _div(total, len(amounts))
            r.update(more.recharges(by["recharges"][cid], window_end))
        out[str(cid)] = r
    return out


# --------------------------------------------------------------------------- the random extract

def make_tables(seed: int = 0) -> dict[str, list[dict]]:
    rng = random.Random(seed)
    months = [date(2026, m, 1) for m in (5, 6, 7, 8)]  # May lies before the 3-month window
    peers = [f"p{i:02d}" for i in range(12)]
    home_net = {p: rng.choice(("onnet", "offnet")) for p in peers}
    home_net.update({h: "offnet" for h in HOTLINES})
    special_times = [time(7, 0, 0), time(19, 0, 0), time(6, 59, 59), time(7, 0, 1),
                     time(18, 59, 59), time(19, 0, 1), time(0, 0, 0), time(23, 59, 59)]

    customers, cdr, billing, interactions, recharges = [], [], [], [], []

    def rand_ts(m: date) -> datetime:
        day = rng.randint(1, _last_day(m).day)
        if rng.random() < 0.2:
            t = rng.choice(special_times)
        else:
            s = rng.randrange(86400)
            t = time(s // 3600, s % 3600 // 60, s % 60)
        return datetime.combine(date(m.year, m.month, day), t)

    def money(lo: int, hi: int) -> Decimal:
        return Decimal(rng.randint(lo, hi)) / 100

    def event(cid, ts, service, peer=None, direction=None, duration=None):
        e = {"customer_id": cid, "start_time": ts, "service": service, "direction": None,
             "peer_id": None, "peer_network": None, "duration_s": None, "volume_kb": None,
             "charge": money(0, 300), "roaming": rng.choices(("none", "domestic", "international"),
                                                             (80, 12, 8))[0],
             "cell_id": rng.randint(1, 50)}
        if service in ("voice", "sms"):
            e["direction"] = direction or rng.choice(("out", "in"))
            e["peer_id"] = peer
            if peer is not None:
                net = home_net.get(peer, "onnet")
                if rng.random() < 0.07:  # the same peer sometimes seen on the other network
                    net = "onnet" if net == "offnet" else "offnet"
                e["peer_network"] = net
        if service == "voice":
            e["duration_s"] = duration if duration is not None else rng.choice(
                [600, 600, 599, 601, 0] + [rng.randint(1, 1800)] * 10)
        if service == "data":
            e["volume_kb"] = rng.randint(0, 300_000)
        cdr.append(e)

    def bill(cid, m, zero=False):
        row = {"customer_id": cid, "bill_month": m}
        for col in FEE_COLUMNS:
            row[col] = Decimal(0) if zero else money(0, 5000) if rng.random() < 0.8 else Decimal(0)
        row["total_fee"] = Decimal(0) if zero else sum(row[c] for c in FEE_COLUMNS) + money(0, 999)
        row["discount"] = Decimal(0) if zero or rng.random() < 0.5 else money(1, 2000)
        row["overdue_days"] = 0 if rng.random() < 0.7 else rng.randint(1, 30)
        row["arrears"] = Decimal(0) if zero or rng.random() < 0.8 else money(1, 9999)
        billing.append(row)

    n_customers = 40
    for i in range(n_customers):
        cid = 1001 + i  # integers whose numeric and text orders agree
        joined_in_window = rng.random() < 0.1
        if joined_in_window:
            act = date(2026, rng.randint(6, 8), rng.randint(1, 28))
        else:
            act = date(rng.randint(2012, 2026), rng.randint(1, 5), rng.randint(1, 28))
        customers.append({
            "customer_id": cid,
            "brand": rng.choice(("GoTone", "M-Zone", "Easyown")),
            "activation_date": act,
            "birth_year": None if rng.random() < 0.15 else rng.randint(1950, 2006),
            "gender": rng.choice(("M", "F", "U")),
            "plan_id": f"P{rng.randint(1, 5)}",
            "group_id": None if rng.random() < 0.6 else f"G{rng.randint(1, 3)}",
            "credit_level": None if rng.random() < 0.1 else rng.randint(1, 5),
            "churn_date": None,
        })
        kind = i  # the first customers are hand-shaped edge cases, the rest are random
        if kind == 0:  # one voice event a month, always the same peer: a single contact
            for m in months:
                event(cid, rand_ts(m), "voice", peer="p01")
                bill(cid, m)
            continue
        if kind == 1:  # a single event in the whole window (never stable)
            event(cid, datetime(2026, 7, 4, 19, 0, 0), "sms", peer="p02", direction="out")
            for m in months:
                bill(cid, m)
            continue
        if kind == 2:  # bills but no event in the window (activity only before it)
            event(cid, rand_ts(months[0]), "voice", peer="p03")
            for m in months:
                bill(cid, m)
            continue
        if kind == 3:  # events but no bill in the window
            for m in months:
                for _ in range(3):
                    event(cid, rand_ts(m), rng.choice(("voice", "sms", "data")), peer=rng.choice(peers))
            continue
        if kind == 4:  # active only before the window: in neither population
            event(cid, rand_ts(months[0]), "voice", peer="p04")
            bill(cid, months[0])
            continue
        if kind == 5:  # data only, zero bills: voice/SMS ratios and fee shares are null
            for m in months:
                for _ in range(rng.randint(1, 5)):
                    event(cid, rand_ts(m), "data")
                bill(cid, m, zero=True)
            continue
        if kind == 6:  # 35 voice events with a peer: target ceil(28.0) = 28, met by the top peer alone
            counts = [28, 2, 1, 1, 1, 1, 1]
            k = 0
            for p, c in zip(peers, counts):
                for _ in range(c):
                    event(cid, rand_ts(months[1 + k % 3]), "voice", peer=p)
                    k += 1
            for m in months:
                bill(cid, m)
            continue
        if kind == 7:  # events exactly on and just outside the window's edges
            for ts in (datetime(2026, 5, 31, 23, 59, 59), datetime(2026, 6, 1, 0, 0, 0),
                       datetime(2026, 7, 15, 12, 0, 0), datetime(2026, 8, 31, 23, 59, 59),
                       datetime(2026, 9, 1, 0, 0, 0)):
                event(cid, ts, "voice", peer="p05")
            for m in months:
                bill(cid, m)
            continue

        pool = rng.sample(peers, rng.randint(1, 8))
        if rng.random() < 0.3:
            pool += [HOTLINES[0]]
        if rng.random() < 0.1:
            pool += [HOTLINES[1]]
        for m in months:
            if rng.random() < 0.1:
                n = 0
            elif rng.random() < 0.1:
                n = 1
            else:
                n = rng.randint(0, 40)
            for _ in range(n):
                service = rng.choices(("voice", "sms", "data"), (45, 30, 25))[0]
                peer = None if rng.random() < 0.04 else rng.choice(pool)
                event(cid, rand_ts(m), service, peer=peer)
            if rng.random() < 0.9:
                bill(cid, m)
        for _ in range(rng.randint(0, 6)):
            interactions.append({
                "customer_id": cid, "contact_time": rand_ts(rng.choice(months)),
                "channel": rng.choice(CHANNELS),
                "purpose": rng.choice(("inquiry", "complaint", "complaint", "transaction", "campaign", None)),
            })
        for _ in range(rng.randint(0, 5)):
            recharges.append({"customer_id": cid, "recharge_time": rand_ts(rng.choice(months)),
                              "amount": money(100, 10000)})
    # a contact and a top-up on each side of the window's end
    interactions.append({"customer_id": 1008, "contact_time": datetime(2026, 8, 31, 23, 59, 59),
                         "channel": "hall", "purpose": "complaint"})
    interactions.append({"customer_id": 1008, "contact_time": datetime(2026, 9, 1, 0, 0, 0),
                         "channel": "hall", "purpose": "complaint"})
    recharges.append({"customer_id": 1008, "recharge_time": datetime(2026, 5, 31, 23, 59, 59),
                      "amount": Decimal("50.00")})
    recharges.append({"customer_id": 1008, "recharge_time": datetime(2026, 6, 1, 0, 0, 0),
                      "amount": Decimal("30.00")})
    _our_peers_and_cells(cdr, customers, random.Random(seed + 1))
    rng.shuffle(cdr)
    return {"customers": customers, "cdr": cdr, "billing": billing,
            "interactions": interactions, "recharges": recharges}


def _our_peers_and_cells(cdr: list[dict], customers: list[dict], rng: random.Random) -> None:
    """Peers who are our customers, some of whom churned; events without a cell.

    Five of the twelve peers become customers (their ids as text: the peer column is text,
    the customers' integers), three mostly on-net (p02, p09, p10) and two off-net (p01, p06),
    so the social indicators meet customers on-net and off-net; some of them churned before
    (1012), inside (1009) and after (1017) the window, or on its last day (1020, off-net). A
    second generator, so that the events drawn above stay as they were."""
    as_customer = {"p02": "1009", "p09": "1033", "p10": "1012", "p01": "1020", "p06": "1017"}
    for e in cdr:
        if e["peer_id"] in as_customer:
            e["peer_id"] = as_customer[e["peer_id"]]
        if rng.random() < 0.05:
            e["cell_id"] = None
        elif rng.random() < 0.5:  # a customer's events gather at a few cells, so home and ties matter
            e["cell_id"] = e["customer_id"] % 7 + rng.choice((0, 0, 0, 1))
    churn = {1009: date(2026, 7, 20), 1012: date(2026, 3, 1), 1017: date(2026, 9, 1), 1020: date(2026, 8, 31)}
    for c in customers:
        c["churn_date"] = churn.get(c["customer_id"])


TABLES = make_tables(0)


# --------------------------------------------------------------------------- comparison

def _norm(v):
    if v is None:
        return None
    v = float(v)  # Decimal, int
    return None if math.isnan(v) else v


def mismatches(expected: dict[str, dict], got: pl.DataFrame, col: str) -> list[str]:
    rows = dict(zip(got["customer_id"].cast(pl.Utf8).to_list(), got[col].to_list()))
    bad = []
    for cid, ref in expected.items():
        e, g = _norm(ref[col]), _norm(rows.get(cid))
        if e is None or g is None:
            ok = e is None and g is None
        else:
            ok = math.isclose(e, g, rel_tol=REL, abs_tol=ABS)
        if not ok:
            bad.append(f"customer {cid}: expected {e!r}, got {g!r}")
    return bad


_real_cache: dict[tuple[str, str], pl.DataFrame] = {}


@pytest.fixture(scope="module")
def inputs(tmp_path_factory) -> dict[str, Path]:
    base = tmp_path_factory.mktemp("reference")
    return {"csv": write_csv_tables(base / "csv", TABLES),
            "parquet": write_parquet_tables(base / "parquet", TABLES)}


@pytest.fixture(scope="module")
def real(inputs):
    def get(population: str, fmt: str = "csv") -> pl.DataFrame:
        key = (population, fmt)
        if key not in _real_cache:
            _real_cache[key] = run_real(inputs[fmt], population)
        return _real_cache[key]

    yield get
    _real_cache.clear()


_expected_cache: dict[str, dict] = {}


def expected(population: str) -> dict[str, dict]:
    if population not in _expected_cache:
        _expected_cache[population] = reference(TABLES, population)
    return _expected_cache[population]


POPULATIONS = ("stable", "all")

# The call graph's indicators need on-net peers that are customer ids; this extract's peers
# are text (p00 ..), so they are skipped here and worked out in tests/test_callgraph.py.
REFERENCED = tuple(n for n in catalogue.NAMES if n not in catalogue.GRAPH)


def _params():
    for pop in POPULATIONS:
        for name in REFERENCED:
            yield pytest.param(pop, name, id=f"{pop}-{name}")


def test_fixture_exercises_the_edge_cases():
    stable, everyone = expected("stable"), expected("all")
    assert set(stable) < set(everyone)
    assert {"1001", "1006", "1007", "1008"} <= set(stable)
    assert {"1002", "1003", "1004"} <= set(everyone) - set(stable)
    assert "1005" not in everyone  # activity only before the window
    assert len(stable) >= 15 and len(everyone) >= 30
    assert {r["brand"] for r in stable.values()} == {"GoTone", "M-Zone", "Easyown"}


@pytest.mark.parametrize("population", POPULATIONS)
def test_population_order_and_columns(real, population):
    df = real(population)
    exp = expected(population)
    assert df["customer_id"].cast(pl.Utf8).to_list() == list(exp)
    assert df["brand"].to_list() == [r["brand"] for r in exp.values()]
    # every input is present, so every catalogue indicator is produced, in catalogue order
    assert df.columns == ["customer_id", "brand", *catalogue.NAMES]


def test_reference_covers_the_catalogue():
    some = next(iter(expected("all").values()))
    assert set(some) - {"brand"} == set(REFERENCED)


@pytest.mark.parametrize(("population", "indicator"), list(_params()))
def test_indicator_matches_reference(real, population, indicator):
    df = real(population)
    assert indicator in df.columns, f"{indicator} not produced"
    bad = mismatches(expected(population), df, indicator)
    assert not bad, f"{indicator} ({population}): {len(bad)} mismatches\n" + "\n".join(bad[:10])


@pytest.mark.parametrize("population", POPULATIONS)
def test_parquet_inputs_give_the_csv_result(real, population):
    a, b = real(population, "csv"), real(population, "parquet")
    assert a.columns == b.columns
    assert a["customer_id"].cast(pl.Utf8).to_list() == b["customer_id"].cast(pl.Utf8).to_list()
    for col in a.columns[1:]:
        for x, y in zip(a[col].to_list(), b[col].to_list()):
            if isinstance(x, str) or isinstance(y, str):
                assert x == y, col
                continue
            x, y = _norm(x), _norm(y)
            assert (x is None) == (y is None), col
            if x is not None:
                assert math.isclose(x, y, rel_tol=REL, abs_tol=ABS), (col, x, y)


# --------------------------------------------------------------------------- hand-worked cases

def _one_customer(tmp_path: Path, events: list[tuple], bills=True) -> dict:
    """Customer 1 with the given (start_time, service, direction, peer_id, duration_s) events;
    bills for 2026-06..08 of 100.00 each. Returns the real output row for population "all"."""
    tables = {
        "customers": [{"customer_id": 1, "brand": "GoTone", "activation_date": date(2020, 1, 15),
                       "birth_year": 1990, "gender": "M", "plan_id": "P1", "group_id": None,
                       "credit_level": 3, "churn_date": None}],
        "cdr": [{"customer_id": 1, "start_time": datetime.fromisoformat(ts), "service": s,
                 "direction": d, "peer_id": p, "peer_network": None if p is None else "onnet",
                 "duration_s": dur,
                 "volume_kb": 1024 if s == "data" else None, "charge": Decimal("0.10"),
                 "roaming": "none", "cell_id": 1} for ts, s, d, p, dur in events],
        "billing": [{"customer_id": 1, "bill_month": date(2026, m, 1), "total_fee": Decimal("100.00"),
                     **{c: Decimal(0) for c in FEE_COLUMNS}, "discount": Decimal(0),
                     "overdue_days": 0, "arrears": Decimal(0)} for m in (6, 7, 8)],
    }
    df = run_real(write_csv_tables(tmp_path / "in", tables), "all")
    assert df.height == 1
    return {k: _norm(v) if not isinstance(v, str) else v for k, v in df.row(0, named=True).items()}


def _calls(peer_counts: dict[str, int], service: str = "voice") -> list[tuple]:
    out, k = [], 0
    for peer, n in peer_counts.items():
        for _ in range(n):
            out.append((f"2026-07-{1 + k % 28:02d} 10:00:{k // 28:02d}", service, "out", peer, 60))
            k += 1
    return out


@pytest.mark.parametrize(("counts", "want"), [
    # counts [3,3,2]: 8 events, target ceil(6.4) = 7; 3 -> 6 -> 8: three of three contacts = 1.0
    ({"a": 3, "b": 3, "c": 2}, 1.0),
    # counts [5,1,1,1]: 8 events, target 7; 5 -> 6 -> 7: three of four contacts = 0.75
    ({"a": 5, "b": 1, "c": 1, "d": 1}, 0.75),
    # counts [4,1] plus 2 calls without a peer: the target counts only the 5 events with a
    # peer, ceil(4.0) = 4, met by the top contact alone: one of two = 0.5 (counting all 7
    # events, ceil(5.6) = 6 would never be reached)
    ({"a": 4, "b": 1, None: 2}, 0.5),
    # counts [28,1 x 7]: 35 events, target ceil(28.0) = 28 met exactly by the top contact: 1/8
    ({"a": 28, **{f"x{i}": 1 for i in range(7)}}, 0.125),
])
def test_pareto_by_hand(tmp_path, counts, want):
    row = _one_customer(tmp_path, _calls(counts))
    assert row["percent_pareto_interactions_voice"] == pytest.approx(want, rel=REL, abs=ABS)


def test_night_boundaries_and_interevent_by_hand(tmp_path):
    # Five SMS (peer a) on Wednesday 2026-07-01 and Saturday 2026-07-04:
    #   07:00:00 nocturnal (boundary), 07:00:01 day, 18:59:59 day, 19:00:00 nocturnal (boundary),
    #   Sat 12:00:00 day.  percent_nocturnal_sms = night_share = 2/5 = 0.4; weekend_share = 1/5.
    # Gaps: 1 s, 43198 s, 1 s, Wed 19:00 -> Sat 12:00 = 65 h = 234000 s; mean = 277200 / 4 = 69300 s.
    # Voice: none, so percent_nocturnal_voice and interevent_time_mean_voice are null while
    # number_of_interactions_voice is 0.
    events = [(ts, "sms", "out", "a", None) for ts in (
        "2026-07-01 07:00:00", "2026-07-01 07:00:01", "2026-07-01 18:59:59",
        "2026-07-01 19:00:00", "2026-07-04 12:00:00")]
    row = _one_customer(tmp_path, events)
    assert row["percent_nocturnal_sms"] == pytest.approx(0.4)
    assert row["night_share"] == pytest.approx(0.4)
    assert row["weekend_share"] == pytest.approx(0.2)
    assert row["interevent_time_mean_sms"] == pytest.approx(69300.0)
    assert row["active_days"] == pytest.approx(2 / 3)
    assert row["number_of_interactions_voice"] == 0.0
    assert row["percent_nocturnal_voice"] is None
    assert row["interevent_time_mean_voice"] is None
    assert row["call_duration_mean_voice"] is None


def test_calls_by_hand(tmp_path):
    # Voice to peer a: out 600 s, out 599 s, in 601 s; to peer b: in 200 s; one SMS to a, in.
    #   long_calls = 2 (600, 601) / 3; minutes_out = 1199 / 60 / 3; minutes_in = 801 / 60 / 3
    #   call_duration_mean_voice = 2000 / 4 = 500; std = sqrt((100² + 99² + 101² + 300²) / 4)
    #   balance_of_contacts_mean_voice = mean(2/3, 0/1) = 1/3
    #   entropy_of_contacts_voice = -(3/4 ln 3/4 + 1/4 ln 1/4)
    events = [
        ("2026-07-01 10:00:00", "voice", "out", "a", 600),
        ("2026-07-01 11:00:00", "voice", "out", "a", 599),
        ("2026-07-01 12:00:00", "voice", "in", "a", 601),
        ("2026-07-02 12:00:00", "voice", "in", "b", 200),
        ("2026-07-02 13:00:00", "sms", "in", "a", None),
    ]
    row = _one_customer(tmp_path, events)
    assert row["long_calls"] == pytest.approx(2 / 3)
    assert row["minutes_out"] == pytest.approx(1199 / 180)
    assert row["minutes_in"] == pytest.approx(801 / 180)
    assert row["call_duration_mean_voice"] == pytest.approx(500.0)
    assert row["call_duration_std_voice"] == pytest.approx(math.sqrt((100**2 + 99**2 + 101**2 + 300**2) / 4))
    assert row["balance_of_contacts_mean_voice"] == pytest.approx(1 / 3)
    assert row["entropy_of_contacts_voice"] == pytest.approx(-(0.75 * math.log(0.75) + 0.25 * math.log(0.25)))
    assert row["percent_initiated_voice"] == pytest.approx(0.5)
    assert row["total_fee_cv"] == pytest.approx(0.0)


def test_numeric_peer_ids_still_match_competitor_hotlines(tmp_path):
    # Every peer id is numeric, so the peer column may be staged as an integer; 10010 and
    # 10000 must still count: 3 hotline events (2 voice, 1 SMS) / 3 months = 1.0.
    events = [
        ("2026-06-01 10:00:00", "voice", "out", "10010", 30),
        ("2026-07-01 10:00:00", "sms", "out", "10000", None),
        ("2026-08-01 10:00:00", "voice", "out", "10010", 30),
        ("2026-08-02 10:00:00", "voice", "out", "13800138000", 30),
    ]
    row = _one_customer(tmp_path, events)
    assert row["competitor_hotline_calls"] == pytest.approx(1.0)
    assert row["number_of_contacts_voice"] == pytest.approx(2 / 3)


def test_hotline_ids_follow_the_peer_type():
    # An integer peer equals only a number written in canonical form, as when the peer
    # was cast to text: '010010', '+10010' and 'x' can never match an integer peer.
    import duckdb

    from segment.features import hotline_ids

    con = duckdb.connect()
    con.execute("CREATE VIEW stg_cdr AS SELECT CAST(10010 AS BIGINT) AS peer_id")
    assert hotline_ids(con, ("10010", "010010", "+10010", "x", "0", "-7")) == [10010, 0, -7]
    con.execute("CREATE OR REPLACE VIEW stg_cdr AS SELECT '10010' AS peer_id")
    assert hotline_ids(con, ("10010", "010010")) == ["10010", "010010"]


@pytest.mark.parametrize("writer", [write_csv_tables, write_parquet_tables])
def test_services_outside_the_list_are_counted_not_used(tmp_path, writer):
    # 'Voice', 'video' and an empty service are neither voice, sms nor data: the three rows
    # are reported as of an unknown service and add nothing to the indicators.
    def event(day, service):
        return {"customer_id": 1, "start_time": datetime(2026, 7, day, 10), "service": service,
                "direction": "out", "peer_id": "a", "peer_network": "onnet", "duration_s": 60,
                "volume_kb": None, "charge": Decimal("0.10"), "roaming": "none", "cell_id": 1}

    tables = {
        "customers": [{"customer_id": 1, "brand": "GoTone", "activation_date": date(2020, 1, 15)}],
        "cdr": [event(1, "voice"), event(2, "voice"), event(3, "Voice"), event(4, "video"), event(5, None)],
        "billing": [{"customer_id": 1, "bill_month": date(2026, m, 1), "total_fee": Decimal("100.00")}
                    for m in (6, 7, 8)],
    }
    folder = writer(tmp_path / "in", tables)
    cfg = config.load(None).replace(features={"population": "all"})
    with compute(find_inputs(folder), cfg) as fs:
        row = fs.frame().row(0, named=True)
        assert fs.cdr["rows_unknown_service"] == 3
        assert fs.cdr["rows_used"] == 2
        assert any("column 'service': 3 of 5 row(s) (60.0%) hold a value that is not one of voice, sms, data, "
                   "e.g. 'Voice' (1), 'video' (1)" in w for w in fs.warnings), fs.warnings
        assert fs.summary()["values"] == [{"table": "cdr", "column": "service", "rows": 5, "rows_unknown": 3,
                                           "examples": ["Voice", "video"]}]
    assert row["number_of_interactions_voice"] == pytest.approx(2 / 3)
    assert row["events_total"] == pytest.approx(2 / 3)
    assert row["active_days"] == pytest.approx(2 / 3)


def test_last_month_usage_ratio_by_hand(tmp_path):
    # June: 2 events, July: 1, August: none. Earlier months average (2 + 1) / 2 = 1.5 events,
    # the last month has 0: ratio 0 / 1.5 = 0.0 (defined; only a zero denominator is null).
    events = [
        ("2026-06-01 10:00:00", "voice", "out", "a", 60),
        ("2026-06-02 10:00:00", "sms", "out", "a", None),
        ("2026-07-01 10:00:00", "data", None, None, None),
    ]
    row = _one_customer(tmp_path, events)
    assert row["last_month_usage_ratio"] == 0.0
