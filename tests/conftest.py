"""Shared fixtures."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))  # so tests can import tables.py

from tables import tiny_tables, write_tables  # noqa: E402


@pytest.fixture
def tiny(tmp_path: Path) -> Path:
    return write_tables(tmp_path / "tiny", tiny_tables())


# The bundled sample's brands under the names China Mobile gives them: reports must draw CJK text.
ZH_BRANDS = {"GoTone": "全球通", "M-Zone": "动感地带", "Easyown": "神州行"}


@pytest.fixture(scope="session")
def zh_run(tmp_path_factory) -> Path:
    """`segment run --report` (in-process, 2 bootstrap refits) on the bundled sample with its
    brands named in Chinese; the run folder, report.html in it."""
    import polars as pl

    from segment import jobs
    from segment.jobs.run import Request

    sample = Path(__file__).resolve().parent.parent / "sample_data"
    root = tmp_path_factory.mktemp("zh")
    data = root / "data"
    data.mkdir()
    for name in ("cdr", "billing.parquet", "interactions.parquet", "recharges.parquet"):
        (data / name).symlink_to(sample / name)
    customers = pl.read_parquet(sample / "customers.parquet")
    customers.with_columns(pl.col("brand").replace(ZH_BRANDS)).write_parquet(data / "customers.parquet")
    (root / "fast.toml").write_text("[clustering]\nbootstrap = 2\n", encoding="utf-8")
    out = root / "run"
    jobs.run_job("run", Request(data=data, config=root / "fast.toml", out=out, report=True))
    return out


@pytest.fixture(scope="session")
def spark(tmp_path_factory):
    """One Spark session (local[2], tiny shuffles) for every Spark test: start-up costs
    seconds, so it is paid once. Engines made by the tests reuse it (segment.engine.spark
    takes the active session and works in a new session of it). Skipped without pyspark
    or Java."""
    import shutil

    pyspark_sql = pytest.importorskip("pyspark.sql")
    if not shutil.which("java"):
        pytest.skip("no java on PATH (Spark needs Java 17)")
    from segment.engine.spark import CONTEXT, PINNED

    builder = pyspark_sql.SparkSession.builder.master("local[2]").appName("segment-tests")
    # tiny data: adaptive execution only adds planning rounds here
    settings = {**CONTEXT, **PINNED, "spark.sql.shuffle.partitions": "2", "spark.ui.enabled": "false",
                "spark.sql.adaptive.enabled": "false",
                "spark.sql.warehouse.dir": str(tmp_path_factory.mktemp("spark-warehouse")),
                "spark.driver.extraJavaOptions": "-Dderby.system.home=" + str(tmp_path_factory.mktemp("derby"))}
    for k, v in settings.items():
        builder = builder.config(k, v)
    session = builder.getOrCreate()
    session.sparkContext.setLogLevel("OFF")
    yield session
    session.stop()


@pytest.fixture(scope="session")
def spark_options(spark):
    """EngineOptions of a Spark engine on the shared test session."""
    from segment.engine import EngineOptions

    return EngineOptions(engine="spark", spark_master="local[2]",
                         spark_conf=(("spark.sql.shuffle.partitions", "2"), ("spark.sql.adaptive.enabled", "false")))
