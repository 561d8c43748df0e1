"""`segment screen` from the command line: exit codes, stdout and stderr checked separately."""

import json
from pathlib import Path

import numpy as np
import polars as pl
import pytest
from typer.testing import CliRunner

from segment import config, roles
from segment.io.inputs import find_inputs
from segment.screening import ROW_COLUMNS, screen
from segment_cli.main import app

runner = CliRunner()
ROOT = Path(__file__).resolve().parent.parent


def invoke(*args):
    return runner.invoke(app, [str(a) for a in args])


def assert_input_error(res, *fragments):
    assert res.exit_code == 3, (res.exit_code, res.stdout, res.stderr)
    assert res.stdout == ""
    lines = [x for x in res.stderr.strip().splitlines() if not x.startswith("segment screen: [")]  # progress
    assert len(lines) == 1 and lines[0].startswith("error: "), res.stderr
    for frag in fragments:
        assert frag in lines[0], (frag, lines[0])
    assert "Traceback" not in res.stderr


@pytest.fixture
def table(tmp_path) -> Path:
    rng = np.random.default_rng(0)
    n = 600
    minutes = rng.gamma(2, 50, n)
    df = pl.DataFrame({
        "msisdn": np.arange(n) + 1000,
        "brand": rng.choice(["GoTone", "M-Zone"], n),
        "minutes_out": minutes,
        "voice_fee": 0.15 * minutes + rng.normal(0, 0.05, n),
        "data_mb": rng.lognormal(3, 1, n),
        "age": pl.Series(np.where(rng.random(n) < 0.8, np.nan, rng.integers(18, 80, n))).fill_nan(None),
        "roaming": np.where(rng.random(n) < 0.98, 0.0, 1.0),
        "vip": rng.choice(["yes", "no"], n),
        "city": rng.choice(["a", "b", "c"], n),
    })
    path = tmp_path / "wide.parquet"
    df.write_parquet(path)
    return path


def test_json_matches_the_library(table):
    res = invoke("screen", "--features", table, "--id", "msisdn", "--format", "json", "--by-brand", "--factors")
    assert res.exit_code == 0, res.stderr
    got = json.loads(res.stdout)
    frame, cfg = pl.read_parquet(table), config.Config()
    lib = screen(frame, cfg.screening, "msisdn", "brand", by_brand=True, factors=True)
    lib.roles = roles.assign(frame, cfg, "msisdn", "brand", lib).to_list()
    assert got == json.loads(json.dumps(lib.to_dict()))
    assert {r["name"]: r["role"] for r in got["roles"]} == {
        "msisdn": "id", "brand": "brand", "minutes_out": "cluster", "voice_fee": "profile", "data_mb": "cluster",  # voice_fee: a revenue angle
        "age": "profile", "roaming": "profile", "vip": "profile", "city": "profile"}
    v = {x["name"]: x for x in got["variables"]}
    assert v["age"]["reason"] == "missing" and v["roaming"]["reason"] == "single_value"
    assert v["city"]["status"] == "not_screened" and v["vip"]["encoding"] == {"no": 0, "yes": 1}
    assert {v["minutes_out"]["status"], v["voice_fee"]["status"]} == {"kept", "dropped"}
    assert set(got["brands"]) == {"GoTone", "M-Zone"}
    assert "segment screen" in res.stderr  # progress goes to stderr


def test_csv_is_data_only_and_table_has_a_summary_line(table):
    res = invoke("screen", "--features", table, "--id", "msisdn", "--format", "csv")
    assert res.exit_code == 0, res.stderr
    lines = res.stdout.splitlines()
    assert lines[0] == ",".join(("brand", *ROW_COLUMNS)) and len(lines) == 1 + 7
    assert lines[1].startswith(",minutes_out,voice,")
    res = invoke("screen", "--features", table, "--id", "msisdn")
    assert res.exit_code == 0 and "7 indicators: 3 kept, dropped: missing 1, single_value 1, correlated 1, " \
        "not screened: 1" in " ".join(res.stdout.split())


def test_table_shows_the_factor_view_and_each_brand(table):
    res = invoke("screen", "--features", table, "--id", "msisdn", "--factors", "--by-brand")
    assert res.exit_code == 0, res.stderr
    text = " ".join(res.stdout.split())
    assert "KMO" in text and "Bartlett" in text and "parallel analysis" in text
    assert "Screening: GoTone" in text and "Screening: M-Zone" in text


def test_out_is_written_atomically_and_never_overwritten_without_force(table, tmp_path):
    out = tmp_path / "screening.json"
    res = invoke("screen", "--features", table, "--id", "msisdn", "--out", out, "--format", "json")
    assert res.exit_code == 0, res.stderr
    first = out.read_bytes()
    assert json.loads(first) == json.loads(res.stdout)
    res = invoke("screen", "--features", table, "--id", "msisdn", "--out", out)
    assert res.exit_code == 2 and "already exists (use --force" in res.stderr
    assert invoke("screen", "--features", table, "--id", "msisdn", "--out", out, "--force").exit_code == 0
    assert out.read_bytes() == first  # deterministic: byte-identical
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_csv_features_file(table, tmp_path):
    csv = tmp_path / "wide.csv"
    pl.read_parquet(table).write_csv(csv)
    a = json.loads(invoke("screen", "--features", csv, "--id", "msisdn", "--format", "json").stdout)
    b = json.loads(invoke("screen", "--features", table, "--id", "msisdn", "--format", "json").stdout)
    assert [(v["name"], v["status"], v["reason"]) for v in a["variables"]] == \
        [(v["name"], v["status"], v["reason"]) for v in b["variables"]]


def test_data_goes_through_the_features(tmp_path):
    res = invoke("--quiet", "screen", "--data", ROOT / "sample_data", "--format", "json")
    assert res.exit_code == 0, res.stderr
    assert res.stderr == ""
    from segment.features import compute

    with compute(find_inputs(ROOT / "sample_data"), config.Config()) as fs:
        frame = fs.frame()
    lib = screen(frame, config.Config().screening)
    lib.roles = roles.assign(frame, config.Config(), "customer_id", "brand", lib).to_list()
    assert json.loads(res.stdout) == json.loads(json.dumps(lib.to_dict()))


def test_config_thresholds_apply(table, tmp_path):
    cfg = tmp_path / "segment.toml"
    cfg.write_text("[screening]\nmax_missing = 0.9\nmax_abs_r = 0.99999\n")
    got = json.loads(invoke("screen", "--features", table, "--id", "msisdn", "-c", cfg, "-f", "json").stdout)
    v = {x["name"]: x for x in got["variables"]}
    assert got["thresholds"]["max_missing"] == 0.9 and v["age"]["status"] == "kept"
    assert v["minutes_out"]["status"] == v["voice_fee"]["status"] == "kept"
    cfg.write_text("[screening]\nmax_abs = 0.9\n")
    assert_input_error(invoke("screen", "--features", table, "--id", "msisdn", "-c", cfg), "unknown setting 'max_abs'")


def test_bad_inputs_exit_3_with_one_line(table, tmp_path):
    assert_input_error(invoke("screen", "--features", tmp_path / "nope.parquet"), "features file not found", "nope.parquet")
    bad = tmp_path / "bad.parquet"
    bad.write_bytes(b"PAR1 not parquet at all PAR1")
    assert_input_error(invoke("screen", "--features", bad), "cannot read", "bad.parquet")
    assert_input_error(invoke("screen", "--features", table), "id column 'customer_id' not found", "msisdn", "--id")
    text = tmp_path / "text.csv"
    text.write_text("customer_id,city\n1,a\n2,b\n3,c\n")
    assert_input_error(invoke("screen", "--features", text), "no numeric indicator column")
    odd = tmp_path / "wide.xlsx"
    odd.write_text("x")
    assert_input_error(invoke("screen", "--features", odd), "unknown format")
    assert_input_error(invoke("screen", "--features", table, "--id", "msisdn", "--brand", "region", "--by-brand"),
                       "brand column 'region' not found")


def test_usage_errors_exit_2(table, tmp_path):
    res = invoke("screen")
    assert res.exit_code == 2 and "either --data DIR" in res.stderr and "Traceback" not in res.stderr
    res = invoke("screen", "--features", table, "--data", tmp_path)
    assert res.exit_code == 2
    assert invoke("screen", "--features", table, "--format", "xml").exit_code == 2


def test_help():
    for cmd in ([], ["screen"]):
        res = invoke(*cmd, "--help")
        assert res.exit_code == 0 and "Usage" in res.stdout
    assert "screen" in invoke("--help").stdout
