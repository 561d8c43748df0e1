"""The page: one HTML5 document, UTF-8, its CSS inline, no script, no external resource.

The font stack names Latin faces first, then CJK faces of every platform (Noto/Source Han
on Linux, PingFang on macOS, Microsoft YaHei on Windows), so that Chinese brand and
segment names are drawn with real glyphs wherever the report is opened; the charts' text
uses the same stack.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html import escape

from .charts import Svg

FONT_STACK = ('"DejaVu Sans", "Noto Sans", "Segoe UI", Helvetica, Arial, "Noto Sans CJK SC", "Source Han Sans SC", '
              '"PingFang SC", "Hiragino Sans GB", "Microsoft YaHei", "WenQuanYi Micro Hei", "Noto Sans CJK JP", '
              'sans-serif')

CSS = """
:root { --ink: #222; --muted: #666; --line: #e3e3e3; --accent: #4c72b0; }
* { box-sizing: border-box; }
body { font-family: %(font)s; color: var(--ink); margin: 0; background: #f6f6f4; line-height: 1.45; font-size: 14px; }
main { max-width: 1000px; margin: 0 auto; padding: 24px 28px 48px; background: #fff; }
header h1 { font-size: 24px; margin: 0 0 4px; }
header p { margin: 0; color: var(--muted); }
nav { margin: 16px 0 8px; padding: 8px 0; border-top: 1px solid var(--line); border-bottom: 1px solid var(--line); }
nav a { margin-right: 14px; color: var(--accent); text-decoration: none; white-space: nowrap; }
section { padding: 8px 0 20px; border-bottom: 1px solid var(--line); }
h2 { font-size: 19px; margin: 18px 0 8px; }
h3 { font-size: 15px; margin: 16px 0 6px; }
p.note { color: var(--muted); font-style: italic; margin: 6px 0; }
figure.chart { margin: 10px 0 14px; }
figure.chart figcaption { color: var(--muted); font-size: 12px; margin-top: 2px; }
svg.chart-svg { display: block; width: 100%%; height: auto; }
svg.chart-svg * { stroke-linejoin: round; stroke-linecap: butt; }
svg.chart-svg text { font-family: %(font)s !important; }
table { border-collapse: collapse; margin: 6px 0 12px; font-size: 13px; }
th, td { border-bottom: 1px solid var(--line); padding: 3px 10px 3px 0; text-align: left; vertical-align: top; }
th { color: var(--muted); font-weight: 600; }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; }
.flag { color: #b2182b; font-weight: 600; }
.kpis { display: flex; flex-wrap: wrap; gap: 10px; margin: 8px 0 12px; }
.kpi { border: 1px solid var(--line); border-radius: 6px; padding: 6px 12px; min-width: 120px; }
.kpi b { display: block; font-size: 18px; }
.kpi span { color: var(--muted); font-size: 12px; }
footer { color: var(--muted); font-size: 12px; margin-top: 18px; }
""" % {"font": FONT_STACK}


@dataclass
class Section:
    """One part of the report: ``id`` its anchor (fixed, from its place in the report), its
    body in HTML, the charts in it, and a note when it is left out or incomplete."""

    id: str
    title: str
    body: list[str] = field(default_factory=list)
    charts: list[Svg] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def add(self, *parts: str) -> "Section":
        self.body.extend(parts)
        return self

    def chart(self, svg: Svg, caption: str = "") -> "Section":
        self.charts.append(svg)
        cap = f"<figcaption>{escape(caption)}</figcaption>" if caption else ""
        self.body.append(f'<figure class="chart" id="{svg.id}">\n{svg.markup}{cap}</figure>')
        return self

    def note(self, text: str) -> "Section":
        self.notes.append(text)
        self.body.append(f'<p class="note">{escape(text)}</p>')
        return self

    def summary(self) -> dict:
        return {"id": self.id, "title": self.title, "charts": len(self.charts), "notes": list(self.notes)}

    def render(self) -> str:
        return f'<section id="{self.id}">\n<h2>{escape(self.title)}</h2>\n' + "\n".join(self.body) + "\n</section>"


def table(headers: list[str], rows: list[list], numeric: set[int] | None = None, caption: str = "") -> str:
    """A table; cells are escaped unless given as ``Raw``; columns in ``numeric`` right-aligned."""
    numeric = numeric or set()

    def cell(tag: str, i: int, v) -> str:
        cls = ' class="n"' if i in numeric else ""
        text = v.html if isinstance(v, Raw) else escape("" if v is None else str(v))
        return f"<{tag}{cls}>{text}</{tag}>"

    head = "<tr>" + "".join(cell("th", i, h) for i, h in enumerate(headers)) + "</tr>"
    body = "\n".join("<tr>" + "".join(cell("td", i, v) for i, v in enumerate(r)) + "</tr>" for r in rows)
    cap = f"<caption>{escape(caption)}</caption>" if caption else ""
    return f"<table>{cap}\n<thead>{head}</thead>\n<tbody>\n{body}\n</tbody>\n</table>"


@dataclass(frozen=True)
class Raw:
    """A table cell already in HTML."""

    html: str


def kpis(items: list[tuple[str, str]]) -> str:
    return '<div class="kpis">' + "".join(f'<div class="kpi"><b>{escape(v)}</b><span>{escape(k)}</span></div>'
                                          for k, v in items) + "</div>"


def page(title: str, subtitle: str, sections: list[Section], footer: str) -> str:
    nav = "".join(f'<a href="#{s.id}">{escape(s.title)}</a>' for s in sections)
    return "\n".join([
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        # no request may leave the page: everything it needs is inside it
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; "
        "img-src data:\">",
        f"<title>{escape(title)}</title>",
        f"<style>{CSS}</style>",
        "</head>",
        "<body>",
        "<main>",
        f"<header><h1>{escape(title)}</h1><p>{escape(subtitle)}</p></header>",
        f"<nav>{nav}</nav>",
        *[s.render() for s in sections],
        f"<footer>{escape(footer)}</footer>",
        "</main>",
        "</body>",
        "</html>",
        "",
    ])


def num(x, digits: int = 0) -> str:
    """A number for people: thousands separated, ``digits`` decimals; '–' for None."""
    if x is None:
        return "–"
    return f"{x:,.{digits}f}"


def pct(x, digits: int = 1) -> str:
    return "–" if x is None else f"{x * 100:.{digits}f}%"
