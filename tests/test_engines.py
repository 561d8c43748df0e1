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
