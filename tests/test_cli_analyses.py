"""`segment value|churn|channels` from the command line: exit code, stdout and stderr
checked separately; --format json equals the library's result."""

from __future__ import annotations

import csv
import io as stdio
import json

import polars as pl
import pytest
from typer.testing import CliRunner

from analysis_tables import write_rule_tables
from segment import channels, churn, config, value
from segment.io.inputs import find_inputs
from segment.features import compute
from segment_cli.main import app

runner = CliRunner()
COMMANDS = ("value", "churn", "channels")


def invoke(*args):
    return runner.invoke(app, [str(a) for a in args])


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    return write_rule_tables(tmp_path_factory.mktemp("rules"))


@pytest.mark.parametrize("command", COMMANDS)
def test_help(command):
    res = invoke(command, "--help")
    assert res.exit_code == 0 and "Example" in res.stdout


@pytest.mark.parametrize("command,module,fn", [
    ("value", value, "analyse"), ("churn", churn, "assess"), ("channels", channels, "analyse")])
def test_json_equals_the_library_and_out_is_one_row_per_customer(data, tmp_path, command, module, fn):
    out = tmp_path / f"{command}.parquet"
    res = invoke("-q", command, "--data", data, "--format", "json", "--out", out)
    assert res.exit_code == 0, res.stderr
    assert res.stderr == ""
    got = json.loads(res.stdout)
    cfg = config.Config()
    with compute(find_inputs(data), cfg) as fs:
        lib = getattr(module, fn)(fs, cfg)
        expected = json.loads(json.dumps(lib.summary(), default=str))
    assert got["out"] == str(out)
    assert {k: v for k, v in got.items() if k not in ("out", "list")} == expected
    written = pl.read_parquet(out)
    assert written.equals(lib.customers)


@pytest.mark.parametrize("command", COMMANDS)
def test_table_goes_to_stdout_progress_to_stderr(data, command):
    res = invoke(command, "--data", data)
    assert res.exit_code == 0, res.stderr
    assert "Window" in res.stdout and "Traceback" not in res.stderr
    assert f"segment {command}:" in res.stderr


def test_value_table_draws_the_lorenz_curve(data):
    res = invoke("-q", "value", "--data", data)
    assert "Lorenz curve" in res.stdout and "share of customers" in res.stdout


def test_csv_is_data_only(data):
    res = invoke("-q", "churn", "--data", data, "--format", "csv")
    assert res.exit_code == 0
    rows = list(csv.reader(stdio.StringIO(res.stdout)))
    assert rows[0] == ["key", "value"]
    assert ["stages.churned", "2"] in rows


def test_churn_list_writes_one_stage_by_value_score(data, tmp_path):
    out = tmp_path / "alert.csv"
    res = invoke("-q", "churn", "--data", data, "--list", "alert", "--out", out)
    assert res.exit_code == 0, res.stderr
    df = pl.read_csv(out, schema_overrides={"customer_id": pl.Utf8})
    from segment.campaign import LEAD, TAIL

    assert df.columns == [*LEAD, "stage", "reasons", *TAIL]
    assert df["stage"].unique().to_list() == ["alert"]
    assert df["customer_id"].to_list() == ["10", "16", "17"]


def test_bad_stage_is_a_usage_error(data):
    res = invoke("churn", "--data", data, "--list", "gone")
    assert res.exit_code == 2 and res.stdout == ""


def test_refuses_to_overwrite_without_force(data, tmp_path):
    out = tmp_path / "v.csv"
    out.write_text("precious")
    res = invoke("value", "--data", data, "--out", out)
    assert res.exit_code == 2 and "already exists (use --force" in res.stderr
    assert out.read_text() == "precious"
    assert invoke("value", "--data", data, "--out", out, "--force").exit_code == 0
    assert pl.read_csv(out).height == 18


def test_bad_out_suffix(data, tmp_path):
    res = invoke("channels", "--data", data, "--out", tmp_path / "c.xls")
    assert res.exit_code == 2 and "must end in .parquet, .csv or .xlsx" in res.stderr


def test_no_interactions_channels_exit_3_others_run(tmp_path):
    d = write_rule_tables(tmp_path / "d", with_interactions=False)
    res = invoke("channels", "--data", d)
    assert res.exit_code == 3 and res.stdout == ""
    lines = res.stderr.strip().splitlines()
    assert lines[-1].startswith("error: channels: no interactions table") and "Traceback" not in res.stderr
    res = invoke("-q", "churn", "--data", d, "--format", "json")
    assert res.exit_code == 0
    rule = next(r for r in json.loads(res.stdout)["rules"] if r["name"] == "more_complaints")
    assert rule["available"] is False
    assert invoke("-q", "value", "--data", d).exit_code == 0


def test_empty_group_id_is_explained(tmp_path):
    d = write_rule_tables(tmp_path / "d", with_groups=False)
    res = invoke("-q", "value", "--data", d)
    assert res.exit_code == 0 and "Group classes" in res.stdout and "skipped" in res.stdout


def test_segments_file(data, tmp_path):
    seg = tmp_path / "assignments.csv"
    seg.write_text("customer_id,segment,brand\n1,0,GoTone\n2,1,GoTone\n")
    res = invoke("-q", "channels", "--data", data, "--segments", seg, "--format", "json")
    assert res.exit_code == 0, res.stderr
    rows = json.loads(res.stdout)["preferred"]["by_segment"]
    assert {(r["brand"], r["segment"]) for r in rows} == {("GoTone", "0"), ("GoTone", "1"),
                                                          ("GoTone", "unassigned"), ("Easyown", "unassigned")}
    bad = tmp_path / "bad.csv"
    bad.write_text("id,cluster\n1,0\n")
    res = invoke("value", "--data", data, "--segments", bad)
    assert res.exit_code == 3 and "segments" in res.stderr and "customer_id" in res.stderr


def test_outputs_are_byte_identical_across_threads(data, tmp_path):
    for command in COMMANDS:
        a, b = tmp_path / f"{command}1.parquet", tmp_path / f"{command}2.parquet"
        assert invoke("-q", command, "--data", data, "--out", a, "--threads", 1).exit_code == 0
        assert invoke("-q", command, "--data", data, "--out", b, "--threads", 2).exit_code == 0
        assert a.read_bytes() == b.read_bytes(), command


# ---------------------------------------------------------------- campaign lists


def _csv(text: str) -> list[dict]:
    return list(csv.DictReader(stdio.StringIO(text)))


@pytest.fixture(scope="module")
def per_customer(data, tmp_path_factory):
    """Every customer's stage, tier, score and preferred channel, from the full outputs."""
    folder = tmp_path_factory.mktemp("full")
    for command in COMMANDS:
        assert invoke("-q", command, "--data", data, "--out", folder / f"{command}.csv").exit_code == 0
    tables = {c: pl.read_csv(folder / f"{c}.csv", infer_schema_length=0) for c in COMMANDS}
    joined = tables["churn"].join(tables["channels"].select("customer_id", "preferred_channel"), on="customer_id")
    segments = joined.select("customer_id", pl.lit("7").alias("segment"), pl.lit("night owls").alias("segment_name"))
    segments.write_csv(folder / "segments.csv")
    return joined, tables["value"], folder / "segments.csv"


def test_a_retention_list_is_printed_with_what_a_campaign_needs(data, per_customer):
    joined, _, segments = per_customer
    res = invoke("-q", "churn", "--data", data, "--list", "alert", "--segments", segments, "--format", "csv")
    assert res.exit_code == 0, res.stderr
    rows = _csv(res.stdout)
    expected = joined.filter(pl.col("stage") == "alert")
    assert sorted(r["customer_id"] for r in rows) == sorted(expected["customer_id"].to_list()) and rows
    assert list(rows[0]) == ["customer_id", "brand", "segment", "segment_name", "stage", "reasons", "arpu_tier",
                             "value_score", "preferred_channel"]
    by_id = {r["customer_id"]: r for r in expected.iter_rows(named=True)}
    for r in rows:
        e = by_id[r["customer_id"]]
        assert (r["segment"], r["segment_name"]) == ("7", "night owls")
        assert (r["reasons"], r["arpu_tier"], r["value_score"], r["preferred_channel"]) == (
            e["reasons"], e["arpu_tier"], e["value_score"], e["preferred_channel"])
    scores = [float(r["value_score"]) for r in rows]
    assert scores == sorted(scores, reverse=True)  # the campaign takes the first N


def test_value_and_channels_lists_and_their_notes(data, per_customer, tmp_path):
    joined, value_rows, _ = per_customer
    out = tmp_path / "tier_c.parquet"
    res = invoke("-q", "value", "--data", data, "--list", "C", "--out", out, "--format", "json")
    assert res.exit_code == 0, res.stderr
    listed = pl.read_parquet(out)
    assert listed["customer_id"].cast(pl.Utf8).sort().to_list() == \
        value_rows.filter(pl.col("arpu_tier") == "C")["customer_id"].sort().to_list()
    summary = json.loads(res.stdout)
    assert summary["listed"] == listed.height and listed["segment"].null_count() == listed.height
    assert any("no --segments" in n for n in summary["list_notes"])
    res = invoke("-q", "channels", "--data", data, "--list", "web", "--format", "csv")
    assert res.exit_code == 0 and {r["preferred_channel"] for r in _csv(res.stdout)} <= {"web"}
    bad = invoke("value", "--data", data, "--list", "Z")
    assert bad.exit_code == 2 and bad.stderr.strip() == "error: --list Z: choose from A, B, C"
