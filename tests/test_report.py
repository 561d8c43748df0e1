"""segment report and segment run --report, without a browser: the file is self-contained,
the same run gives the same bytes, small and quick; --previous draws what the folders
allow; the manifests record it so that verify re-runs it. (tests/test_report_browser.py
opens it in Chromium.)"""

from __future__ import annotations

import hashlib
import json
import re
import subprocess
import sys
import time
from html.parser import HTMLParser
from pathlib import Path

import polars as pl
from typer.testing import CliRunner

from conftest import ZH_BRANDS
from segment import jobs, report
from segment.jobs.report import Request
from segment_cli.main import app

runner = CliRunner()
ROOT = Path(__file__).resolve().parent.parent


class _Ids(HTMLParser):
    def __init__(self):
        super().__init__()
        self.ids: list[str] = []
        self.tags: set[str] = set()
        self.urls: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.add(tag)
        for k, v in attrs:
            if k == "id":
                self.ids.append(v)
            if k in ("src", "href", "xlink:href", "action", "poster", "data") and v and not v.startswith("#"):
                self.urls.append(v)


def test_the_report_is_one_self_contained_file(zh_run):
    text = (zh_run / "report.html").read_text(encoding="utf-8")
    assert text.startswith("<!DOCTYPE html>") and '<meta charset="utf-8">' in text
    assert "default-src 'none'" in text  # the browser refuses any request the page might make
    parsed = _Ids()
    parsed.feed(text)
    assert not parsed.tags & {"script", "link", "img", "iframe", "object", "embed", "image"}
    assert parsed.urls == []  # only in-page anchors
    assert not re.search(r"url\((?!#)|@import|@font-face", text)
    assert len(parsed.ids) == len(set(parsed.ids)), "ids repeat: the inline SVGs' ids must be namespaced"
    for name in ZH_BRANDS.values():  # the names as UTF-8 text, not as glyph outlines or entities
        assert f"<h2>{name}</h2>" in text
    assert "<dc:date>" not in text and "Matplotlib v" not in text


def test_every_section_and_chart_the_summary_lists_is_in_the_page(zh_run, tmp_path):
    outcome = jobs.run_job("report", Request(run=zh_run, out=tmp_path / "r.html"))
    text = (tmp_path / "r.html").read_text(encoding="utf-8")
    ids = [s["id"] for s in outcome.summary["sections"]]
    assert ids == ["overview", "brand-1", "brand-2", "brand-3", "value", "churn", "screening"]
    assert [s["title"] for s in outcome.summary["sections"][1:4]] == sorted(ZH_BRANDS.values())
    figures = re.findall(r'<figure class="chart" id="([^"]+)">\n<svg ', text)
    assert len(figures) == outcome.summary["charts"] == sum(s["charts"] for s in outcome.summary["sections"]) >= 17
    for sid in ids:
        assert f'<section id="{sid}">' in text
    # hover texts: the heatmap's cells say the segment's and the brand's means
    assert re.search(r"<title>[^<]+ vs brand [^<]+\(index [^<]+\)</title>", text)


def test_same_run_same_bytes_in_another_process(zh_run, tmp_path):
    """matplotlib salts its SVG ids with a random value and stamps the date unless told not
    to: a report built in a fresh process must still be byte-identical to run --report's."""
    script = ("import sys; from pathlib import Path; from segment import report; "
              "sys.stdout.buffer.write(report.build(report.load(Path(sys.argv[1]))).html.encode())")
    fresh = subprocess.run([sys.executable, "-c", script, str(zh_run)], capture_output=True, check=True).stdout
    assert hashlib.sha256(fresh).digest() == hashlib.sha256((zh_run / "report.html").read_bytes()).digest()


def test_segment_report_of_a_run_equals_its_run_report_and_is_small_and_quick(zh_run, tmp_path):
    out = tmp_path / "report.html"
    wall, cpu = time.perf_counter(), time.process_time()
    res = runner.invoke(app, ["--quiet", "report", str(zh_run), "--out", str(out), "--format", "json"])
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    assert res.exit_code == 0, res.stderr
    assert out.read_bytes() == (zh_run / "report.html").read_bytes()
    summary = json.loads(res.stdout)
    assert summary["bytes"] == out.stat().st_size < 2_000_000
    # CPU time, not wall: the budget is the report's work, not how busy the machine is
    assert cpu < 5, f"segment report took {cpu:.1f} s of CPU ({wall:.1f} s wall) on the sample (budget 5 s)"
    # its manifest: the run folder's files as inputs, so that verify re-runs it
    manifest = json.loads((tmp_path / "report.html.manifest.json").read_text(encoding="utf-8"))
    assert manifest["command"]["options"] == {"run": str(zh_run), "previous": None}
    assert {Path(i["path"]).name for i in manifest["inputs"] if i["role"] == "run"} == {
        "profiles.json", "screening.json", "analyses.json", "manifest.json", "assignments.parquet"}
    verified = runner.invoke(app, ["verify", str(tmp_path / "report.html.manifest.json")])
    assert verified.exit_code == 0, verified.stdout + verified.stderr


def test_run_report_is_in_the_manifest_and_verify_re_runs_it(zh_run):
    manifest = json.loads((zh_run / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["command"]["options"]["report"] is True
    listed = {o["path"]: o for o in manifest["outputs"]}
    data = (zh_run / "report.html").read_bytes()
    assert listed["report.html"]["sha256"] == hashlib.sha256(data).hexdigest()
    assert listed["report.html"]["size"] == len(data)
    assert jobs.request_from("run", manifest["command"]["options"]).report is True
    res = runner.invoke(app, ["verify", str(zh_run)])
    assert res.exit_code == 0, res.stdout + res.stderr
    assert "11 outputs byte-identical" in res.stdout  # report.html among them


def test_usage_and_input_errors(zh_run, tmp_path):
    cases = [
        (["report", str(tmp_path / "none"), "--out", str(tmp_path / "r.html")], 3, "run folder not found"),
        (["report", str(tmp_path), "--out", str(tmp_path / "r.html")], 3, "no profiles.json"),
        (["report", str(zh_run), "--out", str(tmp_path / "r.txt")], 2, "must end in .html"),
        (["report", str(zh_run), "--out", str(zh_run / "report.html")], 2, "already exists"),
        (["run", "--report"], 2, "--report writes report.html into the --out folder"),
    ]
    for args, code, message in cases:
        res = runner.invoke(app, args)
        assert res.exit_code == code, (args, res.stderr)
        assert res.stderr.startswith("error: ") and message in res.stderr, res.stderr


# ---------------------------------------------------------------- folders that lack parts

def _folder(path: Path, brands: dict[str, list[int]], assignments: pl.DataFrame | None = None,
            screening: dict | None = None) -> Path:
    """A minimal run folder: profiles.json with ``brands`` -> segment sizes, optionally
    assignments.parquet and screening.json (what segment cluster or an old run leaves)."""
    path.mkdir()
    profiles = {"version": 1, "seed": 1, "cluster_variables": ["x"], "failed_brands": {}, "brands": {
        b: {"k": len(sizes), "chosen_by": "forced", "reason": "forced", "scores": [], "customers": sum(sizes),
            "key_indicators": [], "brand_means": {},
            "segments": [{"segment": i + 1, "name": f"段{i + 1}", "size": n, "share": n / sum(sizes)}
                         for i, n in enumerate(sizes)]}
        for b, sizes in brands.items()}}
    (path / "profiles.json").write_text(json.dumps(profiles, ensure_ascii=False), encoding="utf-8")
    if assignments is not None:
        assignments.write_parquet(path / "assignments.parquet")
    if screening is not None:
        (path / "screening.json").write_text(json.dumps(screening), encoding="utf-8")
    return path


def _assign(rows: list[tuple[int, str, int]]) -> pl.DataFrame:
    return pl.DataFrame(rows, schema={"customer_id": pl.Int64, "brand": pl.Utf8, "segment": pl.Int32}, orient="row")


def test_transitions_are_counted_from_the_customers_both_runs_hold(tmp_path):
    from segment.report.previous import compare

    before = _folder(tmp_path / "before", {"A": [3, 2], "B": [1]}, _assign(
        [(1, "A", 1), (2, "A", 1), (3, "A", 1), (4, "A", 2), (5, "A", 2), (6, "B", 1)]),
        {"variables": [{"name": "x", "status": "kept"}, {"name": "y", "status": "dropped", "reason": "missing"}]})
    now = _folder(tmp_path / "now", {"A": [3, 2], "C": [1]}, _assign(
        [(1, "A", 2), (2, "A", 2), (3, "A", 1), (4, "A", 1), (7, "A", 1), (6, "C", 1)]),
        {"variables": [{"name": "x", "status": "kept"}, {"name": "y", "status": "kept"}]})
    cmp = compare(report.load(now), report.load(before))
    (t,) = cmp.transitions
    assert (t.brand, t.rows, t.columns, t.counts) == ("A", [1, 2], [1, 2], [[1, 2], [1, 0]])
    assert (t.shared, t.only_previous, t.only_current) == (4, 1, 1)  # 5 left A, 7 joined it
    assert t.kept_together == 3 / 4  # 2 of segment 1's 3 went together, segment 2's one
    assert cmp.notes == ["Brand B is only in the previous run.", "Brand C is only in this run."]
    assert cmp.screening == [["y", "dropped: missing", "kept"]]
    rep = report.build(report.load(now), report.load(before))
    assert [s.summary()["charts"] for s in rep.sections if s.id == "previous"] == [1]
    assert "段1" in rep.html


def test_a_folder_without_analyses_or_assignments_still_gives_a_report(tmp_path):
    """segment cluster's folder (no analyses.json, no manifest), and a previous run that cannot be
    matched: the sections that need them say why, the others are drawn."""
    now = report.load(_folder(tmp_path / "now", {"A": [2, 1]}, _assign([(1, "A", 1), (2, "A", 1), (3, "A", 2)])))
    alone = report.load(_folder(tmp_path / "alone", {"A": [2]}))
    disjoint = report.load(_folder(tmp_path / "disjoint", {"A": [2]}, _assign([(8, "A", 1), (9, "A", 1)])))
    for previous, note in ((alone, "the previous run has no assignments.parquet"),
                           (disjoint, "Brand A: no customer is in both runs")):
        rep = report.build(now, previous)
        notes = {s.id: s.notes for s in rep.sections}
        assert any(note in n for n in notes["previous"]), notes["previous"]
        assert any("analyses.json" in n for n in notes["value"] + notes["churn"])
        assert [s.id for s in rep.sections] == ["overview", "brand-1", "value", "churn", "screening", "previous"]
        assert sum(len(s.charts) for s in rep.sections if s.id == "brand-1") == 1  # the sizes
    assert any("no analyses.json" in n for n in now.notes)
