"""Clustering one brand: choose k, fit the final model, measure each segment's stability.

How k is chosen (``k = "auto"``): for every k of the range, on a fixed-seed sample of
the brand (``sweep_sample`` rows), the tool fits the model and reports silhouette (on
at most ``silhouette_sample`` rows), Calinski-Harabasz, Davies-Bouldin and the
*prediction strength* of Tibshirani & Walther (2005): the sample is split in two
halves ``ps_repeats`` times; each half is clustered; for every cluster of the test
half, the share of its pairs of points that the training half's model also puts
together; the prediction strength of a split is the smallest such share, and that of k
the median (``ps_statistic``) over the splits: one split whose refit lands in a poor
local optimum does not decide.
The chosen k is the **largest k whose prediction strength reaches ``ps_threshold``**
(default 0.9, the top of the 0.8-0.9 the authors recommend) and whose smallest segment
holds at least ``min_share`` of the brand. Silhouette is reported, not used: it
prefers too few segments when segments overlap. When no k reaches the threshold, the
k with the highest prediction strength is taken and the report says so.

The final model of the chosen k is fitted on every customer of the brand (k-means with
``n_init`` starts, in the within-segment metric of :mod:`segment.within` unless
``metric = "euclidean"``; mini-batch steps above ``minibatch_above`` customers; or a
diagonal Gaussian mixture with ``method = "gmm"``). Stability per segment is the mean Jaccard
similarity of its best-matching cluster over ``bootstrap`` refits on bootstrap
resamples (as R's fpc::clusterboot), on a fixed-seed sample of at most
``bootstrap_sample`` customers; segments below ``unstable_below`` are flagged.

Every random step draws from a generator seeded by (seed, brand name, step), and
every scikit-learn fit runs single-threaded: its multi-threaded KMeans adds partial sums
in thread-completion order, which changes the last bits of the centroids. ``n_jobs``
(``--threads``) instead runs independent fits side by side: the k of the sweep and the
bootstrap refits, each on one thread and collected in a fixed order, so the result is
the same bytes whatever the number of threads.
"""

from __future__ import annotations

import hashlib
import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Callable, Iterable

import numpy as np
# Imported here, not lazily: threadpoolctl can only limit the OpenMP runtime of a library
# that is already loaded, and scikit-learn loads it with these modules.
from sklearn.cluster import KMeans, MiniBatchKMeans
from sklearn.metrics import calinski_harabasz_score, davies_bouldin_score, silhouette_score
from sklearn.mixture import GaussianMixture
from threadpoolctl import threadpool_limits

from .config import ClusteringConfig
from .numbers import sig
from .within import WithinKMeans


@dataclass
class KScore:
    """Quality of one k on the sweep sample."""

    k: int
    silhouette: float
    calinski_harabasz: float
    davies_bouldin: float
    prediction_strength: float
    min_share: float

    def to_dict(self) -> dict:
        return {"k": self.k, "silhouette": sig(self.silhouette), "calinski_harabasz": sig(self.calinski_harabasz),
                "davies_bouldin": sig(self.davies_bouldin), "prediction_strength": sig(self.prediction_strength),
                "min_share": sig(self.min_share)}


@dataclass
class BrandFit:
    """The result of clustering one brand."""

    k: int
    chosen_by: str  # "forced", "prediction_strength" or "best_prediction_strength"
    reason: str
    scores: list[KScore]
    centers: np.ndarray  # (k, n_variables) in prepared space (metric "within": projected, X @ projection)
    labels: np.ndarray  # (n_customers,) 0-based, from the final fit
    stability: np.ndarray  # (k,) mean bootstrap Jaccard
    method: str
    gmm: dict | None = None  # weights, means, variances for method "gmm"
    notes: list[str] = field(default_factory=list)
    projection: np.ndarray | None = None  # (n_variables, n_variables), metric "within": centres are in X @ projection


def make_model(cfg: ClusteringConfig, k: int, seed: int, n_init: int, n_rows: int):
    """A scikit-learn style estimator for ``cfg.method`` ('kmeans' or 'gmm') and, for
    k-means, ``cfg.metric`` ('within': :class:`segment.within.WithinKMeans`; 'euclidean'),
    with a fixed seed; mini-batch k-means steps above ``cfg.minibatch_above`` rows."""
    if cfg.method == "gmm":
        return GaussianMixture(k, covariance_type="diag", n_init=max(1, n_init // 5), random_state=seed,
                               reg_covar=1e-6)
    minibatch = n_rows > cfg.minibatch_above
    if cfg.metric == "within":
        return WithinKMeans(k, n_init=n_init, random_state=seed, ridge=cfg.within_ridge, minibatch=minibatch)
    if minibatch:
        return MiniBatchKMeans(k, n_init=n_init, random_state=seed, batch_size=4096)
    return KMeans(k, n_init=n_init, random_state=seed)


def _labels(model, X: np.ndarray) -> np.ndarray:
    return model.predict(X).astype(np.int64)


def prediction_strength(test_labels: np.ndarray, predicted: np.ndarray, k: int) -> float:
    """Tibshirani & Walther's prediction strength of one split.

    ``test_labels``: clusters of the test half fitted on itself; ``predicted``: the
    clusters the training half's model gives the same points. For each test cluster
    with at least two points, the share of its pairs that ``predicted`` also keeps
    together; the result is the smallest share (1.0 when no cluster has two points).
    """
    worst = 1.0
    for c in range(k):
        p = predicted[test_labels == c]
        n = len(p)
        if n < 2:
            continue
        counts = np.bincount(p, minlength=k).astype(float)
        worst = min(worst, float((counts * (counts - 1)).sum() / (n * (n - 1))))
    return worst


def jaccard_best_match(reference: np.ndarray, other: np.ndarray, k_ref: int, k_other: int) -> np.ndarray:
    """For each reference cluster, the Jaccard similarity of its best-matching cluster in ``other``.

    Both arrays label the same points. Returns shape (k_ref,); 0 for an empty cluster.
    """
    table = np.zeros((k_ref, k_other))
    np.add.at(table, (reference, other), 1.0)
    size_ref = table.sum(axis=1, keepdims=True)
    size_other = table.sum(axis=0, keepdims=True)
    union = size_ref + size_other - table
    with np.errstate(invalid="ignore", divide="ignore"):
        jac = np.where(union > 0, table / union, 0.0)
    return jac.max(axis=1)


def _sample(rng: np.random.Generator, n: int, size: int) -> np.ndarray:
    if n <= size:
        return np.arange(n)
    return np.sort(rng.choice(n, size, replace=False))


def score_k(X: np.ndarray, k: int, cfg: ClusteringConfig, seed_seq: list[int]) -> KScore:
    """Fit k on the sweep matrix ``X`` and measure it (see the module docstring)."""
    n = len(X)
    model = make_model(cfg, k, _seed(seed_seq, 0), cfg.n_init, n).fit(X)
    labels = _labels(model, X)
    S = model.transform(X) if hasattr(model, "projection_") else X  # the quality scores in the model's own metric
    sizes = np.bincount(labels, minlength=k)
    distinct = int((sizes > 0).sum())
    if distinct < 2:
        sil = ch = db = float("nan")
    else:
        rng = np.random.default_rng(seed_seq + [1])
        s = _sample(rng, n, cfg.silhouette_sample)
        sil = float(silhouette_score(S[s], labels[s])) if len(np.unique(labels[s])) > 1 else float("nan")
        ch = float(calinski_harabasz_score(S, labels))
        db = float(davies_bouldin_score(S, labels))
    strengths = []
    for r in range(cfg.ps_repeats):
        rng = np.random.default_rng(seed_seq + [2, r])
        order = rng.permutation(n)
        train, test = order[: n // 2], order[n // 2:]
        m_train = make_model(cfg, k, _seed(seed_seq, 10 + r), cfg.n_init_resample, len(train))
        m_test = make_model(cfg, k, _seed(seed_seq, 20 + r), cfg.n_init_resample, len(test))
        m_train.fit(X[train])
        m_test.fit(X[test])
        strengths.append(prediction_strength(_labels(m_test, X[test]), _labels(m_train, X[test]), k))
    statistic = np.median if cfg.ps_statistic == "median" else np.mean
    return KScore(k, sil, ch, db, float(statistic(strengths)), float(sizes.min() / n))


def choose_k(scores: list[KScore], cfg: ClusteringConfig) -> tuple[int, str, str]:
    """The chosen k, the criterion that chose it and a sentence saying why."""
    ok = [s for s in scores if s.min_share >= cfg.min_share]
    if not ok:
        raise ValueError(f"no k in {scores[0].k}..{scores[-1].k} gives segments of at least "
                         f"{cfg.min_share:.0%} of the brand")
    strong = [s for s in ok if s.prediction_strength >= cfg.ps_threshold]
    if strong:
        best = max(strong, key=lambda s: s.k)
        return best.k, "prediction_strength", (
            f"k={best.k} is the largest k whose prediction strength ({best.prediction_strength:.3f}) reaches "
            f"{cfg.ps_threshold} with every segment >= {cfg.min_share:.0%} of the brand")
    best = max(ok, key=lambda s: (s.prediction_strength, -s.k))
    return best.k, "best_prediction_strength", (
        f"no k reaches prediction strength {cfg.ps_threshold}; k={best.k} has the highest "
        f"({best.prediction_strength:.3f}) with every segment >= {cfg.min_share:.0%} of the brand")


def _one_thread(fn: Callable, *args):
    """Call ``fn`` with scikit-learn's OpenMP limited to one thread in *this* thread.

    The OpenMP thread count is per calling thread (a worker starts with the default,
    all cores), while the BLAS limit set by :func:`fit_brand` is process-wide.
    """
    with threadpool_limits(1, user_api="openmp"):
        return fn(*args)


def _parallel_map(fn: Callable, items: Iterable, n_jobs: int) -> list:
    """``[fn(x) for x in items]``, on up to ``n_jobs`` threads, results in the items' order."""
    items = list(items)
    if n_jobs <= 1 or len(items) <= 1:
        return [_one_thread(fn, x) for x in items]
    with ThreadPoolExecutor(min(n_jobs, len(items))) as pool:
        return list(pool.map(lambda x: _one_thread(fn, x), items))


def effective_jobs(n_jobs: int | None) -> int:
    """Threads for independent fits: ``n_jobs``, or every core when None."""
    if n_jobs is None:
        return os.cpu_count() or 1
    if n_jobs < 1:
        raise ValueError(f"n_jobs must be at least 1, got {n_jobs}")
    return n_jobs


def _seed(seed_seq: list[int], step: int) -> int:
    """A 32-bit seed for scikit-learn derived from the sequence and a step number."""
    return int(np.random.default_rng(seed_seq + [step]).integers(0, 2**31 - 1))


def stability(X: np.ndarray, labels: np.ndarray, k: int, cfg: ClusteringConfig, seed_seq: list[int],
              n_jobs: int = 1) -> np.ndarray:
    """Mean best-match Jaccard per segment over bootstrap refits (clusterboot).

    The refits run on up to ``n_jobs`` threads; their results are added in refit order.
    """
    n = len(X)
    if cfg.bootstrap == 0:
        return np.full(k, np.nan)
    rng = np.random.default_rng(seed_seq + [3])
    base = _sample(rng, n, cfg.bootstrap_sample)

    def refit(b: int) -> np.ndarray:
        rng_b = np.random.default_rng(seed_seq + [4, b])
        idx = base[rng_b.integers(0, len(base), len(base))]
        model = make_model(cfg, k, _seed(seed_seq, 100 + b), cfg.n_init_resample, len(idx))
        model.fit(X[idx])
        points = np.unique(idx)
        return jaccard_best_match(labels[points], _labels(model, X[points]), k, k)

    total = np.zeros(k)
    for jac in _parallel_map(refit, range(cfg.bootstrap), n_jobs):
        total += jac
    return total / cfg.bootstrap


def check_size(n: int, cfg: ClusteringConfig, k: int | None = None) -> None:
    """Raise ValueError when ``n`` customers cannot give ``k`` segments (None: the k range)
    of at least ``min_customers_per_segment`` each."""
    per = cfg.min_customers_per_segment
    if k is not None and n < per * k:
        raise ValueError(f"{n} customer(s) are too few for k={k} (at least {per} per segment: {per * k})")
    if k is None and n < per * cfg.k_min:
        raise ValueError(f"{n} customer(s) are too few for the k range {cfg.k_min}..{cfg.k_max} "
                         f"(at least {per * cfg.k_min} needed: {per} per segment)")


def brand_key(brand: str) -> int:
    """A stable 64-bit number for a brand's name (the first 8 bytes of its SHA-256)."""
    return int.from_bytes(hashlib.sha256(brand.encode("utf-8")).digest()[:8], "big")


def fit_brand(
    X: np.ndarray,
    cfg: ClusteringConfig,
    seed: int,
    brand: str,
    k: int | None = None,
    progress: Callable[[str], None] | None = None,
    n_jobs: int | None = None,
) -> BrandFit:
    """Cluster one brand's prepared matrix ``X`` (n_customers, n_variables).

    Every random step is seeded by ``seed`` and the brand's name (:func:`brand_key`), so
    a brand's fit does not depend on which other brands are in the data.

    ``k`` forces the number of segments; None chooses it (see the module docstring).
    ``n_jobs`` threads run the fits of the k sweep and the bootstrap side by side
    (None: every core); the result does not depend on it.
    Raises ValueError with a readable reason when the brand cannot be clustered.
    """
    say = progress or (lambda s: None)
    jobs = effective_jobs(n_jobs)
    key = brand_key(brand)
    n = len(X)
    per = cfg.min_customers_per_segment
    notes: list[str] = []
    check_size(n, cfg, k)
    with threadpool_limits(1):
        if k is not None:
            scores: list[KScore] = []
            chosen_by, reason = "forced", f"k={k} was set"
        else:
            k_max = min(cfg.k_max, n // per)
            if k_max < cfg.k_max:
                notes.append(f"k range cut to {cfg.k_min}..{k_max}: {n} customers, at least {per} per segment")
            rng = np.random.default_rng([seed, key, 0])
            sweep = X[_sample(rng, n, cfg.sweep_sample)]
            say(f"k={cfg.k_min}..{k_max}")
            scores = _parallel_map(lambda kk: score_k(sweep, kk, cfg, [seed, key, kk]),
                                   range(cfg.k_min, k_max + 1), jobs)
            k, chosen_by, reason = choose_k(scores, cfg)
        say(f"final fit k={k}")
        model = _one_thread(make_model(cfg, k, _seed([seed, key], 1), cfg.n_init, n).fit, X)
        gmm, projection = None, getattr(model, "projection_", None)
        if cfg.method == "gmm":
            centers = np.asarray(model.means_)
            gmm = {"weights": model.weights_.tolist(), "variances": model.covariances_.tolist()}
        else:
            centers = np.asarray(model.cluster_centers_)
        labels = _labels(model, X)
        say(f"stability k={k}")
        stab = stability(X, labels, k, cfg, [seed, key, 999], jobs)
    return BrandFit(k, chosen_by, reason, scores, centers, labels, stab, cfg.method, gmm, notes, projection)
