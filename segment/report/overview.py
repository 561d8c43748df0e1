"""The overview and screening sections: the window, who was counted at each step, the
brands, and what screening kept and dropped (with the rule, statistic and threshold)."""

from __future__ import annotations

from . import charts
from .folder import RunFolder
from .html import Section, kpis, num, table

POPULATIONS = {"stable": "a bill and an event in every month of the window",
               "all": "any bill or event in the window"}
REASONS = {"missing": "too many missing values", "constant": "constant", "single_value": "one value dominates",
           "low_variation": "too little variation", "correlated": "correlated with a kept indicator"}


def window_text(run: RunFolder) -> str:
    w = run.window()
    if not w:
        return "window not recorded"
    return f"{w['start']} to {w['end']} ({w['months']} month{'s' * (w['months'] != 1)})"


def segmented(run: RunFolder) -> int:
    return sum(int(b.get("customers", 0)) for b in run.brands.values())


def overview(run: RunFolder) -> Section:
    s = Section("overview", "Overview")
    value = run.analysis("value") or {}
    population = (run.manifest or {}).get("window", {}) or {}
    kind = population.get("population") or run.config("features", "population")
    scr = (run.screening or {}).get("summary") or {}
    s.add(kpis([("customers segmented", num(segmented(run))), ("brands", str(len(run.brands))),
                ("window", window_text(run)), ("indicators kept", f"{scr.get('kept', '–')} of {scr.get('indicators', '–')}"),
                ("seed", str(run.profiles.get("seed", "–")))]))
    steps = [("customers table", run.input_rows("customers"), "every row of the customers extract"),
             ("customers of the window", (value.get("population") or {}).get("customers"),
              "a bill or a CDR event in any month of the window, leavers included (value, churn, channels)"),
             (f"population: {kind}" if kind else "features population", (run.screening or {}).get("rows"),
              POPULATIONS.get(kind, "the rows of features.parquet") + " (the indicators and screening)"),
             ("segmented", segmented(run), "in a brand that could be segmented")]
    steps = [st for st in steps if st[1] is not None]
    if steps:
        top = max(n for _, n, _ in steps) or 1
        s.chart(charts.hbars("c-overview-population", [name for name, _, _ in steps], [n for _, n, _ in steps],
                             [f"{n:,} ({n / top:.0%})" for _, n, _ in steps], title="Population and attrition",
                             hover=[f"{name}: {n:,} — {why}" for name, n, why in steps]),
                "Who is counted at each step, from the customers extract to the segmented customers.")
    rows = [[b, num(v.get("customers")), v.get("k"), v.get("chosen_by", "").replace("_", " "),
             sum(1 for seg in v.get("segments", []) if seg.get("unstable"))] for b, v in run.brands.items()]
    s.add("<h3>Brands</h3>", table(["brand", "customers", "k", "k chosen by", "unstable segments"], rows, {1, 2, 4}))
    failed = run.profiles.get("failed_brands") or {}
    for brand, why in failed.items():
        s.note(f"brand {brand} could not be segmented: {why}")
    if scr:
        dropped = scr.get("dropped") or {}
        rows = [["indicators in", scr.get("indicators")], ["kept", scr.get("kept")],
                *[[f"dropped: {REASONS.get(r, r)}", n] for r, n in dropped.items()],
                ["not screened", scr.get("not_screened", 0)],
                ["segments formed on", len(run.profiles.get("cluster_variables") or [])]]
        s.add("<h3>Indicators</h3>", table(["", "indicators"], rows, {1}))
    skipped = (run.analyses or {}).get("analyses_skipped") or {}
    for name, why in skipped.items():
        s.note(f"{name} analysis skipped: {why}")
    for n in run.notes:
        s.note(n)
    return s


def screening(run: RunFolder) -> Section:
    s = Section("screening", "Screening")
    if run.screening is None:
        return s.note("This folder has no screening.json.")
    rep = run.screening
    variables = rep.get("variables") or []
    th = rep.get("thresholds") or {}
    counts: dict[str, int] = {}
    for v in variables:
        key = "kept" if v.get("status") == "kept" else f"{v.get('status')}: {v.get('reason')}"
        counts[key] = counts.get(key, 0) + 1
    order = sorted(counts, key=lambda k: (k != "kept", -counts[k], k))
    s.chart(charts.hbars("c-screening-summary", order, [counts[k] for k in order], [str(counts[k]) for k in order],
                         title="Indicators kept and dropped", hover=[f"{k}: {counts[k]} indicator(s)" for k in order]),
            f"{len(variables)} indicators on {num(rep.get('rows'))} customers; correlation: {th.get('correlation', '–')}, "
            f"|r| above {th.get('max_abs_r', '–')} makes a group.")
    dropped = [v for v in variables if v.get("status") != "kept"]
    rows = [[v["name"], v.get("angle") or "", REASONS.get(v.get("reason"), v.get("reason") or v.get("status")),
             _stat(v.get("statistic")), _stat(v.get("threshold")), v.get("correlated_with") or ""]
            for v in sorted(dropped, key=lambda v: (v.get("reason") or "", v["name"]))]
    s.add("<h3>Dropped indicators</h3>",
          table(["indicator", "angle", "rule", "statistic", "threshold", "kept instead"], rows, {3, 4})
          if rows else '<p class="note">No indicator was dropped.</p>')
    groups = rep.get("groups") or []
    rows = [[g["id"], ", ".join(g.get("kept") or []), ", ".join(m for m in g.get("members", []) if m not in g.get("kept", [])),
             _stat(g.get("max_abs_r"))] for g in groups]
    if rows:
        s.add("<h3>Correlation groups</h3>",
              table(["group", "kept (representative)", "dropped members", "max |r|"], rows, {0, 3}))
    return s


def _stat(x) -> str:
    if x is None:
        return ""
    return f"{x:.3g}" if isinstance(x, float) else str(x)

