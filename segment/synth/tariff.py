"""The tariff: what each event costs against its plan's allowance, and the bill discounts."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np

from ..schema import SERVICES
from .params import (
    DATA, DISCOUNT_GROUP, DISCOUNT_LOYALTY, LOYALTY_YEARS, PLAN_MB, PLAN_MINUTES, PLAN_SMS, R_INTL_MB, R_INTL_MIN,
    R_INTL_SMS, R_MB, R_OFF, R_ON, R_ROAM, R_SMS, RATES, SMS, TYPE_DIRECTION, TYPE_SERVICE, VOICE,
)

# A bill splits usage fees into one bucket per service and one for roaming.
ROAMING_BUCKET = len(SERVICES)
BUCKETS = ROAMING_BUCKET + 1


def price(P: SimpleNamespace, ev: dict, ids: np.ndarray, nm: int) -> tuple[np.ndarray, np.ndarray]:
    """Per-event charge against the plan allowance in time order, and its bill bucket.

    Buckets: the service's code (VOICE, SMS, DATA), or ROAMING_BUCKET for roaming charges.
    """
    c, typ, roam = ev["c"], ev["typ"], ev["roam"]
    brand = P.brand[ids][c]

    def rt(col: int) -> np.ndarray:  # one rate column per event (a full matrix would be large)
        return RATES[brand, col]

    plan = P.plan[ids][c]
    svc = TYPE_SERVICE[typ]
    out = TYPE_DIRECTION[typ] == 0
    minutes = np.ceil(ev["dur"] / 60.0)
    mb = ev["vol"] / 1024.0
    gkey = c.astype(np.int64) * nm + ev["m"]
    charge = np.zeros(len(c))

    # Home-network usage consumes the allowance first.
    home_voice = (svc == VOICE) & out & (roam == 0)
    allow = PLAN_MINUTES[plan]
    billable = _beyond_allowance(minutes, home_voice, gkey, allow)
    charge += billable * np.where(ev["net"] == 0, rt(R_ON), rt(R_OFF))
    home_sms = (svc == SMS) & out & (roam < 2)
    billable = _beyond_allowance(np.ones(len(c)), home_sms, gkey, PLAN_SMS[plan])
    charge += billable * rt(R_SMS)
    home_data = (svc == DATA) & (roam < 2)
    billable = _beyond_allowance(mb, home_data, gkey, PLAN_MB[plan])
    charge += billable * rt(R_MB)
    # Roaming: domestic outgoing calls at the roaming rate, everything abroad at international rates.
    charge += np.where((svc == VOICE) & out & (roam == 1), minutes * rt(R_ROAM), 0.0)
    intl = roam == 2
    charge += np.where(intl & (svc == VOICE), minutes * rt(R_INTL_MIN), 0.0)
    charge += np.where(intl & (svc == SMS) & out, rt(R_INTL_SMS), 0.0)
    charge += np.where(intl & (svc == DATA), mb * rt(R_INTL_MB), 0.0)
    bucket = np.where(intl | ((svc == VOICE) & (roam == 1)), ROAMING_BUCKET, svc).astype(np.int64)
    return np.round(charge, 2), bucket


def _beyond_allowance(units: np.ndarray, mask: np.ndarray, gkey: np.ndarray, allowance: np.ndarray) -> np.ndarray:
    """Units of each masked event beyond the allowance of its customer-month (events in time order)."""
    out = np.zeros(len(units))
    idx = np.flatnonzero(mask)
    if len(idx) == 0:
        return out
    u, g, a = units[idx], gkey[idx], allowance[idx]
    cum = np.cumsum(u)
    first = np.concatenate([[True], g[1:] != g[:-1]])
    start = np.maximum.accumulate(np.where(first, np.arange(len(idx)), 0))
    within = cum - (cum - u)[start]  # cumulative units inside the customer-month
    out[idx] = np.maximum(within - a, 0) - np.maximum(within - u - a, 0)
    return out


def discount_rate(P: SimpleNamespace, idx) -> np.ndarray:
    """Share of the package fee discounted: enterprise lines and loyal (long-tenure) lines."""
    return DISCOUNT_GROUP * (P.ent[idx] >= 0) + DISCOUNT_LOYALTY * (P.tenure_years[idx] >= LOYALTY_YEARS)
