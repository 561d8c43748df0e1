"""`segment run --engine spark` writes the same files as the DuckDB run, with features,
value, churn and channels equal within the conformance tolerances and the same segments
(both fit on the same table)."""

from __future__ import annotations

import json

import polars as pl
from typer.testing import CliRunner

from segment.engine import conformance
from segment.synth import generate
from segment_cli.main import app

FAST = "[clustering]\nbootstrap = 3\nps_repeats = 2\nk_max = 4\n"


def test_run_on_spark_writes_what_the_duckdb_run_writes(spark, tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    generate(data, customers=300, months=3, seed=3)
    cfg = tmp_path / "fast.toml"
    cfg.write_text(FAST)
    outs = {}
    for engine in ("duckdb", "spark"):
        outs[engine] = tmp_path / engine
        args = ["-q", "run", "--data", str(data), "--config", str(cfg), "--out", str(outs[engine]), "--k", "2",
                "--format", "json", "--engine", engine]
        if engine == "spark":
            args += ["--spark-master", "local[2]"]
        res = CliRunner().invoke(app, args)
        assert res.exit_code == 0, res.stderr[-3000:]
    duck, spark = outs["duckdb"], outs["spark"]
    assert sorted(p.name for p in duck.iterdir()) == sorted(p.name for p in spark.iterdir())
    for name in ("features", "value", "churn", "channels"):
        diffs = conformance.differences(pl.read_parquet(duck / f"{name}.parquet"),
                                        pl.read_parquet(spark / f"{name}.parquet"), ["customer_id"])
        assert not diffs, f"{name}: " + "\n".join(diffs)
    a, b = pl.read_parquet(duck / "assignments.parquet"), pl.read_parquet(spark / "assignments.parquet")
    assert a.select("customer_id", "segment").equals(b.select("customer_id", "segment"))
    manifest = json.loads((spark / "manifest.json").read_text())
    assert manifest["engine"]["name"] == "spark" and manifest["engine"]["master"] == "local[2]"
    assert manifest["command"]["options"]["engine"] == "spark"
