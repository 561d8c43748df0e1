"""A run folder as the report reads it: the files ``segment run`` (or ``segment cluster``)
wrote. Only profiles.json is required; a part whose file is missing (analyses.json of a
cluster folder or of a run made before it existed, a manifest) is left out of the report
with a note saying why."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import InputError

PROFILES = "profiles.json"
SCREENING = "screening.json"
ANALYSES = "analyses.json"
MANIFEST = "manifest.json"
ASSIGNMENTS = "assignments.parquet"


@dataclass
class RunFolder:
    """What the report knows of one run; ``files`` are those it read (its manifest's inputs)."""

    path: Path
    name: str
    profiles: dict
    screening: dict | None = None
    analyses: dict | None = None
    manifest: dict | None = None
    files: list[Path] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # what the folder lacks, in words

    @property
    def brands(self) -> dict[str, dict]:
        return self.profiles.get("brands") or {}

    def config(self, section: str, key: str, default=None):
        """A setting of the config the run used (its manifest), else ``default``."""
        cfg = (self.manifest or {}).get("config") or {}
        return (cfg.get(section) or {}).get(key, default)

    def input_rows(self, role: str) -> int | None:
        """Rows of the input table ``role`` the run read (summed over its files), per the manifest."""
        rows = [i.get("rows") for i in (self.manifest or {}).get("inputs", []) if i.get("role") == role]
        return sum(rows) if rows and all(isinstance(r, int) for r in rows) else None

    def analysis(self, name: str) -> dict | None:
        return ((self.analyses or {}).get("analyses") or {}).get(name)

    def levels(self, kind: str) -> list[str]:
        """The levels of ``kind`` (stage, tier, card, channel) in the order the run's summaries
        list them: the library's own order (most severe stage first, best tier first), as the
        version that made the run had it, and without importing the analyses to know it."""
        path = {"stage": ("churn", "stages"), "tier": ("value", "tiers", "overall"),
                "card": ("value", "card_tiers", "overall"), "channel": ("channels", "preferred", "overall")}[kind]
        node = self.analysis(path[0]) or {}
        for key in path[1:]:
            node = node.get(key) or {}
        return list(node)

    def window(self) -> dict | None:
        return (self.analyses or {}).get("window") or (self.manifest or {}).get("window")

    def assignments(self):
        """customer_id, brand, segment of assignments.parquet (None when the folder has none)."""
        path = self.path / ASSIGNMENTS
        if not path.is_file():
            return None
        import polars as pl

        try:
            frame = pl.read_parquet(path)
        except Exception as e:  # polars raises several unrelated types for unreadable files
            raise InputError(f"{path}: cannot read: {str(e).splitlines()[0]}") from None
        missing = [c for c in ("customer_id", "segment") if c not in frame.columns]
        if missing:
            raise InputError(f"{path}: column(s) missing: {', '.join(missing)}")
        if "brand" not in frame.columns:
            frame = frame.with_columns(pl.lit("all").alias("brand"))
        return frame.select("customer_id", pl.col("brand").cast(pl.Utf8), pl.col("segment").cast(pl.Int64))


def _json(path: Path, what: str) -> dict:
    try:
        obj = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as e:
        raise InputError(f"{path}: not a {what} (not valid JSON: {e})") from None
    except OSError as e:
        raise InputError(f"cannot read {path}: {e.strerror or e}") from None
    if not isinstance(obj, dict):
        raise InputError(f"{path}: not a {what}")
    return obj


def load(path: Path, name: str | None = None) -> RunFolder:
    """Read the run folder ``path`` (``name``: how the report calls it, default the folder's name).

    Raises InputError (exit 3) when it is not a folder of segment run or cluster (no
    profiles.json) or a file is unreadable.
    """
    path = Path(path)
    if not path.is_dir():
        raise InputError(f"run folder not found: {path}" if not path.exists() else f"{path} is not a folder")
    if not (path / PROFILES).is_file():
        raise InputError(f"{path}: not a folder written by segment run or cluster (no {PROFILES})")
    run = RunFolder(path, name or path.resolve().name, _json(path / PROFILES, "profiles.json"))
    run.files.append(path / PROFILES)
    if not isinstance(run.profiles.get("brands"), dict):
        raise InputError(f"{path / PROFILES}: not a profiles.json written by segment (no brands)")
    for attr, file, why in (("screening", SCREENING, "the screening section is left out"),
                            ("analyses", ANALYSES, "value, churn and channel mixes are left out "
                             "(segment cluster writes none; segment run before this version wrote none)"),
                            ("manifest", MANIFEST, "the population counts and the k threshold are left out")):
        if (path / file).is_file():
            setattr(run, attr, _json(path / file, file))
            run.files.append(path / file)
        else:
            run.notes.append(f"no {file}: {why}")
    if (path / ASSIGNMENTS).is_file():
        run.files.append(path / ASSIGNMENTS)
    return run
