"""The README's promises: its first command works, its docs list what the code does."""

import re
import shlex
import shutil
import subprocess
from pathlib import Path

import polars as pl
import pytest

ROOT = Path(__file__).resolve().parent.parent


def _readme_commands() -> list[str]:
    text = (ROOT / "README.md").read_text()
    block = re.search(r"```sh\n(.*?)```", text, re.S).group(1)
    return [line for line in block.splitlines() if line and not line.startswith("#")]


def test_readme_opens_with_two_commands():
    first, second = _readme_commands()[:2]
    assert "pip install ." in first and "segment " in first
    assert "pip install '.[test]'" in second and second.endswith("pytest")
    ci = (ROOT / ".ci" / "run").read_text()
    assert second.split("&& ")[-2:] == ["pip install '.[test]' ", "pytest"] or "pytest" in ci
    assert "pip install --quiet '.[test]' && pytest" in ci


@pytest.mark.skipif(shutil.which("segment") is None, reason="segment is not installed")
def test_readme_first_command_runs_on_the_bundled_sample(tmp_path):
    cmd = _readme_commands()[0].split("&& ")[-1]
    args = shlex.split(cmd)
    assert args[0] == "segment"
    (tmp_path / "sample_data").symlink_to(ROOT / "sample_data")
    res = subprocess.run(args, cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert res.returncode == 0, res.stderr
    assert "choosing k" in res.stdout and "segments of" in res.stdout
    out = pl.read_parquet(tmp_path / "results" / "features.parquet")
    assert out.height > 1000 and out.columns[:2] == ["customer_id", "brand"]
    assigned = pl.read_parquet(tmp_path / "results" / "assignments.parquet")
    assert set(assigned["brand"].unique()) == {"GoTone", "M-Zone", "Easyown"}
    assert assigned["customer_id"].to_list() == out["customer_id"].to_list()


def test_docs_list_every_indicator():
    from segment.catalogue import INDICATORS

    doc = (ROOT / "docs" / "indicators.md").read_text()
    missing = [i.name for i in INDICATORS if f"`{i.name}`" not in doc]
    assert not missing
