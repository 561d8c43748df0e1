"""``segment rules``: each segment's rules in plain words (a shallow decision tree per
brand, trained on the model's inputs), their precision and coverage, and rules.sql."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from . import common
from .common import SCHEMA_VERSION, Options, Outcome, Progress


@dataclass(frozen=True)
class Request(Options):
    run: Path  # an output folder of run / cluster (model.json), or its model.json
    features: Path | None = None  # the customers to learn the rules on (default: the run's features.parquet)
    config: Path | None = None  # [rules] max_depth, min_leaf_share
    out: Path | None = None  # rules.sql (default: beside model.json)
    force: bool = False


def run(req: Request, progress: Progress | None = None) -> Outcome:
    import numpy as np
    import polars as pl

    from .. import config as cfgmod, model as modelmod, rules
    from ..errors import InputError
    from ..io.outputs import atomic_path, check_writable
    from ..tables import read_table

    say = common.say(progress)
    cfg = cfgmod.load(req.config)
    folder = req.run if req.run.is_dir() else req.run.parent
    features = req.features or folder / "features.parquet"
    out = req.out or folder / "rules.sql"
    check_writable(out, req.force)
    model = modelmod.load(req.run)
    if not features.exists():
        raise InputError(f"features not found: {features} (a cluster folder has none: give --features FILE)")
    frame = read_table(features)
    say("scoring the customers with the model")
    assigned = modelmod.score(model, frame, str(features))
    id_col, brand_col = model["id_column"], model["brand_column"]
    frame = frame.join(assigned.select(pl.col("customer_id").alias(id_col), "segment"), on=id_col, how="inner")
    frame = frame.sort(id_col)
    leaves, medians, encodings, brands = {}, {}, {}, []
    for brand, b in model["brands"].items():
        say(f"rules for {brand}")
        part = frame.filter(pl.col(brand_col) == brand) if brand_col else frame
        labels = part.get_column("segment").to_numpy().astype(np.int64)
        leaves[brand], predicted = rules.fit_brand(part, labels, b["variables"], cfg.rules.max_depth,
                                                   cfg.rules.min_leaf_share, model["seed"])
        medians[brand] = {v["name"]: v["median"] for v in b["variables"]}
        encodings[brand] = {v["name"]: v["encoding"] for v in b["variables"] if "encoding" in v}
        brands.append(rules.summary(brand, leaves[brand], labels, predicted,
                                    {s["segment"]: s["name"] for s in b["segments"]}))
    with atomic_path(out, req.force) as tmp:
        tmp.write_text(rules.to_sql(leaves, medians, id_col, brand_col, encodings), encoding="utf-8")
    model_file = req.run / "model.json" if req.run.is_dir() else req.run
    common.record("rules", req, cfg, files={"model": model_file, "features": features}).write_beside(out)
    n = sum(b["customers"] for b in brands)
    agreement = sum(b["agreeing"] for b in brands) / n if n else None
    summary = {"version": SCHEMA_VERSION, "out": str(out), "max_depth": cfg.rules.max_depth,
               "agreement": None if agreement is None else round(agreement, 6), "brands": brands}
    done = f"rules for {len(brands)} brand(s), agreement with the model {agreement or 0:.1%} -> {out}"
    return Outcome(summary, done, [], leaves)
