"""Spreadsheets: .xlsx workbooks that a real reader opens with the same rows as the CSV,
CSV with a byte-order mark for Excel, and the same bytes for the same run."""

from __future__ import annotations

import polars as pl
import pytest
from typer.testing import CliRunner

from segment.io import sheets
from segment_cli.main import app

runner = CliRunner()


def invoke(*args):
    return runner.invoke(app, [str(a) for a in args])


def read_sheet(path, name):
    return pl.read_excel(path, sheet_name=name, engine="openpyxl")


def test_a_value_workbook_holds_the_rows_of_the_csv_and_the_summary_tables(tiny, tmp_path):
    xlsx, csv = tmp_path / "v.xlsx", tmp_path / "v.csv"
    assert invoke("-q", "value", "--data", tiny, "--out", xlsx, "--format", "json").exit_code == 0
    assert invoke("-q", "value", "--data", tiny, "--out", csv, "--format", "json").exit_code == 0
    rows, expected = read_sheet(xlsx, "customers"), pl.read_csv(csv)
    assert rows.columns == expected.columns and rows.height == expected.height
    assert rows["customer_id"].cast(pl.Utf8).to_list() == expected["customer_id"].cast(pl.Utf8).to_list()
    assert rows["arpu_tier"].to_list() == expected["arpu_tier"].to_list()
    assert rows["arpu"].to_list() == pytest.approx(expected["arpu"].to_list())
    by_brand = read_sheet(xlsx, "tiers.by_brand")
    assert by_brand["customers"].sum() == expected.height
    summary = dict(read_sheet(xlsx, "summary").iter_rows())
    assert summary["analysis"] == "value" and summary["out"] == str(xlsx)


def test_the_same_run_gives_the_same_workbook_bytes(tiny, tmp_path):
    out, seen = tmp_path / "c.xlsx", []
    for _ in range(2):
        assert invoke("-q", "churn", "--data", tiny, "--out", out, "--force").exit_code == 0
        seen.append(out.read_bytes())
    assert seen[0] == seen[1]


def test_excel_csv_starts_with_a_byte_order_mark_and_holds_the_same_table(tiny, tmp_path):
    plain, excel = tmp_path / "plain.csv", tmp_path / "excel.csv"
    assert invoke("-q", "churn", "--data", tiny, "--out", plain).exit_code == 0
    assert invoke("-q", "churn", "--data", tiny, "--out", excel, "--excel-csv").exit_code == 0
    assert excel.read_bytes() == b"\xef\xbb\xbf" + plain.read_bytes()
    config = tmp_path / "bom.toml"
    config.write_text("[output]\ncsv_bom = true\n", encoding="utf-8")
    via_config = tmp_path / "config.csv"
    assert invoke("-q", "features", "--data", tiny, "--out", via_config, "--config", config).exit_code == 0
    assert via_config.read_bytes().startswith(b"\xef\xbb\xbfcustomer_id,")


def test_screen_and_profile_write_workbooks_of_their_tables(tiny, tmp_path):
    import json

    report = tmp_path / "s.json"
    assert invoke("-q", "screen", "--data", tiny, "--out", report).exit_code == 0
    assert invoke("-q", "screen", "--data", tiny, "--out", tmp_path / "s.xlsx").exit_code == 0
    variables = read_sheet(tmp_path / "s.xlsx", "variables")
    assert variables["name"].to_list() == [v["name"] for v in json.loads(report.read_text())["variables"]]
    assert "stats.missing_share" in variables.columns  # nested records flattened into dotted columns
    res = invoke("-q", "profile", "--run", tmp_path / "nothing", "--out", tmp_path / "p.txt")
    assert res.exit_code == 2 and "must end in .json or .xlsx" in res.stderr


def test_a_table_too_long_for_a_sheet_is_refused(tmp_path, monkeypatch):
    from segment.errors import UsageError

    monkeypatch.setattr(sheets, "MAX_ROWS", 3)
    with pytest.raises(UsageError, match="more than a spreadsheet holds"):
        sheets.write_workbook({"customers": pl.DataFrame({"x": range(4)})}, tmp_path / "t.xlsx")
    assert not (tmp_path / "t.xlsx").exists()


def test_sheet_names_are_valid_and_unique():
    taken: set[str] = set()
    names = [sheets.sheet_name(n, taken) for n in ("brands.M/Zone.segments", "a" * 40, "a" * 40, "A" * 31, "")]
    assert names[0] == "brands.M_Zone.segments"
    assert all(len(n) <= 31 for n in names) and len({n.lower() for n in names}) == len(names)
