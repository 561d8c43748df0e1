"""The screening diff of two runs: every indicator whose status or reason changed, with the
statistic of the rule that decided it in both runs and the threshold it crossed
(``roaming_fee_share: single_value 94.8% → 95.2% (threshold 95%)``)."""

from __future__ import annotations

import numpy as np
import polars as pl

# The statistic each screening rule compares with its threshold (segment/screening/stats.py).
RULE_STATISTIC = {"missing": "missing_share", "constant": "std", "single_value": "mode_share",
                  "low_variation": "cv", "correlated": "abs_r"}
_SHARES = {"missing_share", "mode_share"}


def _fmt(value, statistic: str) -> str:
    if value is None:
        return "–"
    if statistic in _SHARES:
        return f"{value:.1%}"
    return f"{value:.3g}"


def _records(screening: dict) -> dict[str, dict]:
    return {v["name"]: v for v in screening.get("variables", [])}


def _abs_r(records: dict[str, dict], name: str, partner: str, features: pl.DataFrame | None,
           thresholds: dict) -> float | None:
    """|r| of a pair in one run: as recorded when one of the two was dropped for the other,
    else computed from that run's indicators (as screening links them), else None."""
    for x, y in ((name, partner), (partner, name)):
        rec = records.get(x)
        if rec and rec.get("reason") == "correlated" and rec.get("correlated_with") == y:
            return rec.get("abs_r")
    if features is None or name not in features.columns or partner not in features.columns:
        return None
    from ..screening import link_matrix, pairwise_correlations

    X = features.select(pl.col(name).cast(pl.Float64), pl.col(partner).cast(pl.Float64)).fill_nan(None)
    pr, sr, _ = pairwise_correlations(np.asfortranarray(X.to_numpy()), thresholds.get("min_pair_rows", 30))
    r = link_matrix(pr, sr, thresholds.get("correlation", "max"))[0, 1]
    return float(r) if np.isfinite(r) else None


def diff(a: dict, b: dict, features_a: pl.DataFrame | None = None,
         features_b: pl.DataFrame | None = None) -> list[dict]:
    """Every indicator of either screening.json whose (status, reason) differs, in B's then
    A's order: name, status and reason in both, the rule that decided (the new reason, or
    the old one when B keeps the indicator), its statistic's name and value in both runs,
    the threshold, the partner of a correlated indicator, and a sentence."""
    ra, rb = _records(a), _records(b)
    names = [*rb, *(n for n in ra if n not in rb)]
    rows = []
    for name in names:
        va, vb = ra.get(name, {}), rb.get(name, {})
        before = (va.get("status", "absent"), va.get("reason"))
        after = (vb.get("status", "absent"), vb.get("reason"))
        if before == after:
            continue
        decider = vb if after[0] == "dropped" else va
        rule = decider.get("reason")
        statistic = RULE_STATISTIC.get(rule)
        threshold = decider.get("threshold")
        partner = decider.get("correlated_with") if rule == "correlated" else None
        if rule == "correlated":
            value_a = _abs_r(ra, name, partner, features_a, a.get("thresholds", {}))
            value_b = _abs_r(rb, name, partner, features_b, b.get("thresholds", {}))
        elif statistic:
            value_a = (va.get("stats") or {}).get(statistic)
            value_b = (vb.get("stats") or {}).get(statistic)
        else:
            value_a = value_b = None
        what = f"{rule}" + (f" with {partner} |r|" if partner else "")
        text = (f"{name}: {before[0]}{' (' + before[1] + ')' if before[1] else ''} → {after[0]}"
                f"{' (' + after[1] + ')' if after[1] else ''}")
        if statistic:
            text += f"; {what} {_fmt(value_a, statistic)} → {_fmt(value_b, statistic)} (threshold {_fmt(threshold, statistic)})"
        rows.append({"indicator": name, "status_a": before[0], "reason_a": before[1], "status_b": after[0],
                     "reason_b": after[1], "rule": rule, "statistic": statistic, "value_a": value_a,
                     "value_b": value_b, "threshold": threshold, "correlated_with": partner, "text": text})
    return rows


def threshold_changes(a: dict, b: dict) -> list[dict]:
    """Screening settings that differ between the runs."""
    ta, tb = a.get("thresholds", {}), b.get("thresholds", {})
    return [{"name": k, "a": ta.get(k), "b": tb.get(k)} for k in sorted(set(ta) | set(tb)) if ta.get(k) != tb.get(k)]
