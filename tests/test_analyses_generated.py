"""Acceptance on the generator's data (3,000 customers, 4 months), read against truth.parquet.

The analyses run on a 4-month window, the whole generated period, so the planted
quantities (the tier from the expected monthly bill, the preferred channel over all
contacts, the leavers) describe the same span as the data. Comparison populations:
* tiers: every customer of the window (a bill or an event in it: all 3,000);
* channels: the customers with at least min_contacts (3) contacts, those who get a
  preferred channel at all (customers below the minimum get 'none' by design);
* churn: every customer of the window, split by truth.leaving.
"""

from __future__ import annotations

import polars as pl
import pytest

from segment import channels, churn, config, value
from segment.io.inputs import find_inputs
from segment.features import compute
from segment.synth import generate


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    folder = tmp_path_factory.mktemp("gen")
    generate(folder, customers=3000, months=4, seed=11)
    truth = pl.read_parquet(folder / "truth.parquet")
    cfg = config.Config().replace(features={"months": 4})
    with compute(find_inputs(folder), cfg) as fs:
        v = value.analyse(fs, cfg)
        c = churn.assess(fs, cfg, value=v)
        ch = channels.analyse(fs, cfg)
    return truth, v, c, ch


def test_value_tiers_match_the_planted_ones(generated):
    truth, v, _, _ = generated
    d = v.customers.join(truth, on="customer_id")
    assert d.height == truth.height == 3000
    rate = (d["arpu_tier"] == d["planted_tier"]).mean()
    print(f"tier match {rate:.4f} of {d.height}")
    assert rate >= 0.95


def test_preferred_channels_match_the_planted_ones(generated):
    truth, _, _, ch = generated
    d = ch.customers.join(truth, on="customer_id", suffix="_planted").filter(pl.col("preferred_channel") != "none")
    assert d.height >= 0.95 * truth.height
    rate = (d["preferred_channel"] == d["preferred_channel_planted"]).mean()
    print(f"channel match {rate:.4f} of {d.height}")
    assert rate >= 0.95


def test_leavers_are_flagged_far_more_often(generated):
    truth, _, c, _ = generated
    d = c.customers.join(truth, on="customer_id").with_columns(
        flagged=pl.col("stage").is_in(["alert", "churned"]))
    leavers = d.filter(pl.col("leaving"))["flagged"].mean()
    others = d.filter(~pl.col("leaving"))["flagged"].mean()
    print(f"alert or churned: leavers {leavers:.4f}, others {others:.4f}")
    assert leavers >= 0.9
    assert others <= 0.05
    assert leavers >= 10 * others
    # planted churners carry churn_date: every one is 'churned'
    assert d.filter(pl.col("churned"))["stage"].unique().to_list() == ["churned"]


def test_summaries_are_consistent(generated):
    truth, v, c, ch = generated
    s = v.summary()
    assert sum(s["tiers"]["overall"].values()) == 3000
    assert 0 < s["concentration"]["overall"]["gini"] < 1
    assert s["groups"]["available"] and sum(r["lines"] for r in s["groups"]["classes"]) > 0
    assert sum(c.summary()["stages"].values()) == 3000
    assert ch.summary()["customers_with_contacts"] > 2900
