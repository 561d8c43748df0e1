"""Comparing a re-run with its manifest: inputs, versions, settings and every output.

The values of the report are listed in docs/reproducibility.md and
docs/schemas/verify.schema.json.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import CheckFailed
from ..io.inputs import file_format
from .files import sha256_file

REPORT_VERSION = 1  # of verify's JSON report; = the CLI's SCHEMA_VERSION (checked by the schema test)
INPUT_STATUS = ("same", "changed", "added", "removed")
CHANGE_STATUS = ("same", "changed")  # versions and settings
SETTINGS = ("config", "seed", "window")
OUTPUT_STATUS = ("identical", "differs")
_ON_DISK = {"same": "on disk as recorded", "modified": "modified on disk since the manifest",
            "missing": "missing on disk", "not_recorded": "not in the manifest"}
_RERUN = {"same": "re-run identical to the record", "differs": "re-run differs from the record",
          "not_produced": "not written by the re-run", "extra": "written by the re-run"}
ON_DISK_STATUS = tuple(_ON_DISK)
RERUN_STATUS = tuple(_RERUN)

def moved_customers(before, after) -> dict[str, int]:
    """How two assignment tables (customer_id, [brand,] segment) differ.

    ``moved``: customers in both whose segment (or brand) differs; ``appeared`` /
    ``disappeared``: customers only in ``after`` / only in ``before``.
    """
    import polars as pl

    keys = ["brand", "segment"] if "brand" in before.columns and "brand" in after.columns else ["segment"]
    a = before.select("customer_id", *[pl.col(k).cast(pl.Utf8) for k in keys])
    b = after.select("customer_id", *[pl.col(k).cast(pl.Utf8) for k in keys])
    both = a.join(b, on="customer_id", how="inner", suffix="_after")
    changed = pl.lit(False)
    for k in keys:
        changed = changed | pl.col(k).ne_missing(pl.col(f"{k}_after"))
    return {
        "customers_before": a.height,
        "customers_after": b.height,
        "moved": both.filter(changed).height,
        "appeared": b.join(a, on="customer_id", how="anti").height,
        "disappeared": a.join(b, on="customer_id", how="anti").height,
    }


def _read_assignments(path: Path):
    """An output read as a table with customer_id and segment, or None."""
    import polars as pl

    try:
        kind = file_format(path)
        if kind == "parquet":
            cols = pl.read_parquet_schema(path)
            if "customer_id" in cols and "segment" in cols:
                return pl.read_parquet(path, columns=[c for c in ("customer_id", "brand", "segment") if c in cols])
        elif kind == "csv":
            df = pl.read_csv(path, infer_schema_length=0)
            if "customer_id" in df.columns and "segment" in df.columns:
                return df
    except Exception:  # a damaged output is reported as differing; no segment count then
        return None
    return None


@dataclass
class VerifyReport:
    """The outcome of :func:`verify`. Lists hold one dict per input, version and output."""

    manifest: str
    command: str
    inputs: list[dict] = field(default_factory=list)
    versions: list[dict] = field(default_factory=list)
    settings: list[dict] = field(default_factory=list)
    outputs: list[dict] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return (all(i["status"] == "same" for i in self.inputs)
                and all(o["status"] == "identical" for o in self.outputs))

    def to_dict(self) -> dict:
        return {"version": REPORT_VERSION, "ok": self.ok, "manifest": self.manifest, "command": self.command,
                "inputs": self.inputs, "versions": self.versions, "settings": self.settings,
                "outputs": self.outputs}

    def ok_line(self) -> str:
        changed = [f"{v['name']} {v['recorded']} -> {v['current']}" for v in self.versions if v["status"] != "same"]
        n, m = len(self.outputs), len(self.inputs)
        return (f"OK: {n} output{'s' * (n != 1)} byte-identical (segment {self.command}; "
                + (f"{m} input{'s' * (m != 1)} unchanged; " if m else "no inputs; ")
                + ("versions as recorded" if not changed else "versions differ: " + ", ".join(changed)) + ")")

    def failure(self) -> str:
        """One line saying what differs (the message of CheckFailed)."""
        parts = []
        bad_out = [o["path"] for o in self.outputs if o["status"] != "identical"]
        if bad_out:
            parts.append(f"{len(bad_out)} of {len(self.outputs)} outputs differ ({', '.join(bad_out)})")
        bad_in = [Path(i["path"]).name for i in self.inputs if i["status"] != "same"]
        if bad_in:
            parts.append(f"{len(bad_in)} input(s) changed ({', '.join(bad_in)})")
        return f"verify {self.manifest}: " + "; ".join(parts)

    def rows(self, differences_only: bool = False) -> list[tuple]:
        """(what, name, status, recorded, current, detail) rows: the CSV and table form.

        For an output, ``current`` is the file on disk when it was modified since the
        manifest, else the re-run's file (SHA-256 prefixes).
        """
        rows = []
        for i in self.inputs:
            rec, cur = i.get("recorded") or {}, i.get("current") or {}
            rows.append(("input", i["path"], i["status"], _facts(rec), _facts(cur), f"table {i['role']}"))
        for v in self.versions:
            rows.append(("version", v["name"], v["status"], v["recorded"] or "", v["current"] or "", ""))
        for st in self.settings:
            detail = ""
            if st["status"] != "same":
                keys = _changed_keys(st["recorded"], st["current"])
                detail = "differs at " + ", ".join(keys[:8]) + (" ..." if len(keys) > 8 else "")
            show = _digest if st["name"] == "config" else _json
            rows.append(("setting", st["name"], st["status"], show(st["recorded"]), show(st["current"]), detail))
        for o in self.outputs:
            current = o["on_disk_sha256"] if o["on_disk"] == "modified" else o["rerun_sha256"]
            rows.append(("output", o["path"], o["status"], (o["recorded_sha256"] or "")[:12], (current or "")[:12],
                         _output_detail(o)))
        if differences_only:
            rows = [r for r in rows if r[2] not in ("same", "identical")]
        return rows


def _output_detail(o: dict) -> str:
    parts = [_ON_DISK[o["on_disk"]], _RERUN[o["rerun"]]]
    if o.get("moved"):
        m = o["moved"]
        parts.append(f"{m['moved']} customers moved segment, {m['appeared']} appeared, "
                     f"{m['disappeared']} disappeared (on disk vs re-run)")
    return "; ".join(parts)


def _facts(info: dict) -> str:
    if not info:
        return ""
    rows = "" if info.get("rows") is None else f", {info['rows']} rows"
    return f"{info['size']} B{rows}, sha256 {info['sha256'][:12]}"


def _json(v: Any) -> str:
    return json.dumps(v, sort_keys=True, ensure_ascii=False)


def _digest(v: Any) -> str:
    """A short fingerprint of a JSON value (the config is too long for a table cell)."""
    return "sha256 " + hashlib.sha256(_json(v).encode("utf-8")).hexdigest()[:12]


def _changed_keys(a: Any, b: Any, prefix: str = "") -> list[str]:
    """Dotted keys where two JSON values differ."""
    if isinstance(a, dict) and isinstance(b, dict):
        out = []
        for k in sorted(set(a) | set(b)):
            out += _changed_keys(a.get(k), b.get(k), f"{prefix}.{k}" if prefix else str(k))
        return out
    return [] if a == b else [prefix or "(value)"]


def compare_inputs(recorded: list[dict], current: list[dict]) -> list[dict]:
    """Inputs keyed by (role, path): same, changed (size or hash), added or removed."""
    rec = {(i["role"], i["path"]): i for i in recorded}
    cur = {(i["role"], i["path"]): i for i in current}
    out = []
    for key in sorted(set(rec) | set(cur)):
        r, c = rec.get(key), cur.get(key)
        if r is None:
            status = "added"
        elif c is None:
            status = "removed"
        else:
            status = "same" if (r["sha256"], r["size"]) == (c["sha256"], c["size"]) else "changed"
        facts = lambda d: None if d is None else {k: d.get(k) for k in ("size", "rows", "sha256")}  # noqa: E731
        out.append({"role": key[0], "path": key[1], "status": status, "recorded": facts(r), "current": facts(c)})
    return out


def compare_versions(recorded: dict, current: dict) -> list[dict]:
    return [{"name": n, "recorded": recorded.get(n), "current": current.get(n),
             "status": "same" if recorded.get(n) == current.get(n) else "changed"}
            for n in sorted(set(recorded) | set(current))]


def compare_outputs(recorded: list[dict], recorded_root: Path, rerun: list[dict], rerun_root: Path) -> list[dict]:
    """Each recorded output against the file on disk and the re-run's; re-run extras too."""
    new = {o["path"]: o for o in rerun}
    out = []
    for o in recorded:
        on_disk_path = recorded_root / o["path"]
        on_disk_sha = sha256_file(on_disk_path) if on_disk_path.is_file() else None
        r = new.pop(o["path"], None)
        on_disk = "missing" if on_disk_sha is None else ("same" if on_disk_sha == o["sha256"] else "modified")
        rerun_state = "not_produced" if r is None else ("same" if r["sha256"] == o["sha256"] else "differs")
        entry = {"path": o["path"], "status": "identical" if on_disk == rerun_state == "same" else "differs",
                 "on_disk": on_disk, "rerun": rerun_state, "recorded_sha256": o["sha256"],
                 "on_disk_sha256": on_disk_sha, "rerun_sha256": r["sha256"] if r else None, "moved": None}
        if entry["status"] != "identical" and on_disk_sha is not None and r is not None:
            before, after = _read_assignments(on_disk_path), _read_assignments(rerun_root / o["path"])
            if before is not None and after is not None:
                entry["moved"] = moved_customers(before, after)
        out.append(entry)
    for path, r in sorted(new.items()):
        out.append({"path": path, "status": "differs", "on_disk": "not_recorded", "rerun": "extra",
                    "recorded_sha256": None, "on_disk_sha256": None, "rerun_sha256": r["sha256"], "moved": None})
    return out


def compare_settings(recorded: dict, rerun: dict) -> list[dict]:
    return [{"name": k, "recorded": recorded.get(k), "current": rerun.get(k),
             "status": "same" if recorded.get(k) == rerun.get(k) else "changed"}
            for k in SETTINGS]


def check(report: VerifyReport) -> None:
    """Raise CheckFailed (exit 4) when the report found a difference."""
    if not report.ok:
        raise CheckFailed(report.failure())
