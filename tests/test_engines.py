"""The engine layer (segment.engine): DuckDB's side of the interface, the choice of engine,
and that DuckDB users never pay for Spark (pyspark is imported only by --engine spark)."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

from segment import engine as engines
from segment.engine import EngineOptions
from segment.errors import UsageError

ROOT = Path(__file__).resolve().parent.parent


def test_duckdb_engine_runs_statements_materialises_and_reads_back():
    eng = engines.start()
    try:
        eng.execute("create or replace temp table t as select * from (values (2, 'b'), (1, 'a')) v(k, s)")
        assert eng.has_relation("t") and not eng.has_relation("nope")
        assert eng.columns("t") == [("k", "INTEGER"), ("s", "VARCHAR")]
        assert eng.execute("select count(*) from t where k > $m", {"m": 1}).fetchall() == [(1,)]
        assert eng.frame("select * from t order by k").to_dicts() == [{"k": 1, "s": "a"}, {"k": 2, "s": "b"}]
        assert eng.describe()["name"] == "duckdb" and eng.describe()["master"] is None
    finally:
        eng.close()


def test_an_unknown_engine_is_a_usage_error():
    with pytest.raises(UsageError, match="--engine must be one of duckdb, spark"):
        engines.start(EngineOptions(engine="oracle"))


def test_only_the_spark_engine_module_imports_pyspark():
    importers = []
    for path in sorted((ROOT / "segment").rglob("*.py")) + sorted((ROOT / "cli").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = ([a.name for a in node.names] if isinstance(node, ast.Import) else
                     [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            if any(n.split(".")[0] == "pyspark" for n in names):
                importers.append(str(path.relative_to(ROOT)))
    assert sorted(set(importers)) == ["segment/engine/spark.py"]


def _modules_after(code: str) -> set[str]:
    out = subprocess.run([sys.executable, "-c", code + "\nimport sys\nprint(' '.join(sorted(sys.modules)))"],
                         capture_output=True, text=True, check=True, cwd=ROOT)
    return set(out.stdout.split())


def test_help_and_a_duckdb_run_do_not_import_pyspark(tiny):
    helped = _modules_after("from typer.testing import CliRunner\nfrom segment_cli.main import app\n"
                            "assert CliRunner().invoke(app, ['--help']).exit_code == 0")
    ran = _modules_after("from segment.jobs import features\n"
                         f"features.run(features.Request(data=__import__('pathlib').Path({str(tiny)!r})))")
    assert "segment.engine" in ran  # the run did use the engine layer
    assert not {m for m in helped | ran if m.split(".")[0] in ("pyspark", "py4j")}


# ---------------------------------------------------------------- choosing the engine

def test_engine_settings_come_from_the_options_over_the_config(tmp_path, monkeypatch):
    from segment import config
    from segment.jobs import common
    from segment.jobs.features import Request

    monkeypatch.delenv("SPARK_MASTER", raising=False)
    monkeypatch.delenv("SPARK_REMOTE", raising=False)
    toml = tmp_path / "c.toml"
    toml.write_text('[engine]\nname = "spark"\nspark_master = "spark://lake:7077"\n'
                    'spark_conf = ["spark.executor.memory = 8g"]\n')
    cfg = config.load(toml)
    opts = common.engine(Request(), cfg)
    assert (opts.engine, opts.spark_master, opts.spark_conf) == ("spark", "spark://lake:7077",
                                                                 (("spark.executor.memory", "8g"),))
    opts = common.engine(Request(engine="duckdb", spark_master="local[2]"), cfg)
    assert (opts.engine, opts.spark_master) == ("duckdb", "local[2]")
    assert engines.describe(common.engine(Request(), config.Config())) == \
        {"name": "duckdb", "version": __import__("duckdb").__version__, "master": None}
    assert engines.describe(common.engine(Request(threads=2), cfg))["master"] == "spark://lake:7077"
    monkeypatch.setenv("SPARK_REMOTE", "sc://lake:15002")
    assert engines.spark_target(common.engine(Request(), cfg)) == (True, "sc://lake:15002")


@pytest.mark.parametrize("toml, message", [
    ('[engine]\nname = "oracle"\n', "engine.name must be 'duckdb' or 'spark'"),
    ('[engine]\nspark_conf = ["no-equals"]\n', "engine.spark_conf"),
])
def test_a_bad_engine_config_is_named(tmp_path, toml, message):
    from segment import config
    from segment.errors import ConfigError

    path = tmp_path / "c.toml"
    path.write_text(toml)
    with pytest.raises(ConfigError, match=message):
        config.load(path)


def test_the_engine_options_are_on_every_computing_command():
    from typer.testing import CliRunner
    from segment_cli.main import app

    for command in ("features", "run", "value", "churn", "channels", "cluster"):
        res = CliRunner().invoke(app, [command, "--help"], env={"COLUMNS": "200"})
        assert res.exit_code == 0, command
        for option in ("--engine", "--spark-master", "--spark-remote"):
            assert option in res.stdout, (command, option)
    res = CliRunner().invoke(app, ["features", "--engine", "oracle"])
    assert res.exit_code == 2  # a usage error: Typer's own
