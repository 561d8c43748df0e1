"""What the call graph plants for the churn signals: re-entrants and second phones.

* **Re-entry**: a re-entrant's new line (``P.reentry_of`` >= 0, :mod:`.population`) keeps
  ``REENTRY_KEEP`` of the old line's contact list, rank by rank, and from the old line's
  churn day on, the calls its contacts would have made to the old line go to the new one
  (``P.successor``).
* **Second phones**: an owner (``P.second``, a leaver active beyond the window's first
  month) carries an off-net second number from the month before their last active month
  to the end of the window. It calls the top
  ``SECOND_CONTACT_SHARE`` of the owner's contacts and takes over the usage the owner's own
  line loses in those months (complementary time use). Only its calls and SMS with our
  customers are seen, in those customers' CDR, with the second number as an off-net peer.
"""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np

from .calendar import Window
from .params import (
    CALL_SIGMA, DAY_HOURS, MAX_CALL_S, REENTRY_KEEP, SECOND_CONTACT_SHARE, SECOND_RATE, T_SMS_IN, T_VOICE_OUT,
)
from .peers import offnet_number


def plant_reentry(rng: np.random.Generator, P: SimpleNamespace, C: SimpleNamespace) -> None:
    """Copy the old line's contacts into each re-entrant's list; set ``P.successor``."""
    P.successor = np.full(P.n, -1, np.int64)
    new = np.flatnonzero(P.reentry_of >= 0)
    old = P.reentry_of[new]
    P.successor[old] = new
    K = C.offsets[new + 1] - C.offsets[new]  # equal to the old line's (population)
    dst = np.repeat(C.offsets[new], K) + _ranks(K)
    src = np.repeat(C.offsets[old], K) + _ranks(K)
    keep = rng.random(len(dst)) < REENTRY_KEEP
    dst, src = dst[keep], src[keep]
    for field in ("peer", "target", "onnet"):
        getattr(C, field)[dst] = getattr(C, field)[src]


def _ranks(K: np.ndarray) -> np.ndarray:
    """0..K[i]-1 for every i, concatenated."""
    return np.arange(K.sum()) - np.repeat(np.cumsum(K) - K, K)


def second_phones(rng: np.random.Generator, P: SimpleNamespace, C: SimpleNamespace, seed: int) -> SimpleNamespace:
    """The second phones' numbers and contact lists: their owners' top contacts.

    Returns ``number`` (peer id per customer, -1 without a second phone) and flat lists
    like :func:`.peers.draw`'s: ``offsets`` over customers, ``target`` (customer index or
    -1 for an off-net contact, which is never seen) and ``cum``.
    """
    S = SimpleNamespace(number=np.full(P.n, -1, np.int64))
    owners = np.flatnonzero(P.second)
    S.number[owners] = offnet_number(owners, seed, 2)
    share = rng.uniform(*SECOND_CONTACT_SHARE, len(owners))
    K = C.offsets[owners + 1] - C.offsets[owners]
    L = np.zeros(P.n, np.int64)
    L[owners] = np.maximum(np.ceil(share * K).astype(np.int64), 1)
    S.offsets = np.concatenate([[0], np.cumsum(L)])
    r = _ranks(L[owners])
    src = np.repeat(C.offsets[owners], L[owners]) + r
    S.target = C.target[src]
    w = np.ones(len(r))  # it calls its contacts evenly: a large part of them, not the top few
    first = S.offsets[owners]
    cw = np.cumsum(w)
    before = np.concatenate([[0.0], cw])[first]
    total = np.add.reduceat(w, first) if len(first) else np.zeros(0)
    own = np.repeat(np.arange(len(owners)), L[owners])
    S.cum = (cw - before[own]) / total[own] if len(w) else w
    if len(w):
        S.cum[S.offsets[owners + 1] - 1] = 1.0
    S.owners = owners
    S.key = own + S.cum  # increasing: one searchsorted draws every event's contact
    return S


def second_phone_events(rng: np.random.Generator, P: SimpleNamespace, S: SimpleNamespace, win: Window, lo: int,
                        hi: int) -> dict[str, np.ndarray]:
    """The seen events of the second phones of owners lo..hi-1, as the receivers' incoming
    events (:func:`.cdr.mirrors`' layout)."""
    from .cdr import open_on

    nm = len(win.labels)
    owners = lo + np.flatnonzero(P.second[lo:hi])
    months = np.arange(nm)
    first = np.maximum(P.last_active[owners] - 1, 0)
    on = months[None, :] >= first[:, None]
    # It takes over what the own line loses, and all of it once the line is gone.
    lost = np.where(P.billed[owners], 1.0 - P.leave_f[owners] * P.frac[owners], 1.0)
    talk = P.rates[owners, :T_SMS_IN + 1] * P.s[owners, None]
    lam = SECOND_RATE * talk[:, None, :] * (np.clip(lost, 0.3, 1.0) * on)[:, :, None]
    counts = rng.poisson(lam)  # owner x month x type (voice out .. sms in, as the second phone)
    cell = np.repeat(np.arange(counts.size), counts.ravel())
    typ = (cell % (T_SMS_IN + 1)).astype(np.int8)
    om = cell // (T_SMS_IN + 1)
    o, m = om // nm, om % nm
    k = len(cell)
    day = (rng.random(k) * win.month_days[m]).astype(np.int64)
    absday = win.month_start[m] + day
    hour = rng.integers(DAY_HOURS[0], 23, k)
    ts = (absday * 86400 + hour * 3600 + rng.integers(0, 3600, k)).astype(np.int64)
    a = owners[o]
    ordinal = np.searchsorted(S.owners, a)
    pos = np.searchsorted(S.key, ordinal + rng.random(k), side="right")
    pos = np.minimum(pos, S.offsets[a + 1] - 1)
    target = S.target[pos]
    voice = typ <= T_VOICE_OUT + 1
    dur = np.where(voice, np.clip(np.rint(P.dur[a] * np.exp(rng.normal(-0.5 * CALL_SIGMA ** 2, CALL_SIGMA, k))),
                                  1, MAX_CALL_S), 0).astype(np.int32)
    seen = (target >= 0) & open_on(P, target, absday)
    # The receiver's side: what the second phone sent is incoming.
    return dict(target=target[seen], ts=ts[seen], typ=(typ[seen] ^ 1).astype(np.int8),
                peer=S.number[a][seen], net=np.ones(int(seen.sum()), np.int8), dur=dur[seen])
