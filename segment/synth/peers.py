"""Contact lists: the peers each customer calls and texts, with Zipf weights.

Onnet peers are other subscribers, hashed like subscriber ids; offnet peers are
hashes of their own. The lists are drawn up front for everyone and stored flat,
with per-customer offsets.
"""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np

from .params import ENT_COLLEAGUE_SHARE


def _hash64(x: np.ndarray) -> np.ndarray:
    """splitmix64 finalizer -> positive int64 above 2**40, so no peer can equal a hotline or other short number."""
    z = x.astype(np.uint64) + np.uint64(0x9E3779B97F4A7C15)
    z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    z = z ^ (z >> np.uint64(31))
    return ((z >> np.uint64(2)) | np.uint64(1 << 40)).astype(np.int64)


def _subscriber_hash(customer_index: np.ndarray, seed: int) -> np.ndarray:
    """The peer id under which other subscribers see customer ``customer_index`` (0-based)."""
    return _hash64(customer_index.astype(np.uint64) + np.uint64((seed * 1_000_003) % (1 << 62)) * np.uint64(3))


def draw(rng: np.random.Generator, P: SimpleNamespace, seed: int) -> SimpleNamespace:
    """Everyone's contact list; also sets ``P.onnet_w``, the minutes-weighted onnet share.

    Returns a namespace of flat arrays over all list entries (owner, peer, onnet,
    cum: the owner's cumulative Zipf weight) and ``offsets``: customer i's entries
    are offsets[i]:offsets[i + 1].
    """
    K = P.n_contacts
    C = SimpleNamespace()
    C.offsets = np.concatenate([[0], np.cumsum(K)])
    S = int(C.offsets[-1])
    owner = np.repeat(np.arange(P.n), K)
    rank = np.arange(S) - C.offsets[owner] + 1
    w = rank.astype(float) ** (-P.zipf[owner])
    cw = np.cumsum(w)
    before = np.concatenate([[0.0], cw])[C.offsets[:-1]]
    total = np.add.reduceat(w, C.offsets[:-1])
    C.cum = (cw - before[owner]) / total[owner]
    C.cum[C.offsets[1:] - 1] = 1.0  # exact upper end for searchsorted
    C.owner = owner

    onnet = rng.random(S) < P.onnet[owner]
    # Onnet contacts are other subscribers (hashed like them); colleagues of
    # enterprise lines come from the same account.
    other = rng.integers(0, P.n, S)
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
    offnet_id = _hash64(np.arange(S, dtype=np.uint64) ^ np.uint64((seed * 7919 + 17) << 32))
    C.peer = np.where(onnet, _subscriber_hash(other, seed), offnet_id)
    C.onnet = onnet
    # Minutes-weighted onnet share, used for the expected bill.
    P.onnet_w = np.bincount(owner, weights=w * onnet, minlength=P.n) / np.maximum(total, 1e-300)
    return C
