"""Profiles of what is not a number: category mixes and outcome rates per segment.

For a text or boolean column, each segment's share of every category among the brand's
``top`` most frequent ones (ties by value), the rest together as ``(other)`` and empty
values as ``(missing)``, so that a segment's shares sum to 1; the *index* is the
segment's share / the brand's share x 100. For an outcome (two values), the rate is the
share of the customers with a value who have the positive one (docs/segments.md,
"Profiles"); its index likewise.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from .numbers import sig

OTHER = "(other)"
MISSING = "(missing)"


def top_categories(s: pl.Series, n: int) -> list[str]:
    """The ``n`` most frequent values of ``s`` as text (ties by value; empty values are :data:`MISSING`)."""
    text = s.cast(pl.String).fill_null(MISSING).alias("category")
    counts = text.value_counts(name="n").sort(["n", "category"], descending=[True, False])
    return counts.get_column("category").head(n).to_list()


def mapped(s: pl.Series, top: list[str]) -> pl.Series:
    """``s`` as its category: one of ``top``, else :data:`OTHER`."""
    text = s.cast(pl.String).fill_null(MISSING)
    return pl.select(pl.when(text.is_in(top)).then(text).otherwise(pl.lit(OTHER)).alias("category")).to_series()


def outcome_flags(s: pl.Series, positive: str) -> np.ndarray:
    """1.0 where ``s`` is the positive value, 0.0 for the other, NaN where empty."""
    if s.dtype.is_numeric():
        flags = (s.cast(pl.Float64) == float(positive)).cast(pl.Float64)
    else:
        flags = (s.cast(pl.String) == positive).cast(pl.Float64)
    return flags.fill_nan(None).to_numpy().astype(float)


def _index(part: float | None, whole: float | None) -> float | None:
    if part is None or whole is None or not np.isfinite(part) or not whole:
        return None
    return sig(part / whole * 100.0)


def category_mix(s: pl.Series, labels: np.ndarray, k: int, top_n: int) -> tuple[list[dict], list[list[dict]]]:
    """The brand's shares and each segment's (positions 1..k) shares and indexes of one column."""
    top = top_categories(s, top_n)
    cats = pl.DataFrame({"category": mapped(s, top), "segment": labels.astype(np.int64)})
    counts = {(c, g): n for c, g, n in cats.group_by("category", "segment").len().iter_rows()}
    order = top + ([OTHER] if any(c == OTHER for c, _ in counts) else [])
    sizes = np.bincount(labels, minlength=k + 1)[1:]
    n = max(int(sizes.sum()), 1)
    brand_share = {c: sum(counts.get((c, g), 0) for g in range(1, k + 1)) / n for c in order}
    segments = []
    for g in range(1, k + 1):
        size = int(sizes[g - 1])
        share = {c: counts.get((c, g), 0) / size if size else None for c in order}
        segments.append([{"category": c, "share": sig(share[c]), "index": _index(share[c], brand_share[c])}
                         for c in order])
    return [{"category": c, "share": sig(brand_share[c])} for c in order], segments


def outcome_rates(flags: np.ndarray, labels: np.ndarray, k: int) -> tuple[float | None, list[dict]]:
    """The brand's rate and each segment's rate and index of one outcome (``flags`` from :func:`outcome_flags`)."""
    def rate(x: np.ndarray) -> float | None:
        x = x[~np.isnan(x)]
        return float(x.mean()) if len(x) else None

    brand = rate(flags)
    rates = [rate(flags[labels == s + 1]) for s in range(k)]
    return sig(brand), [{"rate": sig(r), "index": _index(r, brand)} for r in rates]


def add_to(profile: dict, frame: pl.DataFrame, labels: np.ndarray, roles, top_n: int) -> dict:
    """A brand profile (:func:`segment.profiles.brand_profile`) with the category mixes of
    its text and boolean columns, its outcome rates and the brand's ARPU added, at the
    brand and in every segment."""
    k = len(profile["segments"])
    profile["categories"], profile["outcomes"] = {}, {}
    for name in roles.categories():
        brand, segs = category_mix(frame.get_column(name), labels, k, top_n)
        profile["categories"][name] = brand
        for seg, mix in zip(profile["segments"], segs):
            seg.setdefault("categories", {})[name] = mix
    for name in roles.of("outcome"):
        positive = roles.columns[name].positive
        brand, segs = outcome_rates(outcome_flags(frame.get_column(name), positive), labels, k)
        profile["outcomes"][name] = {"positive": positive, "rate": brand}
        for seg, r in zip(profile["segments"], segs):
            seg.setdefault("outcomes", {})[name] = r
    for seg in profile["segments"]:
        seg.setdefault("categories", {})
        seg.setdefault("outcomes", {})
    revenue = roles.revenue
    profile["arpu"] = profile["brand_means"].get(revenue) if revenue else None
    return profile


def segment_rows(profile: dict, segment: int) -> tuple[list[dict], list[dict]]:
    """One segment's outcome rates and category shares beside the brand's (``segment profile --segment``)."""
    s = next(x for x in profile["segments"] if x["segment"] == segment)
    outcomes = [{"outcome": name, "positive": b["positive"], "rate": s.get("outcomes", {}).get(name, {}).get("rate"),
                 "brand_rate": b["rate"], "index": s.get("outcomes", {}).get(name, {}).get("index")}
                for name, b in profile.get("outcomes", {}).items()]
    cats = []
    for name, mix in profile.get("categories", {}).items():
        mine = {c["category"]: c for c in s.get("categories", {}).get(name, [])}
        cats += [{"column": name, "category": c["category"], "share": mine.get(c["category"], {}).get("share"),
                  "brand_share": c["share"], "index": mine.get(c["category"], {}).get("index")} for c in mix]
    return outcomes, cats


def long_tables(profiles: dict) -> tuple[dict, dict[str, pl.DataFrame]]:
    """profiles.json for a workbook: the category shares and outcome rates as two long tables
    (one row per brand, segment and category / outcome; segment null for the brand's own),
    and the profiles without them (so that they do not become a sheet per column)."""
    cats, outs, brands = [], [], {}
    for brand, b in profiles.get("brands", {}).items():
        for name, mix in (b.get("categories") or {}).items():
            cats += [{"brand": brand, "segment": None, "column": name, **c, "index": None} for c in mix]
            for s in b["segments"]:
                cats += [{"brand": brand, "segment": s["segment"], "column": name, **c}
                         for c in s.get("categories", {}).get(name, [])]
        for name, o in (b.get("outcomes") or {}).items():
            outs.append({"brand": brand, "segment": None, "outcome": name, **o, "index": None})
            outs += [{"brand": brand, "segment": s["segment"], "outcome": name, "positive": o["positive"],
                      **s.get("outcomes", {}).get(name, {})} for s in b["segments"]]
        brands[brand] = {**{k: v for k, v in b.items() if k not in ("categories", "outcomes")},
                         "segments": [{k: v for k, v in s.items() if k not in ("categories", "outcomes")}
                                      for s in b["segments"]]}
    tables = {name: pl.DataFrame(rows, strict=False) for name, rows in (("categories", cats), ("outcomes", outs)) if rows}
    return {**profiles, "brands": brands}, tables
