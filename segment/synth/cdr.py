"""Usage events of a chunk of customers: counts, days, hours, peers, lengths, cells, charges."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np

from .calendar import Window, weekday
from .draws import lognormal
from .params import (
    CALL_SIGMA, CELL_DOMESTIC_ROAM, CELL_HOME_RANGE, CELL_INTL, DAY_HOURS, HOTLINE_CALLS_LEAVER, HOTLINE_SECONDS,
    HOTLINES, MAX_CALL_S, NIGHT_HOURS, P_AT_WORK, SESSION_SIGMA, SIGMA_MONTH, T_DATA, T_HOTLINE, T_SMS_IN, TYPE_SERVICE,
    VOICE,
)
from .population import group_arrays
from .tariff import BUCKETS, price


def events(rng: np.random.Generator, P: SimpleNamespace, C: SimpleNamespace, win: Window, lo: int,
           hi: int) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """CDR rows of customers lo..hi-1, sorted by (customer, time), and their charges.

    Returns the rows as a dict of arrays and the charges summed per customer x
    month x bill bucket, shape (hi - lo, months, tariff.BUCKETS).
    """
    n, nm = hi - lo, len(win.labels)
    ids = np.arange(lo, hi)
    gtab = group_arrays()
    billed = P.billed[ids]
    allowed = (P.day_hi[ids] - P.day_lo[ids]).astype(np.int64)

    # Counts per customer x month x type.
    q = P.s[ids, None] * lognormal(rng, SIGMA_MONTH, (n, nm)) * P.leave_f[ids] * P.frac[ids]
    counts = np.zeros((n, nm, 6), np.int64)
    counts[:, :, :5] = rng.poisson(P.rates[ids][:, None, :] * q[:, :, None])
    hot = P.hot[ids]
    counts[:, :, T_HOTLINE] = np.where(hot > 0, 1 + rng.poisson(HOTLINE_CALLS_LEAVER, (n, nm)), 0) + (hot < 0)
    counts[~billed] = 0
    cell = np.repeat(np.arange(n * nm * 6, dtype=np.int32), counts.ravel())
    typ = (cell % 6).astype(np.int8)
    cm = cell // 6  # customer-month index within the chunk
    del cell
    c = cm // nm
    m = (cm % nm).astype(np.int8)
    nev = len(typ)

    # Active days: Gumbel top-k over the allowed days, weekends weighted by group.
    md = int(win.month_days.max())
    j = np.arange(md)
    day_abs = win.month_start[:, None] + j[None, :]  # (nm, md)
    weekend = weekday(day_abs) >= 5
    logw = np.where(weekend[None, :, :], np.log(P.weekend[ids])[:, None, None], 0.0)
    valid = (j[None, None, :] >= P.day_lo[ids][:, :, None]) & (j[None, None, :] < P.day_hi[ids][:, :, None])
    key = np.where(valid, logw + rng.gumbel(size=(n, nm, md)), -np.inf).reshape(n * nm, md)
    order = np.argsort(-key, axis=1, kind="stable").astype(np.int8)
    del key, valid, logw
    n_days = np.clip(np.rint(P.days[ids, None] * P.frac[ids]), 1, allowed).reshape(-1)
    day = order[cm, (rng.random(nev) * n_days[cm]).astype(np.int64)]
    del order

    # Roaming state per customer-day: international, domestic or home.
    u = rng.random((n * nm, md))
    r_int = np.repeat(P.intl[ids], nm)[:, None]
    r_dom = np.repeat(P.roam[ids], nm)[:, None]
    roam_day = np.where(u < r_int, 2, np.where(u < r_int + r_dom, 1, 0)).astype(np.int8)
    roam = roam_day[cm, day]
    del u, roam_day

    # Hour of day: night with the customer's night share, profile by group.
    night = rng.random(nev) < P.night[ids][c]
    prof = P.grp[ids][c].astype(np.int64) * 2 + night
    slot = np.searchsorted(gtab.hour_cum, prof + rng.random(nev), side="right") - prof * len(DAY_HOURS)
    slot = np.clip(slot, 0, len(DAY_HOURS) - 1)
    hour = np.where(night, NIGHT_HOURS[slot], DAY_HOURS[slot])
    del slot, prof
    ts = ((win.month_start[m] + day) * 86400 + hour * 3600 + rng.integers(0, 3600, nev)).astype(np.int64)

    # Peers from the contact list (voice and SMS), Zipf-weighted.
    talk = typ <= T_SMS_IN
    o0, o1 = C.offsets[lo], C.offsets[hi]
    ckey = (C.owner[o0:o1] - lo) + C.cum[o0:o1]
    ct = c[talk]
    pos = np.searchsorted(ckey, ct + rng.random(len(ct)), side="right")
    pos = np.minimum(pos, C.offsets[ct + lo + 1] - o0 - 1)
    peer = np.full(nev, -1, np.int64)
    net = np.full(nev, -1, np.int8)
    peer[talk] = C.peer[o0:o1][pos]
    net[talk] = np.where(C.onnet[o0:o1][pos], 0, 1)
    hotline = typ == T_HOTLINE
    peer[hotline] = np.array(HOTLINES)[rng.integers(0, len(HOTLINES), hotline.sum())]
    net[hotline] = 1
    del pos, ct, ckey

    # Durations and volumes.
    voice = TYPE_SERVICE[typ] == VOICE
    mean_s = np.where(hotline, HOTLINE_SECONDS, P.dur[ids][c])
    dur = np.zeros(nev, np.int32)
    z = rng.normal(-0.5 * CALL_SIGMA ** 2, CALL_SIGMA, voice.sum())
    dur[voice] = np.clip(np.rint(mean_s[voice] * np.exp(z)), 1, MAX_CALL_S)
    data = typ == T_DATA
    vol = np.zeros(nev, np.int64)
    z = rng.normal(-0.5 * SESSION_SIGMA ** 2, SESSION_SIGMA, data.sum())
    vol[data] = np.maximum(np.rint(P.kb[ids][c[data]] * np.exp(z)), 1)
    del mean_s, z, voice, data, hotline, talk

    # Cells: home at night, work by day for some, random cells when roaming.
    at_work = ~night & (rng.random(nev) < P_AT_WORK)
    cell_id = np.where(at_work, P.work_cell[ids][c], P.home_cell[ids][c]).astype(np.int32)
    cell_id = np.where(roam == 1, CELL_DOMESTIC_ROAM + rng.integers(0, CELL_HOME_RANGE, nev), cell_id)
    cell_id = np.where(roam == 2, CELL_INTL + rng.integers(0, CELL_HOME_RANGE, nev), cell_id).astype(np.int32)
    del at_work, night, hour

    # Sort by (customer, time); stable so ties keep a deterministic order.
    perm = np.argsort(c.astype(np.int64) << 32 | (ts - win.start * 86400), kind="stable")
    ev = dict(c=c[perm], m=m[perm], typ=typ[perm], ts=ts[perm], peer=peer[perm], net=net[perm],
              dur=dur[perm], vol=vol[perm], roam=roam[perm], cell=cell_id[perm])
    del perm, c, m, typ, ts, peer, net, dur, vol, roam, cell_id, cm
    ev["charge"], bucket = price(P, ev, ids, nm)

    cdr = dict(cust=ids[ev["c"]] + 1, ts=ev["ts"], typ=ev["typ"], peer=ev["peer"], net=ev["net"],
               dur=ev["dur"], vol=ev["vol"], charge=ev["charge"], roam=ev["roam"], cell=ev["cell"])
    usage = np.bincount((ev["c"].astype(np.int64) * nm + ev["m"]) * BUCKETS + bucket, weights=ev["charge"],
                        minlength=n * nm * BUCKETS).reshape(n, nm, BUCKETS)
    return cdr, usage
