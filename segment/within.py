"""k-means in the metric of the segments themselves: distances whitened by the pooled
within-segment covariance (``clustering.metric = "within"``).

Plain k-means measures every prepared indicator in the same units and treats them as
independent. Customer indicators are neither: one behaviour shows in several
correlated indicators (calls in calls out, calls in, minutes, events ...), and inside
a segment they still move together (a busier customer makes more of every kind of
event). The right distance between a customer and a segment centre is then the
Mahalanobis distance in the pooled within-segment covariance W, as in linear
discriminant analysis; clustering with it is the classification form of a Gaussian
mixture with one shared covariance (Friedman & Rubin's det W criterion). Here:

1. start: k-means with 2k, 3k or 4k centres on the prepared matrix; its pooled
   within-cluster covariance is a first estimate of W (the clusters of an
   over-clustering are parts of segments, so W is not inflated by two segments merged,
   which a k-centre start is prone to when segments differ in size); one more start is
   plain k-means with k centres;
2. whiten: ``U = X M`` with ``M = inv(C)ᵀ``, ``C`` the Cholesky factor of
   ``W + ridge · mean(diag W) · I`` (so U has identity within-segment covariance);
   k-means with k centres on U;
3. repeat (classification EM): W and the means from the current segments, each customer
   to its nearest mean in the space whitened by that W, until no customer moves (at most
   ``max_iter`` rounds); the generalized within variance log det W never increases.
4. of the starts (``starts``: the centres of each start's first k-means, times k), the
   one with the smallest log det W is kept. Classification EM stops in the local optimum
   nearest its start, and which one a start reaches is a matter of luck when segments
   differ in only a few behaviours (on the ``subtle`` structure of the generator, half
   of the 3k and 4k starts and none of the plain ones reached the planted segments on
   3,000 customers), so there are ten starts, not three.
5. split and merge (Ueda et al.'s SMEM, in its classification form): from the best
   start, two segments are merged and another split in two (2-means in the whitened
   space), then step 3; kept when log det W falls, repeated until no move helps. The
   merges tried are the ``split_merge`` cheapest by Ward's cost (size-weighted squared
   distance of the two means), each with every other segment split. A start that cut a
   big segment in two and left a small one inside another (segments of 5% and 50%, the
   ``sizes`` structure) cannot leave that optimum by step 3; one move does it.
6. on more than ``start_sample`` customers the starts run on a fixed-seed sample of that
   size and only the best is carried on to every customer (its segments predicted for
   all, then step 3 on all): the starts only have to find the right basin, and the cost
   of a fit stays that of one start on a large brand.

The fitted model is a linear projection ``projection_`` (variables x variables) and
centres in projected units, so model.sql scores it with sums of products; a distance
is in within-segment standard deviations. Every random step is seeded from
``random_state``.
"""

from __future__ import annotations

import numpy as np
from sklearn.cluster import KMeans, MiniBatchKMeans


def pooled_within(X: np.ndarray, labels: np.ndarray, k: int) -> np.ndarray:
    """The pooled within-cluster covariance (p, p) of ``X`` (n, p) under ``labels`` (0..k-1).

    Each point is centred on its own cluster's mean (empty clusters have no points); the
    sum of the outer products is divided by n.
    """
    R = X - _means(X, labels, k)[labels]
    return R.T @ R / len(X)


def regularized(W: np.ndarray, ridge: float) -> np.ndarray:
    """``W + ridge · mean(diag W) · I``: never singular, however collinear the indicators."""
    p = len(W)
    scale = float(np.trace(W)) / p if p else 1.0
    return W + ridge * max(scale, 1e-12) * np.eye(p)


def whitening(W: np.ndarray, ridge: float) -> np.ndarray:
    """``M`` (p, p) with ``Mᵀ regularized(W) M = I``: ``inv(C)ᵀ`` for the Cholesky factor C.
    Unique (no sign or order choice), so it is the same on every machine."""
    return np.linalg.inv(np.linalg.cholesky(regularized(W, ridge))).T


class WithinKMeans:
    """k-means in the within-segment metric (see the module docstring), scikit-learn style.

    Parameters: ``n_clusters``; ``n_init`` k-means++ starts in the first whitened space,
    shared between the ``starts``; ``random_state``;
    ``starts`` (centres of each start's first k-means, times k); ``start_sample`` (rows
    the starts run on; the best is then refined on all rows); ``max_iter`` rounds of
    re-whitening; ``ridge`` (share of the mean within variance added to W's diagonal);
    ``minibatch`` (MiniBatchKMeans steps, for very large brands); ``split_merge`` (merges
    tried per round of split and merge; 0: none).
    Fitted: ``projection_`` (p, p), ``cluster_centers_`` (k, p) in projected units,
    ``labels_``, ``n_iter_`` (rounds run).
    """

    def __init__(self, n_clusters: int, n_init: int = 10, random_state: int = 0,
                 starts: tuple[int, ...] = (1, 2, 3, 4, 2, 3, 4, 2, 3, 4), max_iter: int = 100, ridge: float = 0.01,
                 minibatch: bool = False, start_sample: int = 10_000, split_merge: int = 3):
        self.n_clusters = n_clusters
        self.n_init = n_init
        self.random_state = random_state
        self.starts = starts
        self.start_sample = start_sample
        self.max_iter = max_iter
        self.ridge = ridge
        self.minibatch = minibatch
        self.split_merge = split_merge

    def _kmeans(self, k: int, seed: int, init=None, n_init: int | None = None):
        n_init = 1 if init is not None else (self.n_init if n_init is None else n_init)
        if self.minibatch:
            return MiniBatchKMeans(k, n_init=n_init, init="k-means++" if init is None else init, random_state=seed,
                                   batch_size=4096)
        return KMeans(k, init="k-means++" if init is None else init, n_init=n_init, random_state=seed)

    def fit(self, X: np.ndarray) -> "WithinKMeans":
        """``X``: (n_customers, p) prepared matrix. Each start (``starts``: centres of the
        first k-means, times k) is refined; the one with the smallest within-segment
        generalized variance (log det W) is kept (on a sample above ``start_sample`` rows,
        then refined on every row)."""
        X = np.asarray(X, dtype=float)
        n = len(X)
        S = X
        if n > self.start_sample:
            rows = np.sort(np.random.default_rng([self.random_state, 99]).choice(n, self.start_sample, replace=False))
            S = X[rows]
        best = None
        for i, mult in enumerate(self.starts):
            seed = int(np.random.default_rng([self.random_state, i]).integers(0, 2**31 - 1))
            seeds = np.random.default_rng(seed).integers(0, 2**31 - 1, 3)
            fit = self._em(S, self._start(S, mult, seeds), int(seeds[2]), self.max_iter)
            if best is None or fit[0] < best[0] - 1e-9:
                best = fit
        best = self._split_merge(S, best)
        # the best start to convergence, on every customer (on a sample: its segments predicted for all)
        _, M, centres, labels, _ = best
        best = self._em(X, labels if S is X else _nearest(X @ M, centres), self.random_state, self.max_iter)
        self.criterion_, self.projection_, self.cluster_centers_, self.labels_, self.n_iter_ = best
        return self

    def _start(self, X: np.ndarray, mult: int, seeds: np.ndarray) -> np.ndarray:
        """First segments: k-means with ``mult`` x k centres; above k, its pooled within
        covariance whitens the matrix for a k-means with k centres."""
        k, n = self.n_clusters, len(X)
        k_start = max(k, min(mult * k, n))
        # the start only estimates W: one k-means++ start is enough
        labels = self._kmeans(k_start, int(seeds[0]), n_init=1 if k_start > k else None).fit(X).labels_
        if k_start > k:
            M = whitening(pooled_within(X, labels, k_start), self.ridge)
            # the starts share the n_init starts of k-means (at least one each)
            labels = self._kmeans(k, int(seeds[1]), n_init=max(1, self.n_init // len(self.starts))).fit(X @ M).labels_
        return np.asarray(labels, dtype=np.int64)

    SCREEN_ROUNDS = 10  # classification EM rounds a split-and-merge move is judged by

    def _split_merge(self, X: np.ndarray, best: tuple) -> tuple:
        """Step 5 of the module docstring: merge two segments and split another while
        log det W falls (at most k rounds)."""
        k = self.n_clusters
        if k < 3 or self.split_merge <= 0:
            return best
        for rnd in range(k):
            crit, M, _, labels, _ = best
            U = X @ M
            C, n = _means(U, labels, k), np.bincount(labels, minlength=k).astype(float)
            cost = [(n[a] * n[b] / max(n[a] + n[b], 1.0) * float(((C[a] - C[b]) ** 2).sum()), a, b)
                    for a in range(k) for b in range(a + 1, k)]
            trial = None
            for _, a, b in sorted(cost)[:self.split_merge]:
                for s in range(k):
                    rows = np.flatnonzero(labels == s)
                    if s in (a, b) or len(rows) < 4:
                        continue
                    seed = int(np.random.default_rng([self.random_state, 7, rnd, a, b, s]).integers(0, 2**31 - 1))
                    halves = self._kmeans(2, seed, n_init=3).fit(U[rows]).labels_
                    new = np.where(labels == b, a, labels)
                    new[rows[halves == 1]] = b
                    # a few rounds tell the basin; the best move is then run to convergence
                    fit = self._em(X, new, seed, self.SCREEN_ROUNDS)
                    if trial is None or fit[0] < trial[0] - 1e-9:
                        trial = (fit[0], fit[3], seed)
            if trial is None:
                break
            fit = self._em(X, trial[1], trial[2], self.max_iter)
            if not fit[0] < best[0] - 1e-9:
                break
            best = fit
        return best

    def _em(self, X: np.ndarray, labels: np.ndarray, seed: int, max_iter: int):
        """Classification EM from ``labels``, at most ``max_iter`` rounds: (log det W,
        projection, centres, labels, rounds)."""
        k = self.n_clusters
        rounds = 0
        for rounds in range(1, max_iter + 1):
            # W and the means from the segments, then each customer to its nearest mean in
            # the whitened space; log det W never increases
            U = X @ whitening(pooled_within(X, labels, k), self.ridge)
            new = _nearest(U, _means(U, labels, k))
            if np.array_equal(new, labels):
                break
            labels = new
            if not (np.bincount(labels, minlength=k) > 0).all():  # a segment emptied: k-means++ in this space
                labels = np.asarray(self._kmeans(k, seed + rounds).fit(U).labels_, dtype=np.int64)
        M = whitening(pooled_within(X, labels, k), self.ridge)
        U = X @ M
        centres = _means(U, labels, k)
        labels = _nearest(U, centres)
        crit = float(np.linalg.slogdet(regularized(pooled_within(X, labels, k), self.ridge))[1])
        return crit, M, centres, labels, rounds

    def transform(self, X: np.ndarray) -> np.ndarray:
        """``X`` in projected units, (n, p)."""
        return np.asarray(X, dtype=float) @ self.projection_

    def predict(self, X: np.ndarray) -> np.ndarray:
        """The nearest centre in projected units (ties: the lowest segment), 0-based."""
        return _nearest(self.transform(X), self.cluster_centers_)


def _means(U: np.ndarray, labels: np.ndarray, k: int) -> np.ndarray:
    """(k, p) means of the rows of ``U`` by label; an empty label's mean is the overall mean."""
    onehot = np.zeros((len(U), k))
    onehot[np.arange(len(U)), labels] = 1.0
    sizes = onehot.sum(axis=0)
    sums = onehot.T @ U
    return np.where(sizes[:, None] > 0, sums / np.maximum(sizes, 1.0)[:, None], U.mean(axis=0))


def _nearest(U: np.ndarray, centres: np.ndarray) -> np.ndarray:
    """The index of the nearest centre of each row (ties: the lowest index)."""
    d = (centres * centres).sum(axis=1)[None, :] - 2.0 * (U @ centres.T)  # + |u|², the same for every centre
    return d.argmin(axis=1).astype(np.int64)
