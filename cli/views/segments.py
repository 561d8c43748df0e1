"""Rich views of segmentations for people: the k-selection table with its chart, and the
brand profile table coloured as a heatmap of indexes. Machines get profiles.json."""

from __future__ import annotations

from .output import fmt_num, for_people, out_console, write_csv, write_json, write_segments_csv


def _bar(x: float | None, width: int = 8) -> str:
    if x is None:
        return ""
    n = max(0, min(width, round(x * width)))
    return "█" * n + "·" * (width - n)


def k_table(brand: str, b: dict) -> None:
    from rich.table import Table

    con = out_console()
    if b["scores"]:
        t = Table(title=f"{brand}: choosing k", title_justify="left")
        for col in ("k", "silhouette", "Calinski-H.", "Davies-B.", "pred. strength", "", "min share"):
            t.add_column(col, justify="left" if col == "" else "right")
        for s in b["scores"]:
            mark = " ◀" if s["k"] == b["k"] else ""
            t.add_row(str(s["k"]), fmt_num(s["silhouette"], 3), fmt_num(s["calinski_harabasz"], 5),
                      fmt_num(s["davies_bouldin"], 3), fmt_num(s["prediction_strength"], 3),
                      _bar(s["prediction_strength"]) + mark, f"{s['min_share']:.1%}",
                      style="bold" if mark else None)
        con.print(t)
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


def profile_table(brand: str, b: dict) -> None:
    from rich.table import Table
    from rich.text import Text

    con = out_console()
    # each key indicator takes about 13 columns; show as many as the terminal holds
    keys = b["key_indicators"][: max(2, (con.width - 64) // 13)]
    t = Table(title=f"{brand}: {len(b['segments'])} segments of {b['customers']:,} customers "
                    "(key indicators: mean, index vs brand = 100)", title_justify="left")
    for col, just in (("seg", "right"), ("name", "left"), ("size", "right"), ("share", "right"),
                      ("ARPU", "right"), ("stab.", "right")):
        t.add_column(col, justify=just, min_width=len(col))
    t.columns[1].min_width = 22
    for k in keys:
        t.add_column(k, justify="right")
    for s in b["segments"]:
        stab = "–" if s["stability"] is None else f"{s['stability']:.2f}" + (" unstable" if s["unstable"] else "")
        cells = [Text(f"{fmt_num(s['means'][k], 3)} ({fmt_num(s['index'][k], 3)})", style=_heat(s["index"][k]))
                 for k in keys]
        stab = stab.replace(" unstable", "!")
        t.add_row(str(s["segment"]), s["name"], f"{s['size']:,}", f"{s['share']:.1%}", fmt_num(s["arpu"], 4),
                  stab, *cells)
    con.print(t)
    if any(s["unstable"] for s in b["segments"]):
        con.print("  ! unstable: bootstrap stability below the configured unstable_below")


def segment_detail_table(brand: str, segment: dict, rows: list[dict]) -> None:
    from rich.table import Table
    from rich.text import Text

    t = Table(title=f"{brand} segment {segment['segment']}: {segment['name']} "
                    f"({segment['size']:,} customers, {segment['share']:.1%} of the brand)", title_justify="left")
    for col in ("indicator", "segment mean", "brand mean", "index", "difference (std)"):
        t.add_column(col, justify="left" if col == "indicator" else "right")
    for r in rows:
        t.add_row(r["indicator"], fmt_num(r["mean"]), fmt_num(r["brand_mean"]),
                  Text(fmt_num(r["index"], 3), style=_heat(r["index"])), fmt_num(r["difference"], 3))
    out_console().print(t)


def emit(summary: dict, fmt, show_k: bool = True, analyses: bool = False) -> None:
    """A segmentation on stdout: profiles.json as JSON, one row per segment as CSV, or the
    rich view (k-selection tables unless ``show_k`` is False, the analyses if asked)."""
    if fmt.value == "json":
        write_json(summary)
    elif fmt.value == "csv":
        write_segments_csv(summary)
    else:
        show_segmentation(summary, show_k)
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


def show_segmentation(profiles: dict, show_k: bool = True) -> None:
    for brand, b in profiles["brands"].items():
        if show_k:
            k_table(brand, b)
        profile_table(brand, b)
    for brand, reason in profiles.get("failed_brands", {}).items():
        out_console().print(f"[bold red]{brand}[/]: not segmented: {reason}")


def show_analyses(summary: dict) -> None:
    """A compact view of value tiers, churn stages and preferred channels per brand."""
    from rich.table import Table

    a = summary.get("analyses", {})
    if not a:
        return
    t = Table(title="Around the segments (customers of the window, leavers included)", title_justify="left")
    t.add_column("brand")
    t.add_column("customers", justify="right")
    if "value" in a:
        t.add_column("ARPU tier A/B/C", justify="right")
    if "churn" in a:
        t.add_column("churned/alert/warning/healthy", justify="right")
    if "channels" in a:
        t.add_column("top preferred channel", justify="left")
    tiers = {r["brand"]: r for r in a["value"]["tiers"]["by_brand"]} if "value" in a else {}
    stages = {r["brand"]: r for r in a["churn"]["by_brand"]} if "churn" in a else {}
    pref = {}
    if "channels" in a:
        for r in a["channels"]["preferred"].get("by_brand", []):
            counts = {c: v for c, v in r.items() if c not in ("brand", "customers", "none") and isinstance(v, int)}
            if counts:
                best = max(counts, key=lambda c: (counts[c], c))
                pref[r["brand"]] = f"{best} ({counts[best] / max(r.get('customers', 1), 1):.0%})"
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
        t.add_row(*row)
    out_console().print(t)
    for name, why in summary.get("analyses_skipped", {}).items():
        out_console().print(f"{name}: skipped: {why}")
