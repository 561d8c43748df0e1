"""Segment profiles a marketer can read: size, share, ARPU, stability, means and indexes, a name.

For one brand and its segments: each indicator's segment mean, its *index* (segment
mean / brand mean x 100, null when the brand mean is 0) and its *difference* (segment
mean - brand mean) / brand std. A segment's name joins the phrases of its
``name_terms`` clustering variables with the largest absolute difference ("night-heavy,
heavy data, few calls"), among the differences that are material (``[profiles]
name_min_effect``, ``name_min_index_gap``); a segment without one is "close to the brand
average". The brand's *key indicators* are the clustering variables
whose segment means differ most (largest share of variance between segments).
"""

from __future__ import annotations

import numpy as np
import polars as pl

from .numbers import sig

# Phrases for a high / low value of the usage indicators; others read "high <name>".
PHRASES: dict[str, tuple[str, str]] = {
    "number_of_interactions_voice": ("many calls", "few calls"),
    "calls_out": ("many outgoing calls", "few outgoing calls"),
    "calls_in": ("many incoming calls", "few incoming calls"),
    "minutes_out": ("long talk time", "short talk time"),
    "minutes_in": ("much incoming talk", "little incoming talk"),
    "call_duration_mean_voice": ("long calls", "short calls"),
    "call_duration_std_voice": ("uneven call lengths", "even call lengths"),
    "long_calls": ("many long calls", "few long calls"),
    "onnet_call_share": ("on-net calling", "off-net calling"),
    "percent_initiated_voice": ("caller", "receiver"),
    "number_of_interactions_sms": ("SMS-heavy", "little SMS"),
    "sms_out": ("many SMS sent", "few SMS sent"),
    "sms_in": ("many SMS received", "few SMS received"),
    "percent_initiated_sms": ("SMS sender", "SMS receiver"),
    "data_mb": ("heavy data", "light data"),
    "data_sessions": ("frequent data sessions", "few data sessions"),
    "data_mb_per_session": ("large data sessions", "small data sessions"),
    "data_mb_per_active_day": ("heavy daily data", "light daily data"),
    "data_active_days": ("data every day", "rare data use"),
    "roaming_domestic_events": ("domestic roaming", "no domestic roaming"),
    "roaming_international_events": ("international roaming", "no international roaming"),
    "roaming_event_share": ("traveller", "stays home"),
    "night_share": ("night-heavy", "daytime"),
    "percent_nocturnal_voice": ("night calls", "daytime calls"),
    "percent_nocturnal_sms": ("night SMS", "daytime SMS"),
    "percent_nocturnal_data": ("night data", "daytime data"),
    "weekend_share": ("weekend-heavy", "weekday"),
    "number_of_contacts_voice": ("wide call circle", "small call circle"),
    "number_of_contacts_sms": ("wide SMS circle", "small SMS circle"),
    "entropy_of_contacts_voice": ("spread-out calling", "concentrated calling"),
    "entropy_of_contacts_sms": ("spread-out SMS", "concentrated SMS"),
    "offnet_contact_share_voice": ("off-net contacts", "on-net contacts"),
    "active_days": ("active daily", "occasional"),
    "events_total": ("high usage", "low usage"),
    "interevent_time_mean_voice": ("sparse calling", "frequent calling"),
    "total_fee": ("high spend", "low spend"),
}


def phrase(name: str, high: bool) -> str:
    if name in PHRASES:
        return PHRASES[name][0 if high else 1]
    return f"{'high' if high else 'low'} {name.replace('_', ' ')}"


def _numeric(frame: pl.DataFrame, exclude: set[str]) -> list[str]:
    """The numeric columns in catalogue order, then by name: profiles.json does not depend on the table's order."""
    from .catalogue import BY_NAME

    position = {n: i for i, n in enumerate(BY_NAME)}
    found = [c for c, t in frame.schema.items() if c not in exclude and t.is_numeric()]
    return sorted(found, key=lambda n: (position.get(n, len(position)), n))


def segment_means(frame: pl.DataFrame, labels: np.ndarray, columns: list[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per-segment means, brand means and brand stds (population) of ``columns``, NaN-aware.

    ``labels`` are 1..k. Returns (k, m), (m,), (m,) arrays.
    """
    X = frame.select(columns).cast(pl.Float64).to_numpy() if columns else np.empty((frame.height, 0))
    k = int(labels.max()) if len(labels) else 0
    seg = np.full((k, len(columns)), np.nan)
    with np.errstate(invalid="ignore"):
        for s in range(1, k + 1):
            rows = X[labels == s]
            if len(rows):
                cnt = (~np.isnan(rows)).sum(axis=0)
                seg[s - 1] = np.where(cnt > 0, np.nansum(rows, axis=0) / np.maximum(cnt, 1), np.nan)
        cnt = (~np.isnan(X)).sum(axis=0)
        brand = np.where(cnt > 0, np.nansum(X, axis=0) / np.maximum(cnt, 1), np.nan)
        sq = np.nansum((X - brand) ** 2, axis=0)
        std = np.where(cnt > 0, np.sqrt(sq / np.maximum(cnt, 1)), np.nan)
    return seg, brand, std


def differences(seg: np.ndarray, brand: np.ndarray, std: np.ndarray) -> np.ndarray:
    """(segment mean - brand mean) / brand std; 0 where the std is 0 or unknown."""
    with np.errstate(invalid="ignore", divide="ignore"):
        d = (seg - brand) / std
    return np.where(np.isfinite(d), d, 0.0)


def indexes(seg: np.ndarray, brand: np.ndarray) -> np.ndarray:
    """Segment mean / brand mean x 100; NaN where the brand mean is 0."""
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(brand != 0, seg / brand * 100.0, np.nan)


AVERAGE = "close to the brand average"


def material(diff: float, index: float, min_effect: float, min_index_gap: float) -> bool:
    """Whether a segment's difference from its brand is worth a word in its name: a
    standardized mean difference of at least ``min_effect`` (Cohen's d; 0.5 is a "medium"
    effect) and an index at least ``min_index_gap`` points away from 100 (an index is NaN
    when the brand mean is 0: the effect size decides alone)."""
    return abs(diff) >= min_effect and (not np.isfinite(index) or abs(index - 100.0) >= min_index_gap)


def term(name: str, high: bool, mean: float | None = None, binary: bool = False) -> str:
    """The phrase for one difference; a 0/1 indicator reads as a share ("mostly group member 85%")."""
    if binary and mean is not None and np.isfinite(mean):
        label = name.replace("_", " ").replace("=", " ")  # a one-hot column: "internet service DSL"
        return f"{'mostly' if mean >= 0.5 else 'more'} {label} {mean:.0%}" if high else f"few {label} {mean:.0%}"
    return phrase(name, high)


def names_for(diff: np.ndarray, columns: list[str], terms: int, index: np.ndarray | None = None,
              min_effect: float = 0.0, min_index_gap: float = 0.0, means: np.ndarray | None = None,
              binary: frozenset[str] = frozenset()) -> list[str]:
    """A readable, distinct name per segment from its most distinctive material differences.

    ``diff``, ``index`` and ``means`` are (k, m) arrays over ``columns``; a column enters a
    name only when :func:`material`; a segment with none is :data:`AVERAGE`. ``binary``
    columns (0/1) read as shares.
    """
    index = np.full_like(diff, np.nan) if index is None else index
    names: list[str] = []
    for s, row in enumerate(diff):
        order = sorted(range(len(columns)), key=lambda j: (-abs(row[j]), columns[j]))
        order = [j for j in order if material(row[j], index[s, j], min_effect, min_index_gap)]
        words = [term(columns[j], row[j] > 0, None if means is None else means[s, j], columns[j] in binary)
                 for j in order]
        words = list(dict.fromkeys(words))
        name = ", ".join(words[:terms]) or AVERAGE
        if name in names and len(words) > terms:  # alike on their top terms: add the next one
            name = ", ".join(words[: terms + 1])
        base, n = name, 1
        while name in names:
            n += 1
            name = f"{base} ({n})"
        names.append(name)
    return names


def binary_columns(frame: pl.DataFrame, columns: list[str]) -> frozenset[str]:
    """The columns whose values are all 0 or 1 (flags such as group_member)."""
    out = set()
    for c in columns:
        values = frame.get_column(c).drop_nulls().cast(pl.Float64)
        if values.len() and ((values == 0) | (values == 1)).all():
            out.add(c)
    return frozenset(out)


def key_indicators(frame: pl.DataFrame, labels: np.ndarray, columns: list[str], count: int) -> list[str]:
    """The ``count`` columns whose segment means explain the most variance (eta squared)."""
    seg, brand, std = segment_means(frame, labels, columns)
    sizes = np.bincount(labels, minlength=seg.shape[0] + 1)[1:].astype(float)
    with np.errstate(invalid="ignore", divide="ignore"):
        between = np.nansum(sizes[:, None] * (seg - brand) ** 2, axis=0) / sizes.sum()
        eta = np.where(std > 0, between / std ** 2, 0.0)
    order = sorted(range(len(columns)), key=lambda j: (-eta[j], columns[j]))
    return [columns[j] for j in order[:count]]


def brand_profile(
    frame: pl.DataFrame,
    labels: np.ndarray,
    names: list[str],
    stability: list[float | None],
    cluster_columns: list[str],
    key_count: int,
    unstable_below: float,
    id_col: str,
    brand_col: str,
    arpu_col: str = "total_fee",
    numbers: list[int] | None = None,
) -> dict:
    """The JSON-ready profile of one brand: segments with size, share, ARPU, stability, means, index.

    ``labels`` are positions 1..k; ``numbers`` the segment number of each position
    (None: the positions themselves)."""
    columns = _numeric(frame, {id_col, brand_col})
    seg, brand, std = segment_means(frame, labels, columns)
    diff = differences(seg, brand, std)
    idx = indexes(seg, brand)
    n = len(labels)
    keys = key_indicators(frame, labels, cluster_columns, key_count)
    segments = []
    for s in range(seg.shape[0]):
        size = int((labels == s + 1).sum())
        arpu = seg[s, columns.index(arpu_col)] if arpu_col in columns else np.nan
        stab = stability[s]
        segments.append({
            "segment": numbers[s] if numbers else s + 1,
            "name": names[s],
            "size": size,
            "share": sig(size / n),
            "arpu": sig(arpu),
            "stability": sig(stab) if stab is not None else None,
            "unstable": bool(stab is not None and np.isfinite(stab) and stab < unstable_below),
            "means": {c: sig(seg[s, j]) for j, c in enumerate(columns)},
            "index": {c: sig(idx[s, j]) for j, c in enumerate(columns)},
            "difference": {c: sig(diff[s, j]) for j, c in enumerate(columns)},
        })
    return {
        "customers": n,
        "key_indicators": keys,
        "brand_means": {c: sig(brand[j]) for j, c in enumerate(columns)},
        "segments": segments,
    }


def segment_detail(profile: dict, segment: int) -> list[dict]:
    """Every indicator of one segment, sorted by how much it differs from the brand."""
    segs = {s["segment"]: s for s in profile["segments"]}
    if segment not in segs:
        raise KeyError(segment)
    s = segs[segment]
    rows = [{"indicator": c, "mean": s["means"][c], "brand_mean": profile["brand_means"][c],
             "index": s["index"][c], "difference": s["difference"][c]} for c in s["means"]]
    return sorted(rows, key=lambda r: (-abs(r["difference"] or 0.0), r["indicator"]))
