"""Everyone's attributes, drawn up front: brand, group, life cycle, plan, credit, enterprise, usage rates.

The population is a namespace of arrays with one entry per customer (index =
customer_id - 1), plus a few (customer x month) arrays for the life cycle.
"""

from __future__ import annotations

from functools import lru_cache
from types import SimpleNamespace

import numpy as np

from .calendar import Window
from .draws import lognormal, pick
from .params import (
    BRAND_CHANNEL_MIX, BRAND_CREDIT_SHIFT, BRAND_PREPAID, BRAND_REGISTERED, BRAND_SHARE, BRAND_TENURE_YEARS, BRANDS,
    CELL_HOME_RANGE, CHURN_MONTH, CONTACTS_SIGMA, CREDIT_SHARES, DAY_SHAPES, ENT_MAX_SIZE, ENT_MIN_SIZE,
    DEALERS, ENT_PARETO_ALPHA, EVENT_SCALE, GROUPS, INTL_DAY_SHARE, LEAVE_LAST_MONTH, LEAVE_PREV_MONTH, NIGHT_SHAPES,
    P_ABOUT_TO_LEAVE, P_CHURN, P_HOTLINE_NORMAL, P_JOIN, P_REENTRY_DEALER, PLAN_INDEX, PREFERRED_SHARE,
    REENTRY_DEALERS, REENTRY_GAP_DAYS, REENTRY_MIN_CONTACTS, REENTRY_SHARE, SECOND_MIN_CONTACTS, SECOND_PHONE_SHARE, TENURE_MAX_DAYS, TENURE_MIN_DAYS,
    TENURE_SIGMA, Group,
)
from .structures import STRUCTURES, Structure


def draw(rng: np.random.Generator, n: int, win: Window, structure: Structure | None = None) -> SimpleNamespace:
    """The attributes of ``n`` customers over the window ``win``, their groups from
    ``structure`` (None: the generator's own, :data:`.params.GROUPS`)."""
    structure = structure or STRUCTURES["default"]
    P = SimpleNamespace(n=n, groups=structure.groups, noise=structure.noise)
    gtab = P.gtab = group_arrays(structure.groups)
    P.brand = pick(rng, np.array(BRAND_SHARE), n).astype(np.int8)
    P.grp = np.empty(n, np.int16)
    for b in range(len(BRANDS)):  # a group's share is of its brand
        idx = np.flatnonzero(P.brand == b)
        gids = np.flatnonzero(gtab.brand == b)
        P.grp[idx] = gids[pick(rng, gtab.share[gids], len(idx))]
    first = np.array([np.flatnonzero(gtab.brand == b)[0] for b in range(len(BRANDS))])
    P.gidx = (P.grp - first[P.brand]).astype(np.int32)  # position of the group within its brand

    _life_cycle(rng, P, win)
    _registration(rng, P, gtab)
    _plans(rng, P)
    _credit(rng, P)
    _enterprise(rng, P, gtab)
    _usage_profile(rng, P, gtab)

    # Service channel the customer prefers, and the share of contacts it gets.
    P.pref = np.empty(n, np.int8)
    for b in range(len(BRANDS)):
        idx = np.flatnonzero(P.brand == b)
        P.pref[idx] = pick(rng, BRAND_CHANNEL_MIX[b], len(idx))
    P.pref_share = rng.uniform(*PREFERRED_SHARE, n)
    P.contact_noise = lognormal(rng, CONTACTS_SIGMA, n)
    P.face_u = rng.uniform(0.3, 1.0, n)
    P.home_cell = rng.integers(1, CELL_HOME_RANGE, n).astype(np.int32)
    P.work_cell = rng.integers(1, CELL_HOME_RANGE, n).astype(np.int32)
    return P


@lru_cache(maxsize=4)
def group_arrays(groups: tuple[Group, ...] = GROUPS) -> SimpleNamespace:
    """``groups`` as arrays indexed by group number, and the hour profiles (built once, used by every chunk)."""
    t = SimpleNamespace()
    for f in ("brand", "share", "dur", "kb", "night", "contacts", "zipf", "onnet", "roam", "intl", "days",
              "weekend", "enterprise", "birth"):
        t.__dict__[f] = np.array([getattr(g, f) for g in groups], dtype=float)
    t.brand = t.brand.astype(np.int8)
    t.rates = np.array([g.rates for g in groups], dtype=float) * EVENT_SCALE
    # One flat cumulative array, profile p (group * 2 + night) occupying p + (0, 1], so that
    # a single searchsorted draws the hours of all events.
    profiles = []
    for g in groups:
        for shape in (DAY_SHAPES[g.day_shape], NIGHT_SHAPES[g.night_shape]):
            c = np.cumsum(shape, dtype=float)
            c /= c[-1]
            c[-1] = 1.0
            profiles.append(c)
    t.hour_cum = (np.arange(len(profiles))[:, None] + np.array(profiles)).ravel()
    return t


def _life_cycle(rng: np.random.Generator, P: SimpleNamespace, win: Window) -> None:
    """Tenure, joiners, churners and about-to-leave customers."""
    n, length = P.n, win.end - win.start
    u = rng.random(n)
    P.joined = u < P_JOIN
    P.churned = (u >= P_JOIN) & (u < P_JOIN + P_CHURN)
    P.about = (u >= P_JOIN + P_CHURN) & (u < P_JOIN + P_CHURN + P_ABOUT_TO_LEAVE)
    P.leaving = P.churned | P.about

    median = np.array(BRAND_TENURE_YEARS)[P.brand] * 365.25
    tenure = np.clip(median * np.exp(rng.normal(0, TENURE_SIGMA, n)), TENURE_MIN_DAYS, TENURE_MAX_DAYS)
    act = win.start - tenure.astype(np.int64)
    # Joiners open their line inside the window, at least a week before its end.
    join_day = win.start + (rng.random(n) * max(length - 7, 1)).astype(np.int64)
    # Churners leave inside the window, at least a week after its start.
    churn_day = win.start + min(7, length - 1) + (rng.random(n) * max(length - 8, 1)).astype(np.int64)
    P.churn = np.where(P.churned, np.minimum(churn_day, win.end - 1), -1)
    _reentry(rng, P, win, join_day)
    P.activation = np.where(P.joined, join_day, act)
    P.tenure_years = (win.end - P.activation) / 365.25

    # Allowed day range [lo, hi) inside each month and the usage factor per month.
    ms, md = win.month_start[None, :], win.month_days[None, :]
    lo = np.clip(P.activation[:, None] - ms, 0, md)
    end = np.where(P.churned, P.churn, win.end)
    hi = np.clip(end[:, None] - ms, 0, md)
    hi = np.maximum(hi, lo)
    P.day_lo, P.day_hi = lo.astype(np.int16), hi.astype(np.int16)
    P.frac = (hi - lo) / md
    P.billed = hi > lo
    nm = len(win.labels)
    leave_f = np.ones((n, nm))
    leave_f[P.about, nm - 1] = LEAVE_LAST_MONTH
    if nm > 1:
        leave_f[P.about, nm - 2] = LEAVE_PREV_MONTH
    last_active = nm - 1 - np.argmax(P.billed[:, ::-1], axis=1)
    ch = np.flatnonzero(P.churned)
    leave_f[ch, last_active[ch]] = CHURN_MONTH
    prev = ch[last_active[ch] > 0]
    leave_f[prev, last_active[prev] - 1] = LEAVE_PREV_MONTH
    P.leave_f = leave_f
    P.last_active = last_active
    # Competitor-hotline calls: leavers in their last two active months; a few others once.
    hot = np.zeros((n, nm))
    lv = np.flatnonzero(P.leaving)
    hot[lv, last_active[lv]] = 1
    lv2 = lv[last_active[lv] > 0]
    hot[lv2, last_active[lv2] - 1] = 1
    odd = np.flatnonzero(~P.leaving & (rng.random(n) < P_HOTLINE_NORMAL))
    hot[odd, (rng.random(len(odd)) * nm).astype(int)] = -1  # exactly one call
    P.hot = (hot * P.billed).astype(np.int8)


def _reentry(rng: np.random.Generator, P: SimpleNamespace, win: Window, join_day: np.ndarray) -> None:
    """Re-entrants: a share of churners comes back as a joiner (``P.reentry_of``: the old
    line's index, else -1) opened 1..REENTRY_GAP_DAYS days after leaving (``join_day`` is
    changed in place); and the dealer who sold every line (``P.dealer``), for re-entrants
    mostly one of the REENTRY_DEALERS."""
    n = P.n
    P.reentry_of = np.full(n, -1, np.int64)
    room = P.churned & (P.churn + REENTRY_GAP_DAYS <= win.end - 7)
    old = np.flatnonzero(room & (rng.random(n) < REENTRY_SHARE))
    new = rng.permutation(np.flatnonzero(P.joined))[:len(old)]
    old = old[:len(new)]
    join_day[new] = P.churn[old] + 1 + rng.integers(0, REENTRY_GAP_DAYS, len(new))
    P.reentry_of[new] = old
    P.dealer = rng.integers(0, DEALERS, n)
    rogue = new[rng.random(len(new)) < P_REENTRY_DEALER]
    P.dealer[rogue] = rng.integers(0, REENTRY_DEALERS, len(rogue))


def _registration(rng: np.random.Generator, P: SimpleNamespace, gtab: SimpleNamespace) -> None:
    """Birth year (known for registered lines only) and gender."""
    n = P.n
    registered = rng.random(n) < np.array(BRAND_REGISTERED)[P.brand]
    P.birth_null = ~registered
    P.birth_year = np.clip(np.rint(rng.normal(gtab.birth[P.grp], 6.0)), 1930, 2010).astype(np.int32)
    male = rng.random(n) < 0.55
    gender = np.where(male, 0, 1)
    # Unregistered lines mostly have unknown gender.
    P.gender = np.where(~registered & (rng.random(n) < 0.85), 2, gender).astype(np.int8)


def _plans(rng: np.random.Generator, P: SimpleNamespace) -> None:
    """Tariff plan (from the group's plan mix) and prepaid or postpaid (by brand)."""
    P.plan = np.empty(P.n, np.int16)
    for gi, g in enumerate(P.groups):
        idx = np.flatnonzero(P.grp == gi)
        codes = np.array([PLAN_INDEX[c] for c, _ in g.plans])
        P.plan[idx] = codes[pick(rng, np.array([p for _, p in g.plans]), len(idx))]
    P.prepaid = rng.random(P.n) < np.array(BRAND_PREPAID)[P.brand]


def _credit(rng: np.random.Generator, P: SimpleNamespace) -> None:
    """Credit level rises with tenure; leavers score lower."""
    score = (0.9 * np.log1p(P.tenure_years) + np.array(BRAND_CREDIT_SHIFT)[P.brand]
             - 0.8 * P.leaving + rng.normal(0, 0.7, P.n))
    cuts = np.quantile(score, np.cumsum(CREDIT_SHARES)[:-1]) if P.n > 1 else np.array([-np.inf] * 4)
    P.credit = (1 + np.searchsorted(cuts, score, side="right")).astype(np.int8)


def _enterprise(rng: np.random.Generator, P: SimpleNamespace, gtab: SimpleNamespace) -> None:
    """Enterprise accounts with Pareto sizes (a few huge ones, many small)."""
    member = rng.random(P.n) < gtab.enterprise[P.grp]
    idx = rng.permutation(np.flatnonzero(member))
    P.ent = np.full(P.n, -1, np.int32)
    P.ent_members = np.zeros(0, np.int64)
    P.ent_start = np.zeros(0, np.int64)
    P.ent_size = np.zeros(0, np.int64)
    P.n_ent = 0
    if len(idx) < ENT_MIN_SIZE:
        return
    sizes = _enterprise_sizes(len(idx))
    label = rng.permutation(len(sizes))  # group numbers do not reveal size
    P.ent[idx] = np.repeat(label, sizes)
    order = np.argsort(P.ent[idx], kind="stable")
    P.ent_members = idx[order]
    P.ent_size = np.bincount(P.ent[idx], minlength=len(sizes)).astype(np.int64)
    P.ent_start = np.concatenate([[0], np.cumsum(P.ent_size)[:-1]])
    P.n_ent = len(sizes)


def _enterprise_sizes(lines: int) -> np.ndarray:
    """Stratified Pareto sizes (deterministic) summing exactly to ``lines``.

    The smallest number of strata whose sizes cover all lines is found by
    bisection; the few surplus lines come off the largest accounts.
    """
    def sizes_for(count: int) -> np.ndarray:
        u = (np.arange(count) + 0.5) / count
        s = np.floor(ENT_MIN_SIZE * u ** (-1 / ENT_PARETO_ALPHA))
        return np.sort(np.minimum(s, ENT_MAX_SIZE).astype(np.int64))[::-1]

    lo, hi = 1, max(lines, 1)
    while lo < hi:
        mid = (lo + hi) // 2
        if sizes_for(mid).sum() >= lines:
            hi = mid
        else:
            lo = mid + 1
    sizes = sizes_for(lo)
    excess = sizes.sum() - lines
    room = sizes - ENT_MIN_SIZE
    before = np.concatenate([[0], np.cumsum(room)[:-1]])
    sizes -= np.clip(excess - before, 0, room)
    return sizes


def _usage_profile(rng: np.random.Generator, P: SimpleNamespace, gtab: SimpleNamespace) -> None:
    """Each customer's own usage parameters: the group's, times lognormal noise (spreads
    from the structure's :class:`.structures.Noise`)."""
    n, g, sd = P.n, P.grp, P.noise
    P.s = lognormal(rng, sd.activity, n)  # shared activity; tier planting nudges it
    P.rates = gtab.rates[g] * lognormal(rng, sd.rate, (n, 5))
    P.dur = gtab.dur[g] * lognormal(rng, sd.dur, n)
    P.kb = gtab.kb[g] * lognormal(rng, sd.kb, n)
    P.night = np.clip(gtab.night[g] * lognormal(rng, sd.night, n), 0.005, 0.95)
    P.days = gtab.days[g] * lognormal(rng, sd.days, n)
    P.weekend = gtab.weekend[g]
    P.roam = np.clip(gtab.roam[g] * lognormal(rng, 0.4, n), 0.0, 0.8)
    P.intl = np.where(rng.random(n) < gtab.intl[g], INTL_DAY_SHARE, 0.0)
    P.n_contacts = np.clip(np.rint(gtab.contacts[g] * lognormal(rng, sd.contacts, n)), 2, 300).astype(np.int64)
    P.zipf = gtab.zipf[g] + rng.normal(0, sd.zipf, n)
    P.onnet = np.clip(gtab.onnet[g] + rng.normal(0, sd.onnet, n), 0.02, 0.95)
    if sd.heavy_share > 0:  # a heavy tail: some customers use many times more than their group
        tail = rng.random(n) < sd.heavy_share
        P.s = P.s * np.where(tail, 1.0 + rng.pareto(sd.heavy_alpha, n), 1.0)
    # A re-entrant keeps their circle: the new line's list is as long as the old one's.
    new = np.flatnonzero(P.reentry_of >= 0)
    old = P.reentry_of[new]
    P.n_contacts[old] = np.maximum(P.n_contacts[old], REENTRY_MIN_CONTACTS)
    P.n_contacts[new], P.zipf[new], P.onnet[new] = P.n_contacts[old], P.zipf[old], P.onnet[old]
    # Second phones: a share of the other leavers with a circle large enough to be seen, whose
    # line is still open after the window's first month, so that the two phones are in use
    # together in the window (the phone starts the month before the line's last active one).
    re = np.zeros(n, bool)
    re[old] = True
    draw = rng.random(n) < SECOND_PHONE_SHARE
    P.second = P.leaving & ~re & (P.n_contacts >= SECOND_MIN_CONTACTS) & draw & (P.last_active >= 1)
