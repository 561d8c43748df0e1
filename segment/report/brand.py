"""One section per brand: segment sizes (with outcome rates), the profile heatmap, the category
shares of text columns, how k was chosen, and each segment's churn-stage, value-tier and
preferred-channel mix."""

from __future__ import annotations

from . import charts
from .folder import RunFolder
from .html import Raw, Section, kpis, num, pct, table

LABEL_CHARS = 34  # a segment's name in a chart's labels; the table beside it has it whole


def short(text: str, n: int = LABEL_CHARS) -> str:
    return text if len(text) <= n else text[: n - 1].rstrip(" ,") + "…"


def segment_label(seg: dict) -> str:
    return short(f"{seg['segment']} · {seg.get('name', '')}")


def _fmt(x) -> str:
    if x is None:
        return "–"
    return f"{x:,.0f}" if abs(x) >= 1000 else f"{x:.3g}"


def brand(run: RunFolder, name: str, position: int) -> Section:
    b = run.brands[name]
    segments = b.get("segments") or []
    s = Section(f"brand-{position}", name)
    cid = f"c-brand{position}"
    s.add(kpis([("customers", num(b.get("customers"))), ("segments", str(b.get("k", len(segments)))),
                ("k chosen by", str(b.get("chosen_by", "–")).replace("_", " "))]))
    outcomes = list(b.get("outcomes") or {})
    rows = [[seg["segment"], seg.get("name", ""), num(seg.get("size")), pct(seg.get("share")), num(seg.get("arpu"), 1),
             Raw(f'{seg["stability"]:.2f}' + (' <span class="flag">unstable</span>' if seg.get("unstable") else ""))
             if seg.get("stability") is not None else "–",
             *(_rate((seg.get("outcomes") or {}).get(o)) for o in outcomes)]
            for seg in segments]
    s.add(table(["segment", "name", "customers", "share", "ARPU", "stability", *(f"{o} rate (index)" for o in outcomes)],
                rows, set(range(6 + len(outcomes))) - {1}))
    labels = [segment_label(seg) for seg in segments]
    if segments:
        s.chart(charts.hbars(f"{cid}-sizes", labels, [seg.get("size", 0) for seg in segments],
                             [f"{seg.get('size', 0):,} ({pct(seg.get('share'))})" for seg in segments],
                             title="Segment sizes",
                             hover=[f"{seg.get('name', '')}: {seg.get('size', 0):,} customers, ARPU {num(seg.get('arpu'), 1)}"
                                    for seg in segments]))
    keys = b.get("key_indicators") or []
    if segments and keys:
        means = b.get("brand_means") or {}
        values = [[(seg.get("index") or {}).get(k) for k in keys] for seg in segments]
        hover = [[f"{seg['segment']} · {seg.get('name', '')} — {k}: {_fmt((seg.get('means') or {}).get(k))} "
                  f"vs brand {_fmt(means.get(k))} (index {_fmt((seg.get('index') or {}).get(k))})" for k in keys]
                 for seg in segments]
        s.chart(charts.heatmap(f"{cid}-profile", labels, keys, values, hover, "Profile: index vs the brand (100 = brand mean)"),
                "Red: above the brand's mean, blue: below (log scale, 50 and 200 equally far from 100). "
                "Hover a cell for the segment's and the brand's means.")
    if segments and b.get("categories"):
        cats = [[name if j == 0 else "", c["category"], pct(c["share"]),
                 *(_rate({"rate": x["share"], "index": x["index"]}) for x in
                   (seg["categories"][name][j] for seg in segments))]
                for name, mix in b["categories"].items() for j, c in enumerate(mix)]
        s.add(table(["column", "category", "brand", *(segment_label(seg) for seg in segments)], cats,
                    set(range(2, 3 + len(segments))), "Categories: each segment's share (index vs the brand = 100)"))
    scores = b.get("scores") or []
    if scores:
        threshold = run.config("clustering", "ps_threshold")
        s.chart(charts.k_choice(f"{cid}-k", [sc["k"] for sc in scores], [sc.get("prediction_strength") for sc in scores],
                                [sc.get("silhouette") for sc in scores], b.get("k"), threshold, "Choosing k"),
                b.get("reason", ""))
        if threshold is None:
            s.note("The prediction-strength threshold is not drawn: the folder has no manifest recording the config.")
    mixes = _mixes(run, name, segments)
    if mixes:
        rows, panels = mixes
        s.chart(charts.stacked(f"{cid}-mix", rows, panels),
                "Each segment's mix; 'unassigned' are customers of the window outside the segmented population.")
    else:
        s.note("No churn, value or channel mix: the folder has no analyses.json.")
    return s


def _rate(r: dict | None) -> str:
    if not r or r.get("rate") is None:
        return "–"
    return pct(r["rate"]) + (f" ({r['index']:.0f})" if r.get("index") is not None else "")


def _mixes(run: RunFolder, brand: str, segments: list[dict]):
    """Rows (segment labels) and panels (title, palette, levels, counts) of the per-segment mixes."""
    sources = [("churn stage", "stage", run.levels("stage"), (run.analysis("churn") or {}).get("by_segment")),
               ("value tier", "tier", run.levels("tier"),
                ((run.analysis("value") or {}).get("tiers") or {}).get("by_segment")),
               ("preferred channel", "channel", run.levels("channel"),
                ((run.analysis("channels") or {}).get("preferred") or {}).get("by_segment"))]
    sources = [src for src in sources if src[3]]
    if not sources:
        return None
    keys = [str(seg["segment"]) for seg in segments]
    if any(r.get("brand") == brand and r.get("segment") == "unassigned" for _, _, _, rows in sources for r in rows):
        keys.append("unassigned")
    labels = [segment_label(seg) for seg in segments] + (["unassigned"] if "unassigned" in keys else [])
    panels = []
    for title, palette, levels, rows in sources:
        by = {r.get("segment"): r for r in rows if r.get("brand") == brand}
        panels.append((title, palette, list(levels), [[int((by.get(k) or {}).get(lv, 0)) for lv in levels] for k in keys]))
    return labels, panels
