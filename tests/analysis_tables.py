"""A hand-built extract for the value, churn and channel rules (window 2026-06..2026-08).

Every customer is billed and active in each month unless said otherwise; each value the
tests expect is worked out by hand from the rows below.
"""

from __future__ import annotations

from pathlib import Path

from tables import BILLING_HEADER, CDR_HEADER, CUSTOMERS_HEADER, write_tables

INTERACTIONS_HEADER = ["customer_id", "contact_time", "channel", "purpose"]
MONTHS = ("2026-06", "2026-07", "2026-08")


def _customer(cid, brand="GoTone", group=None, credit=3, churn=None, activated="2020-01-01"):
    return [cid, brand, activated, 1980, "M", "P1", group, credit, churn]


def _events(cid, month, n, peers=None, day=10):
    """n outgoing voice calls in month (day `day`, one minute apart), to `peers` in turn."""
    peers = peers or [f"p{cid}"]
    return [[cid, f"{month}-{day:02d} 10:{k:02d}:00", "voice", "out", peers[k % len(peers)], "onnet", 60,
             None, 0.1, "none", 1] for k in range(n)]


def _bill(cid, month, fee, discount=0, arrears=0, overdue=0):
    return [cid, month, fee, fee, 0, 0, 0, 0, 0, discount, overdue, arrears]


def rule_tables(with_interactions: bool = True, with_groups: bool = True) -> dict:
    customers, cdr, billing, inter = [], [], [], []

    def steady(cid, fees, counts=(4, 4, 4), **kw):
        customers.append(_customer(cid, **kw))
        for m, fee, n in zip(MONTHS, fees, counts):
            billing.append(_bill(cid, m, fee))
            cdr.extend(_events(cid, m, n))

    # --- value tiers (ARPU = mean of the three bills)
    steady(1, (120, 120, 120), group="G1")          # exactly 120 -> B; card silver (>= 80)
    steady(2, (200, 200, 200), group="G1")          # exactly 200 -> B; card gold (>= 150)
    steady(3, (200, 200, 200.03), group="G1")       # 200.01 -> A; gold
    steady(4, (119.99, 119.99, 119.99), group="G2")  # C; silver
    steady(5, (300, 300, 300), group="G2")          # A; diamond (>= 300)
    steady(6, (79.99, 79.99, 79.99))                # C; none
    # --- churn (brand Easyown so the value ranks above stay in GoTone)
    e = dict(brand="Easyown")
    steady(10, (50, 50, 50), counts=(4, 4, 2), **e)  # usage down exactly 50% -> alert
    steady(11, (50, 50, 50), counts=(4, 4, 3), **e)  # down exactly 25% -> warning
    steady(12, (50, 50, 50), **e)                    # healthy
    customers.append(_customer(13, churn="2026-07-20", **e))  # churn_date -> churned
    for m in MONTHS[:2]:
        billing.append(_bill(13, m, 50))
        cdr.extend(_events(13, m, 4))
    customers.append(_customer(14, **e))             # last event 2026-08-01 < 08-02 -> churned (inactive)
    for m in MONTHS:
        billing.append(_bill(14, m, 50))
    cdr.extend(_events(14, "2026-06", 4) + _events(14, "2026-07", 4) + _events(14, "2026-08", 4, day=1))
    customers.append(_customer(15, **e))             # last event on 2026-08-02 -> not inactive, but
    for m in MONTHS:                                 # 4, 4, 4 events: healthy
        billing.append(_bill(15, m, 50))
    cdr.extend(_events(15, "2026-06", 4) + _events(15, "2026-07", 4) + _events(15, "2026-08", 4, day=2))
    steady(16, (50, 50, 50), **e)                    # one call to the competitor hotline -> alert
    cdr.append([16, "2026-07-05 09:00:00", "voice", "out", "10010", "offnet", 100, None, 0, "none", 1])
    customers.append(_customer(17, **e))             # arrears 0 -> 10 -> 20: rising 2 months -> alert
    customers.append(_customer(18, **e))             # arrears 10 -> 20 -> 20: not rising -> healthy
    for cid, arrears in ((17, (0, 10, 20)), (18, (10, 20, 20))):
        for m, a in zip(MONTHS, arrears):
            billing.append(_bill(cid, m, 50, arrears=a))
            cdr.extend(_events(cid, m, 4))
    customers.append(_customer(19, **e))             # distinct contacts 4, 4, 3 (same usage) -> warning
    for m, peers in zip(MONTHS, (["a", "b", "c", "d"], ["a", "b", "c", "d"], ["a", "b", "c"])):
        billing.append(_bill(19, m, 50))
        cdr.extend(_events(19, m, 4, peers=peers))
    steady(20, (50, 50, 50), **e)                    # 2 complaints in August, none before -> warning
    steady(21, (50, 50, 50), **e)                    # 1 complaint in August: below complaints_min 2 -> healthy

    # --- channels
    def contacts(cid, channels, month="2026-07", purpose="inquiry"):
        for k, ch in enumerate(channels):
            inter.append([cid, f"{month}-{k + 1:02d} 10:00:00", ch, purpose])

    contacts(1, ["hall", "hall", "web"])             # hall 2/3
    contacts(2, ["web", "hall"])                     # 2 contacts < 3 -> none
    contacts(3, ["web", "hall", "web", "hall"])      # tie -> hall (first in the fixed order)
    contacts(4, ["kiosk", "wap", "wap"])             # wap
    contacts(20, ["hotline", "hotline"], month="2026-08", purpose="complaint")
    contacts(21, ["ivr"], month="2026-08", purpose="complaint")

    if not with_groups:
        customers = [c[:6] + [None] + c[7:] for c in customers]
    tables = {
        "customers": (CUSTOMERS_HEADER, customers),
        "cdr": (CDR_HEADER, cdr),
        "billing": (BILLING_HEADER, billing),
    }
    if with_interactions:
        tables["interactions"] = (INTERACTIONS_HEADER, inter)
    return tables


def write_rule_tables(folder: Path, **kw) -> Path:
    return write_tables(folder, rule_tables(**kw))
