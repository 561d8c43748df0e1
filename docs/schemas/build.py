"""Writes docs/schemas/<command>.schema.json: the JSON Schemas (draft 2020-12) of the
``--format json`` output of every command.

The schemas are built here from one set of parts, so that the outputs which share a
shape (profiles.json in run, cluster and profile; the analyses in value, churn,
channels and run) share one definition, and the enumerations (stages, tiers, channels,
screening reasons, angles) come from the library itself. Run it after changing an
output, and bump ``SCHEMA_VERSION`` (segment/jobs/common.py) on a breaking change:

    python docs/schemas/build.py

tests/test_cli_contract.py fails when the files differ from what this script writes.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent.parent))  # the checkout, when run as a script

from segment.catalogue import ANGLES  # noqa: E402
from segment.model import REASONS as UNSCORED_REASONS  # noqa: E402
from segment.roles import ROLES  # noqa: E402
from segment.quality import GATES, RUN_GATES as RUN_GATE_SET, UNKNOWN_IN  # noqa: E402
from segment.channels import PREFERRED  # noqa: E402
from segment.churn import STAGES  # noqa: E402
from segment.schema import CHANNELS  # noqa: E402
from segment.screening import CHECKS, STATS  # noqa: E402
from segment.synth.structures import STRUCTURES  # noqa: E402
from segment.tracking.screening import RULE_STATISTIC  # noqa: E402
from segment.value import CARDS, GROUP_CLASSES, TIERS  # noqa: E402

RUN_GATES = [g for g in GATES if g in RUN_GATE_SET]
VERSION = 1  # = segment/jobs/common.py SCHEMA_VERSION (checked by the test)
DIALECT = "https://json-schema.org/draft/2020-12/schema"

INT = {"type": "integer"}
COUNT = {"type": "integer", "minimum": 0}
NUM = {"type": "number"}
NUM_NULL = {"type": ["number", "null"]}
SHARE = {"type": "number", "minimum": 0, "maximum": 1}
SHARE_NULL = {"type": ["number", "null"], "minimum": 0, "maximum": 1}
STR = {"type": "string"}
STR_NULL = {"type": ["string", "null"]}
BOOL = {"type": "boolean"}
MONTH = {"type": "string", "pattern": r"^\d{4}-(0[1-9]|1[0-2])$"}


def obj(props: dict, required: list[str] | None = None, description: str | None = None) -> dict:
    """An object with these properties, all required unless ``required`` says otherwise.

    New keys may appear in a later release without a version bump, so objects stay open.
    """
    out = {"type": "object"}
    if description:
        out["description"] = description
    out["required"] = list(props) if required is None else required
    out["properties"] = props
    return out


def arr(items: dict, **kw) -> dict:
    return {"type": "array", "items": items, **kw}


def mapping(values: dict, keys: dict | None = None) -> dict:
    """An object used as a map (brand -> ..., indicator -> ...)."""
    out = {"type": "object", "additionalProperties": values}
    if keys:
        out["propertyNames"] = keys
    return out


def enum(values, null: bool = False) -> dict:
    return {"enum": [*values, *([None] if null else [])]}


def nullable(schema: dict) -> dict:
    return {"anyOf": [schema, {"type": "null"}]}


def counts(levels) -> dict:
    return obj({lv: COUNT for lv in levels})


def ref(name: str) -> dict:
    return {"$ref": f"#/$defs/{name}"}


def document(command: str, title: str, body: dict, defs: dict | None = None) -> dict:
    out = {"$schema": DIALECT, "$id": f"{command}.schema.json", "title": title}
    out.update(body)
    out["properties"] = {"version": {"const": VERSION, "description": "bumped on a breaking change"},
                         **body["properties"]}
    out["required"] = ["version", *body["required"]]
    if defs:
        out["$defs"] = defs
    return out


WINDOW = obj({"start": MONTH, "end": MONTH, "months": {"type": "integer", "minimum": 1}},
             description="the calendar months described, YYYY-MM")
NUM_MAP = mapping(NUM_NULL)


# ---------------------------------------------------------------- features

ID = {"type": ["integer", "string"]}
# what the input checks found (segment/checks.py, docs/quality.md)
INPUT_CHECKS = {
    "unknown_customers": mapping(obj({"rows": COUNT, "rows_unknown": COUNT, "unknown_customers": COUNT,
                                      "examples": arr(ID, maxItems=3)}), enum(UNKNOWN_IN)),
    "values": arr(obj({"table": STR, "column": STR, "rows": COUNT, "rows_unknown": COUNT, "examples": arr(STR_NULL)},
                      description="a coded column holding values outside its list")),
    "duplicates": obj({"checked": BOOL, "rows": {"type": ["integer", "null"], "minimum": 0}, "reason": STR_NULL}),
    "implausible": arr(obj({"table": STR, "column": STR, "problem": STR})),
    "skipped_files": mapping(arr(STR)),
    "onnet_peers": obj({"peers": COUNT, "customers": COUNT, "share": SHARE_NULL, "examples": arr(ID, maxItems=3)},
                       description="the window's distinct on-net peers and how many are customers"),
}

def features() -> dict:
    indicator = obj({"name": STR, "angle": enum(ANGLES), "non_null": COUNT, "mean": NUM_NULL,
                     "min": NUM_NULL, "max": NUM_NULL})
    cdr = obj({**{k: COUNT for k in ("rows_total", "rows_used", "rows_outside_window", "rows_unknown_customer",
                                     "rows_unknown_service", "unknown_customers")},
               "rows_duplicate": {"type": ["integer", "null"], "minimum": 0,
                                  "description": "exact duplicate rows of the window; null: not counted (see duplicates)"}})
    body = obj({
        "out": STR_NULL,
        "window": WINDOW,
        "population": enum(("stable", "all")),
        "customers": COUNT,
        "brands": mapping(COUNT),
        "cdr": cdr,
        "indicators": arr(indicator),
        "skipped": arr(obj({"name": STR, "angle": enum(ANGLES), "reason": STR})),
        **INPUT_CHECKS,
        "warnings": arr(STR),
    })
    return document("features", "segment features --format json", body)


def features_list() -> dict:
    body = obj({
        "angles": mapping(STR, enum(ANGLES)),
        "indicators": arr(obj({"name": STR, "angle": enum(ANGLES), "requires": arr(STR), "definition": STR})),
    })
    return document("features-list", "segment features --list --format json", body)


# ---------------------------------------------------------------- sample

def sample() -> dict:
    table = obj({"rows": COUNT, "files": arr(STR, minItems=1)})
    body = obj({
        "out": STR,
        "customers": {"type": "integer", "minimum": 1},
        "months": arr(MONTH, minItems=1),
        "seed": INT,
        "file_format": enum(("parquet", "csv")),
        "structure": enum(STRUCTURES),
        "tables": obj({t: table for t in ("customers", "cdr", "billing", "interactions", "recharges", "truth")}),
    })
    return document("sample", "segment sample --format json", body)


# ---------------------------------------------------------------- screening

REASONS = (*CHECKS, "correlated", "not_numeric")
ROLE = obj({"name": STR, "role": enum(ROLES), "reason": STR, "positive": STR,
            "encoded": arr(obj({"column": STR, "category": STR}))},
           required=["name", "role", "reason"],
           description="a column's role (docs/segments.md, \"Column roles\"): positive for an outcome, "
                       "encoded for a one-hot clustered category")


def screening_defs() -> dict:
    stats = obj({k: ({} if k == "mode" else COUNT if k in ("n", "distinct") else NUM_NULL) for k in STATS})
    variable = obj({
        "name": STR,
        "angle": enum(ANGLES, null=True),
        "status": enum(("kept", "dropped", "not_screened")),
        "reason": enum(REASONS, null=True),
        "statistic": NUM_NULL, "threshold": NUM_NULL,
        "correlated_with": STR_NULL, "abs_r": NUM_NULL, "pearson": NUM_NULL, "spearman": NUM_NULL,
        "group": {"type": ["integer", "null"]}, "rsquare_ratio": NUM_NULL,
        "flags": arr(enum(CHECKS)),
        "detail": STR_NULL,
        "encoding": nullable(mapping(enum((0, 1)))),
        "stats": nullable(stats),
    }, required=["name", "angle", "status", "reason", "statistic", "threshold", "correlated_with", "abs_r",
                 "group", "flags", "stats"])
    group = obj({
        "id": {"type": "integer", "minimum": 1}, "members": arr(STR, minItems=2), "kept": arr(STR, minItems=1),
        "max_abs_r": NUM,
        "rsquare": arr(obj({"name": STR, "own": NUM_NULL, "nearest": NUM_NULL, "nearest_cluster": STR_NULL,
                            "ratio": NUM_NULL})),
    })
    factors = {"anyOf": [
        {"type": "null"},
        obj({"rows": COUNT, "skipped": STR}),
        obj({
            "rows": COUNT, "note": STR_NULL, "kmo": NUM_NULL, "kmo_per_variable": NUM_MAP,
            "bartlett": obj({"chi2": NUM_NULL, "df": COUNT, "p_value": NUM_NULL}),
            "eigenvalues": arr(NUM_NULL), "parallel_thresholds": arr(NUM_NULL),
            "n_factors": obj({"kaiser": COUNT, "parallel": COUNT}),
            "loadings": arr(obj({"name": STR, "loadings": arr(NUM_NULL), "dominant_factor": {"type": "integer", "minimum": 1},
                                 "communality": NUM_NULL})),
        }),
    ]}
    thresholds = obj({
        "max_missing": SHARE, "max_mode_share": SHARE, "min_cv": NUM, "max_abs_r": SHARE,
        "correlation": enum(("max", "pearson", "spearman")), "min_pair_rows": COUNT,
        "priority": arr(STR), "checks": arr(enum(CHECKS)),
    })
    report_props = {
        "rows": COUNT,
        "summary": obj({"indicators": COUNT, "kept": COUNT, "not_screened": COUNT,
                        "dropped": mapping(COUNT, enum(REASONS))}),
        "variables": arr(ref("variable")),
        "groups": arr(ref("group")),
        "thresholds": thresholds,
        "factors": factors,
    }
    brand_report = obj({**report_props, "brands": mapping(False)}, required=list(report_props))
    return {"variable": variable, "group": group, "report_props": report_props, "brand_report": brand_report}


def screen() -> dict:
    d = screening_defs()
    props = d.pop("report_props")
    body = obj({**props, "brands": mapping(ref("brand_report")), "roles": arr(ROLE)}, required=[*props, "brands"])
    return document("screen", "segment screen --format json (and screening.json)", body, d)


# ---------------------------------------------------------------- segmentation

def profile_defs() -> dict:
    score = obj({"k": {"type": "integer", "minimum": 1}, "silhouette": NUM_NULL, "calinski_harabasz": NUM_NULL,
                 "davies_bouldin": NUM_NULL, "prediction_strength": NUM_NULL, "min_share": NUM_NULL})
    segment = obj({
        "segment": {"type": "integer", "minimum": 1}, "name": STR, "size": COUNT, "share": SHARE_NULL,
        "arpu": NUM_NULL, "stability": NUM_NULL, "unstable": BOOL,
        "means": NUM_MAP, "index": NUM_MAP, "difference": NUM_MAP,
        "categories": mapping(arr(obj({"category": STR, "share": SHARE_NULL, "index": NUM_NULL}))),
        "outcomes": mapping(obj({"rate": SHARE_NULL, "index": NUM_NULL})),
    })
    brand = obj({
        "k": {"type": "integer", "minimum": 1},
        "chosen_by": enum(("forced", "prediction_strength", "best_prediction_strength")),
        "reason": STR,
        "scores": arr(score),
        "variables": arr(STR),
        "variables_without_spread": arr(STR),
        "imputed": mapping(COUNT),
        "notes": arr(STR),
        "customers": COUNT,
        "key_indicators": arr(STR),
        "brand_means": NUM_MAP,
        "arpu": NUM_NULL,
        "categories": mapping(arr(obj({"category": STR, "share": SHARE_NULL}))),
        "outcomes": mapping(obj({"positive": STR, "rate": SHARE_NULL})),
        "segments": arr(ref("segment"), minItems=1),
    })
    return {"score": score, "segment": segment, "brand": brand}


PROFILES = {
    "seed": INT,
    "cluster_variables": arr(STR),
    "revenue": STR_NULL,
    "roles": arr(ROLE),
    "brands": mapping(ref("brand")),
    "failed_brands": mapping(STR),
}


def cluster() -> dict:
    return document("cluster", "segment cluster --format json (and profiles.json)", obj(PROFILES), profile_defs())


def profile() -> dict:
    return document("profile", "segment profile --format json (profiles.json, optionally one brand)",
                    obj(PROFILES), profile_defs())


def profile_segment() -> dict:
    row = obj({"indicator": STR, "mean": NUM_NULL, "brand_mean": NUM_NULL, "index": NUM_NULL,
               "difference": NUM_NULL})
    outcome = obj({"outcome": STR, "positive": STR, "rate": SHARE_NULL, "brand_rate": SHARE_NULL, "index": NUM_NULL})
    category = obj({"column": STR, "category": STR, "share": SHARE_NULL, "brand_share": SHARE_NULL, "index": NUM_NULL})
    body = obj({"brand": STR, "segment": {"type": "integer", "minimum": 1}, "name": STR, "indicators": arr(row),
                "outcomes": arr(outcome), "categories": arr(category)})
    return document("profile-segment", "segment profile --brand B --segment N --format json", body)


def score() -> dict:
    row = obj({"brand": STR, "segment": {"type": "integer", "minimum": 1}, "segment_name": STR, "customers": COUNT})
    body = obj({"out": STR, "customers": COUNT, "unscored": obj({r: COUNT for r in UNSCORED_REASONS}), "segments": arr(row)})
    return document("score", "segment score --format json", body)


def rules() -> dict:
    rule = obj({"rule": STR, "customers": COUNT, "precision": SHARE_NULL})
    segment = obj({"segment": {"type": "integer", "minimum": 1}, "name": STR, "customers": COUNT,
                   "precision": SHARE_NULL, "coverage": SHARE_NULL, "rules": arr(rule)})
    brand = obj({"brand": STR, "customers": COUNT, "agreeing": COUNT, "agreement": SHARE_NULL,
                 "segments": arr(segment)})
    body = obj({"out": STR, "max_depth": COUNT, "agreement": SHARE_NULL, "brands": arr(brand)})
    return document("rules", "segment rules --format json", body)


# ---------------------------------------------------------------- compare

def compare() -> dict:
    seg = {"type": "integer", "minimum": 1}
    curve = arr(arr(NUM, minItems=2, maxItems=2), description="[k, prediction strength]; empty when k was set")
    k = obj({"a": COUNT, "b": COUNT, "chosen_by_a": STR_NULL, "chosen_by_b": STR_NULL,
             "prediction_strength_a": curve, "prediction_strength_b": curve})
    customers = obj({"a": COUNT, "b": COUNT, "shared": COUNT, "in_matched_segment": COUNT,
                     "share_in_matched_segment": SHARE_NULL, "movers": COUNT, "appeared": COUNT, "left": COUNT})
    by = enum(("customers", "centroids"))
    match = obj({"segment_a": seg, "name_a": STR, "segment_b": seg, "name_b": STR, "by": by, "shared": COUNT,
                 "jaccard": SHARE, "distance": NUM_NULL})
    named = obj({"segment": seg, "name": STR})
    transition = obj({"segment_a": seg, "segment_b": seg, "customers": COUNT, "share": SHARE, "matched": BOOL})
    drift = obj({"segment_a": seg, "segment_b": seg, "indicator": STR, "mean_a": NUM_NULL, "mean_b": NUM_NULL,
                 "shift": NUM_NULL, "psi": NUM_NULL})
    brand = obj({"k": k, "customers": customers, "matched_by": by, "matches": arr(match), "gone": arr(named),
                 "new": arr(named), "transitions": arr(transition), "drift": arr(drift)})
    status = enum(("kept", "dropped", "not_screened", "absent"))
    change = obj({"indicator": STR, "status_a": status, "reason_a": enum(REASONS, null=True), "status_b": status,
                  "reason_b": enum(REASONS, null=True), "rule": enum(REASONS, null=True),
                  "statistic": enum(sorted(set(RULE_STATISTIC.values())), null=True), "value_a": NUM_NULL,
                  "value_b": NUM_NULL, "threshold": NUM_NULL, "correlated_with": STR_NULL, "text": STR})
    body = obj({
        "run_a": STR, "run_b": STR,
        "brands": mapping(ref("brand")), "brands_only_a": arr(STR), "brands_only_b": arr(STR),
        "screening": obj({"available": BOOL, "changes": arr(change),
                          "thresholds": arr(obj({"name": STR, "a": {}, "b": {}}))}),
        "psi_alert": NUM, "movers": COUNT, "out": STR_NULL,
    })
    return document("compare", "segment compare --format json", body, {"brand": brand})


# ---------------------------------------------------------------- verify

def verify() -> dict:
    from segment.provenance import compare as mf
    from segment.provenance.manifest import ROLES

    sha = {"type": "string", "pattern": "^[0-9a-f]{64}$"}
    facts = nullable(obj({"size": COUNT, "rows": {"type": ["integer", "null"], "minimum": 0}, "sha256": sha}))
    moved = nullable(obj({k: COUNT for k in ("customers_before", "customers_after", "moved", "appeared",
                                             "disappeared")}, description="customers of an assignments table: "
                                                                          "on disk vs the re-run"))
    body = obj({
        "ok": BOOL,
        "manifest": STR,
        "command": STR,
        "inputs": arr(obj({"role": enum(ROLES), "path": STR, "status": enum(mf.INPUT_STATUS),
                           "recorded": facts, "current": facts})),
        "versions": arr(obj({"name": STR, "recorded": STR_NULL, "current": STR_NULL,
                             "status": enum(mf.CHANGE_STATUS)})),
        "settings": arr(obj({"name": enum(mf.SETTINGS), "recorded": {}, "current": {},
                             "status": enum(mf.CHANGE_STATUS)})),
        "outputs": arr(obj({"path": STR, "status": enum(mf.OUTPUT_STATUS), "on_disk": enum(mf.ON_DISK_STATUS),
                            "rerun": enum(mf.RERUN_STATUS), "recorded_sha256": nullable(sha),
                            "on_disk_sha256": nullable(sha), "rerun_sha256": nullable(sha), "moved": moved})),
    })
    return document("verify", "segment verify --format json", body)


# ---------------------------------------------------------------- analyses

def crosstab(levels, segment: bool) -> dict:
    keys = {"brand": STR, **({"segment": STR} if segment else {})}
    return obj({**keys, "customers": COUNT, **{lv: COUNT for lv in levels}})


def crosstabs(levels) -> dict:
    return {"by_brand": arr(crosstab(levels, False)), "by_segment": nullable(arr(crosstab(levels, True)))}


def analysis(name: str, props: dict) -> dict:
    return obj({
        "version": {"const": VERSION},
        "analysis": {"const": name},
        "window": WINDOW,
        "population": obj({"definition": STR, "customers": COUNT}),
        **props,
    })


def value_summary() -> dict:
    decile = obj({
        "customers": COUNT, "value_score_min": NUM_NULL, "value_score_max": NUM_NULL, "arpu": NUM_NULL,
        "tenure_years": NUM_NULL, "overdue_days": NUM_NULL, "arrears": NUM_NULL, "credit_level": NUM_NULL,
        "discount_rate": NUM_NULL, "brands": mapping(COUNT), "tiers": counts(TIERS),
    })
    conc = obj({
        "customers": COUNT, "revenue": NUM, "top_customers": COUNT, "top_revenue_share": SHARE_NULL,
        "gini": NUM_NULL, "lorenz": arr(arr(NUM, minItems=2, maxItems=2)),
        "not_covering_discount": SHARE_NULL,
    }, required=["customers", "revenue", "top_revenue_share", "gini", "lorenz", "not_covering_discount"])
    return analysis("value", {
        "tiers": obj({"rules": obj({t: STR for t in TIERS}), "overall": counts(TIERS), **crosstabs(TIERS)}),
        "card_tiers": obj({"rules": obj({c: STR for c in CARDS}), "overall": counts(CARDS), **crosstabs(CARDS)}),
        "score": obj({"weights": obj({w: NUM for w in ("revenue", "tenure", "credit", "cost")}),
                      "top_decile": decile, "bottom_decile": decile}),
        "concentration": obj({"top_share": SHARE, "overall": conc, "by_brand": mapping(conc)}),
        "groups": obj({
            "available": BOOL, "reason": STR_NULL,
            "classes": arr(obj({"class": enum(GROUP_CLASSES), "groups": COUNT, "lines": COUNT, "revenue": NUM,
                                "revenue_share": SHARE_NULL})),
        }),
    })


def churn_summary() -> dict:
    rule = obj({"name": STR, "stage": enum(STAGES), "rule": STR, "available": BOOL, "reason": STR_NULL,
                "fired": COUNT})
    return analysis("churn", {"stages": counts(STAGES), **crosstabs(STAGES), "rules": arr(rule)})


def channels_summary() -> dict:
    def mix_row(keys: dict) -> dict:
        return obj({**keys, "contacts": COUNT, **{c: SHARE_NULL for c in CHANNELS}})

    return analysis("channels", {
        "min_contacts": COUNT, "contacts": COUNT, "other_channel_contacts": COUNT,
        "customers_with_contacts": COUNT, "customers_below_minimum": COUNT,
        "mix": obj({"overall": arr(mix_row({}), minItems=1, maxItems=1),
                    "by_brand": arr(mix_row({"brand": STR})),
                    "by_segment": nullable(arr(mix_row({"brand": STR, "segment": STR})))}),
        "preferred": obj({"overall": counts(PREFERRED), **crosstabs(PREFERRED)}),
    })


def with_out(summary: dict, extra: dict | None = None) -> dict:
    """An analysis summary as its command prints it: plus ``out`` (and ``extra``), minus ``version``
    in the body (the document adds it)."""
    props = {k: v for k, v in summary["properties"].items() if k != "version"}
    props = {**props, "out": STR_NULL, **(extra or {})}
    return obj(props, required=[k for k in summary["required"] if k != "version"] + ["out", *(extra or {})])


def value() -> dict:
    return document("value", "segment value --format json", with_out(value_summary()))


def churn() -> dict:
    extra = {"list": enum(STAGES, null=True)}
    body = with_out(churn_summary(), extra)
    body["properties"]["listed"] = COUNT  # only with --list
    return document("churn", "segment churn --format json", body)


def channels() -> dict:
    return document("channels", "segment channels --format json", with_out(channels_summary()))


def run() -> dict:
    body = obj({
        **PROFILES,
        "window": WINDOW,
        "analyses": obj({"value": ref("value"), "churn": ref("churn"), "channels": ref("channels")},
                        required=["value", "churn"]),
        "analyses_skipped": mapping(STR, enum(("channels",))),
        "quality": mapping(obj({"value": NUM, "text": STR}), enum(RUN_GATES)),
        "warnings": arr(STR),
    })
    defs = {**profile_defs(), "value": value_summary(), "churn": churn_summary(), "channels": channels_summary()}
    return document("run", "segment run --format json (profiles.json with the window and the analyses)", body, defs)


# ---------------------------------------------------------------- report

def report() -> dict:
    section = obj({
        "id": {"type": "string", "pattern": "^(overview|brand-[1-9][0-9]*|value|churn|screening|previous)$",
               "description": "the section's anchor in the page: fixed by its place, not by a brand's name"},
        "title": STR,
        "charts": COUNT,
        "notes": arr(STR, description="what the section leaves out, and why"),
    })
    body = obj({
        "out": STR,
        "run": STR,
        "previous": STR_NULL,
        "bytes": {"type": "integer", "minimum": 1},
        "charts": COUNT,
        "sections": arr(section, minItems=1),
    })
    return document("report", "segment report --format json", body)


# ---------------------------------------------------------------- multisim, reentry

CAPS = obj({"max_contacts": COUNT, "max_degree": COUNT}, description="the degree caps of [multisim]")


def multisim() -> dict:
    pair = obj({"customer_id": ID, "candidate_id": ID, "candidate_network": enum(("onnet", "offnet")),
                "shared_contacts": COUNT, "customer_contacts": COUNT, "candidate_contacts": COUNT, "jaccard": SHARE,
                "overlap": SHARE, "adamic_adar": NUM, "shift": NUM, "customer_months": STR_NULL,
                "candidate_months": STR_NULL})
    body = obj({"window": WINDOW, "pairs_scored": COUNT, "owners": COUNT, "numbers": COUNT, "offnet_numbers": COUNT,
                "caps": CAPS, "out": STR_NULL, "rows": arr(pair)})
    return document("multisim", "segment multisim --format json", body)


def reentry() -> dict:
    pair = obj({"customer_id": ID, "old_customer_id": ID, "brand": STR, "old_brand": STR, "activation_date": STR,
                "old_churn_date": STR, "gap_days": COUNT, "dealer_id": STR_NULL, "shared_contacts": COUNT,
                "new_contacts": COUNT, "old_contacts": COUNT, "jaccard": SHARE, "overlap": SHARE})
    body = obj({"window": WINDOW, "reentries": COUNT,
                "per_month": arr(obj({"month": MONTH, "reentries": COUNT, "same_brand": COUNT})),
                "top_dealers": arr(obj({"dealer_id": STR, "reentries": COUNT})), "caps": CAPS, "out": STR_NULL,
                "rows": arr(pair)})
    return document("reentry", "segment reentry --format json", body)


SCHEMAS = {
    "features": features, "features-list": features_list, "sample": sample, "screen": screen,
    "run": run, "cluster": cluster, "profile": profile, "profile-segment": profile_segment, "rules": rules,
    "compare": compare, "score": score, "value": value, "churn": churn, "channels": channels, "multisim": multisim,
    "reentry": reentry, "report": report,
    "verify": verify,
}


def render(schema: dict) -> str:
    return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"


def build() -> dict[str, str]:
    """File name -> text of every schema."""
    return {f"{name}.schema.json": render(make()) for name, make in SCHEMAS.items()}


if __name__ == "__main__":
    for name, text in build().items():
        (HERE / name).write_text(text, encoding="utf-8")
        print(HERE / name)
