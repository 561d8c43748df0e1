"""Service contacts (interactions): how many, on which channel, when and why."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np

from .calendar import Window
from .draws import pick_rows
from .params import (
    BRAND_CHANNEL_MIX, CHANNEL_HOURS, CONTACTS_BASE, CONTACTS_PER_MONTH, LEAVER_EXTRA_CONTACTS, PURPOSE_MIX,
)


def _active_span(P: SimpleNamespace, ids: np.ndarray, win: Window) -> tuple[np.ndarray, np.ndarray]:
    """First active day and day after the last one (days since epoch) inside the window."""
    start = np.maximum(P.activation[ids], win.start)
    end = np.where(P.churned[ids], P.churn[ids], win.end)
    return start, np.maximum(end, start + 1)


def draw(rng: np.random.Generator, P: SimpleNamespace, ids: np.ndarray, win: Window) -> dict:
    """Service contacts of customers ``ids``, ordered by customer and time."""
    n = len(ids)
    months_active = P.frac[ids].sum(1)
    lv = P.leaving[ids]
    lam = (CONTACTS_BASE + CONTACTS_PER_MONTH * months_active) * P.contact_noise[ids] + LEAVER_EXTRA_CONTACTS * lv
    k = rng.poisson(lam)
    # The preferred channel always holds a strict majority; beyond that a binomial share.
    pref_k = np.where(k > 0, np.maximum(rng.binomial(k, P.pref_share[ids]), k // 2 + 1), 0)
    pref_k = np.minimum(pref_k, k)
    owner = np.repeat(np.arange(n), k)
    first = np.repeat(np.cumsum(k) - k, k)
    is_pref = (np.arange(len(owner)) - first) < pref_k[owner]
    pref = P.pref[ids][owner]
    # Other contacts: the brand mix without the preferred channel.
    mix = BRAND_CHANNEL_MIX[P.brand[ids][owner]].copy()
    mix[np.arange(len(owner)), pref] = 0.0
    channel = np.where(is_pref, pref, pick_rows(rng, mix)).astype(np.int8)

    start, end = _active_span(P, ids, win)
    day = start[owner] + (rng.random(len(owner)) * (end - start)[owner]).astype(np.int64)
    h = CHANNEL_HOURS[channel]
    secs = h[:, 0] * 3600 + (rng.random(len(owner)) * (h[:, 1] - h[:, 0]) * 3600).astype(np.int64)
    ts = day * 86400 + secs
    purpose = pick_rows(rng, PURPOSE_MIX[lv[owner].astype(int)])
    perm = np.lexsort((ts, owner))
    return dict(cust=(ids[owner] + 1)[perm], ts=ts[perm], channel=channel[perm], purpose=purpose[perm])
