"""segment.screening: every statistic checked against numpy/scipy computed here, on tables
built with known properties (fixed seeds)."""

import dataclasses
import inspect
import json
import math
import re
import warnings
from pathlib import Path

import numpy as np
import polars as pl
import pytest
from scipy import stats as st

from segment import config, screening as scr
from segment.io.inputs import find_inputs
from segment.config import ScreeningConfig
from segment.errors import ConfigError, DataError, EmptyPopulationError, SchemaError
from segment.screening.report import _VAR_KEYS

CFG = ScreeningConfig()


def _frame(n=2000, seed=0, **cols) -> pl.DataFrame:
    return pl.DataFrame({"customer_id": np.arange(n), "brand": np.where(np.arange(n) % 3 == 0, "A", "B"), **cols})


def _by_name(report) -> dict:
    return {v["name"]: v for v in report.variables}


# ---------------------------------------------------------------- availability pass

def test_column_stats_match_numpy_and_scipy():
    rng = np.random.default_rng(1)
    x = rng.lognormal(1.0, 0.8, 5000)
    x[rng.random(5000) < 0.2] = np.nan
    x[rng.random(5000) < 0.1] = 0.0
    x[:40] = 3.0  # a clear mode
    s = scr.column_stats(x)
    v = x[~np.isnan(x)]
    values, counts = np.unique(v, return_counts=True)
    assert s["n"] == len(v)
    assert s["missing_share"] == pytest.approx(np.isnan(x).mean(), abs=1e-15)
    assert s["distinct"] == len(values)
    assert s["mode"] == values[np.argmax(counts)] == 0.0
    assert s["mode_share"] == pytest.approx(counts.max() / len(v))
    assert s["zero_share"] == pytest.approx((v == 0).mean())
    assert s["mean"] == pytest.approx(v.mean(), rel=1e-12)
    assert s["std"] == pytest.approx(np.std(v), rel=1e-12)
    assert s["cv"] == pytest.approx(np.std(v) / v.mean(), rel=1e-12)
    assert s["skewness"] == pytest.approx(st.skew(v), rel=1e-10)
    assert [s["p01"], s["p50"], s["p99"]] == pytest.approx(np.percentile(v, [1, 50, 99]), rel=1e-12)


def test_stats_of_empty_and_constant_columns_do_not_warn():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        empty = scr.column_stats(np.full(10, np.nan))
        const = scr.column_stats(np.array([0.1] * 7 + [np.nan]))
    assert empty["missing_share"] == 1 and empty["n"] == 0 and empty["mean"] is None and empty["std"] is None
    assert const["std"] == 0 and const["skewness"] is None and const["distinct"] == 1 and const["mode_share"] == 1


def test_each_rule_fires_on_its_column_in_the_documented_order():
    rng = np.random.default_rng(2)
    n = 2000
    empty = np.where(rng.random(n) < 0.6, np.nan, rng.normal(size=n))      # 60% missing
    empty_const = np.where(rng.random(n) < 0.7, np.nan, 5.0)                 # missing wins over constant
    const = np.where(rng.random(n) < 0.3, np.nan, 7.0)                       # constant wins over single_value
    mostly_zero = np.where(rng.random(n) < 0.97, 0.0, rng.exponential(size=n))
    flat = 1000 + rng.normal(0, 10, n)                                       # cv = 0.01
    negative_flat = -1000 + rng.normal(0, 10, n)                             # cv undefined: kept
    good = rng.normal(size=n)
    report = scr.screen(_frame(n, empty=empty, empty_const=empty_const, const=const, mostly_zero=mostly_zero,
                               flat=flat, negative_flat=negative_flat, good=good), CFG)
    v = _by_name(report)
    assert scr.CHECKS == ("missing", "constant", "single_value", "low_variation")
    assert v["empty"]["reason"] == "missing"
    assert v["empty"]["statistic"] == pytest.approx(float(f"{np.isnan(empty).mean():.6g}"))
    assert v["empty"]["threshold"] == 0.5
    assert v["empty_const"]["reason"] == "missing" and v["empty_const"]["flags"] == ["missing", "constant", "single_value", "low_variation"]
    assert v["const"]["reason"] == "constant" and v["const"]["flags"] == ["constant", "single_value", "low_variation"]
    assert v["const"]["stats"]["std"] == 0 and v["const"]["stats"]["cv"] == 0
    zs = (mostly_zero == 0).mean()
    assert v["mostly_zero"]["reason"] == "single_value"
    assert v["mostly_zero"]["statistic"] == pytest.approx(zs, rel=1e-5) and v["mostly_zero"]["threshold"] == 0.95
    assert v["mostly_zero"]["stats"]["zero_share"] == pytest.approx(zs, rel=1e-5)
    assert v["flat"]["reason"] == "low_variation"
    assert v["flat"]["statistic"] == pytest.approx(np.std(flat) / flat.mean(), rel=1e-5)
    assert v["negative_flat"]["status"] == "kept" and v["negative_flat"]["stats"]["cv"] is None
    assert v["good"]["status"] == "kept" and v["good"]["flags"] == []
    assert report.kept == ["negative_flat", "good"]
    assert report.summary() == {"indicators": 7, "kept": 2, "not_screened": 0,
                                "dropped": {"missing": 2, "constant": 1, "single_value": 1, "low_variation": 1}}
    json.dumps(report.to_dict(), allow_nan=False)  # no NaN anywhere


def test_checks_is_the_order_the_rules_apply_in(monkeypatch):
    from segment.screening import stats

    assert len(set(scr.CHECKS)) == len(scr.CHECKS) and set(scr.CHECKS) == set(stats.RULES)
    # 60% missing, then one value: every rule fires, so the first reason is whichever CHECKS puts first
    frame = pl.DataFrame({"x": [None] * 60 + [5.0] * 40})
    fit = lambda: scr.Screener().fit(frame).variables_["x"]
    assert fit()["reason"] == "missing" and fit()["flags"] == list(scr.CHECKS)
    for order in (tuple(reversed(scr.CHECKS)), ("single_value", "missing", "low_variation", "constant")):
        monkeypatch.setattr(stats, "CHECKS", order)
        assert fit()["reason"] == order[0] and fit()["flags"] == list(order)


def test_docs_state_the_checks_in_the_order_of_checks():
    text = (Path(__file__).resolve().parent.parent / "docs" / "screening.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| (\d) \| `(\w+)` \|", text, flags=re.M)
    assert rows == [(str(k), rule) for k, rule in enumerate(scr.CHECKS, start=1)]


def test_thresholds_come_from_the_config():
    rng = np.random.default_rng(3)
    x = np.where(rng.random(1000) < 0.4, np.nan, rng.normal(size=1000))
    frame = _frame(1000, x=x, y=rng.normal(size=1000))
    assert _by_name(scr.screen(frame, CFG))["x"]["status"] == "kept"
    strict = scr.screen(frame, ScreeningConfig(max_missing=0.3))
    assert _by_name(strict)["x"]["reason"] == "missing" and strict.thresholds["max_missing"] == 0.3


# ---------------------------------------------------------------- correlations

def _with_missing(rng, n, p, share):
    z = rng.normal(size=(n, 1))
    X = 0.6 * z + rng.normal(size=(n, p))
    X[:, 1] = np.exp(X[:, 1])  # skewed, so Pearson and Spearman differ
    X[rng.random((n, p)) < share] = np.nan
    return X


def test_pairwise_pearson_matches_scipy_on_pairwise_complete_rows():
    rng = np.random.default_rng(4)
    X = _with_missing(rng, 800, 5, 0.2)
    r, n = scr.pairwise_pearson(X)
    for i in range(5):
        for j in range(5):
            both = ~np.isnan(X[:, i]) & ~np.isnan(X[:, j])
            assert n[i, j] == both.sum()
            if i != j:
                assert r[i, j] == pytest.approx(st.pearsonr(X[both, i], X[both, j])[0], abs=1e-12)
    assert np.allclose(np.diag(r), 1)


def test_pairwise_pearson_is_exact_with_large_offsets():
    rng = np.random.default_rng(5)
    a = 1e9 + rng.normal(size=500)
    b = a + rng.normal(size=500)
    r, _ = scr.pairwise_pearson(np.column_stack([a, b]))
    assert r[0, 1] == pytest.approx(st.pearsonr(a, b)[0], abs=1e-9)


def test_spearman_matches_scipy_without_missing_and_ranks_per_column_with_missing():
    rng = np.random.default_rng(6)
    X = _with_missing(rng, 600, 4, 0.0)
    X[:, 2] = np.round(X[:, 2])  # ties
    rho, _ = scr.pairwise_spearman(X)
    assert rho == pytest.approx(st.spearmanr(X).statistic, abs=1e-12)
    X = _with_missing(rng, 600, 4, 0.25)
    rho, _ = scr.pairwise_spearman(X)
    ranks = np.column_stack([np.where(np.isnan(c), np.nan, st.rankdata(np.where(np.isnan(c), np.inf, c))) for c in X.T])
    for i, j in [(0, 1), (1, 3), (2, 3)]:
        both = ~np.isnan(X[:, i]) & ~np.isnan(X[:, j])
        assert rho[i, j] == pytest.approx(st.pearsonr(ranks[both, i], ranks[both, j])[0], abs=1e-12)


def test_average_ranks_match_scipy():
    x = np.array([3.0, np.nan, 1.0, 3.0, 2.0, np.nan, 3.0, 0.5])
    got = scr.average_ranks(x)
    ok = ~np.isnan(x)
    assert np.isnan(got[~ok]).all()
    assert got[ok] == pytest.approx(st.rankdata(x[ok]))


def test_near_exact_linear_pair_keeps_exactly_one():
    rng = np.random.default_rng(7)
    n = 3000
    minutes = rng.gamma(2.0, 50.0, n)
    fee = 0.15 * minutes + rng.normal(0, 0.05, n)  # billed per minute
    other = rng.normal(size=n)
    report = scr.screen(_frame(n, minutes_out=minutes, voice_fee=fee, other=other), CFG)
    v = _by_name(report)
    assert sorted(report.kept) == ["minutes_out", "other"] or sorted(report.kept) == ["other", "voice_fee"]
    (dropped,) = [k for k in ("minutes_out", "voice_fee") if v[k]["status"] == "dropped"]
    kept = "minutes_out" if dropped == "voice_fee" else "voice_fee"
    expected = max(abs(st.pearsonr(minutes, fee)[0]), abs(st.spearmanr(minutes, fee).statistic))
    assert v[dropped]["reason"] == "correlated" and v[dropped]["correlated_with"] == kept
    assert v[dropped]["abs_r"] == pytest.approx(expected, rel=1e-5) and v[dropped]["threshold"] == 0.85
    assert v[dropped]["angle"] == "revenue" if dropped == "voice_fee" else "voice"
    (group,) = report.groups
    assert group["members"] == ["minutes_out", "voice_fee"] and group["kept"] == [kept]


def test_link_uses_the_larger_of_pearson_and_spearman():
    rng = np.random.default_rng(17)
    x = rng.normal(size=2000)
    frame = _frame(2000, x=x, y=np.exp(3 * x), z=rng.normal(size=2000))  # monotone, far from linear
    assert abs(st.pearsonr(x, np.exp(3 * x))[0]) < 0.85
    v = _by_name(scr.screen(frame, CFG))
    dropped = "x" if v["x"]["status"] == "dropped" else "y"
    assert v[dropped]["abs_r"] == 1 and v[dropped]["spearman"] == 1
    assert v[dropped]["pearson"] == pytest.approx(st.pearsonr(x, np.exp(3 * x))[0], rel=1e-5)
    assert scr.screen(frame, ScreeningConfig(correlation="pearson")).kept == ["x", "y", "z"]


def test_priority_list_breaks_ties():
    rng = np.random.default_rng(8)
    a = rng.normal(size=1000)
    frame = _frame(1000, alpha=a, beta=2 * a + 1, gamma=rng.normal(size=1000))  # identical ratios
    assert scr.screen(frame, CFG).kept == ["alpha", "gamma"]
    report = scr.screen(frame, ScreeningConfig(priority=("beta", "alpha")))
    assert report.kept == ["beta", "gamma"]
    assert _by_name(report)["alpha"]["correlated_with"] == "beta"


def test_representative_has_the_lowest_rsquare_ratio():
    rng = np.random.default_rng(9)
    n = 4000
    z = rng.normal(size=n)
    X = np.column_stack([z + rng.normal(0, s, n) for s in (0.45, 0.2, 0.4)] + [rng.normal(size=n)])
    names = ["x1", "x2", "x3", "y"]
    r, _ = scr.pairwise_pearson(X)
    own, nearest, _, ratio = scr.rsquare_ratios(r, [[0, 1, 2], [3]])
    # independently: scores of the first principal component of the standardized group
    Z = (X - X.mean(0)) / X.std(0)
    vals, vecs = np.linalg.eigh(np.corrcoef(X[:, :3], rowvar=False))
    pc = Z[:, :3] @ vecs[:, -1]
    for i in range(3):
        assert own[i] == pytest.approx(np.corrcoef(X[:, i], pc)[0, 1] ** 2, abs=1e-10)
        assert nearest[i] == pytest.approx(np.corrcoef(X[:, i], X[:, 3])[0, 1] ** 2, abs=1e-10)
        assert ratio[i] == pytest.approx((1 - own[i]) / (1 - nearest[i]))
    report = scr.screen(_frame(n, **{nm: X[:, k] for k, nm in enumerate(names)}), CFG)
    assert report.kept == ["x2", "y"]
    v = _by_name(report)
    for nm in ("x1", "x3"):
        assert v[nm]["correlated_with"] == "x2"
        assert v[nm]["abs_r"] == pytest.approx(max(abs(np.corrcoef(X[:, 1], X[:, names.index(nm)])[0, 1]),
                                                   abs(st.spearmanr(X[:, 1], X[:, names.index(nm)]).statistic)), rel=1e-5)


def test_chains_never_drop_an_indicator_without_a_close_kept_one():
    rng = np.random.default_rng(10)
    n, cols = 3000, {}
    for b in range(4):  # blocks of varying tightness, including chains
        z = rng.normal(size=n)
        for k in range(5):
            cols[f"b{b}_{k}"] = z + rng.normal(0, 0.15 + 0.12 * k + 0.1 * b, n) + (0.5 * rng.normal(size=n) if k == 4 else 0)
    frame = _frame(n, **cols)
    report = scr.screen(frame, CFG)
    X = frame.drop("customer_id", "brand").to_numpy()
    names = frame.drop("customer_id", "brand").columns
    link = scr.link_matrix(scr.pairwise_pearson(X)[0], scr.pairwise_spearman(X)[0])
    idx = {nm: k for k, nm in enumerate(names)}
    v = _by_name(report)
    for nm, rec in v.items():
        if rec["status"] == "dropped":
            assert rec["correlated_with"] in report.kept
            assert link[idx[nm], idx[rec["correlated_with"]]] >= 0.85
    for a in report.kept:
        for b in report.kept:
            if a != b:
                assert link[idx[a], idx[b]] < 0.85


def test_result_does_not_depend_on_column_order():
    rng = np.random.default_rng(11)
    n = 1500
    z = rng.normal(size=n)
    cols = {"c": z, "a": 3 * z + rng.normal(0, 0.1, n), "e": rng.normal(size=n), "b": np.zeros(n),
            "d": z - rng.normal(0, 0.2, n), "f": np.where(rng.random(n) < 0.7, np.nan, 1.0)}
    frame = _frame(n, **cols)
    reversed_frame = frame.select(frame.columns[::-1])
    one, two = scr.screen(frame, CFG), scr.screen(reversed_frame, CFG)
    assert set(one.kept) == set(two.kept) and one.kept == two.kept[::-1]
    key = lambda r: {v["name"]: (v["status"], v["reason"], v["correlated_with"], v["abs_r"]) for v in r.variables}
    assert key(one) == key(two)
    assert one.groups == two.groups


def test_screener_follows_the_scikit_learn_contract():
    s = scr.Screener(max_abs_r=0.9, priority=["x"])
    assert vars(s)["max_abs_r"] == 0.9 and not any(k.endswith("_") for k in vars(s))
    rng = np.random.default_rng(12)
    frame = pl.DataFrame({"x": rng.normal(size=100), "y": np.zeros(100)})
    assert s.fit(frame) is s
    assert s.kept_ == ["x"] and s.dropped_ == {"y": "constant"} and s.groups_ == []
    assert list(s.variables_) == ["x", "y"]
    with pytest.raises(ConfigError):
        scr.Screener(max_abs_r=2).fit(frame)


def test_screener_parameters_are_the_config_fields_with_its_defaults():
    params = inspect.signature(scr.Screener).parameters
    fields = {f.name for f in dataclasses.fields(ScreeningConfig)}
    assert set(params) == fields - {"seed"} | {"random_state", "factors"}
    assert scr.Screener()._config() == ScreeningConfig()
    assert params["random_state"].default == ScreeningConfig().seed and params["factors"].default is False
    other = ScreeningConfig(max_missing=0.3, max_mode_share=0.9, min_cv=0.1, max_abs_r=0.7, correlation="pearson",
                            min_pair_rows=10, priority=("x",), parallel_iterations=7, parallel_quantile=0.9, seed=5)
    assert all(getattr(other, f) != getattr(ScreeningConfig(), f) for f in fields)  # every field is carried over
    s = scr.Screener.from_config(other, factors=True)
    assert s._config() == other and s.random_state == 5 and s.factors is True
    given = scr.Screener(max_missing=1, priority=["x"])._config()  # as the field types: the JSON says 1.0
    assert type(given.max_missing) is float and given.priority == ("x",)


# ---------------------------------------------------------------- non-numeric columns and bad tables

def test_text_columns_binary_become_0_1_others_are_not_screened():
    n = 400
    rng = np.random.default_rng(13)
    frame = pl.DataFrame({
        "customer_id": [f"c{i}" for i in range(n)],
        "vip": rng.choice(["Yes", "No"], n),
        "plan": rng.choice(["gold", "silver"], n),
        "city": rng.choice(["x", "y", "z"], n),
        "joined": pl.date_range(pl.date(2020, 1, 1), pl.date(2020, 1, 1), eager=True).extend_constant(None, n - 1),
        "fee": rng.normal(50, 10, n),
    })
    report = scr.screen(frame, CFG, brand_col=None)
    v = _by_name(report)
    assert v["vip"]["encoding"] == {"No": 0, "Yes": 1} and v["vip"]["status"] == "kept"
    assert v["vip"]["stats"]["mean"] == pytest.approx((frame["vip"] == "Yes").mean(), rel=1e-5)
    assert v["plan"]["encoding"] == {"gold": 0, "silver": 1}
    assert v["city"]["status"] == "not_screened" and v["city"]["reason"] == "not_numeric"
    assert v["joined"]["status"] == "not_screened" and v["joined"]["stats"] is None
    assert report.summary()["not_screened"] == 2


def test_bad_tables_raise_named_errors():
    with pytest.raises(SchemaError, match="id column 'id' not found"):
        scr.screen(pl.DataFrame({"customer_id": [1], "x": [1.0]}), CFG, id_col="id")
    with pytest.raises(DataError, match="no numeric indicator column"):
        scr.screen(pl.DataFrame({"customer_id": [1, 2, 3], "city": ["a", "b", "c"],
                                 "joined": pl.date_range(pl.date(2020, 1, 1), pl.date(2020, 1, 3), eager=True)}), CFG)
    with pytest.raises(EmptyPopulationError):
        scr.screen(pl.DataFrame({"customer_id": [], "x": []}, schema={"customer_id": pl.Int64, "x": pl.Float64}), CFG)
    with pytest.raises(DataError, match="share an id, e.g. 1"):
        scr.screen(pl.DataFrame({"customer_id": [1, 1, 2], "x": [1.0, 2.0, 3.0]}), CFG)
    with pytest.raises(SchemaError, match="brand column"):
        scr.screen(pl.DataFrame({"customer_id": [1], "x": [1.0]}), CFG, by_brand=True)


def test_tiny_and_degenerate_tables_never_crash():
    frame = pl.DataFrame({"customer_id": [1, 2], "a": [1.0, None], "b": [None, None], "c": [3.0, 3.0],
                          "d": [1.0, 2.0], "e": [2.0, 4.0]}, schema_overrides={"b": pl.Float64})
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        report = scr.screen(frame, CFG, factors=True)
    json.dumps(report.to_dict(), allow_nan=False)
    v = _by_name(report)
    assert v["a"]["reason"] == "constant" and v["b"]["reason"] == "missing" and v["c"]["reason"] == "constant"
    assert report.kept == ["d", "e"]  # two rows: too few to compare the pair (min_pair_rows)
    assert "skipped" in report.factors


def test_by_brand_screens_each_brand():
    rng = np.random.default_rng(14)
    n = 900
    brand = np.where(np.arange(n) % 3 == 0, "A", "B")
    x = np.where(brand == "A", 1.0, rng.normal(size=n))  # constant within A only
    report = scr.screen(_frame(n, x=x, y=rng.normal(size=n)), CFG, by_brand=True)
    assert list(report.brands) == ["A", "B"]
    assert _by_name(report.brands["A"])["x"]["reason"] == "constant"
    assert report.brands["A"].rows == 300 and _by_name(report.brands["B"])["x"]["status"] == "kept"
    assert "x" in report.kept
    assert report.to_dict()["brands"]["A"]["rows"] == 300


# ---------------------------------------------------------------- factor-analysis view

def _kmo_by_hand(X):
    """KMO with partial correlations from regression residuals, by loops."""
    n, p = X.shape
    r = np.corrcoef(X, rowvar=False)
    a = np.zeros((p, p))
    for i in range(p):
        for j in range(p):
            if i == j:
                continue
            rest = [k for k in range(p) if k not in (i, j)]
            D = np.column_stack([np.ones(n), X[:, rest]])
            ri = X[:, i] - D @ np.linalg.lstsq(D, X[:, i], rcond=None)[0]
            rj = X[:, j] - D @ np.linalg.lstsq(D, X[:, j], rcond=None)[0]
            a[i, j] = np.corrcoef(ri, rj)[0, 1]
    num = sum(r[i, j] ** 2 for i in range(p) for j in range(p) if i != j)
    den = num + sum(a[i, j] ** 2 for i in range(p) for j in range(p) if i != j)
    per = [sum(r[i, j] ** 2 for j in range(p) if j != i)
           / (sum(r[i, j] ** 2 for j in range(p) if j != i) + sum(a[i, j] ** 2 for j in range(p) if j != i))
           for i in range(p)]
    return num / den, per


def test_kmo_and_bartlett_match_the_formulas():
    rng = np.random.default_rng(15)
    n = 300
    f = rng.normal(size=(n, 2))
    X = np.column_stack([f[:, 0] + rng.normal(0, 0.7, n), f[:, 0] + rng.normal(0, 0.9, n),
                         f[:, 1] + rng.normal(0, 0.6, n), f[:, 1] + f[:, 0] * 0.3 + rng.normal(0, 0.8, n),
                         rng.normal(size=n)])
    r = np.corrcoef(X, rowvar=False)
    overall, per = scr.kmo(r)
    want, want_per = _kmo_by_hand(X)
    assert overall == pytest.approx(want, abs=1e-10)
    assert per == pytest.approx(want_per, abs=1e-10)
    chi2, df, pval = scr.bartlett(r, n)
    p = 5
    want_chi2 = -(n - 1 - (2 * p + 5) / 6) * math.log(np.linalg.det(r))
    assert df == 10 and chi2 == pytest.approx(want_chi2, rel=1e-10)
    assert pval == pytest.approx(st.chi2.sf(want_chi2, 10), rel=1e-8)


def test_parallel_thresholds_match_brute_force_simulation():
    n, p = 150, 5
    got = scr.parallel_thresholds(n, p, iterations=2000, quantile=0.95, seed=1)
    rng = np.random.default_rng(99)
    sims = np.array([np.linalg.eigvalsh(np.corrcoef(rng.normal(size=(n, p)), rowvar=False))[::-1] for _ in range(2000)])
    assert got == pytest.approx(np.quantile(sims, 0.95, axis=0), abs=0.03)
    assert (got == scr.parallel_thresholds(n, p, 2000, 0.95, 1)).all()  # seeded


def test_factor_view_finds_planted_factors():
    rng = np.random.default_rng(16)
    n = 3000
    f = rng.normal(size=(n, 2))
    X = np.column_stack([f[:, k // 3] + rng.normal(0, 0.8, n) for k in range(6)])
    names = [f"v{k}" for k in range(6)]
    fa = scr.factor_view(X, names, iterations=50, seed=0)
    vals = np.linalg.eigvalsh(np.corrcoef(X, rowvar=False))[::-1]
    assert fa["eigenvalues"] == pytest.approx(vals)
    assert fa["n_factors"] == {"kaiser": int((vals > 1).sum()), "parallel": 2}
    dominant = [row["dominant_factor"] for row in fa["loadings"]]
    assert dominant[:3] == [dominant[0]] * 3 and dominant[3:] == [dominant[3]] * 3 and dominant[0] != dominant[3]
    L = np.array([row["loadings"] for row in fa["loadings"]])
    # rotation keeps communalities: those of the first two principal components
    w, V = np.linalg.eigh(np.corrcoef(X, rowvar=False))
    pcs = V[:, -2:] * np.sqrt(w[-2:])
    assert (L ** 2).sum(axis=1) == pytest.approx((pcs ** 2).sum(axis=1))
    assert (np.sort(np.abs(L), axis=1)[:, 0] < 0.2).all()  # simple structure after varimax
    assert (np.sort(np.abs(L), axis=1)[:, 1] > 0.7).all()


# ---------------------------------------------------------------- the generator's planted data

@pytest.fixture(scope="module")
def generated_features(tmp_path_factory) -> pl.DataFrame:
    from segment.features import compute
    from segment.synth import generate

    folder = tmp_path_factory.mktemp("gen")
    generate(folder, customers=3000, months=4, seed=5)
    with compute(find_inputs(folder), config.Config()) as fs:
        return fs.frame()


def test_generator_near_empty_and_near_constant_indicators_are_dropped(generated_features):
    df = generated_features
    report = scr.screen(df, CFG, by_brand=True)
    v = _by_name(report)
    n = df.height
    missing = {c for c in df.columns[2:] if df[c].null_count() / n > 0.5}
    assert "age" in missing  # birth years are known for few prepaid lines
    for c in df.columns[2:]:
        col = df[c].drop_nulls()
        share = col.value_counts()["count"].max() / len(col) if len(col) else None
        if c in missing:
            assert v[c]["reason"] == "missing", c
        elif col.n_unique() == 1:
            assert v[c]["reason"] == "constant", c
        elif share >= 0.95:
            assert v[c]["reason"] == "single_value", c
            assert v[c]["statistic"] == pytest.approx(share, rel=1e-5)
        else:
            assert v[c]["reason"] not in ("missing", "constant", "single_value"), c
    # planted rarities: international travellers and competitor hotline calls
    assert v["roaming_international_events"]["reason"] == "single_value"
    assert v["competitor_hotline_calls"]["reason"] == "single_value"
    # GoTone lines are mostly registered: age is available there
    assert _by_name(report.brands["GoTone"])["age"]["reason"] != "missing"
    # redundant pairs the generator builds: one of each survives
    # (months_overdue, a count of the same late months, joined the group of the overdue measures)
    assert sum(x in report.kept for x in ("overdue_days", "max_overdue_days", "months_with_arrears",
                                          "months_overdue")) == 1
    assert len(report.kept) >= 25


def test_json_matches_the_documented_schema(generated_features):
    report = scr.screen(generated_features, CFG, by_brand=True, factors=True)
    d = json.loads(json.dumps(report.to_dict(), allow_nan=False))
    _check_schema(d, top=True)
    assert set(d["brands"]) == {"GoTone", "M-Zone", "Easyown"}
    for sub in d["brands"].values():
        _check_schema(sub, top=False)


def _check_schema(d, top):
    keys = {"rows", "summary", "variables", "groups", "thresholds", "factors", "brands"} | ({"version"} if top else set())
    assert set(d) == keys
    assert not top or d["version"] == 1
    assert isinstance(d["rows"], int)
    names = set()
    for v in d["variables"]:
        assert set(v) == set(_VAR_KEYS)
        assert v["status"] in ("kept", "dropped", "not_screened")
        names.add(v["name"])
        if v["status"] == "dropped":
            assert v["reason"] in (*scr.CHECKS, "correlated") and v["threshold"] is not None
            if v["reason"] == "correlated":
                assert isinstance(v["correlated_with"], str) and 0.85 <= v["abs_r"] <= 1
        elif v["status"] == "kept":
            assert v["reason"] is None and v["correlated_with"] is None
        if v["stats"] is not None:
            assert set(v["stats"]) == set(scr.STATS)
    for g in d["groups"]:
        assert set(g) == {"id", "members", "kept", "max_abs_r", "rsquare"} and set(g["kept"]) <= set(g["members"])
    assert set(d["thresholds"]) >= {"max_missing", "max_mode_share", "min_cv", "max_abs_r", "priority"}
    fa = d["factors"]
    assert set(fa) >= {"rows", "note", "kmo", "kmo_per_variable", "bartlett", "n_factors", "loadings", "eigenvalues"}
    assert {row["name"] for row in fa["loadings"]} == {v["name"] for v in d["variables"] if v["status"] == "kept"}


def test_config_section(tmp_path):
    p = tmp_path / "segment.toml"
    p.write_text('[screening]\nmax_abs_r = 0.9\nmin_cv = 0\npriority = ["total_fee", "data_mb"]\n')
    cfg = config.load(p)
    assert cfg.screening == ScreeningConfig(max_abs_r=0.9, min_cv=0.0, priority=("total_fee", "data_mb"))
    assert cfg.to_dict()["screening"]["priority"] == ["total_fee", "data_mb"]
    assert config.Config().screening == ScreeningConfig()
    for bad, msg in (("max_abs_r = 1.5", "max_abs_r"), ("correlation = 'kendall'", "correlation"),
                     ("max_corr = 0.9", "unknown setting 'max_corr'")):
        p.write_text(f"[screening]\n{bad}\n")
        with pytest.raises(ConfigError, match=msg):
            config.load(p)
