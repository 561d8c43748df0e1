"""Run manifests and `segment verify`: contents checked against hashes computed here,
verify OK / changed input / tampered output / missing manifest, moved customers, and
byte-identical outputs across --threads 1 and 2."""

from __future__ import annotations

import csv
import hashlib
import io as stdio
import json
import os
import re
import tempfile
import tomllib
from importlib.metadata import version
from pathlib import Path

import polars as pl
import pytest
from typer.testing import CliRunner

from segment import config
from segment.provenance import compare, files, manifest as mf
from segment.synth import generate
from segment_cli.main import app

runner = CliRunner()
FAST = "[clustering]\nbootstrap = 3\nps_repeats = 2\nk_max = 6\n"


def invoke(*args):
    return runner.invoke(app, [str(a) for a in args])


def sha(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def gen(tmp_path_factory):
    """A small generated set (1500 customers, 3 months) and a fast clustering config."""
    root = tmp_path_factory.mktemp("gen")
    data = root / "data"
    data.mkdir()
    generate(data, customers=1500, months=3, seed=7)
    cfg = root / "fast.toml"
    cfg.write_text(FAST)
    return data, cfg


@pytest.fixture(scope="module")
def runs(gen, tmp_path_factory):
    """`segment run` on the generated set with --threads 1 and --threads 2."""
    data, cfg = gen
    root = tmp_path_factory.mktemp("runs")
    for t in (1, 2):
        res = invoke("-q", "run", "--data", data, "--config", cfg, "--out", root / f"t{t}", "--threads", t,
                     "--format", "json")
        assert res.exit_code == 0, res.stderr
    return root / "t1", root / "t2"


# ---------------------------------------------------------------- contents


def test_features_manifest_records_inputs_settings_versions_and_output(tiny, tmp_path, monkeypatch):
    assert tiny == tmp_path / "tiny"
    monkeypatch.chdir(tmp_path)
    out = tmp_path / "f.parquet"
    res = invoke("-q", "features", "--data", "tiny", "--out", "f.parquet", "--threads", 1, "--format", "json")
    assert res.exit_code == 0, res.stderr
    path = tmp_path / "f.parquet.manifest.json"
    text = path.read_text(encoding="utf-8")
    m = json.loads(text)
    assert text == json.dumps(m, indent=2, sort_keys=True, ensure_ascii=False) + "\n"  # sorted, stable
    assert m["manifest_version"] == 1
    assert m["command"]["name"] == "features"
    opts = m["command"]["options"]
    assert opts["data"] == str(tiny) and os.path.isabs(opts["data"])  # given relative, recorded absolute
    assert opts["threads"] == 1 and opts["months"] is None and opts["config"] is None
    assert m["command"]["out"] == {"kind": "file", "name": "f.parquet"}
    assert m["config"] == config.Config().to_dict()
    assert m["seed"] is None
    assert m["window"] == {"start": "2026-06", "end": "2026-08", "months": 3, "population": "stable"}
    assert m["engine"] == {"name": "duckdb", "version": version("duckdb"), "master": None}
    assert opts["engine"] is None and opts["spark_master"] is None and opts["spark_remote"] is None
    # inputs: hashes and sizes computed here; rows known from tests/tables.py
    rows = {"customers": 2, "cdr": 8, "billing": 6}
    assert [(i["role"], Path(i["path"]).name) for i in m["inputs"]] == [
        ("billing", "billing.csv"), ("cdr", "cdr.csv"), ("customers", "customers.csv")]
    for i in m["inputs"]:
        p = tiny / Path(i["path"]).name
        assert i["path"] == str(p)
        assert i["sha256"] == sha(p) and i["size"] == p.stat().st_size and i["rows"] == rows[i["role"]]
    assert m["outputs"] == [{"path": "f.parquet", "size": out.stat().st_size, "sha256": sha(out)}]
    for name in ("duckdb", "polars", "scikit-learn", "numpy", "pyarrow", "segment"):
        assert m["versions"][name] == version(name)
    assert not re.search(r"\d{4}-\d\d-\d\d[T ]\d\d:\d\d", text)  # no clock time
    # the same run again gives the same manifest, byte for byte
    res = invoke("-q", "features", "--data", "tiny", "--out", "f.parquet", "--threads", 1, "--force", "--format", "json")
    assert res.exit_code == 0 and path.read_text(encoding="utf-8") == text


def test_run_manifest_lists_every_file_of_the_folder(gen, runs):
    data, cfgfile = gen
    out = runs[0]
    m = json.loads((out / "manifest.json").read_text())
    files = sorted(p.name for p in out.iterdir() if p.name != "manifest.json")
    assert [o["path"] for o in m["outputs"]] == files
    for o in m["outputs"]:
        assert o["sha256"] == sha(out / o["path"]) and o["size"] == (out / o["path"]).stat().st_size
    assert m["command"]["out"] == {"kind": "folder", "name": "t1"}
    assert m["command"]["options"]["seed"] == 42 == m["seed"]
    assert m["command"]["options"]["k"] == "auto"
    cfg = config.load(cfgfile).to_dict()
    assert m["config"] == cfg and m["config"]["clustering"]["bootstrap"] == 3
    roles = {i["role"] for i in m["inputs"]}
    assert roles == {"customers", "cdr", "billing", "interactions", "recharges", "config"}
    conf = next(i for i in m["inputs"] if i["role"] == "config")
    assert conf["sha256"] == sha(cfgfile) and conf["rows"] is None
    truth = pl.read_parquet(data / "customers.parquet").height
    assert next(i for i in m["inputs"] if i["role"] == "customers")["rows"] == truth == 1500
    assert m["window"]["population"] == "stable" and m["window"]["months"] == 3


def test_sample_writes_its_manifest_inside_the_folder(tmp_path):
    out = tmp_path / "s"
    res = invoke("-q", "sample", "--customers", 200, "--months", 2, "--seed", 4, "--out", out, "--file-format", "csv")
    assert res.exit_code == 0, res.stderr
    m = json.loads((out / "manifest.json").read_text())
    want = sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file() and p.name != "manifest.json")
    assert [o["path"] for o in m["outputs"]] == want and "cdr/part-00000.csv" in want
    assert m["command"]["options"] == {"customers": 200, "months": 2, "seed": 4, "end_month": "2026-08",
                                       "file_format": "csv", "structure": "default"}
    assert m["inputs"] == [] and m["seed"] == 4 and m["config"] is None


def test_csv_rows_are_records_after_the_header(tmp_path):
    rows = [["1", "plain"], ["2", "a \"quoted\" word"], ["3", "two\nlines"], ["4", "comma, inside"]]
    p = tmp_path / "x.csv"
    with open(p, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\r\n")
        w.writerow(["id", "text"])
        w.writerows(rows)
    expected = sum(1 for _ in csv.reader(stdio.StringIO(p.read_text(encoding="utf-8")))) - 1
    assert expected == 4
    info = files.describe_file(p)
    assert info["rows"] == 4 and info["size"] == p.stat().st_size and info["sha256"] == sha(p)
    p.write_bytes(p.read_bytes().rstrip(b"\r\n"))  # no line end after the last record
    assert files.describe_file(p)["rows"] == 4
    p.write_text("id,text\n", encoding="utf-8")
    assert files.describe_file(p)["rows"] == 0
    # a quote split across read chunks keeps its state
    counter = files._CsvRows()
    for chunk in (b'id,t\n1,"a\n', b'b"\n2,c\n'):
        counter.feed(chunk)
    assert counter.rows() == 2


def test_config_toml_reads_back_into_the_same_config():
    cfg = config.Config().replace(clustering={"k_by_brand": {"M-Zone": 3, "全球通 Plus": 5}, "k": 4},
                                  features={"competitor_hotlines": ("10010", "x\"y")})
    cfg = config.from_dict({**json.loads(json.dumps(cfg.to_dict())), "columns": {"cdr": {"customer_id": "msisdn"}}})
    d = cfg.to_dict()
    assert config.from_dict(tomllib.loads(mf.config_toml(d))).to_dict() == d


def test_a_manifest_rebuilds_the_request_with_another_out_and_config():
    from segment import jobs

    opts = {"features": "/d/f.parquet", "k": "auto", "seed": -1, "no_brand": True, "skip_failed_brands": False,
            "config": "/d/old.toml", "end_month": None, "threads": 2,
            "fail_on": ["unknown-customers=0.01", "dropped-missing"]}
    req = jobs.request_from("cluster", opts, out=Path("/tmp/o"), config=Path("/tmp/c.toml"))
    assert (req.features, req.config, req.out) == (Path("/d/f.parquet"), Path("/tmp/c.toml"), Path("/tmp/o"))
    assert (req.k, req.seed, req.no_brand, req.threads) == ("auto", -1, True, 2)
    assert req.fail_on == ("unknown-customers=0.01", "dropped-missing")
    recorded = req.options()
    assert "out" not in recorded and "force" not in recorded
    assert {k: recorded[k] for k in opts if k != "config"} == {k: v for k, v in opts.items() if k != "config"}


def test_a_manifest_option_the_tool_does_not_know_is_a_usage_error():
    from segment import jobs
    from segment.errors import UsageError

    with pytest.raises(UsageError, match=r"^segment features has no option --foo$"):
        jobs.request_from("features", {"data": "/d", "foo": 1})


# ---------------------------------------------------------------- verify


def test_verify_help():
    res = invoke("verify", "--help")
    assert res.exit_code == 0 and "Example" in res.stdout


def test_verify_ok_prints_one_line(tiny, tmp_path):
    out = tmp_path / "f.parquet"
    assert invoke("-q", "features", "--data", tiny, "--out", out).exit_code == 0
    temp = Path(tempfile.gettempdir())
    before = set(temp.glob("segment-verify-*"))
    res = invoke("verify", f"{out}.manifest.json")
    assert res.exit_code == 0, res.stderr
    assert res.stdout == "OK: 1 output byte-identical (segment features; 3 inputs unchanged; versions as recorded)\n"
    assert set(temp.glob("segment-verify-*")) == before  # the re-run's folder is gone


def test_verify_reports_a_changed_input(tiny, tmp_path):
    out = tmp_path / "f.parquet"
    assert invoke("-q", "features", "--data", tiny, "--out", out).exit_code == 0
    with open(tiny / "cdr.csv", "a", encoding="utf-8") as f:  # one more call of customer 2 in the window
        f.write("2,2026-08-02 10:00:00,voice,out,c,offnet,30,,0.1,none,2\n")
    res = invoke("-q", "verify", f"{out}.manifest.json", "--format", "json")
    assert res.exit_code == 4, res.stderr
    got = json.loads(res.stdout)
    assert got["version"] == 1 and got["ok"] is False and got["command"] == "features"
    status = {Path(i["path"]).name: i["status"] for i in got["inputs"]}
    assert status == {"billing.csv": "same", "cdr.csv": "changed", "customers.csv": "same"}
    cdr = next(i for i in got["inputs"] if i["path"].endswith("cdr.csv"))
    assert (cdr["recorded"]["rows"], cdr["current"]["rows"]) == (8, 9)
    assert cdr["current"]["sha256"] == sha(tiny / "cdr.csv")
    assert got["outputs"][0]["rerun"] == "differs" and got["outputs"][0]["on_disk"] == "same"
    line = res.stderr.strip().splitlines()[-1]
    assert line.startswith("error: verify ") and "1 input(s) changed (cdr.csv)" in line
    table = invoke("-q", "verify", f"{out}.manifest.json")
    assert table.exit_code == 4 and "cdr.csv" in table.stdout and "changed" in table.stdout


def test_verify_names_a_tampered_output(tiny, tmp_path):
    out = tmp_path / "f.csv"
    assert invoke("-q", "features", "--data", tiny, "--out", out).exit_code == 0
    out.write_text(out.read_text().replace("GoTone", "Gotone"))
    res = invoke("-q", "verify", f"{out}.manifest.json")
    assert res.exit_code == 4
    assert res.stderr.strip() == f"error: verify {out}.manifest.json: 1 of 1 outputs differ (f.csv)"
    assert "f.csv" in res.stdout and "modified on disk" in res.stdout
    rows = list(csv.reader(stdio.StringIO(invoke("-q", "verify", f"{out}.manifest.json", "--format", "csv").stdout)))
    assert rows[0] == ["what", "name", "status", "recorded", "current", "detail"]
    output = [r for r in rows if r[0] == "output"]
    assert output == [["output", "f.csv", "differs", output[0][3], sha(out)[:12], output[0][5]]]
    assert output[0][5].startswith("modified on disk since the manifest; re-run identical to the record")


def test_verify_counts_customers_that_moved_segment(runs):
    out = runs[0]
    a = pl.read_parquet(out / "assignments.parquet")
    k = {b: int(a.filter(pl.col("brand") == b)["segment"].max()) for b in a["brand"].unique()}
    ids = a["customer_id"].head(25).to_list()
    tampered = a.with_columns(
        pl.when(pl.col("customer_id").is_in(ids))
        .then(pl.col("segment") % pl.col("brand").replace_strict(k, return_dtype=pl.Int64) + 1)
        .otherwise(pl.col("segment")).cast(a.schema["segment"]).alias("segment"))
    original = (out / "assignments.parquet").read_bytes()
    try:
        tampered.filter(pl.col("customer_id") != ids[-1]).write_parquet(out / "assignments.parquet")
        res = invoke("-q", "verify", out, "--format", "json")
        assert res.exit_code == 4, res.stderr
        got = {o["path"]: o for o in json.loads(res.stdout)["outputs"]}
        assert {p for p, o in got.items() if o["status"] != "identical"} == {"assignments.parquet"}
        assert got["assignments.parquet"]["moved"] == {"customers_before": a.height - 1, "customers_after": a.height,
                                                       "moved": 24, "appeared": 1, "disappeared": 0}
    finally:
        (out / "assignments.parquet").write_bytes(original)


def test_moved_customers_on_a_hand_made_pair():
    before = pl.DataFrame({"customer_id": [1, 2, 3, 4, 5], "brand": ["A", "A", "B", "B", "B"],
                           "segment": [1, 2, 1, 1, 2]})
    after = pl.DataFrame({"customer_id": [1, 2, 3, 5, 6, 7], "brand": ["A", "A", "A", "B", "B", "B"],
                          "segment": [1, 1, 1, 2, 1, 1]})
    # 2 changed segment, 3 changed brand; 4 disappeared; 6 and 7 appeared
    assert compare.moved_customers(before, after) == {"customers_before": 5, "customers_after": 6, "moved": 2,
                                                 "appeared": 2, "disappeared": 1}


def test_verify_a_missing_manifest_or_input_is_exit_3(tiny, tmp_path):
    res = invoke("verify", tmp_path / "nothing.manifest.json")
    assert res.exit_code == 3 and res.stdout == ""
    assert res.stderr.strip() == f"error: manifest not found: {tmp_path / 'nothing.manifest.json'}"
    (tmp_path / "empty").mkdir()
    res = invoke("verify", tmp_path / "empty")
    assert res.exit_code == 3 and res.stderr.strip() == f"error: manifest not found: {tmp_path / 'empty' / 'manifest.json'}"
    out = tmp_path / "f.parquet"
    assert invoke("-q", "features", "--data", tiny, "--out", out).exit_code == 0
    (tiny / "billing.csv").unlink()
    res = invoke("verify", f"{out}.manifest.json")
    assert res.exit_code == 3 and res.stdout == ""
    assert res.stderr.strip().splitlines()[-1] == (
        f"error: billing: input file not found: {tiny / 'billing.csv'} (recorded in {out}.manifest.json)")


def test_verify_uses_the_recorded_config_and_reports_the_changed_file(tiny, tmp_path):
    cfgfile = tmp_path / "seg.toml"
    cfgfile.write_text("[features]\nlong_call_s = 300\n")
    out = tmp_path / "f.parquet"
    assert invoke("-q", "features", "--data", tiny, "--config", cfgfile, "--out", out).exit_code == 0
    cfgfile.write_text("[features]\nlong_call_s = 30\n")
    res = invoke("-q", "verify", f"{out}.manifest.json", "--format", "json")
    assert res.exit_code == 4
    got = json.loads(res.stdout)
    assert [(Path(i["path"]).name, i["status"]) for i in got["inputs"] if i["status"] != "same"] == [
        ("seg.toml", "changed")]
    assert got["outputs"][0]["status"] == "identical"  # re-run with the settings recorded, not the new file
    assert {s["name"]: s["status"] for s in got["settings"]} == {"config": "same", "seed": "same", "window": "same"}


def test_verify_after_a_failed_rerun_names_the_changed_input(tiny, tmp_path):
    out = tmp_path / "f.parquet"
    assert invoke("-q", "features", "--data", tiny, "--out", out).exit_code == 0
    lines = (tiny / "billing.csv").read_text().splitlines()
    (tiny / "billing.csv").write_text("\n".join(lines + [lines[1]]) + "\n")  # a customer-month billed twice
    res = invoke("-q", "verify", f"{out}.manifest.json")
    assert res.exit_code == 3
    line = res.stderr.strip().splitlines()[-1]
    assert line.startswith("error: re-running segment features failed (exit 3): billing (")
    assert line.endswith(f"changed since the manifest: {tiny / 'billing.csv'}")


# ---------------------------------------------------------------- determinism across threads


def test_features_are_byte_identical_across_threads(gen, tmp_path):
    data, _ = gen
    for t in (1, 2):
        assert invoke("-q", "features", "--data", data, "--out", tmp_path / f"f{t}.parquet", "--threads", t).exit_code == 0
        assert invoke("-q", "features", "--data", data, "--out", tmp_path / f"f{t}.csv", "--threads", t).exit_code == 0
    assert (tmp_path / "f1.parquet").read_bytes() == (tmp_path / "f2.parquet").read_bytes()
    assert (tmp_path / "f1.csv").read_bytes() == (tmp_path / "f2.csv").read_bytes()
    m1, m2 = (json.loads((tmp_path / f"f{t}.parquet.manifest.json").read_text()) for t in (1, 2))
    assert m1["outputs"][0]["sha256"] == m2["outputs"][0]["sha256"] == sha(tmp_path / "f2.parquet")
    assert (m1["command"]["options"]["threads"], m2["command"]["options"]["threads"]) == (1, 2)


def test_run_outputs_are_byte_identical_across_threads(runs):
    t1, t2 = runs
    names = sorted(p.name for p in t1.iterdir())
    assert names == sorted(p.name for p in t2.iterdir()) and "assignments.parquet" in names
    for name in names:
        if name != "manifest.json":  # the manifests differ in the recorded --threads only
            assert (t1 / name).read_bytes() == (t2 / name).read_bytes(), name
    m1, m2 = (json.loads((t / "manifest.json").read_text()) for t in runs)
    assert m1["outputs"] == m2["outputs"]
    assert {k: v for k, v in m1["command"]["options"].items() if k != "threads"} == \
           {k: v for k, v in m2["command"]["options"].items() if k != "threads"}


def test_verify_ok_on_an_unchanged_run(runs):
    res = invoke("verify", runs[1])
    assert res.exit_code == 0, res.stderr
    assert res.stdout.startswith("OK: 10 outputs byte-identical (segment run; 6 inputs unchanged;")
    assert len(res.stdout.splitlines()) == 1


def test_a_rerun_usage_error_keeps_its_exit_code_and_message(tiny, tmp_path):
    out = tmp_path / "f.parquet"
    assert invoke("-q", "features", "--data", tiny, "--out", out).exit_code == 0
    m = Path(f"{out}.manifest.json")
    obj = json.loads(m.read_text())
    obj["command"]["options"]["foo"] = 1  # what a newer tool may record
    m.write_text(json.dumps(obj))
    temp = Path(tempfile.gettempdir())
    before = set(temp.glob("segment-verify-*"))
    res = invoke("-q", "verify", m)
    assert res.exit_code == 2
    assert res.stderr.strip() == "error: re-running segment features failed (exit 2): segment features has no option --foo"
    assert set(temp.glob("segment-verify-*")) == before  # the temporary folder is gone


def test_verify_starts_no_process(tiny, tmp_path, monkeypatch):
    """verify runs the recorded job in this process: starting one fails the test, yet
    verify still tells a tampered output (4), a changed input (4) and a missing one (3)."""
    import subprocess

    out = tmp_path / "f.parquet"
    assert invoke("-q", "features", "--data", tiny, "--out", out).exit_code == 0

    def refuse(*args, **kwargs):
        raise AssertionError(f"verify started a process: {args}")

    monkeypatch.setattr(subprocess.Popen, "__init__", refuse)
    monkeypatch.setattr(os, "fork", refuse)
    manifest = f"{out}.manifest.json"
    assert invoke("-q", "verify", manifest).exit_code == 0
    good = out.read_bytes()
    out.write_bytes(good[:-1] + b"x")
    res = invoke("-q", "verify", manifest, "--format", "json")
    assert res.exit_code == 4 and json.loads(res.stdout)["outputs"][0]["on_disk"] == "modified"
    out.write_bytes(good)
    with open(tiny / "cdr.csv", "a", encoding="utf-8") as f:
        f.write("2,2026-08-02 10:00:00,voice,out,c,offnet,30,,0.1,none,2\n")
    res = invoke("-q", "verify", manifest, "--format", "json")
    assert res.exit_code == 4
    assert [i["status"] for i in json.loads(res.stdout)["inputs"] if Path(i["path"]).name == "cdr.csv"] == ["changed"]
    (tiny / "cdr.csv").unlink()
    res = invoke("-q", "verify", manifest)
    assert res.exit_code == 3 and "cdr: input file not found" in res.stderr


def test_verify_stopped_by_sigterm_stops_the_rerun_and_removes_its_folder(runs, tmp_path):
    import signal
    import subprocess
    import sys
    import time

    temp = tmp_path / "tmp"
    temp.mkdir()
    proc = subprocess.Popen([sys.executable, "-m", "segment_cli.main", "-q", "verify", str(runs[0])],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "TMPDIR": str(temp)})
    deadline = time.monotonic() + 60
    while not list(temp.glob("segment-verify-*/run")) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert list(temp.glob("segment-verify-*/run")), "verify never started its re-run"
    time.sleep(0.5)  # the re-run is under way
    proc.send_signal(signal.SIGTERM)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 143, err
    assert out == "" and "interrupted by SIGTERM" in err
    time.sleep(0.5)
    assert list(temp.iterdir()) == []  # the re-run stopped too: nothing reappears


def test_inputs_hashed_in_the_background_are_described_as_they_are_at_the_end(tmp_path):
    """prefetch() hashes while the command works; a file changed since is hashed again."""
    same, changed = tmp_path / "same.csv", tmp_path / "changed.csv"
    same.write_bytes(b"customer_id\n1\n2\n")
    changed.write_bytes(b"customer_id\n1\n")
    files.prefetch([same, changed])
    for path in (same, changed):
        files._pending[str(path)][1].result(timeout=10)
    changed.write_bytes(b"customer_id\n1\n2\n3\n")  # a new size: the stamp no longer matches
    record = mf.Record("features", {}, (("cdr", str(changed)), ("customers", str(same))))
    got = {i["role"]: i for i in record.manifest(tmp_path, [], {})["inputs"]}
    assert got["customers"]["sha256"] == hashlib.sha256(b"customer_id\n1\n2\n").hexdigest()
    assert got["customers"]["rows"] == 2
    assert got["cdr"]["sha256"] == hashlib.sha256(b"customer_id\n1\n2\n3\n").hexdigest()
    assert got["cdr"]["rows"] == 3
    assert str(same) not in files._pending and str(changed) not in files._pending  # each result is used once
