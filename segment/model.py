"""A fitted segmentation as plain parameters (model.json), as SQL (model.sql), and scoring.

model.json holds, per brand, the prepared variables (median, log, winsorizing bounds,
mean, std: see segment/prepare.py), with the metric "within" a projection (the prepared
values z times a variables x axes matrix give the axes u in which distances are
measured: segment/within.py), and the segments (id, name, centre in u, else in z; for a
Gaussian mixture also weight and variances). :func:`to_sql` turns it into one query that reads a
table or view named ``features`` (one row per customer: id, brand and the variables)
and returns customer_id, brand, segment, segment_name, distance, ordered by
customer_id. It uses only ``coalesce``, ``ln``, ``least``, ``greatest``, ``sqrt`` and
arithmetic, so it runs in DuckDB, Spark SQL and most warehouses.

Scoring here runs that very query in DuckDB, so ``segment score``, ``segment run`` and
model.sql give the same segments by construction; tests check them against a plain
numpy implementation. Ties between centres go to the lowest segment id.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import polars as pl

from .errors import InputError, SchemaError
from .io.inputs import read_json
from .sql import float_literal, quote_ident, quote_literal

MODEL_VERSION = 2  # 2: a brand may hold a projection (metric "within"); version 1 files are read too
READABLE_VERSIONS = (1, 2)


def _lit(x: float) -> str:
    return float_literal(x)


def _prepared(v: dict) -> str:
    """SQL of one prepared variable: impute, log, winsorize, standardize."""
    x = f"coalesce(cast({quote_ident(v['name'])} as double), {_lit(v['median'])})"
    if v["log"]:
        x = f"ln(1e0 + {x})"
    x = f"least(greatest({x}, {_lit(v['low'])}), {_lit(v['high'])})"
    return f"({x} - {_lit(v['mean'])}) / {_lit(v['std'])}"


def _squares(center: list[float], variances: list[float] | None = None, axis: str = "z") -> str:
    terms = []
    for j, c in enumerate(center):
        d = f"({axis}{j + 1} - {_lit(c)})"
        terms.append(f"{d} * {d}" + (f" / {_lit(variances[j])}" if variances is not None else ""))
    return " + ".join(terms)


def _argmin(numbers: list[int]) -> str:
    """CASE choosing the segment number of the smallest d (the first one on ties)."""
    k = len(numbers)
    if k == 1:
        return str(numbers[0])
    parts = []
    for s in range(1, k):
        others = " and ".join(f"d{s} <= d{t}" for t in range(s + 1, k + 1))
        parts.append(f"when {others} then {numbers[s - 1]}")
    return "case " + " ".join(parts) + f" else {numbers[-1]} end"


def _projected(i: int, projection: list[list[float]]) -> str:
    """The CTE of the projected axes: u_j = sum over variables i of z_i * projection[i][j]
    (zero coefficients left out)."""
    axes = []
    for j in range(len(projection[0]) if projection else 0):
        terms = [f"z{r + 1} * {_lit(row[j])}" for r, row in enumerate(projection) if row[j] != 0.0]
        axes.append(f"{' + '.join(terms) or '0e0'} as u{j + 1}")
    cols = ",\n        ".join(axes)
    return f"""b{i}_projected as (
    select
        customer_id,
        brand,
        {cols}
    from b{i}_prepared
),

"""


def _brand_sql(i: int, brand: str, b: dict, id_col: str, brand_col: str | None) -> str:
    variables, segments = b["variables"], b["segments"]
    k = len(segments)
    zs = ",\n        ".join(f"{_prepared(v)} as z{j + 1}" for j, v in enumerate(variables))
    axis, source = ("u", f"b{i}_projected") if "projection" in b else ("z", f"b{i}_prepared")
    if b.get("method") == "gmm":
        crit = [f"{_lit(s['log_det_weight'])} + {_squares(s['center'], s['variances'])}" for s in segments]
    else:
        crit = [_squares(s["center"], axis=axis) for s in segments]
    eucl = [_squares(s["center"], axis=axis) for s in segments]
    ds = ",\n        ".join(f"{c} as d{s + 1}" for s, c in enumerate(crit))
    es = ",\n        ".join(f"{c} as e{s + 1}" for s, c in enumerate(eucl))
    names = " ".join(f"when {s['segment']} then {quote_literal(s['name'])}" for s in segments)
    numbers = [int(s["segment"]) for s in segments]
    dist = "case segment " + " ".join(f"when {n} then e{j + 1}" for j, n in enumerate(numbers)) + " end"
    return f"""b{i}_prepared as (
    -- brand {brand}
    select
        {quote_ident(id_col)} as customer_id,
        {quote_ident(brand_col) if brand_col else quote_literal(brand)} as brand,
        {zs}
    from features{f"{chr(10)}    where {quote_ident(brand_col)} = {quote_literal(brand)}" if brand_col else ""}
),

{_projected(i, b["projection"]) if "projection" in b else ""}b{i}_criteria as (
    select
        customer_id,
        brand,
        {ds},
        {es}
    from {source}
),

b{i}_chosen as (
    select
        *,
        {_argmin(numbers)} as segment
    from b{i}_criteria
),

b{i} as (
    select
        customer_id,
        brand,
        segment,
        case segment {names} end as segment_name,
        sqrt({dist}) as distance
    from b{i}_chosen
)"""


def to_sql(model: dict) -> str:
    """The scoring query of a model (see the module docstring)."""
    brands = list(model["brands"].items())
    header = (
        "-- Segment assignment generated by segment from model.json (model version "
        f"{model['version']}).\n"
        "-- Reads a table or view named features: one row per customer with the columns\n"
        f"-- {model['id_column']}, {model['brand_column'] or '(no brand column)'} and the variables below.\n"
        "-- grain: one row per customer of a brand in the model, ordered by customer_id.\n"
    )
    ctes = ",\n\n".join(_brand_sql(i + 1, name, b, model["id_column"], model["brand_column"])
                        for i, (name, b) in enumerate(brands))
    union = "\n    union all\n".join(f"    select * from b{i + 1}" for i in range(len(brands)))
    return f"""{header}with {ctes},

final as (
{union}
)

select
    customer_id,
    brand,
    segment,
    segment_name,
    distance
from final
order by customer_id
"""


def load(path: Path) -> dict:
    """Read model.json (a file, or a folder holding it)."""
    model, path = read_json(path, "model.json", "model")
    if not isinstance(model, dict) or model.get("kind") != "segment-model" or "brands" not in model:
        raise InputError(f"{path}: not a model.json written by segment")
    if model.get("version") not in READABLE_VERSIONS:
        raise InputError(f"{path}: model version {model.get('version')} is not supported "
                         f"(expected {' or '.join(map(str, READABLE_VERSIONS))})")
    return model


def score(model: dict, features: pl.DataFrame, label: str = "features") -> pl.DataFrame:
    """Assign segments to a features table with the model's own SQL (run in DuckDB).

    Returns customer_id, brand, segment, segment_name, distance ordered by customer_id,
    for the customers whose brand is in the model.
    Raises SchemaError naming the missing columns.
    """
    needed = [model["id_column"]] + ([model["brand_column"]] if model["brand_column"] else [])
    for b in model["brands"].values():
        needed += [v["name"] for v in b["variables"]]
    missing = sorted({c for c in needed if c not in features.columns})
    if missing:
        raise SchemaError(f"{label}: the model needs column(s) {', '.join(missing)}, which are missing")
    con = duckdb.connect(":memory:")
    try:
        con.execute("SET enable_progress_bar = false")
        con.register("features", features.select(sorted(set(needed), key=needed.index)).to_arrow())
        out = con.sql(to_sql(model)).pl()
    finally:
        con.close()
    return out.with_columns(pl.col("segment").cast(pl.Int32))


def prepared(brand: dict, frame: pl.DataFrame) -> "np.ndarray":
    """The model's own space for the rows of ``frame``, in numpy: the brand's variables
    prepared (segment/prepare.py) and, with a projection, projected; (rows, axes).
    The same arithmetic as model.sql up to the last bits of the sums."""
    import numpy as np

    from .prepare import VariablePrep, apply_variable

    variables = [VariablePrep.from_dict(v) for v in brand["variables"]]
    missing = [v.name for v in variables if v.name not in frame.columns]
    if missing:
        raise SchemaError(f"the model needs column(s) {', '.join(missing)}, which are missing")
    X = frame.select([v.name for v in variables]).cast(pl.Float64).to_numpy()
    Z = np.column_stack([apply_variable(v, X[:, j]) for j, v in enumerate(variables)]) if variables \
        else np.empty((frame.height, 0))
    return Z @ np.array(brand["projection"]) if "projection" in brand else Z
