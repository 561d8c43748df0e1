"""Monthly bills (package, usage fees, VAS, discounts, late payment, arrears) and prepaid top-ups."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np

from .calendar import Window
from .params import (
    DATA, FACE_VALUES, OVERDUE_DAYS, OVERDUE_P, P_VAS_STANDARD, PLAN_FEE, PREPAID_OVERDUE_FACTOR, SMS, VAS_OTHER,
    VAS_STANDARD, VOICE,
)
from .tariff import ROAMING_BUCKET, discount_rate


def bills(rng: np.random.Generator, P: SimpleNamespace, ids: np.ndarray, win: Window, usage: np.ndarray) -> dict:
    """One bill per customer ``ids`` and billed month, from ``usage`` (charges by customer x month x bucket)."""
    n, nm = len(ids), len(win.labels)
    billed = P.billed[ids]
    fee = PLAN_FEE[P.plan[ids]]
    package = np.round(fee[:, None] * P.frac[ids], 2)
    fees = np.round(usage, 2)
    vas = np.where(rng.random((n, nm)) < P_VAS_STANDARD, VAS_STANDARD,
                   np.array(VAS_OTHER)[rng.integers(0, len(VAS_OTHER), (n, nm))])
    discount = np.round(discount_rate(P, ids)[:, None] * package, 2)
    total = np.round(package + fees.sum(2) + vas - discount, 2)

    # Late payment by credit level; leavers owe more every month.
    credit = P.credit[ids].astype(np.int64) - 1
    p_late = np.array(OVERDUE_P)[credit] * np.where(P.prepaid[ids], PREPAID_OVERDUE_FACTOR, 1.0)
    late = rng.random((n, nm)) < p_late[:, None]
    rng_days = np.array(OVERDUE_DAYS)[credit]
    days = rng_days[:, :1] + (rng.random((n, nm)) * (rng_days[:, 1:] - rng_days[:, :1] + 1)).astype(np.int64)
    overdue = np.where(late, days, 0)
    arrears = np.where(late, np.round(total * rng.uniform(0.3, 1.0, (n, nm)), 2), 0.0)
    lv = P.leaving[ids]
    k = np.cumsum(billed, axis=1) - 1  # index of the billed month
    owed = np.round(0.4 * np.cumsum(total * billed, axis=1) + 5.0 * (k + 1), 2)
    overdue = np.where(lv[:, None], 10 + 25 * k, overdue)
    arrears = np.where(lv[:, None], owed, arrears)

    ci, mi = np.nonzero(billed)
    return dict(cust=ids[ci] + 1, month=mi, total=total[ci, mi], package=package[ci, mi],
                voice=fees[ci, mi, VOICE], sms=fees[ci, mi, SMS], data=fees[ci, mi, DATA], vas=vas[ci, mi],
                roaming=fees[ci, mi, ROAMING_BUCKET], discount=discount[ci, mi],
                overdue=overdue[ci, mi].astype(np.int32), arrears=arrears[ci, mi])


def recharges(rng: np.random.Generator, P: SimpleNamespace, ids: np.ndarray, win: Window, bills: dict) -> dict:
    """Prepaid top-ups: cards of the customer's usual face value covering each month's spend."""
    rows = np.flatnonzero(P.prepaid[bills["cust"] - 1] & (bills["total"] > 0))
    cust = bills["cust"][rows]
    month = bills["month"][rows]
    spend = bills["total"][rows]
    face = P.face[cust - 1]
    k = np.minimum(np.ceil(spend / face), 40).astype(np.int64)
    owner = np.repeat(np.arange(len(rows)), k)
    pos = np.arange(len(owner)) - np.repeat(np.cumsum(k) - k, k)
    # Last card of the month: the smallest face value covering what is left.
    rest = spend - (k - 1) * face
    last_face = FACE_VALUES[np.minimum(np.searchsorted(FACE_VALUES, rest - 1e-9), len(FACE_VALUES) - 1)]
    amount = np.where(pos == k[owner] - 1, last_face[owner], face[owner])
    ci = cust[owner] - 1
    ms = win.month_start[month[owner]]
    lo = P.day_lo[ci, month[owner]]
    hi = P.day_hi[ci, month[owner]]
    day = ms + lo + (rng.random(len(owner)) * (hi - lo)).astype(np.int64)
    ts = day * 86400 + 8 * 3600 + (rng.random(len(owner)) * 14 * 3600).astype(np.int64)
    perm = np.lexsort((ts, cust[owner]))
    return dict(cust=cust[owner][perm], ts=ts[perm], amount=amount[perm].astype(float))
