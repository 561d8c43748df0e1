"""segment rules: the rules reproduce the model as measured, rules.sql reproduces the rules
exactly, and a planted one-variable split is found as a plain rule."""

from __future__ import annotations

from pathlib import Path

import duckdb
import numpy as np
import polars as pl
import pytest
from typer.testing import CliRunner

from segment import jobs, model as modelmod, rules
from segment.jobs.rules import Request
from segment_cli.main import app

ROOT = Path(__file__).resolve().parent.parent
runner = CliRunner()


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    folder = tmp_path_factory.mktemp("rules")
    features = folder / "features.parquet"
    for args in (["features", "--data", ROOT / "sample_data", "--out", features],
                 ["cluster", "--features", features, "--out", folder / "seg", "--k", "3"]):
        assert runner.invoke(app, ["-q", *map(str, args)]).exit_code == 0
    return folder / "seg", features


def test_rules_sql_reproduces_the_rules_and_the_agreement_is_the_one_measured(run):
    folder, features = run
    outcome = jobs.run_job("rules", Request(run=folder, features=features))
    frame = pl.read_parquet(features)
    con = duckdb.connect()
    con.register("features", frame)
    by_sql = con.sql((folder / "rules.sql").read_text()).pl()
    model = modelmod.load(folder)
    assigned = modelmod.score(model, frame)
    both = by_sql.join(assigned.select("customer_id", pl.col("segment").alias("model")), on="customer_id")
    assert both.height == frame.height
    agreement = (both["segment"] == both["model"]).mean()
    assert outcome.summary["agreement"] == pytest.approx(agreement, abs=1e-6) and agreement > 0.8
    for b in outcome.summary["brands"]:  # the tree, refitted, predicts what the SQL assigns
        part = frame.join(assigned.select("customer_id", "segment"), on="customer_id").filter(pl.col("brand") == b["brand"])
        labels = part["segment"].to_numpy().astype(np.int64)
        _, predicted = rules.fit_brand(part, labels, model["brands"][b["brand"]]["variables"], 3, 0.01, model["seed"])
        sql = both.filter(pl.col("brand") == b["brand"]).sort("customer_id")["segment"].to_numpy()
        assert (sql == predicted[np.argsort(part["customer_id"].to_numpy())]).all(), b["brand"]
        assert b["agreeing"] == int((labels == predicted).sum())


def test_a_planted_split_is_found_as_one_plain_rule():
    rng = np.random.default_rng(0)
    x = rng.uniform(0, 10, 400)
    frame = pl.DataFrame({"x": x, "noise": rng.normal(size=400)})
    labels = np.where(x > 6, 2, 1)
    variables = [{"name": "noise", "median": 0.0}, {"name": "x", "median": 5.0}]
    leaves, predicted = rules.fit_brand(frame, labels, variables, 3, 0.01, 1)
    s = rules.summary("b", leaves, labels, predicted, {1: "low", 2: "high"})
    assert s["agreement"] == 1.0
    (high,) = [seg for seg in s["segments"] if seg["segment"] == 2]
    assert [r["rule"].split(" ")[:2] for r in high["rules"]] == [["x", ">"]]
    assert 5.9 < float(high["rules"][0]["rule"].split(" ")[2]) <= 6.1
    assert high["precision"] == high["coverage"] == 1.0
