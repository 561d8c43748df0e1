"""Segmenting a features table: screening -> per-brand preparation -> clustering -> profiles.

``segment_table`` is the library form of ``segment cluster`` and the heart of
``segment run``; it takes any wide table (one row per customer: an id, optionally a
brand, then numeric indicators) and returns a :class:`Segmentation` that can write
the output files.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import numpy as np
import polars as pl

from . import categories, clustering, model as modelmod, naming, profiles, roles as rolesmod, why
from .config import Config
from .errors import DataError, SchemaError, UsageError
from .io.outputs import write_json, write_parquet
from .prepare import Preparer

SCHEMA_VERSION = 1
ALL_BRANDS = "all"  # the one brand of a table without a brand column

Progress = Callable[[str], None]


@dataclass
class BrandResult:
    brand: str
    customers: int
    fit: clustering.BrandFit
    prep: Preparer
    order: list[int]  # segment in position s (1-based) = fit label order[s-1]
    profile: dict = field(default_factory=dict)
    numbers: list[int] = field(default_factory=list)  # the segment number in each position (1..k unless --previous)

    def k_selection(self) -> dict:
        return {
            "k": self.fit.k,
            "chosen_by": self.fit.chosen_by,
            "reason": self.fit.reason,
            "scores": [s.to_dict() for s in self.fit.scores],
        }


@dataclass
class Segmentation:
    """Everything ``segment run`` / ``segment cluster`` produce, in memory."""

    screening: object  # segment.screening.ScreeningReport
    cluster_columns: list[str]
    brands: dict[str, BrandResult]
    failed: dict[str, str]
    model: dict
    assignments: pl.DataFrame
    seed: int
    id_col: str
    brand_col: str | None
    roles: rolesmod.Roles = field(default_factory=rolesmod.Roles)
    warnings: list[str] = field(default_factory=list)  # e.g. names of a --names file the run has no segment for

    def profiles(self) -> dict:
        """profiles.json: brands -> k, k-selection metrics, segments (size, share, name, ...)."""
        return {
            "version": SCHEMA_VERSION,
            "seed": self.seed,
            "cluster_variables": self.cluster_columns,
            "revenue": self.roles.revenue,
            "roles": self.roles.to_list(),
            "brands": {
                b: {
                    **r.k_selection(),
                    "variables": r.prep.names_,
                    "variables_without_spread": r.prep.dropped_,
                    "imputed": {p.name: p.imputed for p in r.prep.variables_ if p.imputed},
                    "notes": r.fit.notes,
                    **r.profile,
                }
                for b, r in self.brands.items()
            },
            "failed_brands": self.failed,
        }

    def write(self, folder: Path, features: pl.DataFrame | None = None) -> list[Path]:
        """Write the outputs into an existing folder (the caller makes it atomic)."""
        folder = Path(folder)
        written = []
        if features is not None:
            write_parquet(features, folder / "features.parquet")
            written.append(folder / "features.parquet")
        for name, obj in (("screening.json", self.screening.to_dict()), ("profiles.json", self.profiles()),
                          ("model.json", self.model)):
            write_json(obj, folder / name)
            written.append(folder / name)
        (folder / "model.sql").write_text(modelmod.to_sql(self.model), encoding="utf-8")
        write_parquet(self.assignments, folder / "assignments.parquet")
        return written + [folder / "model.sql", folder / "assignments.parquet"]


def _forced_k(cfg: Config, brand: str, k: int | None) -> int | None:
    if k is not None:
        return k
    if brand in cfg.clustering.k_by_brand:
        return cfg.clustering.k_by_brand[brand]
    return None if cfg.clustering.k == "auto" else int(cfg.clustering.k)


def _brand_frames(frame: pl.DataFrame, brand_col: str | None) -> list[tuple[str, pl.DataFrame]]:
    if brand_col is None:
        return [(ALL_BRANDS, frame)]
    brands = frame.get_column(brand_col).drop_nulls().unique().sort().to_list()
    return [(str(b), frame.filter(pl.col(brand_col) == b)) for b in brands]


def _order_segments(labels: np.ndarray, k: int) -> list[int]:
    """Segments numbered by size, largest first (ties: the fit's label order)."""
    sizes = np.bincount(labels, minlength=k)
    return sorted(range(k), key=lambda c: (-sizes[c], c))


def segment_table(
    frame: pl.DataFrame,
    cfg: Config,
    id_col: str = "customer_id",
    brand_col: str | None = "brand",
    k: int | None = None,
    seed: int | None = None,
    skip_failed_brands: bool = False,
    screening_report=None,
    progress: Progress | None = None,
    threads: int | None = None,
    previous=None,
    asked: rolesmod.Asked | None = None,
    given_names: naming.Names | None = None,
) -> Segmentation:
    """Screen, prepare, cluster and profile every brand of ``frame``.

    Parameters: ``frame`` one row per customer; ``id_col`` its id; ``brand_col`` the
    brand (None: the whole table is one brand); ``k`` forces k in every brand (else the
    config: ``clustering.k``, ``clustering.k_by_brand``, or automatic); ``seed``
    overrides ``clustering.seed``; ``skip_failed_brands`` reports a brand that cannot be
    clustered instead of stopping; ``screening_report`` reuses a screening already done;
    ``threads`` fits side by side in the k sweep and the bootstrap (None: every core;
    the result does not depend on it); ``previous`` (a :class:`segment.tracking.Run`)
    gives matching segments its numbers and names (``--previous``); ``asked`` the roles of
    --profile, --outcome, --revenue (segment/roles.py); ``given_names`` segment names set by
    hand (``--names``, segment/naming.py).
    Raises SchemaError / DataError (exit 3) naming the brand and the reason.
    """
    from .screening import screen

    say = progress or (lambda s: None)
    seed = cfg.clustering.seed if seed is None else seed
    if threads is not None and threads < 1:
        raise UsageError(f"--threads must be at least 1, got {threads}")
    if id_col not in frame.columns:
        raise SchemaError(f"id column {id_col!r} not found (use --id); columns: {', '.join(frame.columns[:12])}")
    if brand_col is not None and brand_col not in frame.columns:
        raise SchemaError(f"brand column {brand_col!r} not found (use --brand, or --no-brand)")
    frame = frame.sort(id_col)
    if brand_col is not None and frame.get_column(brand_col).null_count():
        raise DataError(f"brand column {brand_col!r} is empty in {frame.get_column(brand_col).null_count()} row(s)")
    asked = rolesmod.asked_roles(asked or rolesmod.Asked(), cfg)
    if screening_report is None:
        say("screening indicators")
        outcomes = rolesmod.outcome_columns(frame, cfg, id_col, brand_col, asked)
        screening_report = screen(frame.drop(outcomes), cfg.screening, id_col, brand_col)
    roles = rolesmod.assign(frame, cfg, id_col, brand_col, screening_report, asked)
    frame = rolesmod.with_encoded(frame, roles)
    columns = rolesmod.cluster_columns(roles)
    asked_columns = frozenset(cfg.clustering.include) | {col for col, _, _ in roles.encoded()}
    results: dict[str, BrandResult] = {}
    failed: dict[str, str] = {}
    brand_models: dict[str, dict] = {}
    for brand, part in _brand_frames(frame, brand_col):
        try:
            # a brand too small for k is named as such, whatever else is wrong with it
            clustering.check_size(part.height, cfg.clustering, _forced_k(cfg, brand, k))
            if not columns:
                raise ValueError("no usable clustering indicator is left after screening")
            X = part.select(columns).cast(pl.Float64).to_numpy()
            c = cfg.clustering
            prep = Preparer(c.log_skew, c.winsor_low, c.winsor_high, c.min_distinct, asked_columns).fit(X, columns)
            if set(c.include) & set(prep.dropped_):
                raise ValueError(f"[clustering] include: {', '.join(sorted(set(c.include) & set(prep.dropped_)))} "
                                 "has no spread in this brand")
            if not prep.variables_:
                raise ValueError("no clustering indicator varies inside this brand")
            Z = prep.transform(X, columns)
            fit = clustering.fit_brand(Z, cfg.clustering, seed, brand, _forced_k(cfg, brand, k),
                                       progress=lambda s, b=brand: say(f"clustering {b}: {s}"), n_jobs=threads)
        except ValueError as e:
            if not skip_failed_brands:
                raise DataError(f"brand {brand}: {e}" + ("" if brand_col is None else
                                " (use --skip-failed-brands to segment the other brands)")) from None
            failed[brand] = str(e)
            continue
        order = _order_segments(fit.labels, fit.k)
        relabel = np.empty(fit.k, dtype=np.int64)
        relabel[order] = np.arange(1, fit.k + 1)
        labels = relabel[fit.labels]
        seg, mean, std = profiles.segment_means(part, labels, prep.names_)
        pc = cfg.profiles
        names = profiles.names_for(profiles.differences(seg, mean, std), prep.names_, pc.name_terms,
                                   profiles.indexes(seg, mean), pc.name_min_effect, pc.name_min_index_gap, seg,
                                   profiles.binary_columns(part, prep.names_))
        numbers, evidence = list(range(1, fit.k + 1)), None
        followed = _follow(previous, brand, part, id_col, labels, cfg) if previous is not None else None
        if followed is not None:
            numbers, kept, evidence = followed
            names = _keep_names(names, kept)
            by_number = sorted(range(fit.k), key=lambda s: numbers[s])  # positions in number order
            order, numbers, names = ([x[s] for s in by_number] for x in (order, numbers, names))
        names = naming.apply(given_names or {}, brand, numbers, names)
        results[brand] = BrandResult(brand, part.height, fit, prep, order, numbers=numbers)
        brand_models[brand] = _brand_model(fit, prep, order, names, numbers, evidence, roles)
    if not results:
        raise DataError("no brand could be segmented: " + "; ".join(f"{b}: {r}" for b, r in failed.items()))
    model = {
        "kind": "segment-model",
        "version": modelmod.version_for(brand_models),
        "id_column": id_col,
        "brand_column": brand_col,
        "method": cfg.clustering.method,
        "seed": seed,
        "roles": roles.to_list(),
        "brands": brand_models,
    }
    say("assigning segments")
    assignments = why.add(model, frame, modelmod.score(model, frame))
    for brand, r in results.items():
        say(f"profiling {brand}")
        rows = assignments.filter(pl.col("brand") == brand) if brand_col else assignments
        part = frame.join(rows.select(pl.col("customer_id").alias(id_col), "segment"), on=id_col, how="inner")
        position = {n: i + 1 for i, n in enumerate(r.numbers)}
        labels = np.array([position[n] for n in part.get_column("segment").to_list()], dtype=np.int64)
        stab = [float(r.fit.stability[c]) for c in r.order]
        names = [s["name"] for s in brand_models[brand]["segments"]]
        described = part.drop("segment", *roles.of("outcome"), *roles.of("ignored"))
        r.profile = profiles.brand_profile(described, labels, names, stab, r.prep.names_,
                                           cfg.profiles.key_indicators, cfg.clustering.unstable_below,
                                           id_col, brand_col or "", roles.revenue or "", r.numbers)
        categories.add_to(r.profile, part, labels, roles, cfg.profiles.top_categories)
    warnings = naming.unused(given_names or {}, {b: r.numbers for b, r in results.items()}, "--names")
    return Segmentation(screening_report, columns, results, failed, model, assignments, seed, id_col, brand_col,
                        roles, warnings)


def _follow(previous, brand: str, part: pl.DataFrame, id_col: str, labels: np.ndarray, cfg: Config):
    from .tracking import follow

    try:
        return follow(previous, brand, part, id_col, labels, cfg.tracking)
    except ValueError as e:
        raise DataError(f"brand {brand}: --previous {previous.path}: {e}") from None


def _keep_names(generated: list[str], kept: list[str | None]) -> list[str]:
    """The previous names of matched segments; generated ones, made distinct, for the others."""
    out = [k if k is not None else "" for k in kept]
    for s, name in enumerate(generated):
        if kept[s] is None:
            while name in out:
                name += "'"
            out[s] = name
    return out


def _brand_model(fit: clustering.BrandFit, prep: Preparer, order: list[int], names: list[str],
                 numbers: list[int], previous: dict | None = None, roles: rolesmod.Roles | None = None) -> dict:
    segments = []
    for s, c in enumerate(order):
        seg = {"segment": numbers[s], "name": names[s], "center": [float(x) for x in fit.centers[c]]}
        if fit.gmm is not None:
            w = float(fit.gmm["weights"][c])
            var = [float(v) for v in fit.gmm["variances"][c]]
            seg.update(weight=w, variances=var,
                       log_det_weight=float(-2.0 * np.log(w) + np.sum(np.log(var))))
        segments.append(seg)
    encoded = {col: {"column": src, "category": value} for col, src, value in (roles.encoded() if roles else [])}
    variables = [{**p.to_dict(), **({"encoding": encoded[p.name]} if p.name in encoded else {})} for p in prep.variables_]
    out = {"method": fit.method, "variables": variables, "segments": segments}
    if fit.projection is not None:  # u = z . projection: rows are the variables, columns the axes u1..
        out["projection"] = [[float(x) for x in row] for row in fit.projection]
    if previous is not None:  # --previous: which previous segment each one is, and the evidence
        out["previous"] = previous
    return out


# ---------------------------------------------------------------- segment run

@dataclass
class RunResult:
    """``segment run``: the features, the segmentation and the analyses around it."""

    features: pl.DataFrame
    segmentation: Segmentation
    analyses: dict  # name -> result with .customers / .summary(), for value, churn, channels
    skipped: dict[str, str]  # analyses that could not run, and why
    warnings: list[str]
    window: dict
    measures: dict = field(default_factory=dict)  # data-quality measures of the features (segment.quality)

    def summary(self) -> dict:
        """profiles.json plus the window and a summary of each analysis (``--format json``)."""
        return {**self.segmentation.profiles(), "window": self.window,
                "analyses": {n: r.summary() for n, r in self.analyses.items()},
                "analyses_skipped": self.skipped}

    def analyses_document(self) -> dict:
        """analyses.json: the window and the analyses' summaries of ``--format json`` (what
        profiles.json does not hold), so that a run folder alone can be reported on."""
        summary = self.summary()
        return {"version": SCHEMA_VERSION, **{k: summary[k] for k in ("window", "analyses", "analyses_skipped")}}

    def write(self, folder: Path) -> None:
        """Every output file into ``folder`` (the caller makes the folder atomic)."""
        self.segmentation.write(folder, self.features)
        write_json(self.analyses_document(), Path(folder) / "analyses.json")
        for name, result in self.analyses.items():
            write_parquet(result.customers, Path(folder) / f"{name}.parquet")


def run(sources, cfg: Config, engine=None, k: int | None = None, seed: int | None = None,
        skip_failed_brands: bool = False, progress: Progress | None = None, previous=None,
        given_names: naming.Names | None = None) -> RunResult:
    """From extracts to segments: features -> screening -> clustering -> profiles, plus
    value tiers, churn stages and channel preference of the same window.

    Parameters as :func:`segment_table` (``previous``: a :class:`segment.tracking.Run`; ``given_names``:
    ``--names``); ``sources`` from :func:`segment.io.inputs.find_inputs`.
    An analysis whose input is missing (e.g. no interactions table) is skipped with its
    reason; the segmentation is never skipped.
    """
    from . import channels, churn, quality, value
    from .errors import InputError
    from .features import compute

    say = progress or (lambda s: None)
    with compute(sources, cfg, engine, progress=say) as fs:
        frame = fs.frame()
        seg = segment_table(frame, cfg, k=k, seed=seed, skip_failed_brands=skip_failed_brands, progress=say,
                            threads=engine.threads if engine else None, previous=previous, given_names=given_names)
        segments = seg.assignments.select("customer_id", "brand", "segment")
        analyses, skipped = {}, {}
        say("value, churn and channels")
        analyses["value"] = value.analyse(fs, cfg, segments)
        analyses["churn"] = churn.assess(fs, cfg, segments, value=analyses["value"])
        try:
            analyses["channels"] = channels.analyse(fs, cfg, segments)
        except InputError as e:
            skipped["channels"] = str(e)
        window = {"start": fs.window.months[0], "end": fs.window.months[-1], "months": len(fs.window.months)}
        return RunResult(frame, seg, analyses, skipped, [*fs.warnings, *seg.warnings], window,
                         quality.measure_features(fs))
