"""Usage events of a chunk of customers: counts, days, hours, peers, lengths, cells, charges."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np

from .calendar import Window, weekday
from .draws import lognormal
from .params import (
    CALL_SIGMA, CELL_DOMESTIC_ROAM, CELL_HOME_RANGE, CELL_INTL, DAY_HOURS, HOTLINE_CALLS_LEAVER, HOTLINE_SECONDS,
    HOTLINES, MAX_CALL_S, NIGHT_HOURS, ONNET_DRAW_SHARE, P_AT_WORK, SESSION_SIGMA, SIGMA_MONTH, T_DATA, T_HOTLINE, T_SMS_IN, TYPE_SERVICE,
    VOICE,
)
from .tariff import BUCKETS, price

TYPES = len(TYPE_SERVICE)  # event types (T_VOICE_OUT .. T_HOTLINE)


def draw(rng: np.random.Generator, P: SimpleNamespace, C: SimpleNamespace, win: Window, lo: int,
         hi: int) -> dict[str, np.ndarray]:
    """The events customers lo..hi-1 start themselves (unsorted, unpriced): a dict of arrays,
    ``c`` the customer within the chunk, ``target`` the customer index of an on-net peer
    (else -1), and ``roam_day``, the roaming code of every customer-day (for the events
    others send them).

    On-net calls and SMS are drawn at ``ONNET_DRAW_SHARE`` of their rate (the other side's
    mirrors make up the rest); one whose peer has no open line that day is not made, and a
    call to a line that left for a re-entry goes to the new line.
    """
    nm = len(win.labels)
    ids = np.arange(lo, hi)
    # Each step draws from rng in turn: reordering them changes every file.
    typ, cm = _counts(rng, P, ids, nm)
    c = cm // nm  # customer within the chunk
    m = (cm % nm).astype(np.int8)
    day = _days(rng, P, ids, win, cm)
    roam, roam_day = _roaming(rng, P, ids, win, cm, day)
    night, ts = _times(rng, P, ids, win, c, m, day)
    peer, net, target = _peers(rng, C, lo, hi, c, typ)
    dur, vol = _lengths(rng, P, ids, c, typ)
    cell = _cells(rng, P, ids, c, night, roam)
    on = target >= 0
    absday = win.month_start[m] + day
    target = _successor(P, target, absday)
    keep = ~on | ((rng.random(len(c)) < ONNET_DRAW_SHARE) & open_on(P, target, absday))
    peer = np.where(on, target + 1, peer)
    ev = dict(c=c, m=m, typ=typ, ts=ts, peer=peer, net=net, target=target, dur=dur, vol=vol, roam=roam, cell=cell)
    ev = {k: v[keep] for k, v in ev.items()}
    ev["roam_day"] = roam_day
    return ev


def open_on(P: SimpleNamespace, idx: np.ndarray, absday: np.ndarray) -> np.ndarray:
    """Whether customer ``idx`` has an open line on day ``absday`` (days since the epoch)."""
    i = np.maximum(idx, 0)
    return (idx >= 0) & (absday >= P.activation[i]) & ((P.churn[i] < 0) | (absday < P.churn[i]))


def _successor(P: SimpleNamespace, target: np.ndarray, absday: np.ndarray) -> np.ndarray:
    """On-net targets, a line that left replaced by its re-entry line from its churn day on."""
    i = np.maximum(target, 0)
    moved = (target >= 0) & (P.successor[i] >= 0) & (absday >= P.churn[i])
    return np.where(moved, P.successor[i], target)


def mirrors(ev: dict[str, np.ndarray], lo: int) -> dict[str, np.ndarray]:
    """The other side of the on-net calls and SMS of ``ev`` (:func:`draw`): the same time and
    length, the direction turned, the caller as peer; ``target`` is the receiving customer."""
    on = np.flatnonzero(ev["target"] >= 0)
    return dict(target=ev["target"][on], ts=ev["ts"][on], typ=(ev["typ"][on] ^ 1).astype(np.int8),
                peer=(lo + ev["c"][on] + 1).astype(np.int64), net=np.zeros(len(on), np.int8), dur=ev["dur"][on])


def assemble(rng: np.random.Generator, P: SimpleNamespace, win: Window, lo: int, hi: int, own: dict,
             incoming: dict) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """CDR rows of customers lo..hi-1, sorted by (customer, time), and their charges.

    ``own`` is the chunk's :func:`draw`; ``incoming`` the events other lines made with them
    (:func:`mirrors`, second phones), which get the receiver's roaming and cell here.
    Returns the rows as a dict of arrays and the charges summed per customer x month x
    bill bucket, shape (hi - lo, months, tariff.BUCKETS).
    """
    n, nm = hi - lo, len(win.labels)
    ids = np.arange(lo, hi)
    k = len(incoming["ts"])
    c_in = (incoming["target"] - lo).astype(own["c"].dtype)
    daynum = incoming["ts"] // 86400
    m_in = (np.searchsorted(win.month_start, daynum, side="right") - 1).astype(np.int8)
    day_in = daynum - win.month_start[m_in]
    roam_in = own["roam_day"][c_in.astype(np.int64) * nm + m_in, day_in]
    hour = (incoming["ts"] % 86400) // 3600
    night_in = ~np.isin(hour, DAY_HOURS)
    cell_in = _cells(rng, P, ids, c_in, night_in, roam_in)
    cols = dict(c=c_in, m=m_in, typ=incoming["typ"], ts=incoming["ts"], peer=incoming["peer"], net=incoming["net"],
                dur=incoming["dur"].astype(own["dur"].dtype), vol=np.zeros(k, own["vol"].dtype), roam=roam_in,
                cell=cell_in)
    c = np.concatenate([own["c"], cols["c"]])
    ts = np.concatenate([own["ts"], cols["ts"]])
    # Stable, so events of a customer in the same second keep a deterministic order.
    perm = np.argsort(c.astype(np.int64) << 32 | (ts - win.start * 86400), kind="stable")
    ev = {key: np.concatenate([own[key], v])[perm] for key, v in cols.items()}
    del perm, c, ts, cols
    # Pricing needs time order: the allowance is used up by the month's first events.
    ev["charge"], bucket = price(P, ev, ids, nm)

    cdr = dict(cust=ids[ev["c"]] + 1, ts=ev["ts"], typ=ev["typ"], peer=ev["peer"], net=ev["net"],
               dur=ev["dur"], vol=ev["vol"], charge=ev["charge"], roam=ev["roam"], cell=ev["cell"])
    usage = np.bincount((ev["c"].astype(np.int64) * nm + ev["m"]) * BUCKETS + bucket, weights=ev["charge"],
                        minlength=n * nm * BUCKETS).reshape(n, nm, BUCKETS)
    return cdr, usage


def _counts(rng: np.random.Generator, P: SimpleNamespace, ids: np.ndarray, nm: int) -> tuple[np.ndarray, np.ndarray]:
    """Type and customer-month (customer * nm + month, within the chunk) of every event, in that order."""
    n = len(ids)
    q = P.s[ids, None] * lognormal(rng, SIGMA_MONTH, (n, nm)) * P.leave_f[ids] * P.frac[ids]
    counts = np.zeros((n, nm, TYPES), np.int64)
    counts[:, :, :T_HOTLINE] = rng.poisson(P.rates[ids][:, None, :] * q[:, :, None])
    hot = P.hot[ids]
    counts[:, :, T_HOTLINE] = np.where(hot > 0, 1 + rng.poisson(HOTLINE_CALLS_LEAVER, (n, nm)), 0) + (hot < 0)
    counts[~P.billed[ids]] = 0
    cell = np.repeat(np.arange(n * nm * TYPES, dtype=np.int32), counts.ravel())
    return (cell % TYPES).astype(np.int8), cell // TYPES


def _days(rng: np.random.Generator, P: SimpleNamespace, ids: np.ndarray, win: Window, cm: np.ndarray) -> np.ndarray:
    """Day of the month (0-based) of every event, among its customer-month's active days.

    The active days are a Gumbel top-k over the days the line is open, weekends
    weighted by group, so they are distinct and drawn without a loop.
    """
    n, nm = len(ids), len(win.labels)
    md = int(win.month_days.max())
    j = np.arange(md)
    weekend = weekday(win.month_start[:, None] + j[None, :]) >= 5  # (nm, md)
    logw = np.where(weekend[None, :, :], np.log(P.weekend[ids])[:, None, None], 0.0)
    valid = (j[None, None, :] >= P.day_lo[ids][:, :, None]) & (j[None, None, :] < P.day_hi[ids][:, :, None])
    key = np.where(valid, logw + rng.gumbel(size=(n, nm, md)), -np.inf).reshape(n * nm, md)
    order = np.argsort(-key, axis=1, kind="stable").astype(np.int8)
    del key, valid, logw
    allowed = (P.day_hi[ids] - P.day_lo[ids]).astype(np.int64)
    n_days = np.clip(np.rint(P.days[ids, None] * P.frac[ids]), 1, allowed).reshape(-1)
    return order[cm, (rng.random(len(cm)) * n_days[cm]).astype(np.int64)]


def _roaming(rng: np.random.Generator, P: SimpleNamespace, ids: np.ndarray, win: Window, cm: np.ndarray,
             day: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Roaming code (ROAMING) of every event, drawn per customer-day so a day abroad is abroad
    all day; and the codes of the days, shape (customers * months, days)."""
    nm, md = len(win.labels), int(win.month_days.max())
    u = rng.random((len(ids) * nm, md))
    r_int = np.repeat(P.intl[ids], nm)[:, None]
    r_dom = np.repeat(P.roam[ids], nm)[:, None]
    roam_day = np.where(u < r_int, 2, np.where(u < r_int + r_dom, 1, 0)).astype(np.int8)
    return roam_day[cm, day], roam_day


def _times(rng: np.random.Generator, P: SimpleNamespace, ids: np.ndarray, win: Window, c: np.ndarray, m: np.ndarray,
           day: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Whether every event is at night (the customer's night share), and its start in seconds since the epoch.

    The hour comes from the group's day or night profile, the second within it uniformly.
    """
    nev = len(c)
    night = rng.random(nev) < P.night[ids][c]
    prof = P.grp[ids][c].astype(np.int64) * 2 + night
    slot = np.searchsorted(P.gtab.hour_cum, prof + rng.random(nev), side="right") - prof * len(DAY_HOURS)
    slot = np.clip(slot, 0, len(DAY_HOURS) - 1)
    hour = np.where(night, NIGHT_HOURS[slot], DAY_HOURS[slot])
    del slot, prof
    ts = ((win.month_start[m] + day) * 86400 + hour * 3600 + rng.integers(0, 3600, nev)).astype(np.int64)
    return night, ts


def _peers(rng: np.random.Generator, C: SimpleNamespace, lo: int, hi: int, c: np.ndarray,
           typ: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Peer id, network code (NETWORKS; -1 for data) and on-net target (customer index, else
    -1) of every event.

    Calls and SMS go to the customer's contact list, by Zipf weight; hotline calls
    to one of the competitors' hotlines, which are offnet.
    """
    nev = len(typ)
    talk = typ <= T_SMS_IN
    o0, o1 = C.offsets[lo], C.offsets[hi]
    ckey = (C.owner[o0:o1] - lo) + C.cum[o0:o1]
    ct = c[talk]
    pos = np.searchsorted(ckey, ct + rng.random(len(ct)), side="right")
    pos = np.minimum(pos, C.offsets[ct + lo + 1] - o0 - 1)
    peer = np.full(nev, -1, np.int64)
    net = np.full(nev, -1, np.int8)
    target = np.full(nev, -1, np.int64)
    peer[talk] = C.peer[o0:o1][pos]
    net[talk] = np.where(C.onnet[o0:o1][pos], 0, 1)
    target[talk] = C.target[o0:o1][pos]
    hotline = typ == T_HOTLINE
    peer[hotline] = np.array(HOTLINES)[rng.integers(0, len(HOTLINES), hotline.sum())]
    net[hotline] = 1
    return peer, net, target


def _lengths(rng: np.random.Generator, P: SimpleNamespace, ids: np.ndarray, c: np.ndarray,
             typ: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Call seconds (0 unless voice) and session KB (0 unless data) of every event."""
    nev = len(typ)
    voice = TYPE_SERVICE[typ] == VOICE
    mean_s = np.where(typ == T_HOTLINE, HOTLINE_SECONDS, P.dur[ids][c])
    dur = np.zeros(nev, np.int32)
    z = rng.normal(-0.5 * CALL_SIGMA ** 2, CALL_SIGMA, voice.sum())
    dur[voice] = np.clip(np.rint(mean_s[voice] * np.exp(z)), 1, MAX_CALL_S)
    data = typ == T_DATA
    vol = np.zeros(nev, np.int64)
    z = rng.normal(-0.5 * SESSION_SIGMA ** 2, SESSION_SIGMA, data.sum())
    vol[data] = np.maximum(np.rint(P.kb[ids][c[data]] * np.exp(z)), 1)
    return dur, vol


def _cells(rng: np.random.Generator, P: SimpleNamespace, ids: np.ndarray, c: np.ndarray, night: np.ndarray,
           roam: np.ndarray) -> np.ndarray:
    """Serving cell of every event: home at night, work by day for some, random cells when roaming."""
    nev = len(c)
    at_work = ~night & (rng.random(nev) < P_AT_WORK)
    cell = np.where(at_work, P.work_cell[ids][c], P.home_cell[ids][c]).astype(np.int32)
    cell = np.where(roam == 1, CELL_DOMESTIC_ROAM + rng.integers(0, CELL_HOME_RANGE, nev), cell)
    return np.where(roam == 2, CELL_INTL + rng.integers(0, CELL_HOME_RANGE, nev), cell).astype(np.int32)
