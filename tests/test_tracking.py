"""Segments over time: `segment compare` of two overlapping windows of one population,
`--previous` keeping numbers and names, and the screening diff naming the statistic that
crossed its threshold."""

import json

import numpy as np
import polars as pl
import pytest
from typer.testing import CliRunner

from segment import config
from segment.screening import screen
from segment.synth import generate
from segment.tracking.screening import diff
from segment_cli.main import app

runner = CliRunner()
FAST = "[clustering]\nbootstrap = 2\nps_repeats = 2\n"


def invoke(*args):
    res = runner.invoke(app, [str(a) for a in args])
    assert res.exit_code == 0, res.stderr[-2000:]
    return res


@pytest.fixture(scope="module")
def windows(tmp_path_factory):
    """One population, two 3-month windows a month apart; B with --previous A, after A's
    GoTone segment 1 was renamed by hand."""
    root = tmp_path_factory.mktemp("windows")
    data = root / "data"
    data.mkdir()
    generate(data, customers=2400, months=4, seed=5)
    cfg = root / "fast.toml"
    cfg.write_text(FAST)
    a, b = root / "a", root / "b"
    invoke("-q", "run", "--data", data, "--end-month", "2026-07", "--config", cfg, "--out", a, "--format", "json")
    model = json.loads((a / "model.json").read_text())
    model["brands"]["GoTone"]["segments"][0]["name"] = "my VIPs"
    (a / "model.json").write_text(json.dumps(model))
    invoke("-q", "run", "--data", data, "--end-month", "2026-08", "--config", cfg, "--out", b, "--previous", a,
           "--format", "json")
    res = invoke("-q", "compare", a, b, "--out", root / "movers.parquet", "--format", "json")
    return a, b, json.loads(res.stdout), root / "movers.parquet"


def test_compare_finds_the_same_segments_in_overlapping_windows(windows):
    a, b, summary, movers = windows
    assert set(summary["brands"]) == {"GoTone", "M-Zone", "Easyown"}
    moved = 0
    for brand, c in summary["brands"].items():
        cust = c["customers"]
        assert c["matched_by"] == "customers" and cust["share_in_matched_segment"] >= 0.95, (brand, cust)
        assert sum(t["customers"] for t in c["transitions"]) == cust["shared"]  # the matrix holds every shared customer
        rows = {}
        for t in c["transitions"]:
            rows.setdefault(t["segment_a"], []).append(t["share"])
        assert all(abs(sum(s) - 1) < 1e-5 for s in rows.values())  # shares of each A segment (6 digits)
        assert c["k"]["prediction_strength_a"] and c["k"]["prediction_strength_b"]  # both curves, for the evidence
        assert c["drift"] and all(d["psi"] is not None and d["psi"] >= 0 for d in c["drift"])
        moved += cust["movers"]
    written = pl.read_parquet(movers)
    assert written.height == moved == summary["movers"]
    assert written.columns == ["customer_id", "brand", "segment_a", "name_a", "segment_b", "name_b", "matched_b"]


def test_previous_keeps_the_numbers_and_the_names(windows):
    a, b, summary, _ = windows
    before, after = (pl.read_parquet(x / "assignments.parquet") for x in (a, b))
    both = before.join(after, on=["customer_id", "brand"], suffix="_b")
    for brand, part in both.group_by("brand"):
        assert (part["segment"] == part["segment_b"]).mean() >= 0.95, brand
    model_a, model_b = (json.loads((x / "model.json").read_text()) for x in (a, b))
    for brand, m in model_b["brands"].items():
        evidence = m["previous"]
        assert evidence["run"] == str(a) and evidence["matched_by"] == "customers"
        names_a = {s["segment"]: s["name"] for s in model_a["brands"][brand]["segments"]}
        for s, e in zip(m["segments"], evidence["segments"]):
            assert s["segment"] == e["segment"]
            if e["previous"] is not None:
                assert e["previous"] == s["segment"] and s["name"] == names_a[s["segment"]]
                assert e["jaccard"] >= 0.5 and e["shared"] > 0
    assert model_b["brands"]["GoTone"]["segments"][0]["name"] == "my VIPs"
    assert {s["name"] for s in json.loads((b / "profiles.json").read_text())["brands"]["GoTone"]["segments"]} >= {"my VIPs"}
    manifest = json.loads((b / "manifest.json").read_text())
    assert {i["path"] for i in manifest["inputs"] if i["role"] == "previous"} >= {str(a / "model.json"),
                                                                                  str(a / "assignments.parquet")}


def test_without_previous_numbers_follow_size(windows):
    a, _, _, _ = windows
    for brand, b in json.loads((a / "profiles.json").read_text())["brands"].items():
        sizes = [s["size"] for s in b["segments"]]
        assert [s["segment"] for s in b["segments"]] == list(range(1, len(sizes) + 1))
        assert sizes == sorted(sizes, reverse=True)


def _table(n: int, zeros: float, rho: float, seed: int) -> pl.DataFrame:
    """An id, a zero-inflated indicator whose most frequent value (0) has ``zeros`` of the
    rows, and a pair of indicators correlated at about ``rho``."""
    rng = np.random.default_rng(seed)
    x = rng.normal(size=n)
    return pl.DataFrame({
        "customer_id": np.arange(1, n + 1),
        "fee_share": np.where(np.arange(n) < round(zeros * n), 0.0, rng.uniform(0.1, 1.0, n)),
        "u": x,
        "v": rho * x + np.sqrt(1 - rho * rho) * rng.normal(size=n),
        "w": rng.normal(size=n),
    })


def test_the_screening_diff_names_the_statistic_and_both_values():
    cfg = config.Config().screening  # single_value from a mode share of 95%, correlated from |r| 0.85
    fa, fb = _table(4000, 0.948, 0.80, 1), _table(4000, 0.952, 0.90, 1)
    ra, rb = screen(fa, cfg, brand_col=None), screen(fb, cfg, brand_col=None)
    rows = {r["indicator"]: r for r in diff(ra.to_dict(), rb.to_dict(), fa, fb)}
    fee = rows["fee_share"]
    assert (fee["status_a"], fee["status_b"], fee["rule"], fee["statistic"]) == ("kept", "dropped", "single_value",
                                                                                 "mode_share")
    assert (fee["value_a"], fee["value_b"], fee["threshold"]) == (pytest.approx(0.948), pytest.approx(0.952), 0.95)
    assert "fee_share: kept → dropped (single_value); single_value 94.8% → 95.2% (threshold 95.0%)" == fee["text"]
    (name, r), = [(n, r) for n, r in rows.items() if n in ("u", "v")]  # one of the pair is dropped in B
    assert r["rule"] == "correlated" and r["correlated_with"] == ({"u", "v"} - {name}).pop()
    # A kept both, so its |r| comes from A's own indicators; B's is the one screening recorded
    assert r["value_a"] == pytest.approx(0.80, abs=0.03) and r["value_b"] == pytest.approx(0.90, abs=0.03)
    assert r["value_a"] < r["threshold"] == 0.85 <= r["value_b"]
    assert "w" not in rows and set(rows) == {"fee_share", name}
