"""Segments over time: two runs compared (``segment compare``) and stable numbers
(``segment run --previous``).

A run folder (``segment run`` / ``segment cluster --out``) holds model.json,
assignments.parquet, profiles.json, screening.json and, for ``run``, features.parquet.
:func:`compare` matches the segments of every brand in both runs (:mod:`.match`),
counts the transitions and the movers, measures the drift of every matched segment's
clustering indicators (:mod:`.drift`), reports k changes with both prediction-strength
curves, and diffs the screening (:mod:`.screening`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from ..config import TrackingConfig
from ..errors import InputError
from . import drift as driftmod
from .match import Match, Side, match, stable_numbers
from .screening import diff as screening_diff, threshold_changes

__all__ = ["Comparison", "Match", "Run", "Side", "compare", "load_run", "match", "stable_numbers"]


@dataclass
class Run:
    """What a run folder holds."""

    path: Path
    model: dict
    assignments: pl.DataFrame
    profiles: dict
    screening: dict | None
    features: pl.DataFrame | None  # customer_id + indicators; None when the run did not keep them
    files: list[Path] = field(default_factory=list)  # the files read (for the manifest)

    def side(self, brand: str) -> Side:
        rows = self.assignments.filter(pl.col("brand") == brand).select("customer_id", "segment")
        return Side(self.model["brands"][brand], rows, self.features)


def load_run(folder: Path) -> Run:
    """Read a run folder. Raises InputError (exit 3) when it is not one."""
    from .. import model as modelmod
    from ..io.inputs import read_json
    from ..tables import read_table

    from ..provenance.files import absolute

    folder = Path(absolute(folder))  # recorded as is in model.json: the same wherever the command ran from
    if not folder.is_dir():
        raise InputError(f"run folder not found: {folder} (give the --out folder of segment run or cluster)")
    model = modelmod.load(folder)
    profiles, _ = read_json(folder, "profiles.json", "profiles.json")
    if not (folder / "assignments.parquet").exists():
        raise InputError(f"{folder}: no assignments.parquet (give the --out folder of segment run or cluster)")
    files = [folder / "model.json", folder / "profiles.json", folder / "assignments.parquet"]
    assignments = pl.read_parquet(folder / "assignments.parquet")
    screening = None
    if (folder / "screening.json").exists():
        screening, _ = read_json(folder, "screening.json", "screening.json")
        files.append(folder / "screening.json")
    features = None
    source = folder / "features.parquet" if (folder / "features.parquet").exists() else _recorded_features(folder)
    if source is not None:
        features = read_table(source)
        if model["id_column"] != "customer_id" and model["id_column"] in features.columns:
            features = features.rename({model["id_column"]: "customer_id"})
        files.append(source)
    return Run(folder, model, assignments, profiles, screening, features, files)


def _recorded_features(folder: Path) -> Path | None:
    """The features table a ``cluster --features FILE`` run recorded, if it is still there."""
    from ..provenance.manifest import read

    if not (folder / "manifest.json").exists():
        return None
    recorded, _ = read(folder)
    for i in recorded.get("inputs", []):
        if i.get("role") == "features" and Path(i["path"]).exists():
            return Path(i["path"])
    return None


def _curve(brand: dict) -> list[list[float]]:
    return [[s["k"], s["prediction_strength"]] for s in brand.get("scores", [])]


@dataclass
class Comparison:
    run_a: Run
    run_b: Run
    brands: dict[str, dict]  # brand -> JSON-ready comparison
    matches: dict[str, Match]
    movers: pl.DataFrame
    screening: dict

    def summary(self) -> dict:
        return {"run_a": str(self.run_a.path), "run_b": str(self.run_b.path), "brands": self.brands,
                "brands_only_a": sorted(set(self.run_a.model["brands"]) - set(self.brands)),
                "brands_only_b": sorted(set(self.run_b.model["brands"]) - set(self.brands)),
                "screening": self.screening}

    def rows(self) -> list[list]:
        """The CSV form: one row per transition of every brand."""
        out = []
        for brand, c in self.brands.items():
            na = {s["segment"]: s["name"] for s in self.run_a.model["brands"][brand]["segments"]}
            nb = {s["segment"]: s["name"] for s in self.run_b.model["brands"][brand]["segments"]}
            for t in c["transitions"]:
                out.append([brand, t["segment_a"], na[t["segment_a"]], t["segment_b"], nb[t["segment_b"]],
                            t["customers"], t["share"], t["matched"]])
        return out


CSV_COLUMNS = ("brand", "segment_a", "name_a", "segment_b", "name_b", "customers", "share", "matched")


def compare(a: Run, b: Run, cfg: TrackingConfig) -> Comparison:
    """Compare run B with run A, brand by brand (brands in both runs). Raises InputError
    naming the brand when its segments cannot be matched."""
    brands, matches, moved = {}, {}, []
    for brand in sorted(set(a.model["brands"]) & set(b.model["brands"])):
        sa, sb = a.side(brand), b.side(brand)
        try:
            m = match(sa, sb, cfg)
        except ValueError as e:
            raise InputError(f"brand {brand}: {e}") from None
        matches[brand] = m
        mv = driftmod.movers(sa, sb, m, brand)
        moved.append(mv)
        pa, pb = a.profiles["brands"].get(brand, {}), b.profiles["brands"].get(brand, {})
        ids_a, ids_b = set(sa.assignments["customer_id"].to_list()), set(sb.assignments["customer_id"].to_list())
        brands[brand] = {
            "k": {"a": len(sa.numbers), "b": len(sb.numbers), "chosen_by_a": pa.get("chosen_by"),
                  "chosen_by_b": pb.get("chosen_by"), "prediction_strength_a": _curve(pa),
                  "prediction_strength_b": _curve(pb)},
            "customers": {"a": len(ids_a), "b": len(ids_b), "shared": m.shared, "in_matched_segment": m.shared - mv.height,
                          "share_in_matched_segment": (m.shared - mv.height) / m.shared if m.shared else None,
                          "movers": mv.height, "appeared": len(ids_b - ids_a), "left": len(ids_a - ids_b)},
            "matched_by": m.by,
            "matches": m.records(sa.names, sb.names),
            "gone": [{"segment": s, "name": sa.names[s]} for s in m.gone],
            "new": [{"segment": s, "name": sb.names[s]} for s in m.new],
            "transitions": driftmod.transitions(m),
            "drift": driftmod.drift(sa, sb, m, cfg.psi_bins),
        }
    screening = {"changes": [], "thresholds": [], "available": a.screening is not None and b.screening is not None}
    if screening["available"]:
        screening["changes"] = screening_diff(a.screening, b.screening, a.features, b.features)
        screening["thresholds"] = threshold_changes(a.screening, b.screening)
    movers = pl.concat(moved) if moved else pl.DataFrame()
    return Comparison(a, b, brands, matches, movers.sort("customer_id") if moved else movers, screening)


def follow(previous: Run, brand: str, part: pl.DataFrame, id_col: str, labels, cfg: TrackingConfig):
    """--previous: the numbers and names the segments of one brand take from a previous run.

    ``part`` is the brand's rows (``id_col`` + indicators), ``labels`` their provisional
    segments 1..k (numbered by size). Returns (number of each provisional segment, in
    order; the previous name of each matched one, else None; the evidence for
    model.json), or None when the previous run has no such brand.
    """
    if brand not in previous.model["brands"]:
        return None
    k = int(max(labels)) if len(labels) else 0
    features = part.rename({id_col: "customer_id"}) if id_col != "customer_id" else part
    current = Side({"segments": [{"segment": s, "name": str(s)} for s in range(1, k + 1)]},
                   pl.DataFrame({"customer_id": features.get_column("customer_id"), "segment": labels}), features)
    old = previous.side(brand)
    m = match(old, current, cfg)
    numbering = stable_numbers(m, old.names)
    partner_of = {sb: sa for sa, sb in m.pairs}
    segments = []
    for s in range(1, k + 1):
        row = {"segment": numbering[s][0], "previous": partner_of.get(s)}
        if s in partner_of:
            row.update(m.evidence(m.a.index(partner_of[s]), m.b.index(s)))
        segments.append(row)
    evidence = {"run": str(previous.path), "matched_by": m.by, "shared_customers": m.shared,
                "segments": sorted(segments, key=lambda r: r["segment"]),
                "gone": [{"segment": s, "name": old.names[s]} for s in m.gone]}
    return [numbering[s][0] for s in range(1, k + 1)], [numbering[s][1] for s in range(1, k + 1)], evidence
