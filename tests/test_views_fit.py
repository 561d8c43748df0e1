"""Tables fit the terminal at 80, 120 and 200 columns: no line is wider, no name is cut
into a stub (no ellipsis), the k table's marker stays on the chosen k's row."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from rich.cells import cell_len
from typer.testing import CliRunner

from segment_cli.main import app

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "sample_data"
WIDTHS = (80, 120, 200)
runner = CliRunner()


def invoke(width: int, *args):
    res = runner.invoke(app, ["-q", *map(str, args)], env={"COLUMNS": str(width), "NO_COLOR": "1"})
    assert res.exit_code == 0, (args, res.stderr[-2000:])
    return res.stdout


@pytest.fixture(scope="module")
def segmented(tmp_path_factory):
    folder = tmp_path_factory.mktemp("fit")
    features = folder / "f.parquet"
    invoke(80, "features", "--data", SAMPLE, "--out", features)
    invoke(80, "cluster", "--features", features, "--out", folder / "seg", "--k", "3")
    return features, folder / "seg"


def _check(text: str, width: int) -> None:
    wide = [line for line in text.splitlines() if cell_len(line) > width]
    assert wide == [], f"{len(wide)} line(s) wider than {width}: {wide[:2]}"
    assert "…" not in text, "a label was cut into a stub"


@pytest.mark.parametrize("width", WIDTHS)
def test_segment_views_fit(segmented, width):
    features, run = segmented
    _check(invoke(width, "profile", "--run", run), width)
    _check(invoke(width, "profile", "--run", run, "--brand", "GoTone", "--segment", "1"), width)
    _check(invoke(width, "screen", "--features", features, "--factors"), width)
    _check(invoke(width, "features", "--list"), width)


@pytest.mark.parametrize("width", WIDTHS)
def test_analysis_views_fit(width):
    _check(invoke(width, "value", "--data", SAMPLE), width)
    _check(invoke(width, "churn", "--data", SAMPLE, "--list", "alert"), width)
    _check(invoke(width, "channels", "--data", SAMPLE), width)


def test_the_k_tables_marker_stays_on_its_row(monkeypatch, capsys):
    from segment_cli.views.segments import k_table

    monkeypatch.setenv("COLUMNS", "80")
    scores = [{"k": k, "silhouette": 0.31, "calinski_harabasz": 1234.5, "davies_bouldin": 1.02,
               "prediction_strength": 0.95 - k / 20, "min_share": 0.1} for k in range(2, 11)]
    k_table("GoTone", {"k": 4, "chosen_by": "prediction_strength", "reason": "r", "scores": scores})
    rows = [line for line in capsys.readouterr().out.splitlines() if "◀" in line]
    assert len(rows) == 1 and re.match(r"^│\s+4 │", rows[0]), rows
