"""The report in a real browser: headless Chromium (Debian's package) driven over its
DevTools pipe (tests/cdp.py). The page loads with no console error and no request but
itself, every chart is a drawn SVG, no section's screenshot is blank, and Chinese brand
and segment names are drawn with real glyphs, not missing-glyph boxes.

Locally the test is skipped when no Chromium is found; on CI (CI=true, where .ci/run
installs chromium and fonts-noto-cjk) a missing browser fails it.

SEGMENT_SCREENSHOTS=docs pytest tests/test_report_browser.py also writes the README's
picture, docs/report.png.
"""

from __future__ import annotations

import io
import json
import os
import shutil
from pathlib import Path

import pytest

from cdp import Browser, find_chromium
from conftest import ZH_BRANDS
from segment import jobs
from segment.jobs.report import Request

CHROMIUM = find_chromium()
# Segment names as an analyst might give them (the generated ones are English).
ZH_SEGMENTS = ("高价值商务", "年轻流量族", "稳定家庭", "低频沉默", "夜间活跃")


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    if CHROMIUM is None:
        if os.environ.get("CI"):
            pytest.fail("no Chromium on the CI machine: .ci/run must install chromium and fonts-noto-cjk")
        pytest.skip("no Chromium found (apt-get install chromium fonts-noto-cjk, or set SEGMENT_CHROMIUM): "
                    "the report's browser test needs one")
    with Browser(CHROMIUM, tmp_path_factory.mktemp("chromium") / "profile") as b:
        yield b


@pytest.fixture(scope="module")
def page(zh_run, tmp_path_factory, browser):
    """The report of the Chinese-named run, its segments renamed in Chinese too, open in the browser."""
    folder = tmp_path_factory.mktemp("named") / "run"
    shutil.copytree(zh_run, folder)
    profiles = json.loads((folder / "profiles.json").read_text(encoding="utf-8"))
    for brand in profiles["brands"].values():
        for seg in brand["segments"]:
            seg["name"] = f"{ZH_SEGMENTS[(seg['segment'] - 1) % len(ZH_SEGMENTS)]} {seg['segment']}"
    (folder / "profiles.json").write_text(json.dumps(profiles, ensure_ascii=False), encoding="utf-8")
    out = folder.parent / "report.html"
    summary = jobs.run_job("report", Request(run=folder, out=out)).summary
    url = out.resolve().as_uri()
    browser.open(url)
    return browser, url, summary


def test_the_checks_see_a_request_and_a_console_error(page):
    """The detectors work: a page that fetches an image and logs an error is caught by both."""
    browser, url, _ = page
    browser.open('data:text/html,<img src="http://127.0.0.1:9/x.png"><script>console.error("seen")</script>')
    assert "http://127.0.0.1:9/x.png" in browser.requests()
    assert any("seen" in p for p in browser.problems())
    browser.open(url)  # back to the report, for the other tests


def test_loads_offline_with_no_console_error_and_no_request(page):
    browser, url, _ = page
    browser.open(url)
    assert browser.problems() == []
    assert browser.requests() == [url]  # the page itself, nothing else
    assert browser.evaluate("document.characterSet") == "UTF-8"


def test_every_chart_is_a_drawn_svg(page):
    browser, _, summary = page
    charts = browser.evaluate("""Array.from(document.querySelectorAll('figure.chart')).map(f => {
        const s = f.querySelector(':scope > svg'); const r = s ? s.getBoundingClientRect() : {width: 0, height: 0};
        return {id: f.id, width: r.width, height: r.height, shapes: s ? s.querySelectorAll('path, text').length : 0,
                titles: s ? s.querySelectorAll('title').length : 0};
    })""")
    assert len(charts) == summary["charts"] >= 17
    empty = [c for c in charts if c["width"] < 100 or c["height"] < 50 or c["shapes"] < 10]
    assert empty == []
    assert all(c["titles"] > 0 for c in charts), "every chart has hover titles"


def _ink(png: bytes) -> tuple[float, int]:
    """The share of pixels that are not the background, and the number of colours."""
    import numpy as np
    from PIL import Image

    rgb = np.asarray(Image.open(io.BytesIO(png)).convert("RGB"), dtype=np.int32).reshape(-1, 3)
    off = np.abs(rgb - rgb[0]).sum(axis=1) > 40
    return float(off.mean()), len(np.unique((rgb[:, 0] << 16) | (rgb[:, 1] << 8) | rgb[:, 2]))


def test_no_section_screenshot_is_blank(page, tmp_path):
    browser, _, summary = page
    boxes = browser.evaluate("""Array.from(document.querySelectorAll('main > section')).map(s => {
        const r = s.getBoundingClientRect();
        return {id: s.id, x: r.left + scrollX, y: r.top + scrollY, width: r.width, height: r.height};
    })""")
    assert [b["id"] for b in boxes] == [s["id"] for s in summary["sections"]]
    for box in boxes:
        assert box["height"] > 100, box
        png = browser.screenshot(box["x"], box["y"], box["width"], min(box["height"], 3000))
        ink, colours = _ink(png)
        assert ink > 0.02 and colours > 16, (box["id"], ink, colours)
    first = boxes[1]  # the first brand: its table, sizes, profile heatmap, k choice and mixes
    shot = browser.screenshot(first["x"] - 20, first["y"] - 12, first["width"] + 40, min(first["height"], 1500) + 12)
    (tmp_path / "report.png").write_bytes(shot)
    if os.environ.get("SEGMENT_SCREENSHOTS"):  # the README's picture
        Path(os.environ["SEGMENT_SCREENSHOTS"], "report.png").write_bytes(shot)


GLYPHS = r"""(selector) => {
    const el = document.querySelector(selector);
    const font = getComputedStyle(el).fontFamily, size = 48;
    const c = document.createElement('canvas'); c.width = 2 * size; c.height = 2 * size;
    const ctx = c.getContext('2d', {willReadFrequently: true});
    const draw = ch => {
        ctx.clearRect(0, 0, c.width, c.height); ctx.font = `${size}px ${font}`; ctx.fillText(ch, 4, 1.4 * size);
        const alpha = ctx.getImageData(0, 0, c.width, c.height).data.filter((v, i) => i % 4 === 3);
        return {ink: alpha.filter(v => v > 0).length, key: alpha.join(','), width: ctx.measureText(ch).width / size};
    };
    const missing = draw('\u{10FFFD}');  // no font has it: what a missing glyph looks like here
    return Array.from(el.textContent).filter(ch => /\p{Script=Han}/u.test(ch)).map(ch => {
        const g = draw(ch); return {ch, ink: g.ink, width: g.width, missing: g.key === missing.key};
    });
}"""


@pytest.mark.parametrize("where", ["brand heading", "segment name"])
def test_chinese_names_are_drawn_with_real_glyphs(page, where):
    browser, _, summary = page
    brand = next(s["id"] for s in summary["sections"] if s["title"] == ZH_BRANDS["GoTone"])
    selector = f"#{brand} h2" if where == "brand heading" else f"#{brand} table tbody tr td:nth-child(2)"
    glyphs = browser.evaluate(f"({GLYPHS})({json.dumps(selector)})")
    fonts = browser.platform_fonts(selector)
    assert glyphs, f"no Chinese text in {selector}"
    bad = [g for g in glyphs if g["missing"] or g["ink"] < 50 or not 0.85 <= g["width"] <= 1.15]
    assert bad == [], f"drawn as missing-glyph boxes (fonts used: {fonts}); install fonts-noto-cjk"
    assert any(f["familyName"] not in ("DejaVu Sans", "Noto Sans", "Arial", "Helvetica") and f["glyphCount"] > 0
               for f in fonts), fonts
