"""Contact lists: the peers each customer calls and texts, with Zipf weights, in social circles.

Everyone sits on a ring (:func:`ring`), customers of the same behavioural group side by
side (people call people like them), the off-net world (people on other networks) spread
along the same ring. A contact is drawn at a short distance from its owner on its group's
ring (``CIRCLE_SCALE``), so neighbours' circles overlap (friends of friends), with a few
ties to anyone (``P_SHORTCUT``) and colleagues from the same enterprise account. An on-net contact *is* a generated customer: its peer id is that customer's
customer_id (index + 1), the contract's one id space; an off-net contact is a person of
the off-net world (shared by the customers near it) or, for ``P_PERSONAL_OFFNET`` of
entries, a number nobody else calls. The lists are drawn up front for everyone and
stored flat, with per-customer offsets.
"""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np

from .params import (
    CIRCLE_SCALE, ENT_COLLEAGUE_SHARE, OFFNET_PER_CUSTOMER, P_PERSONAL_OFFNET, P_SHORTCUT,
)


def _hash64(x: np.ndarray) -> np.ndarray:
    """splitmix64 finalizer -> positive int64 above 2**40, so no off-net number can equal a
    customer id, a hotline or another short number."""
    z = x.astype(np.uint64) + np.uint64(0x9E3779B97F4A7C15)
    z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    z = z ^ (z >> np.uint64(31))
    return ((z >> np.uint64(2)) | np.uint64(1 << 40)).astype(np.int64)


def offnet_number(index: np.ndarray, seed: int, kind: int) -> np.ndarray:
    """The peer id of off-net number ``index`` of a kind (0: the off-net world, 1: personal
    numbers, 2: second phones), distinct across kinds and seeds."""
    salt = np.uint64(((seed * 7919 + 17) * 4 + kind) % (1 << 30)) << np.uint64(33)
    return _hash64(index.astype(np.uint64) ^ salt)


def ring(rng: np.random.Generator, P: SimpleNamespace) -> SimpleNamespace:
    """The ring: customers ordered by behavioural group, in random order within it.

    Returns ``pos`` (each customer's place, 0..n-1), ``at`` (the customer at each place),
    and per customer the first place of its group and the group's size: a contact is
    drawn around the ring of the owner's own group (no boundary between groups, whose
    sizes differ), the off-net world along the whole ring.
    """
    order = np.argsort(P.grp + rng.random(P.n), kind="stable")
    pos = np.empty(P.n, np.int64)
    pos[order] = np.arange(P.n)
    size = np.bincount(P.grp, minlength=len(P.groups)).astype(np.int64)
    first = np.concatenate([[0], np.cumsum(size)[:-1]])
    return SimpleNamespace(pos=pos, at=order, first=first[P.grp], size=size[P.grp])


def _offsets(rng: np.random.Generator, size: int) -> np.ndarray:
    """Signed ring distances of contacts: 1 + exponential(CIRCLE_SCALE), either side."""
    d = 1 + np.floor(rng.exponential(CIRCLE_SCALE, size)).astype(np.int64)
    return np.where(rng.random(size) < 0.5, -d, d)


def draw(rng: np.random.Generator, P: SimpleNamespace, seed: int) -> SimpleNamespace:
    """Everyone's contact list; also sets ``P.onnet_w`` (the minutes-weighted onnet share)
    .

    Returns a namespace of flat arrays over all list entries (owner, peer, onnet, target:
    the customer index of an on-net entry, else -1; cum: the owner's cumulative Zipf
    weight) and ``offsets``: customer i's entries are offsets[i]:offsets[i + 1].
    """
    n, K = P.n, P.n_contacts
    C = SimpleNamespace()
    C.offsets = np.concatenate([[0], np.cumsum(K)])
    S = int(C.offsets[-1])
    owner = np.repeat(np.arange(n), K)
    rank = np.arange(S) - C.offsets[owner] + 1
    w = rank.astype(float) ** (-P.zipf[owner])
    cw = np.cumsum(w)
    before = np.concatenate([[0.0], cw])[C.offsets[:-1]]
    total = np.add.reduceat(w, C.offsets[:-1])
    C.cum = (cw - before[owner]) / total[owner]
    C.cum[C.offsets[1:] - 1] = 1.0  # exact upper end for searchsorted
    C.owner = owner

    R = ring(rng, P)
    pos = R.pos
    onnet = rng.random(S) < P.onnet[owner]
    step = _offsets(rng, S)
    shortcut = rng.random(S) < P_SHORTCUT
    first, size = R.first[owner], R.size[owner]
    near = R.at[first + (pos[owner] - first + step) % size]
    other = np.where(shortcut, rng.integers(0, n, S), near)
    alone = other == owner  # a group of one, or a shortcut to oneself
    other = np.where(alone, R.at[(pos[owner] + 1) % n], other) if n > 1 else other
    # Colleagues of enterprise lines come from the same account.
    ent = P.ent[owner]
    colleague = (ent >= 0) & (rng.random(S) < ENT_COLLEAGUE_SHARE)
    if colleague.any():
        e = ent[colleague]
        j = (rng.random(colleague.sum()) * P.ent_size[e]).astype(np.int64)
        mate = P.ent_members[P.ent_start[e] + j]
        self_call = mate == owner[colleague]
        mate[self_call] = P.ent_members[P.ent_start[e] + (j + 1) % P.ent_size[e]][self_call]
        other[colleague] = mate
        onnet |= colleague
    # Off-net contacts: people of the off-net world near the owner on the ring, or personal numbers.
    world = max(int(round(n * OFFNET_PER_CUSTOMER)), 1)
    where = (pos[owner] + step) * world // max(n, 1)
    person = np.where(shortcut, rng.integers(0, world, S), where % world)
    personal = rng.random(S) < P_PERSONAL_OFFNET
    offnet_id = np.where(personal, offnet_number(np.arange(S), seed, 1), offnet_number(person, seed, 0))
    C.peer = np.where(onnet, other + 1, offnet_id)
    C.target = np.where(onnet, other, -1)
    C.onnet = onnet
    # Minutes-weighted onnet share, used for the expected bill.
    P.onnet_w = np.bincount(owner, weights=w * onnet, minlength=n) / np.maximum(total, 1e-300)
    return C
