"""Names set by hand (--names) used everywhere; why a customer is in its segment (why_1..3);
categories one-hot encoded for clustering, replayed by model.sql, score and rules.sql."""

from __future__ import annotations

import json
import math

import duckdb
import numpy as np
import polars as pl
import pytest
from typer.testing import CliRunner

from segment import model as modelmod, why
from segment.prepare import VariablePrep, apply_variable
from segment_cli.main import app

from telco import FAST, telco

runner = CliRunner()
ROLES = ["--id", "customer_id", "--brand", "contract", "--revenue", "monthly_charges"]


def invoke(*args):
    return runner.invoke(app, [str(a) for a in args], env={"COLUMNS": "200", "NO_COLOR": "1"})


def _sql(query: str, table: pl.DataFrame) -> pl.DataFrame:
    con = duckdb.connect()
    con.register("features", table.to_arrow())
    return con.sql(query).pl()


@pytest.fixture(scope="module")
def onehot(tmp_path_factory):
    """cluster with categorical = "onehot" and a names file."""
    folder = tmp_path_factory.mktemp("onehot")
    table = folder / "telco.csv"
    telco(n=400, seed=1).write_csv(table)
    cfg = folder / "c.toml"
    cfg.write_text(FAST + 'categorical = "onehot"\n')
    names = folder / "names.toml"
    names.write_text('["Month-to-month"]\n1 = "Loyal ones"\n9 = "Nine"\n\n[Nope]\n1 = "x"\n', encoding="utf-8")
    res = invoke("cluster", "--features", table, *ROLES, "--k", "2", "--config", cfg, "--names", names,
                 "--out", folder / "seg", "--format", "json")
    assert res.exit_code == 0, res.stderr
    return table, cfg, folder, res


def test_names_are_used_everywhere_and_unknown_ones_are_warnings(onehot):
    table, _, folder, res = onehot
    run = folder / "seg"
    warnings = [x for x in res.stderr.splitlines() if x.startswith("warning:")]
    assert any("'Nope' is not in the run" in w for w in warnings), res.stderr
    assert any("[Month-to-month] has no segment 9" in w for w in warnings), res.stderr
    profiles = json.loads((run / "profiles.json").read_text())
    names = {(b, s["segment"]): s["name"] for b, v in profiles["brands"].items() for s in v["segments"]}
    assert names[("Month-to-month", 1)] == "Loyal ones" and names[("Month-to-month", 2)] != "Loyal ones"
    model = json.loads((run / "model.json").read_text())
    assert {(b, s["segment"]): s["name"] for b, v in model["brands"].items() for s in v["segments"]} == names
    a = pl.read_parquet(run / "assignments.parquet")
    assert set(a.filter((pl.col("brand") == "Month-to-month") & (pl.col("segment") == 1))["segment_name"]) == {"Loyal ones"}
    via_sql = _sql((run / "model.sql").read_text(encoding="utf-8"), pl.read_csv(table))
    assert via_sql.select("customer_id", "segment", "segment_name").equals(a.select("customer_id", "segment", "segment_name"))
    # profile --names renames what it shows
    other = folder / "other.toml"
    other.write_text('["One year"]\n2 = "Renamed"\n')
    shown = json.loads(invoke("profile", "--run", run, "--names", other, "--format", "json").stdout)
    assert next(s["name"] for s in shown["brands"]["One year"]["segments"] if s["segment"] == 2) == "Renamed"


@pytest.mark.parametrize("text, fragment", [
    ('[GoTone]\n1 = ""\n', "non-empty"),
    ('[GoTone]\nfirst = "A"\n', "not a segment number"),
    ('[GoTone]\n1 = "A"\n2 = "A"\n', "given to two segments"),
    ("[GoTone\n", "not valid TOML"),
])
def test_a_bad_names_file_is_exit_3(onehot, tmp_path, text, fragment):
    bad = tmp_path / "names.toml"
    bad.write_text(text)
    res = invoke("profile", "--run", onehot[2] / "seg", "--names", bad)
    assert res.exit_code == 3 and fragment in res.stderr, res.stderr


def test_onehot_categories_are_recorded_and_replayed_by_model_sql_score_and_rules(onehot, tmp_path):
    table, _, folder, _ = onehot
    run = folder / "seg"
    model = json.loads((run / "model.json").read_text())
    assert model["version"] == 3  # older readers must refuse it: they cannot compute the one-hot columns
    encoded = {v["name"]: v["encoding"] for b in model["brands"].values() for v in b["variables"] if "encoding" in v}
    assert encoded["internet_service=Fiber optic"] == {"column": "internet_service", "category": "Fiber optic"}
    assert encoded["partner=Yes"] == {"column": "partner", "category": "Yes"}
    assert "churn" not in {v["name"] for b in model["brands"].values() for v in b["variables"]}
    a = pl.read_parquet(run / "assignments.parquet")
    frame = pl.read_csv(table)
    assert _sql((run / "model.sql").read_text(encoding="utf-8"), frame)["segment"].cast(pl.Int32).equals(a["segment"])
    scored = tmp_path / "scored.parquet"
    res = invoke("score", "--model", run, "--features", table, "--out", scored)
    assert res.exit_code == 0, res.stderr
    assert pl.read_parquet(scored).equals(a)
    res = invoke("rules", run, "--features", table, "--out", tmp_path / "rules.sql", "--format", "json")
    assert res.exit_code == 0, res.stderr
    by_rules = _sql((tmp_path / "rules.sql").read_text(encoding="utf-8"), frame)
    agreeing = by_rules.join(a, on="customer_id").filter(pl.col("segment") == pl.col("segment_right")).height
    assert json.loads(res.stdout)["agreement"] == pytest.approx(agreeing / a.height, abs=1e-6)


def test_same_input_same_bytes_whatever_the_column_order(onehot, tmp_path):
    table, cfg, folder, _ = onehot
    reversed_table = tmp_path / "rev.csv"
    frame = pl.read_csv(table)
    frame.select(frame.columns[::-1]).write_csv(reversed_table)
    res = invoke("cluster", "--features", reversed_table, *ROLES, "--k", "2", "--config", cfg,
                 "--names", folder / "names.toml", "--out", tmp_path / "seg")
    assert res.exit_code == 0, res.stderr
    for name in ("profiles.json", "model.json", "model.sql", "assignments.parquet"):  # screening.json: table order
        assert (tmp_path / "seg" / name).read_bytes() == (folder / "seg" / name).read_bytes(), name


def _identity(name: str) -> dict:
    return VariablePrep(name, 0.0, False, -1e9, 1e9, 0.0, 1.0, 0).to_dict()


def test_why_by_hand_kmeans_and_gmm():
    frame = pl.DataFrame({"id": [1, 2], "a": [0.5, 2.0], "b": [3.0, -1.0]})
    brand = {"variables": [_identity("a"), _identity("b")],
             "segments": [{"segment": 1, "center": [0.0, 0.0]}, {"segment": 2, "center": [2.0, 0.0]}]}
    got = why.explain(brand, frame, np.array([1, 2]))
    # customer 1: a adds (0.5 - 2)^2 - 0.5^2 = 2 to its margin over segment 2, b adds 3^2 - 3^2 = 0
    assert got["why_1"].tolist() == ["a", "a"] and got["why_2"].tolist() == [None, None]
    assert got["why_1_z"].tolist() == [0.5, 2.0]
    gmm = {**brand, "method": "gmm", "segments": [
        {"segment": 1, "center": [0.0, 0.0], "variances": [1.0, 1.0], "log_det_weight": 0.0},
        {"segment": 2, "center": [3.0, 1.0], "variances": [4.0, 1.0], "log_det_weight": 0.0}]}
    T = why.terms(gmm, np.array([[1.0, 0.5]]), np.array([0]))
    # a: (1 - 3)^2 / 4 + ln 4 - 1^2 - ln 1; b: (0.5 - 1)^2 - 0.5^2 = 0
    assert T[0].tolist() == pytest.approx([1.0 + math.log(4.0) - 1.0, 0.0])


def test_why_terms_sum_to_the_margin_over_the_runner_up_in_the_within_metric(onehot):
    table, _, folder, _ = onehot
    model = json.loads((folder / "seg" / "model.json").read_text())
    frame = pl.read_csv(table)
    a = pl.read_parquet(folder / "seg" / "assignments.parquet")
    for name, brand in model["brands"].items():
        assert "projection" in brand
        rows = a.filter(pl.col("brand") == name).join(frame, on="customer_id", how="left", maintain_order="left")
        U = modelmod.prepared(brand, rows)  # projected, as model.sql
        C = np.array([s["center"] for s in brand["segments"]])
        d = ((U[:, None, :] - C[None]) ** 2).sum(axis=2)
        own = np.array([[s["segment"] for s in brand["segments"]].index(x) for x in rows["segment"]])
        others = d.copy()
        others[np.arange(len(own)), own] = np.inf
        margin = others.min(axis=1) - d[np.arange(len(own)), own]
        Z = modelmod.with_encoded(rows, brand["variables"])
        Z = np.column_stack([apply_variable(VariablePrep.from_dict(v), Z[v["name"]].cast(pl.Float64).to_numpy())
                             for v in brand["variables"]])
        T = why.terms(brand, Z, own)
        assert T.sum(axis=1) == pytest.approx(margin, rel=1e-6, abs=1e-9)
        names = [v["name"] for v in brand["variables"]]
        best = [names[j] if T[i, j] > 0 else None for i, j in enumerate(T.argmax(axis=1))]
        assert rows["why_1"].to_list() == best
        z1 = [Z[i, names.index(n)] if n else None for i, n in enumerate(best)]
        assert rows["why_1_z"].to_list() == pytest.approx(z1)


def test_run_takes_names_and_verify_checks_the_names_file(tmp_path):
    from pathlib import Path

    names = tmp_path / "names.toml"
    names.write_text('[GoTone]\n1 = "Gold callers"\n')
    cfg = tmp_path / "c.toml"
    cfg.write_text("[clustering]\nbootstrap = 2\nps_repeats = 2\nk = 2\n")
    out = tmp_path / "run"
    sample = Path(__file__).resolve().parent.parent / "sample_data"
    res = invoke("-q", "run", "--data", sample, "--config", cfg, "--names", names, "--out", out, "--format", "csv")
    assert res.exit_code == 0, res.stderr
    a = pl.read_parquet(out / "assignments.parquet")
    assert set(a.filter((pl.col("brand") == "GoTone") & (pl.col("segment") == 1))["segment_name"]) == {"Gold callers"}
    assert a.columns[-6:] == list(why.COLUMNS)
    names.write_text('[GoTone]\n1 = "Changed"\n')
    res = invoke("-q", "verify", out)
    assert res.exit_code == 4 and "names.toml" in res.stderr, res.stderr
