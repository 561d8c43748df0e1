"""``--previous``: what changed since an earlier run, from the two folders themselves.

* Transitions: the customers both assignments.parquet files hold, brand by brand, counted
  by (previous segment, current segment). Segment numbers are not labels that carry from
  one run to the next (a segment is numbered by its size), so the matrix is read by rows:
  where did the customers of each previous segment go. Its summary, *kept together*, is
  the share of shared customers who are in the segment that took most of their previous
  segment: 100 % when the segments are the same groups whatever their numbers.
* Screening diff: indicators whose status (kept, or dropped for a reason) differs.

When the folders do not allow it (no assignments, no customer in common, no brand in
common) the section says so and the rest of the report is drawn as usual.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from . import charts
from .brand import short
from .folder import RunFolder
from .html import Section, num, pct, table


@dataclass
class Transition:
    """One brand's matrix: ``counts[i][j]`` customers from previous segment ``rows[i]`` to ``columns[j]``."""

    brand: str
    rows: list[int]
    columns: list[int]
    counts: list[list[int]]
    only_previous: int = 0
    only_current: int = 0

    @property
    def shared(self) -> int:
        return sum(map(sum, self.counts))

    @property
    def kept_together(self) -> float | None:
        return sum(max(r) for r in self.counts if r) / self.shared if self.shared else None


@dataclass
class Comparison:
    transitions: list[Transition] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    screening: list[list[str]] | None = None  # indicator, previous status, current status


def transitions(current: RunFolder, previous: RunFolder) -> tuple[list[Transition], list[str]]:
    """The transition matrix of every brand both runs segmented, and notes on what could not be matched."""
    import polars as pl

    now, before = current.assignments(), previous.assignments()
    if now is None or before is None:
        which = "this run" if now is None else "the previous run"
        return [], [f"No transition matrix: {which} has no assignments.parquet."]
    try:
        before = before.with_columns(pl.col("customer_id").cast(now.schema["customer_id"]))
    except Exception:
        return [], ["No transition matrix: the two runs' customer ids are not of the same kind."]
    joined = before.join(now, on="customer_id", how="full", suffix="_now", coalesce=True)
    notes, out = [], []
    brands_now, brands_before = set(now["brand"].unique()), set(before["brand"].unique())
    for b in sorted(brands_before ^ brands_now):
        notes.append(f"Brand {b} is only in {'this' if b in brands_now else 'the previous'} run.")
    for b in sorted(brands_now & brands_before):
        part = joined.filter((pl.col("brand") == b) | (pl.col("brand_now") == b))
        both = part.filter((pl.col("brand") == b) & (pl.col("brand_now") == b))
        only_prev = part.filter(pl.col("segment_now").is_null() | (pl.col("brand_now") != b)).height
        only_now = part.filter(pl.col("segment").is_null() | (pl.col("brand") != b)).height
        if both.height == 0:
            notes.append(f"Brand {b}: no customer is in both runs.")
            continue
        rows = sorted(before.filter(pl.col("brand") == b)["segment"].unique().to_list())
        cols = sorted(now.filter(pl.col("brand") == b)["segment"].unique().to_list())
        cells = {(r, c): n for r, c, n in both.group_by("segment", "segment_now").len().iter_rows()}
        out.append(Transition(b, rows, cols, [[cells.get((r, c), 0) for c in cols] for r in rows], only_prev, only_now))
    return out, notes


def screening_diff(current: RunFolder, previous: RunFolder) -> list[list[str]] | None:
    """Rows (indicator, previous status, current status) for every indicator whose status differs."""
    if current.screening is None or previous.screening is None:
        return None

    def status(report: dict) -> dict[str, str]:
        return {v["name"]: "kept" if v.get("status") == "kept" else f"{v.get('status')}: {v.get('reason')}"
                for v in report.get("variables") or []}

    now, before = status(current.screening), status(previous.screening)
    return [[name, before.get(name, "not computed"), now.get(name, "not computed")]
            for name in sorted(set(now) | set(before)) if now.get(name) != before.get(name)]


def compare(current: RunFolder, previous: RunFolder) -> Comparison:
    found, notes = transitions(current, previous)
    return Comparison(found, notes, screening_diff(current, previous))


def section(current: RunFolder, previous: RunFolder) -> Section:
    s = Section("previous", f"Since {previous.name}")
    cmp = compare(current, previous)
    labels = {run_name: {b: {seg["segment"]: seg.get("name", "") for seg in v.get("segments") or []}
                         for b, v in run.brands.items()}
              for run_name, run in (("now", current), ("before", previous))}
    if cmp.transitions:
        rows = [[t.brand, num(t.shared), num(t.only_previous), num(t.only_current), pct(t.kept_together)]
                for t in cmp.transitions]
        s.add(table(["brand", "customers in both", "only before", "only now", "kept together"], rows, {1, 2, 3, 4}))
    for i, t in enumerate(cmp.transitions, 1):
        before, now = labels["before"].get(t.brand, {}), labels["now"].get(t.brand, {})
        row_labels = [short(f"{r} · {before.get(r, '')}", 30) for r in t.rows]
        col_labels = [short(f"{c} · {now.get(c, '')}", 24) for c in t.columns]
        shares = [[n / sum(row) if sum(row) else None for n in row] for row in t.counts]
        hover = [[f"{t.brand}: {t.counts[i][j]:,} customers from {r} · {before.get(r, '')} to {c} · {now.get(c, '')}"
                  f" ({pct(shares[i][j])} of the previous segment)" for j, c in enumerate(t.columns)]
                 for i, r in enumerate(t.rows)]
        texts = [[f"{n:,}" for n in row] for row in t.counts]
        s.chart(charts.heatmap(f"c-previous-{i}", row_labels, col_labels, shares, hover,
                               f"{t.brand}: previous segment (rows) to current segment (columns)", diverging=False,
                               texts=texts),
                "Customers in both runs; colour: share of the previous segment's customers.")
    for n in cmp.notes:
        s.note(n)
    if cmp.screening is None:
        s.note("No screening diff: one of the folders has no screening.json.")
    elif cmp.screening:
        s.add("<h3>Screening: indicators whose status changed</h3>",
              table(["indicator", f"in {previous.name}", "now"], cmp.screening))
    else:
        s.add('<p class="note">Screening: every indicator has the status it had.</p>')
    return s
