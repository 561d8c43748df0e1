"""Preparation, k choice, stability and profile maths, on inputs small enough to check by hand."""

import numpy as np
import pytest

from segment import clustering, profiles
from segment.config import ClusteringConfig
from segment.prepare import Preparer, apply_variable, fit_variable, skewness


def test_fit_variable_by_hand():
    # median of the present values [1, 2, 3, 100] is 2.5; imputed -> [1, 2.5, 2, 3, 100];
    # skewed and >= 0 -> ln(1 + x)
    x = np.array([1.0, np.nan, 2.0, 3.0, 100.0])
    p = fit_variable("x", x, log_skew=1.0, low_q=0.0, high_q=1.0)
    v = np.log(1.0 + np.array([1.0, 2.5, 2.0, 3.0, 100.0]))
    assert p.median == 2.5 and p.log and p.imputed == 1
    assert p.low == v.min() and p.high == v.max()
    assert p.mean == pytest.approx(v.mean()) and p.std == pytest.approx(v.std())
    z = apply_variable(p, x)
    assert z == pytest.approx((v - v.mean()) / v.std())


def test_winsorizing_clips_at_the_percentiles_and_constant_columns_are_dropped():
    x = np.arange(101, dtype=float)  # percentiles 1 and 99 are exactly 1 and 99
    p = fit_variable("x", x, log_skew=10.0, low_q=0.01, high_q=0.99)
    assert not p.log and (p.low, p.high) == (1.0, 99.0)
    assert apply_variable(p, np.array([-5.0, 500.0])) == pytest.approx((np.array([1.0, 99.0]) - p.mean) / p.std)
    prep = Preparer().fit(np.array([[1.0, 5.0], [2.0, 5.0], [3.0, 5.0]]), ["a", "flat"])
    assert prep.names_ == ["a"] and prep.dropped_ == ["flat"]
    assert skewness(np.array([1.0, 1.0])) == 0.0


def test_prediction_strength_by_hand():
    # test cluster 0 = 4 points of which the training model splits 3 + 1: 3*2 / (4*3) = 0.5;
    # test cluster 1 = 2 points kept together: 1.0 -> the minimum is 0.5
    test = np.array([0, 0, 0, 0, 1, 1])
    predicted = np.array([0, 0, 0, 1, 1, 1])
    assert clustering.prediction_strength(test, predicted, 2) == 0.5
    assert clustering.prediction_strength(test, test, 2) == 1.0


def test_jaccard_best_match_by_hand():
    ref = np.array([0, 0, 0, 1, 1, 1])
    other = np.array([1, 1, 0, 0, 0, 0])
    # ref 0 = {0,1,2}: best is other 1 = {0,1}: 2/3; ref 1 = {3,4,5}: other 0 = {2,3,4,5}: 3/4
    assert clustering.jaccard_best_match(ref, other, 2, 2) == pytest.approx([2 / 3, 3 / 4])


def _score(k, ps, share=0.2):
    return clustering.KScore(k, 0.0, 0.0, 0.0, ps, share)


def test_choose_k_takes_the_largest_k_reaching_the_threshold():
    cfg = ClusteringConfig(ps_threshold=0.9, min_share=0.02)
    k, by, _ = clustering.choose_k([_score(2, 1.0), _score(3, 0.95), _score(4, 0.92), _score(5, 0.7)], cfg)
    assert (k, by) == (4, "prediction_strength")
    # a k whose smallest segment is below min_share cannot be chosen
    k, _, _ = clustering.choose_k([_score(2, 1.0), _score(3, 0.95), _score(4, 0.99, share=0.01)], cfg)
    assert k == 3
    k, by, why = clustering.choose_k([_score(2, 0.6), _score(3, 0.8), _score(4, 0.7)], cfg)
    assert (k, by) == (3, "best_prediction_strength") and "no k reaches" in why


def test_fit_brand_finds_well_separated_blobs_and_is_deterministic():
    rng = np.random.default_rng(0)
    centers = np.array([[0, 0], [6, 0], [0, 6]], dtype=float)
    X = np.vstack([c + rng.normal(size=(200, 2)) for c in centers])
    cfg = ClusteringConfig(k_max=6, bootstrap=5, ps_repeats=2)
    a = clustering.fit_brand(X, cfg, seed=1, brand="GoTone")
    b = clustering.fit_brand(X.copy(), cfg, seed=1, brand="GoTone")
    assert a.k == 3 and a.chosen_by == "prediction_strength"
    assert np.array_equal(a.labels, b.labels) and np.array_equal(a.centers, b.centers)
    assert (a.stability > 0.95).all()


def test_small_brand_is_refused_with_the_reason():
    X = np.random.default_rng(0).normal(size=(15, 3))
    with pytest.raises(ValueError, match="too few"):
        clustering.fit_brand(X, ClusteringConfig(), seed=1, brand="GoTone")
    with pytest.raises(ValueError, match="k=4"):
        clustering.fit_brand(X, ClusteringConfig(), seed=1, brand="GoTone", k=4)


def test_names_use_the_most_distinctive_columns_and_are_distinct():
    diff = np.array([[2.0, -0.1, 0.5], [-1.5, 1.2, 0.0], [-1.5, 1.2, 0.1]])
    names = profiles.names_for(diff, ["data_mb", "night_share", "weird_col"], terms=2)
    assert names[0] == "heavy data, high weird col"
    assert names[1] == "light data, night-heavy"
    assert names[2] != names[1] and names[2].startswith("light data, night-heavy")


def test_index_and_difference():
    seg = np.array([[150.0, 0.0]])
    brand = np.array([100.0, 0.0])
    assert profiles.indexes(seg, brand)[0, 0] == 150.0 and np.isnan(profiles.indexes(seg, brand)[0, 1])
    assert profiles.differences(seg, brand, np.array([25.0, 0.0])).tolist() == [[2.0, 0.0]]


def test_names_use_material_differences_only():
    """A segment that differs from its brand in one indicator only is named by that one;
    a difference below the effect size or an index close to 100 never enters a name."""
    diff = np.array([[1.4, 0.3, -0.45, 0.9], [-1.4, -0.3, 0.45, -0.9]])
    index = np.array([[160.0, 104.0, 80.0, 104.0], [40.0, 96.0, 120.0, 96.0]])
    cols = ["data_mb", "night_share", "weird_col", "calls_in"]
    names = profiles.names_for(diff, cols, terms=3, index=index, min_effect=0.5, min_index_gap=10)
    # night_share (0.3 std) and weird_col (0.45 std) are too small; calls_in is 0.9 std but index 104
    assert names == ["heavy data", "light data"]
    assert profiles.names_for(np.zeros((1, 4)), cols, 3, np.full((1, 4), 100.0), 0.5, 10) == [profiles.AVERAGE]
    two = profiles.names_for(np.zeros((2, 4)), cols, 3, np.full((2, 4), 100.0), 0.5, 10)
    assert two == [profiles.AVERAGE, f"{profiles.AVERAGE} (2)"]


def test_a_flag_reads_as_a_share():
    means = np.array([[0.85], [0.05]])
    names = profiles.names_for(np.array([[1.2], [-1.2]]), ["group_member"], 3, np.array([[190.0], [11.0]]),
                               0.5, 10, means, frozenset({"group_member"}))
    assert names == ["mostly group member 85%", "few group member 5%"]


def test_a_near_flag_is_not_a_clustering_variable():
    # 0 for 94% of a brand, clipped at the 99th percentile: two values once prepared
    x = np.where(np.arange(200) < 188, 0.0, 3.0)
    assert fit_variable("long_calls", x, 1.0, 0.01, 0.99) is not None
    assert fit_variable("long_calls", x, 1.0, 0.01, 0.99, min_distinct=5) is None
    assert fit_variable("calls", np.arange(200.0), 1.0, 0.01, 0.99, min_distinct=5) is not None


def test_within_metric_separates_elongated_segments_that_euclidean_k_means_cuts_across():
    from sklearn.cluster import KMeans
    from sklearn.metrics import adjusted_rand_score

    from segment.within import WithinKMeans, pooled_within, regularized

    # two segments 3 apart on y, each spread more along x than on y (a busier customer does more of everything)
    rng = np.random.default_rng(3)
    X = np.vstack([rng.normal(size=(400, 2)) * [2.2, 0.6] + [0.0, c] for c in (0.0, 3.0)])
    truth = np.repeat([0, 1], 400)
    euclid = KMeans(2, n_init=10, random_state=0).fit_predict(X)
    within = WithinKMeans(2, n_init=10, random_state=0).fit(X)
    assert adjusted_rand_score(truth, euclid) < 0.2 and adjusted_rand_score(truth, within.labels_) > 0.95
    M = within.projection_
    W = regularized(pooled_within(X, within.labels_, 2), within.ridge)
    assert np.allclose(M.T @ W @ M, np.eye(2))  # unit within-segment spread in the projected axes
    assert np.array_equal(within.predict(X), within.labels_)
    again = WithinKMeans(2, n_init=10, random_state=0).fit(X.copy())
    assert np.array_equal(again.labels_, within.labels_) and np.array_equal(again.projection_, M)


def test_within_k_means_on_a_large_brand_starts_on_a_sample_and_ends_on_every_customer():
    from sklearn.metrics import adjusted_rand_score

    from segment.within import WithinKMeans

    # a 2 x 2 design on two behaviours, each seen through two indicators that move with activity, plus noise
    rng = np.random.default_rng(5)
    n = 3000
    a, b, act = rng.integers(0, 2, n), rng.integers(0, 2, n), rng.normal(size=n)
    X = np.column_stack([3.0 * a + act + 0.5 * rng.normal(size=n), 3.0 * a + act + 0.5 * rng.normal(size=n),
                         3.0 * b + act + 0.5 * rng.normal(size=n), 3.0 * b + act + 0.5 * rng.normal(size=n),
                         *(act + rng.normal(size=n) for _ in range(4))])
    truth = 2 * a + b
    fit = WithinKMeans(4, random_state=1, start_sample=300).fit(X)
    assert adjusted_rand_score(truth, fit.labels_) > 0.95
    # the sample only chose the start: the result is a fixed point of the refinement on all customers
    assert np.array_equal(fit.predict(X), fit.labels_)
    again = fit._em(X, fit.labels_, 0, 100)
    assert np.array_equal(again[3], fit.labels_) and again[0] == pytest.approx(fit.criterion_)
    full = WithinKMeans(4, random_state=1).fit(X)
    assert fit.criterion_ == pytest.approx(full.criterion_, abs=1e-6)
    repeat = WithinKMeans(4, random_state=1, start_sample=300).fit(X.copy())
    assert np.array_equal(repeat.labels_, fit.labels_) and np.array_equal(repeat.projection_, fit.projection_)


def test_split_and_merge_leaves_the_optimum_of_a_halved_big_segment_and_a_hidden_small_one():
    from sklearn.metrics import adjusted_rand_score

    from segment.within import WithinKMeans

    # segments of 60%, 25%, 10% and 5%, 7 within-SDs apart on their own axes, in 6 indicators
    rng = np.random.default_rng(11)
    sizes = [1200, 500, 200, 100]
    truth = np.repeat(np.arange(4), sizes)
    centres = np.zeros((4, 6))
    centres[1, 0], centres[2, 1], centres[3, 2] = 7.0, 7.0, 7.0
    X = centres[truth] + rng.normal(size=(len(truth), 6))
    # the trap: the big segment cut in two along an axis of noise, the 5% segment inside the 10% one
    trapped = truth.copy()
    trapped[truth == 3] = 2
    trapped[(truth == 0) & (X[:, 5] > 0)] = 3
    fit = WithinKMeans(4, random_state=0)
    stuck = fit._em(X, trapped, 0, 100)
    assert adjusted_rand_score(truth, stuck[3]) < 0.85  # classification EM alone stays in the trap
    moved = fit._split_merge(X, stuck)
    assert adjusted_rand_score(truth, moved[3]) > 0.97
    assert moved[0] < stuck[0]  # the generalized within variance fell
    assert WithinKMeans(4, random_state=0, split_merge=0)._split_merge(X, stuck) is stuck


def test_model_sql_keeps_segment_numbers_with_gaps():
    import duckdb
    import polars as pl

    from segment import model as modelmod

    brand = {"method": "kmeans", "variables": [{"name": "x", "median": 0.0, "log": False, "low": -9.0, "high": 9.0,
                                                "mean": 0.0, "std": 1.0, "imputed": 0}],
             "projection": [[2.0]],
             "segments": [{"segment": 1, "name": "low", "center": [-2.0]}, {"segment": 2, "name": "mid", "center": [0.0]},
                          {"segment": 4, "name": "high", "center": [2.0]}]}
    m = {"kind": "segment-model", "version": modelmod.MODEL_VERSION, "id_column": "customer_id", "brand_column": None,
         "method": "kmeans", "seed": 0, "brands": {"all": brand}}
    frame = pl.DataFrame({"customer_id": [1, 2, 3, 4], "x": [-1.2, 0.1, 0.9, 5.0]})
    con = duckdb.connect()
    con.register("features", frame.to_arrow())
    got = con.sql(modelmod.to_sql(m)).pl()
    # u = 2x: -2.4, 0.2, 1.8, 10 -> nearest centre -2, 0, 2, 2
    assert got["segment"].to_list() == [1, 2, 4, 4] and got["segment_name"].to_list() == ["low", "mid", "high", "high"]
    assert got["distance"].to_list() == pytest.approx([0.4, 0.2, 0.2, 8.0])
