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
