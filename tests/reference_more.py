"""The plain-Python reference of the indicators added for the playbook's set (issue 18):
mobility, time profile, trends, bill amounts, on-net minutes, social circle and the
social-churn signal, recharge regularity, contacts by purpose.

Written from the one-line definitions of ``segment/catalogue.py`` (and docs/indicators.md),
not from the SQL: every value is computed event by event, the slopes in the centred
least-squares form, the home cell by counting nocturnal events per cell.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from datetime import datetime, time

PARTS = ((0, 6), (6, 12), (12, 18), (18, 24))
SERVICES = ("voice", "sms", "data")


def _div(a, b):
    return None if not b else a / b


def _nocturnal(ts: datetime) -> bool:
    t = ts.time()
    return not (time(7, 0, 0) < t < time(19, 0, 0))


def _pstd(xs: list[float]) -> float:
    mu = sum(xs) / len(xs)
    return math.sqrt(sum((x - mu) ** 2 for x in xs) / len(xs))


def slope(ys: list[float]) -> float | None:
    """Least-squares slope of ys against 0, 1, ... (centred form)."""
    n = len(ys)
    if n < 2:
        return None
    mx, my = (n - 1) / 2, sum(ys) / n
    return sum((x - mx) * (y - my) for x, y in enumerate(ys)) / sum((x - mx) ** 2 for x in range(n))


def _trend(name: str, ys: list[float]) -> dict:
    return {f"{name}_slope": slope(ys), f"{name}_last_first": _div(ys[-1], ys[0])}


def _seconds_to(end: datetime, t: datetime) -> float:
    return (end - t).total_seconds() / 86400


def _pareto_count(counts: list[int], share: float) -> int | None:
    if not counts:
        return None
    target = math.ceil(sum(counts) * share)
    acc = k = 0
    for c in sorted(counts, reverse=True):
        if acc >= target:
            break
        acc += c
        k += 1
    return k


def mobility(E: list[dict], M: int, share: float) -> dict:
    located = [e for e in E if e["cell_id"] is not None]
    per_cell = Counter(e["cell_id"] for e in located)
    night = Counter(e["cell_id"] for e in located if _nocturnal(e["start_time"]))
    days = {e["start_time"].date() for e in located}
    pairs = {(e["start_time"].date(), e["cell_id"]) for e in located}
    n = len(located)
    r = {"number_of_antennas": len(per_cell) / M, "night_antennas": len(night) / M}
    if not n:
        r.update({k: None for k in ("entropy_of_antennas", "percent_top_antenna", "percent_at_home",
                                    "home_night_share", "home_days_share", "antennas_per_active_day",
                                    "frequent_antennas", "events_per_antenna_mean")})
        return r
    home = None
    if night:
        # the most nocturnal events; among ties the most events, then the least id as text
        home = min(night, key=lambda c: (-night[c], -per_cell[c], str(c)))
    r["entropy_of_antennas"] = -sum(k / n * math.log(k / n) for k in per_cell.values())
    r["percent_top_antenna"] = max(per_cell.values()) / n
    r["percent_at_home"] = None if home is None else per_cell[home] / n
    r["home_night_share"] = None if home is None else night[home] / sum(night.values())
    r["home_days_share"] = None if home is None else len({d for d, c in pairs if c == home}) / len(days)
    r["antennas_per_active_day"] = len(pairs) / len(days)
    r["frequent_antennas"] = _pareto_count(list(per_cell.values()), share)
    r["events_per_antenna_mean"] = n / len(per_cell)
    return r


def time_profile(E: list[dict], M: int) -> dict:
    r = {}
    for s in SERVICES:
        evs = [e for e in E if e["service"] == s]
        for lo, hi in PARTS:
            r[f"{s}_{lo:02d}_{hi:02d}"] = sum(lo <= e["start_time"].hour < hi for e in evs) / M
        weekend = sum(e["start_time"].weekday() >= 5 for e in evs)
        r[f"{s}_weekday"] = (len(evs) - weekend) / M
        r[f"{s}_weekend"] = weekend / M
        r[f"{s}_weekend_share"] = _div(weekend, len(evs))
    return r


def social(E: list[dict], customers: dict[str, object], window_end) -> dict:
    """customers: customer_id as text -> churn_date (None while active)."""
    r = {}
    churned_events = customer_events = 0
    for s in ("voice", "sms"):
        evs = [e for e in E if e["service"] == s and e["peer_id"] is not None]
        out, inn, offnet = Counter(), Counter(), set()
        count = Counter(str(e["peer_id"]) for e in evs)
        for e in evs:
            p = str(e["peer_id"])
            out[p] += e["direction"] == "out"
            inn[p] += e["direction"] == "in"
            if e["peer_network"] == "offnet":
                offnet.add(p)
        ours = {p for p in count if p in customers and p not in offnet}
        churned = {p for p in ours if customers[p] is not None and customers[p] < window_end.date()}
        r[f"reciprocity_{s}"] = _div(sum(1 for p in count if out[p] and inn[p]), len(count))
        r[f"top_contact_share_{s}"] = _div(max(count.values(), default=0), len(evs))
        r[f"customer_contact_share_{s}"] = _div(len(ours), len(count))
        r[f"churned_contact_share_{s}"] = _div(len(churned), len(ours))
        customer_events += sum(count[p] for p in ours)
        churned_events += sum(count[p] for p in churned)
    r["churned_contact_event_share"] = _div(churned_events, customer_events)
    return r


def usage(E: list[dict], M: int) -> dict:
    voice = [e for e in E if e["service"] == "voice"]
    sms = [e for e in E if e["service"] == "sms"]
    r = {}
    for s in SERVICES:
        r[f"usage_charge_{s}"] = float(sum(e["charge"] for e in E if e["service"] == s)) / M
    seconds = sum(e["duration_s"] or 0 for e in voice)
    r["charge_per_minute"] = _div(float(sum(e["charge"] for e in voice)), seconds / 60)
    r["minutes_total"] = seconds / 60 / M
    for d in ("out", "in"):
        calls = [e for e in voice if e["direction"] == d]
        durs = [e["duration_s"] for e in calls if e["duration_s"] is not None]
        r[f"call_duration_mean_{d}"] = _div(sum(durs), len(calls)) if durs else None
    for net in ("onnet", "offnet"):
        r[f"minutes_{net}"] = sum(e["duration_s"] or 0 for e in voice if e["peer_network"] == net) / 60 / M
    r["onnet_minutes_share"] = _div(sum(e["duration_s"] or 0 for e in voice if e["peer_network"] == "onnet"), seconds)
    r["onnet_sms_share"] = _div(sum(e["peer_network"] == "onnet" for e in sms), len(sms))
    roaming = [e for e in E if e["roaming"] in ("domestic", "international")]
    for s in SERVICES:
        r[f"roaming_{s}"] = sum(e["service"] == s for e in roaming) / M
    r["international_roaming_share"] = _div(sum(e["roaming"] == "international" for e in roaming), len(roaming))
    days = {e["start_time"].date() for e in E}
    r["data_day_share"] = _div(len({e["start_time"].date() for e in E if e["service"] == "data"}), len(days))
    return r


def trends(E: list[dict], B: list[dict], month_of, M: int) -> dict:
    """month_of(datetime or date) -> 0 .. M-1."""
    def per_month(rows, when, value):
        ys = [0.0] * M
        for x in rows:
            ys[month_of(x[when])] += value(x)
        return ys

    voice = [e for e in E if e["service"] == "voice"]
    r = {}
    r.update(_trend("total_fee", per_month(B, "bill_month", lambda b: float(b["total_fee"]))))
    r.update(_trend("minutes", per_month(voice, "start_time", lambda e: (e["duration_s"] or 0) / 60)))
    r.update(_trend("calls", per_month(voice, "start_time", lambda e: 1)))
    r.update(_trend("sms", per_month([e for e in E if e["service"] == "sms"], "start_time", lambda e: 1)))
    r.update(_trend("data_mb", per_month([e for e in E if e["service"] == "data"], "start_time",
                                         lambda e: (e["volume_kb"] or 0) / 1024)))
    days = defaultdict(set)
    for e in E:
        days[month_of(e["start_time"])].add(e["start_time"].date())
    r.update(_trend("active_days", [float(len(days[m])) for m in range(M)]))
    for s in ("voice", "sms"):
        peers = defaultdict(set)
        for e in E:
            if e["service"] == s and e["peer_id"] is not None:
                peers[month_of(e["start_time"])].add(e["peer_id"])
        r.update(_trend(f"contacts_{s}", [float(len(peers[m])) for m in range(M)]))
    return r


def activity(E: list[dict], M: int, window_days: int, window_end: datetime, month_of) -> dict:
    days = {e["start_time"].date() for e in E}
    return {
        "active_months": len({month_of(e["start_time"]) for e in E}),
        "active_day_share": len(days) / window_days,
        "days_since_last_event": _seconds_to(window_end, max(e["start_time"] for e in E)) if E else None,
    }


def bills(B: list[dict], M: int) -> dict:
    fees = [float(b["total_fee"]) for b in B]
    total = sum(fees)
    arrears = [float(b["arrears"]) for b in B]
    r = {c: float(sum(b[c] for b in B)) / M for c in ("sms_fee", "vas_fee", "roaming_fee", "discount")}
    r["max_total_fee"] = max(fees, default=None)
    r["min_total_fee"] = min(fees, default=None)
    r["months_overdue"] = sum(1 for b in B if b["overdue_days"] > 0)
    r["max_arrears"] = max(arrears, default=None)
    r["arrears_to_bill"] = _div(sum(arrears), total)
    return r


def contacts(rows: list[dict], M: int, last_month, window_end: datetime) -> dict:
    return {
        "inquiries": sum(c["purpose"] == "inquiry" for c in rows) / M,
        "transactions": sum(c["purpose"] == "transaction" for c in rows) / M,
        "campaign_contacts": sum(c["purpose"] == "campaign" for c in rows) / M,
        "complaints_last_month": sum(c["purpose"] == "complaint" and c["contact_time"] >= last_month for c in rows),
        "contact_channels": len({c["channel"] for c in rows}),
        "days_since_last_contact": _seconds_to(window_end, max(c["contact_time"] for c in rows)) if rows else None,
    }


def recharges(rows: list[dict], window_end: datetime) -> dict:
    times = sorted(x["recharge_time"] for x in rows)
    gaps = [(b - a).total_seconds() for a, b in zip(times, times[1:])]
    mean = sum(gaps) / len(gaps) / 86400 if gaps else None
    std = _pstd(gaps) / 86400 if gaps else None
    return {
        "recharge_amount_max": max((float(x["amount"]) for x in rows), default=None),
        "recharge_interval_mean": mean,
        "recharge_interval_std": std,
        "recharge_interval_cv": None if not gaps or not mean else std / mean,
        "recharge_interval_max": max(gaps) / 86400 if gaps else None,
        "days_since_last_recharge": _seconds_to(window_end, times[-1]) if times else None,
    }
