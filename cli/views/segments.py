"""Rich views of segmentations for people: the k-selection table with its chart, and the
brand profile table coloured as a heatmap of indexes. Machines get profiles.json."""

from __future__ import annotations

from .fit import Col, show
from .output import fmt_num, for_people, out_console, write_csv, write_json, write_segments_csv


def _bar(x: float | None, width: int = 8) -> str:
    if x is None:
        return ""
    n = max(0, min(width, round(x * width)))
    return "█" * n + "·" * (width - n)


def k_table(brand: str, b: dict) -> None:
    con = out_console()
    if b["scores"]:
        cols = [Col("k", right=True, key=True), Col("silhouette", True), Col("Calinski-H.", True),
                Col("Davies-B.", True), Col("pred. strength", True), Col(""), Col("min share", True)]
        rows = [[s["k"], fmt_num(s["silhouette"], 3), fmt_num(s["calinski_harabasz"], 5),
                 fmt_num(s["davies_bouldin"], 3), fmt_num(s["prediction_strength"], 3),
                 _bar(s["prediction_strength"]) + (" ◀" if s["k"] == b["k"] else "  "), f"{s['min_share']:.1%}"]
                for s in b["scores"]]
        show(f"{brand}: choosing k", cols, rows, con, ["bold" if s["k"] == b["k"] else None for s in b["scores"]])
    con.print(f"[bold]{brand}[/]: k={b['k']} ({b['chosen_by']}): {b['reason']}")
    for note in b.get("notes", []):
        con.print(f"  note: {note}")


def _heat(index: float | None) -> str:
    """A background for an index vs the brand (100 = brand average)."""
    if index is None:
        return ""
    if index >= 150:
        return "on dark_green"
    if index >= 115:
        return "on green4"
    if index <= 50:
        return "on dark_red"
    if index <= 85:
        return "on red3"
    return ""


def _rate(r: dict | None) -> str:
    if not r or r.get("rate") is None:
        return "–"
    return f"{r['rate']:.1%}" + (f" ({fmt_num(r['index'], 3)})" if r.get("index") is not None else "")


def profile_table(brand: str, b: dict, revenue: str | None = None) -> None:
    """The segments (size, share, ARPU, stability, outcome rates), then the key indicators
    as rows: each segment's mean and its index vs the brand (100 = the brand's mean), as a
    heatmap, then the categories of the text columns."""
    from rich.text import Text

    con = out_console()
    segs = b["segments"]
    outcomes = list(b.get("outcomes", {}))
    rows = [[s["segment"], s["name"], f"{s['size']:,}", f"{s['share']:.1%}", fmt_num(s["arpu"], 4),
             "–" if s["stability"] is None else f"{s['stability']:.2f}" + ("!" if s["unstable"] else ""),
             *(_rate(s.get("outcomes", {}).get(o)) for o in outcomes)]
            for s in segs]
    cols = [Col("seg", right=True, key=True), Col("name", wrap=32), Col("size", True), Col("share", True),
            Col("ARPU", True), Col("stab.", True), *(Col(f"{o} (index)", True) for o in outcomes)]
    arpu = f"; ARPU = mean {revenue}, brand {fmt_num(b.get('arpu'), 4)}" if revenue else ""
    rates = "".join(f"; {o} {_rate(r)} ({r['positive']!r})" for o, r in b.get("outcomes", {}).items())
    show(f"{brand}: {len(segs)} segments of {b['customers']:,} customers{arpu}{rates}", cols, rows, con)
    if any(s["unstable"] for s in segs):
        con.print("  ! unstable: bootstrap stability below the configured unstable_below")
    keys = b["key_indicators"]
    cols = [Col("indicator", key=True), *(Col(f"seg {s['segment']}", right=True) for s in segs)]
    rows = [[k, *(Text(f"{fmt_num(s['means'][k], 3)} ({fmt_num(s['index'][k], 3)})", style=_heat(s["index"][k]))
                  for s in segs)] for k in keys]
    show(f"{brand}: key indicators, mean (index vs brand = 100)", cols, rows, con)
    if b.get("categories"):
        category_table(brand, b, con)


def category_table(brand: str, b: dict, con=None) -> None:
    """Every category of the text columns as a row: the brand's share, then each segment's
    share and index vs the brand."""
    from rich.text import Text

    segs = b["segments"]
    cols = [Col("column", key=True), Col("category", key=True, wrap=30), Col("brand", True),
            *(Col(f"seg {s['segment']}", right=True) for s in segs)]
    rows = []
    for name, mix in b["categories"].items():
        for j, c in enumerate(mix):
            cells = [s["categories"][name][j] for s in segs]
            rows.append([name if j == 0 else "", c["category"], f"{c['share']:.1%}",
                         *(Text(f"{x['share']:.1%} ({fmt_num(x['index'], 3)})", style=_heat(x["index"]))
                           for x in cells)])
    show(f"{brand}: categories, share (index vs brand = 100)", cols, rows, con)


def segment_detail_table(brand: str, segment: dict, rows: list[dict]) -> None:
    from rich.text import Text

    cols = [Col("indicator", key=True), Col("segment mean", True), Col("brand mean", True), Col("index", True),
            Col("difference (std)", True)]
    cells = [[r["indicator"], fmt_num(r["mean"]), fmt_num(r["brand_mean"]),
              Text(fmt_num(r["index"], 3), style=_heat(r["index"])), fmt_num(r["difference"], 3)] for r in rows]
    show(f"{brand} segment {segment['segment']}: {segment['name']} ({segment['size']:,} customers, "
         f"{segment['share']:.1%} of the brand)", cols, cells)


def segment_mix_tables(s: dict) -> None:
    """One segment's outcome rates and category shares beside the brand's."""
    from rich.text import Text

    if s.get("outcomes"):
        cols = [Col("outcome", key=True), Col("rate of", wrap=24), Col("segment", True), Col("brand", True),
                Col("index", True)]
        rows = [[r["outcome"], repr(r["positive"]), _share(r["rate"]), _share(r["brand_rate"]),
                 Text(fmt_num(r["index"], 3), style=_heat(r["index"]))] for r in s["outcomes"]]
        show(f"{s['brand']} segment {s['segment']}: outcome rates", cols, rows)
    if s.get("categories"):
        cols = [Col("column", key=True), Col("category", key=True, wrap=30), Col("segment", True),
                Col("brand", True), Col("index", True)]
        rows = [[r["column"], r["category"], _share(r["share"]), _share(r["brand_share"]),
                 Text(fmt_num(r["index"], 3), style=_heat(r["index"]))] for r in s["categories"]]
        show(f"{s['brand']} segment {s['segment']}: categories", cols, rows)


def _share(x: float | None) -> str:
    return "–" if x is None else f"{x:.1%}"


def emit(summary: dict, fmt, show_k: bool = True, analyses: bool = False) -> None:
    """A segmentation on stdout: profiles.json as JSON, one row per segment as CSV, or the
    rich view (k-selection tables unless ``show_k`` is False, the analyses if asked)."""
    if fmt.value == "json":
        write_json(summary)
    elif fmt.value == "csv":
        write_segments_csv(summary)
    else:
        show_segmentation(summary, show_k, roles=not analyses)
        if analyses:
            show_analyses(summary)


def run(outcome, fmt) -> None:
    emit(outcome.summary, fmt, analyses=True)


def cluster(outcome, fmt) -> None:
    emit(outcome.summary, fmt)


def profile(outcome, fmt) -> None:
    """The brands' profiles, or (``--segment``) every indicator of one segment."""
    s = outcome.summary
    if "segment" not in s:
        emit(s, fmt, show_k=False)
        return
    rows = s["indicators"]
    if fmt.value == "json":
        write_json(s)
    elif fmt.value == "csv":
        write_csv(list(rows[0]) if rows else ["indicator"], [list(r.values()) for r in rows])
    else:
        segment_detail_table(s["brand"], for_people(outcome.result), rows)
        segment_mix_tables(s)


def show_segmentation(profiles: dict, show_k: bool = True, roles: bool = True) -> None:
    """The k tables (``show_k``), the roles of the columns (``roles``: cluster) and each brand's profile."""
    if show_k and roles:
        from .roles import roles_table

        roles_table(profiles.get("roles"))
    for brand, b in profiles["brands"].items():
        if show_k:
            k_table(brand, b)
        profile_table(brand, b, profiles.get("revenue"))
    for brand, reason in profiles.get("failed_brands", {}).items():
        out_console().print(f"[bold red]{brand}[/]: not segmented: {reason}")


def show_analyses(summary: dict) -> None:
    """A compact view of value tiers, churn stages and preferred channels per brand."""
    a = summary.get("analyses", {})
    if not a:
        return
    cols = [Col("brand", key=True), Col("customers", True)]
    if "value" in a:
        cols.append(Col("ARPU tier A/B/C", True))
    if "churn" in a:
        cols.append(Col("churned/alert/warning/healthy", True))
    if "channels" in a:
        cols.append(Col("top preferred channel"))
    tiers = {r["brand"]: r for r in a["value"]["tiers"]["by_brand"]} if "value" in a else {}
    stages = {r["brand"]: r for r in a["churn"]["by_brand"]} if "churn" in a else {}
    pref = {}
    if "channels" in a:
        for r in a["channels"]["preferred"].get("by_brand", []):
            counts = {c: v for c, v in r.items() if c not in ("brand", "customers", "none") and isinstance(v, int)}
            if counts:
                best = max(counts, key=lambda c: (counts[c], c))
                pref[r["brand"]] = f"{best} ({counts[best] / max(r.get('customers', 1), 1):.0%})"
    rows = []
    for brand in sorted(set(tiers) | set(stages)):
        row = [brand, f"{(tiers.get(brand) or stages.get(brand))['customers']:,}"]
        if "value" in a:
            v = tiers.get(brand, {})
            row.append(f"{v.get('A', 0)}/{v.get('B', 0)}/{v.get('C', 0)}")
        if "churn" in a:
            c = stages.get(brand, {})
            row.append("/".join(str(c.get(s, 0)) for s in ("churned", "alert", "warning", "healthy")))
        if "channels" in a:
            row.append(pref.get(brand, "–"))
        rows.append(row)
    show("Around the segments (customers of the window, leavers included)", cols, rows)
    for name, why in summary.get("analyses_skipped", {}).items():
        out_console().print(f"{name}: skipped: {why}")
