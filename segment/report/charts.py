"""The report's charts: matplotlib figures saved as SVG text, made the same way every time.

Why these settings (docs/report.md has the measurements behind choosing matplotlib):

* ``svg.hashsalt`` fixed and no ``Date`` metadata: by default matplotlib salts its clip-path
  and marker ids with a random value and stamps the time, so two saves of one figure differ;
* ``svg.fonttype = none``: text stays text, drawn by the browser with the page's font stack
  (CJK fallbacks included), instead of Latin-only glyph outlines;
* every id is prefixed with the chart's own id: the SVGs are inline in one page, where ids
  share one namespace;
* hover texts are SVG ``<title>`` elements, put into the groups matplotlib writes for an
  artist's ``gid``.

Each function takes plain lists (no library objects) and returns an :class:`Svg`.
"""

from __future__ import annotations

import functools
import html
import io
import math
import re
import unicodedata
import warnings
from dataclasses import dataclass

SALT = "segment-report"
SCALE = 1.3  # charts are drawn in points and shown this much larger (text of 7-9 pt reads as 9-12 px)
# Families matplotlib measures text with, when installed (the browser draws it with the page's stack).
FONTS = ("DejaVu Sans", "Noto Sans CJK SC", "Noto Sans CJK JP", "Source Han Sans SC", "WenQuanYi Zen Hei",
         "WenQuanYi Micro Hei", "Microsoft YaHei", "PingFang SC", "SimHei", "Arial Unicode MS")
INK = "#333333"
GRID = "#dddddd"
PALETTES = {
    "tier": {"A": "#1b7837", "B": "#7fbf7b", "C": "#d9d9d9"},
    "card": {"diamond": "#4c72b0", "gold": "#dd8452", "silver": "#a0a0a0", "none": "#e5e5e5"},
    "stage": {"churned": "#b2182b", "alert": "#ef8a62", "warning": "#fddbc7", "healthy": "#92c5de"},
}
CYCLE = ("#4c72b0", "#dd8452", "#55a868", "#c44e52", "#8172b3", "#937860", "#da8bc3", "#8c8c8c", "#ccb974",
         "#64b5cd")


@dataclass(frozen=True)
class Svg:
    """One chart: its id in the page, the SVG markup, and a one-line description (alt text)."""

    id: str
    markup: str
    label: str


def colour(palette: str, level: str, i: int) -> str:
    return PALETTES.get(palette, {}).get(level, CYCLE[i % len(CYCLE)])


@functools.lru_cache(maxsize=1)
def _rc() -> dict:
    from matplotlib import font_manager

    installed = {f.name for f in font_manager.fontManager.ttflist}
    return {
        "svg.hashsalt": SALT, "svg.fonttype": "none", "svg.image_inline": True,
        # the Latin face and one CJK face: each family more costs a font look-up per text
        "font.family": ["DejaVu Sans", *[f for f in FONTS[1:] if f in installed][:1]], "font.size": 9,
        "axes.edgecolor": "#999999", "axes.labelcolor": INK, "xtick.color": INK, "ytick.color": INK,
        "axes.spines.top": False, "axes.spines.right": False, "axes.titlesize": 10, "axes.titleweight": "bold",
        "legend.frameon": False, "legend.fontsize": 8,
        "text.parse_math": False,  # a name with two $ signs is text, not a formula
    }


def text_width(text: str, size: float = 9.0) -> float:
    """About how wide ``text`` is in points: wide (CJK) characters 1 em, others 0.6 em.

    Margins are set from it rather than by matplotlib's layout engines, which measure
    every text again and cost 100 ms a chart."""
    return size * sum(1.0 if unicodedata.east_asian_width(ch) in "WF" else 0.6 for ch in text)


def _figure(width: float, height: float, left: float = 40, right: float = 12, top: float = 24, bottom: float = 28,
            panels: int = 1, gap: float = 12):
    """A figure ``width`` x ``height`` points with ``panels`` axes side by side, margins in points."""
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width / 72, height / 72), dpi=72)
    inner = (width - left - right - gap * (panels - 1)) / panels
    axes = [fig.add_axes(((left + i * (inner + gap)) / width, bottom / height, inner / width,
                          (height - top - bottom) / height)) for i in range(panels)]
    return fig, axes


_ID = re.compile(r'\bid="([^"]+)"')


def _render(make, chart_id: str, label: str, titles: dict[str, str] | None = None) -> Svg:
    """Build the figure with ``make()`` and save it as SVG under the same rc settings (fonts
    measure text); strip what is not the picture, namespace its ids, add the hover titles."""
    import matplotlib

    buf = io.StringIO()
    with matplotlib.rc_context(_rc()), warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "Glyph missing": the browser draws the text, with its own fonts
        make().savefig(buf, format="svg", metadata={"Date": None, "Creator": None, "Format": None, "Type": None})
    svg = buf.getvalue()
    svg = svg[svg.index("<svg"):]
    svg = re.sub(r"<metadata>.*?</metadata>\s*", "", svg, flags=re.S)
    svg = re.sub(r"<defs>\s*<style[^>]*>.*?</style>\s*</defs>\s*", "", svg, count=1, flags=re.S)
    # the page's CSS gives chart text its font stack; the families found on this machine stay out
    svg = _SHORTHAND.sub(lambda m: (f"font-weight: {m.group(1)}; " if m.group(1) else "") + f"font-size: {m.group(2)}",
                         _FAMILY.sub("", svg))
    p = chart_id
    svg = _ID.sub(lambda m: f'id="{p}-{m.group(1)}"', svg)
    svg = svg.replace("url(#", f"url(#{p}-").replace('xlink:href="#', f'xlink:href="#{p}-')
    for gid, text in (titles or {}).items():
        svg = svg.replace(f'<g id="{p}-{gid}">', f'<g id="{p}-{gid}"><title>{html.escape(text)}</title>', 1)
    width = float(re.search(r'width="([\d.]+)pt"', svg).group(1))
    svg = re.sub(r'<svg ([^>]*?)width="[\d.]+pt" height="[\d.]+pt"',
                 lambda m: f'<svg class="chart-svg" role="img" aria-label="{html.escape(label)}" '
                           f'style="max-width:{width * SCALE:g}px" {m.group(1)}', svg, count=1)
    return Svg(chart_id, _compact(svg).strip() + "\n", label)


_FAMILY = re.compile(r"font-family: [^;\"]*(; )?")
_SHORTHAND = re.compile(r"font: (?:(\w+) )?([\d.]+px) [^;\"]*")  # matplotlib < 3.10 writes the font shorthand
_NUMBER = re.compile(r"(\d+\.\d{3})\d+")


def _compact(svg: str) -> str:
    """Coordinates to 3 decimals and path data on one line: a third smaller, the same picture."""
    svg = _NUMBER.sub(r"\1", svg)
    return re.sub(r" \n(?=[LMCZz ])", " ", svg)


def _label_margin(labels: list[str], size: float = 9.0) -> float:
    return 14 + max([text_width(t, size) for t in labels] + [10])


def hbars(chart_id: str, labels: list[str], values: list[float], texts: list[str], title: str = "",
          xlabel: str = "", hover: list[str] | None = None, colour_of: str = CYCLE[0]) -> Svg:
    """Horizontal bars, the first label on top; ``texts`` written at the end of each bar."""
    def make():
        fig, (ax,) = _figure(560, 50 + 20 * max(len(labels), 2), left=_label_margin(labels),
                             right=16 + max([text_width(t, 8) for t in texts] + [0]), top=24 if title else 8,
                             bottom=30 if xlabel else 22)
        ys = list(range(len(labels)))
        for y, bar in enumerate(ax.barh(ys, values, color=colour_of, height=0.7)):
            bar.set_gid(f"bar{y}")
        for y, v, t in zip(ys, values, texts):
            ax.text(v, y, f" {t}", va="center", ha="left", fontsize=8, color=INK)
        ax.set_yticks(ys, labels)
        ax.set_ylim(len(labels) - 0.5, -0.5)
        ax.set_xlim(0, max([*values, 1]) * 1.02)
        ax.grid(axis="x", color=GRID, linewidth=0.6)
        ax.set_axisbelow(True)
        if title:
            ax.set_title(title, loc="left")
        if xlabel:
            ax.set_xlabel(xlabel)
        return fig
    titles = {f"bar{i}": h for i, h in enumerate(hover or [])}
    return _render(make, chart_id, title or xlabel, titles)


def stacked(chart_id: str, rows: list[str], panels: list[tuple[str, str, list[str], list[list[int]]]],
            shares: bool = True) -> Svg:
    """Stacked horizontal bars, one panel per (title, palette, levels, counts[row][level]);
    ``shares`` draws each row as 100 % (its mix), else as counts."""
    def make():
        from matplotlib.patches import Patch

        n = len(panels)
        fig, axes = _figure(max(200, 540 // n) * n + 30 * (n - 1) + _label_margin(rows) + 20, 74 + 20 * max(len(rows), 2),
                            left=_label_margin(rows), right=20, top=52, bottom=22, panels=n, gap=30)
        ys = list(range(len(rows)))
        top = max([sum(row) for _, _, _, counts in panels for row in counts] + [1])
        for pi, (ax, (title, palette, levels, counts)) in enumerate(zip(axes, panels)):
            left = [0.0] * len(rows)
            for li, level in enumerate(levels):
                totals = [sum(row) for row in counts]
                widths = [(row[li] / t if t else 0.0) if shares else float(row[li]) for row, t in zip(counts, totals)]
                drawn = [r for r, w in enumerate(widths) if w > 0]
                if not drawn:
                    continue
                bars = ax.barh(drawn, [widths[r] for r in drawn], left=[left[r] for r in drawn], height=0.72,
                               color=colour(palette, level, li), edgecolor="white", linewidth=0.5)
                for r, bar in zip(drawn, bars):
                    bar.set_gid(f"p{pi}r{r}l{li}")
                    if shares and widths[r] >= 0.14:
                        ax.text(left[r] + widths[r] / 2, r, f"{widths[r]:.0%}", ha="center", va="center", fontsize=7,
                                color=INK)
                    left[r] += widths[r]
            if pi == 0:
                ax.set_yticks(ys, rows)
            else:
                ax.tick_params(axis="y", left=False, labelleft=False)
            ax.set_ylim(len(rows) - 0.5, -0.5)
            if shares:
                ax.set_xlim(0, 1)
                ax.set_xticks([0, 0.5, 1], ["0%", "50%", "100%"])
            else:
                ax.set_xlim(0, top * 1.02)
            handles = [Patch(color=colour(palette, lv, i), label=lv) for i, lv in enumerate(levels)]
            ax.legend(handles=handles, loc="lower left", bbox_to_anchor=(0, 1.0), ncol=min(len(levels), 4),
                      fontsize=7, handlelength=0.9, handletextpad=0.4, columnspacing=0.8, borderaxespad=0.3)
            ax.annotate(title, (0, 1), xycoords="axes fraction", xytext=(0, 24), textcoords="offset points",
                        fontsize=9, fontweight="bold", va="bottom", ha="left", color=INK)
        return fig
    titles = {}
    for pi, (title, _, levels, counts) in enumerate(panels):
        for r, row in enumerate(counts):
            total = sum(row)
            for li, level in enumerate(levels):
                if row[li]:
                    share = f" ({row[li] / total:.1%})" if total else ""
                    titles[f"p{pi}r{r}l{li}"] = f"{rows[r]} · {title}: {level} {row[li]:,}{share}"
    return _render(make, chart_id, ", ".join(p[0] for p in panels), titles)


def heatmap(chart_id: str, rows: list[str], columns: list[str], values: list[list[float | None]],
            hover: list[list[str]], title: str, centre: float = 100.0, text_format: str = "{:.0f}",
            diverging: bool = True, texts: list[list[str]] | None = None) -> Svg:
    """A grid of cells coloured by value: ``diverging`` on a log scale around ``centre``
    (an index of 50 and one of 200 are as far from 100), else sequential from 0 to the
    largest value. ``hover[r][c]`` is each cell's title, ``texts[r][c]`` its text (default:
    the value); a None value is grey."""
    def make():
        from matplotlib import colormaps
        from matplotlib.patches import Rectangle

        cmap = colormaps["RdBu_r" if diverging else "Blues"]
        top = max([v for row in values for v in row if v is not None] + [1e-9])
        cell_w, cell_h = (62 if diverging else 52), 24
        below = 0.72 * max([text_width(c, 7.5) for c in columns] + [10]) + 12
        left = _label_margin(rows)
        width = max(left + cell_w * len(columns) + 40, left + text_width(title, 10) + 16)
        fig, (ax,) = _figure(width, 28 + cell_h * len(rows) + below,
                             left=left, right=width - left - cell_w * len(columns), top=24, bottom=below)
        for r, row in enumerate(values):
            for c, v in enumerate(row):
                if v is None or (isinstance(v, float) and math.isnan(v)):
                    face, text, dark = "#eeeeee", "–", False
                elif diverging:
                    x = max(-1.0, min(1.0, math.log2(max(v, 1e-9) / centre) / 2))
                    face, text, dark = cmap(0.5 + x / 2), text_format.format(v), abs(x) > 0.55
                else:
                    face, text, dark = cmap(0.08 + 0.85 * v / top), text_format.format(v), v / top > 0.6
                ax.add_patch(Rectangle((c, r), 1, 1, facecolor=face, edgecolor="white", linewidth=1,
                                       gid=f"cell{r}_{c}"))
                text = texts[r][c] if texts is not None else text
                ax.text(c + 0.5, r + 0.5, text, ha="center", va="center", fontsize=7.5,
                        color="white" if dark else INK)
        ax.set_xlim(0, len(columns))
        ax.set_ylim(len(rows), 0)
        ax.set_xticks([c + 0.5 for c in range(len(columns))], columns, rotation=45, ha="right",
                      rotation_mode="anchor", fontsize=7.5)
        ax.set_yticks([r + 0.5 for r in range(len(rows))], rows)
        ax.tick_params(length=0)
        for side in ("left", "bottom"):
            ax.spines[side].set_visible(False)
        ax.set_title(title, loc="left")
        return fig
    titles = {f"cell{r}_{c}": hover[r][c] for r in range(len(rows)) for c in range(len(columns))}
    return _render(make, chart_id, title, titles)


def k_choice(chart_id: str, ks: list[int], strength: list[float | None], silhouette: list[float | None],
             chosen: int, threshold: float | None, title: str) -> Svg:
    """Prediction strength and silhouette per k; the chosen k marked, the threshold drawn."""
    def make():
        fig, (ax,) = _figure(420, 210, left=36, right=12, top=34, bottom=34)
        ax.axvspan(chosen - 0.4, chosen + 0.4, color="#fff2b3", zorder=0)
        for name, ys, c, m in (("prediction strength", strength, CYCLE[0], "o"),
                               ("silhouette", silhouette, CYCLE[1], "s")):
            pts = [(k, y) for k, y in zip(ks, ys) if y is not None]
            if pts:
                ax.plot([k for k, _ in pts], [y for _, y in pts], marker=m, markersize=4, color=c, label=name,
                        linewidth=1.4)
                for k, y in pts:
                    ax.plot([k], [y], marker=m, markersize=10, alpha=0, gid=f"{m}{k}")
        if threshold is not None:
            ax.axhline(threshold, color="#777777", linestyle="--", linewidth=1)
            ax.text(ks[-1] + 0.45 if ks else 1, threshold, f"threshold {threshold:g}", va="bottom", ha="right",
                    fontsize=7, color="#555555")
        ax.text(chosen, 1.0, f"k = {chosen}", ha="center", va="bottom", fontsize=8, fontweight="bold", color=INK,
                transform=ax.get_xaxis_transform())
        ax.set_xticks(ks)
        ax.set_xlim((ks[0] - 0.5, ks[-1] + 0.5) if ks else (0, 1))
        ax.set_ylim(min([0.0, *[y for y in silhouette if y is not None]]), 1.05)
        ax.set_xlabel("k (segments)")
        ax.grid(axis="y", color=GRID, linewidth=0.6)
        ax.legend(loc="lower left", fontsize=7)
        ax.set_title(title, loc="left", pad=14)
        return fig
    titles = {}
    for k, ps, sil in zip(ks, strength, silhouette):
        text = f"k = {k}: prediction strength {_num(ps)}, silhouette {_num(sil)}"
        titles[f"o{k}"] = titles[f"s{k}"] = text
    return _render(make, chart_id, title, titles)


def lorenz(chart_id: str, curves: list[tuple[str, list[list[float]], str]], title: str) -> Svg:
    """Lorenz (whale) curves: (name, [customer share, revenue share] points, hover text) each,
    the line of equality dotted."""
    def make():
        fig, (ax,) = _figure(330, 290, left=46, right=14, top=24, bottom=36)
        ax.plot([0, 1], [0, 1], linestyle=":", color="#888888", linewidth=1)
        for i, (name, points, _) in enumerate(curves):
            xs, ys = [p[0] for p in points], [p[1] for p in points]
            ax.plot(xs, ys, color=CYCLE[i % len(CYCLE)], linewidth=2.2 if i == 0 else 1.3, label=name,
                    gid=f"curve{i}")
        ax.set_xlim(0, 1)
        ax.set_ylim(0, 1)
        ticks = [0, 0.2, 0.4, 0.6, 0.8, 1]
        ax.set_xticks(ticks, [f"{t:.0%}" for t in ticks])
        ax.set_yticks(ticks, [f"{t:.0%}" for t in ticks])
        ax.set_xlabel("customers, lowest revenue first")
        ax.set_ylabel("share of revenue")
        ax.grid(color=GRID, linewidth=0.6)
        ax.legend(loc="upper left", fontsize=7)
        ax.set_title(title, loc="left")
        return fig
    return _render(make, chart_id, title, {f"curve{i}": h for i, (_, _, h) in enumerate(curves)})


def _num(x) -> str:
    return "–" if x is None else f"{x:.3f}"
