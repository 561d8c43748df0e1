"""A fitted segmentation as plain parameters (model.json), as SQL (model.sql), and scoring.

model.json holds, per brand, the prepared variables (median, log, winsorizing bounds,
mean, std: see segment/prepare.py), with the metric "within" a projection (the prepared
values z times a variables x axes matrix give the axes u in which distances are
measured: segment/within.py), and the segments (id, name, centre in u, else in z; for a
Gaussian mixture also weight and variances); a one-hot variable (``[clustering] categorical =
"onehot"``) records its ``encoding`` (text column and category) and is computed from that
column. :func:`to_sql` turns it into one query that reads a
table or view named ``features`` (one row per customer: id, brand and the variables)
and returns customer_id, brand, segment, segment_name, distance, ordered by
customer_id. It uses only ``coalesce``, ``ln``, ``least``, ``greatest``, ``sqrt``, ``case``,
``cast`` and arithmetic, so it runs in DuckDB, Spark SQL and most warehouses.

Scoring here runs that very query in DuckDB, so ``segment score``, ``segment run`` and
model.sql give the same segments by construction; tests check them against a plain
numpy implementation. Ties between centres go to the lowest segment id.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import duckdb
import polars as pl

from .errors import InputError, SchemaError
from .io.inputs import read_json
from .sql import comment_text, float_literal, portable_literal, quote_ident

if TYPE_CHECKING:
    import numpy as np

MODEL_VERSION = 2  # 2: a brand may hold a projection (metric "within"); version 1 files are read too
ONEHOT_VERSION = 3  # 3: a variable may be a one-hot category (its "encoding"), which older readers cannot compute
READABLE_VERSIONS = (1, 2, 3)


def version_for(brands: dict) -> int:
    """The model version a model with these brands needs: 3 only when it holds a one-hot variable."""
    encoded = any("encoding" in v for b in brands.values() for v in b["variables"])
    return ONEHOT_VERSION if encoded else MODEL_VERSION


def _lit(x: float) -> str:
    return float_literal(x)


def source(v: dict) -> str:
    """The input column a model variable is read from (a one-hot variable's text column)."""
    return v["encoding"]["column"] if "encoding" in v else v["name"]


def raw_sql(v: dict) -> str:
    """SQL of a variable's value: the column as a double, or a one-hot category as 1 / 0."""
    if "encoding" in v:
        e = v["encoding"]
        return (f"case when cast({quote_ident(e['column'])} as varchar) = {portable_literal(e['category'])} "
                "then 1e0 else 0e0 end")
    return f"cast({quote_ident(v['name'])} as double)"


def with_encoded(frame: pl.DataFrame, variables: list[dict]) -> pl.DataFrame:
    """``frame`` with the model's one-hot columns added, computed as model.sql computes them."""
    from .roles import encode_expr

    enc = [v for v in variables if "encoding" in v and v["encoding"]["column"] in frame.columns]
    return frame.with_columns([encode_expr(v["encoding"]["column"], v["encoding"]["category"]).alias(v["name"])
                               for v in enc]) if enc else frame


def _prepared(v: dict) -> str:
    """SQL of one prepared variable: impute, log, winsorize, standardize."""
    x = f"coalesce({raw_sql(v)}, {_lit(v['median'])})"
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
    zs = ",\n        ".join(f"{_prepared(v)} as z{j + 1}" for j, v in enumerate(variables))
    axis, source = ("u", f"b{i}_projected") if "projection" in b else ("z", f"b{i}_prepared")
    if b.get("method") == "gmm":
        crit = [f"{_lit(s['log_det_weight'])} + {_squares(s['center'], s['variances'])}" for s in segments]
    else:
        crit = [_squares(s["center"], axis=axis) for s in segments]
    eucl = [_squares(s["center"], axis=axis) for s in segments]
    ds = ",\n        ".join(f"{c} as d{s + 1}" for s, c in enumerate(crit))
    es = ",\n        ".join(f"{c} as e{s + 1}" for s, c in enumerate(eucl))
    names = " ".join(f"when {s['segment']} then {portable_literal(s['name'])}" for s in segments)
    numbers = [int(s["segment"]) for s in segments]
    dist = "case segment " + " ".join(f"when {n} then e{j + 1}" for j, n in enumerate(numbers)) + " end"
    return f"""b{i}_prepared as (
    -- brand {comment_text(brand)}
    select
        {quote_ident(id_col)} as customer_id,
        {quote_ident(brand_col) if brand_col else portable_literal(brand)} as brand,
        {zs}
    from features{f"{chr(10)}    where {quote_ident(brand_col)} = {portable_literal(brand)}" if brand_col else ""}
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
        f"-- {comment_text(model['id_column'])}, {comment_text(model['brand_column'] or '(no brand column)')} and the "
        "variables below.\n"
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


REASONS = ("unknown_brand", "missing_variable", "unreadable_value")  # why a customer is not scored


def score(model: dict, features: pl.DataFrame, label: str = "features") -> pl.DataFrame:
    """Assign segments to a features table with the model's own SQL (run in DuckDB).

    Returns customer_id, brand, segment, segment_name, distance ordered by customer_id,
    for the customers whose brand is in the model.
    Raises SchemaError naming the missing columns.
    """
    needed = _needed(model, model["brands"])
    missing = sorted({c for c in needed if c not in features.columns})
    if missing:
        raise SchemaError(f"{label}: the model needs column(s) {', '.join(missing)}, which are missing")
    return _run(model, features.select(needed))


def _needed(model: dict, brands) -> list[str]:
    needed = [model["id_column"]] + ([model["brand_column"]] if model["brand_column"] else [])
    for b in brands:
        needed += [c for c in dict.fromkeys(source(v) for v in model["brands"][b]["variables"]) if c not in needed]
    return needed


def _run(model: dict, table: pl.DataFrame) -> pl.DataFrame:
    con = duckdb.connect(":memory:")
    try:
        con.execute("SET enable_progress_bar = false")
        con.register("features", table.to_arrow())
        out = con.sql(to_sql(model)).pl()
    finally:
        con.close()
    return out.with_columns(pl.col("segment").cast(pl.Int32))


def score_all(model: dict, features: pl.DataFrame, label: str = "features") -> tuple[pl.DataFrame, dict, list[str]]:
    """Score every customer that can be, and say why the others cannot.

    A customer is not scored when its brand is not in the model (``unknown_brand``), when
    the table lacks a column its brand's model needs (``missing_variable``), or when one of
    those columns holds a value that is not a finite number (``unreadable_value``: text, NaN,
    an infinity); an empty value is scored, with the median the model imputes.
    Returns the assignments (as :func:`score`), the count of customers not scored per
    reason (:data:`REASONS`) and one line per reason with examples. Raises SchemaError
    when no customer at all can be scored for lack of columns.
    """
    id_col, brand_col = model["id_column"], model["brand_column"]
    if id_col not in features.columns or (brand_col and brand_col not in features.columns):
        raise SchemaError(f"{label}: the model needs column(s) "
                          f"{', '.join(c for c in (id_col, brand_col) if c and c not in features.columns)}, which are missing")
    brands = list(model["brands"])
    lacking = {b: sorted({source(v) for v in model["brands"][b]["variables"] if source(v) not in features.columns})
               for b in brands}
    usable = [b for b in brands if not lacking[b]]
    if not usable:
        missing = sorted({c for cols in lacking.values() for c in cols})
        raise SchemaError(f"{label}: the model needs column(s) {', '.join(missing)}, which are missing")
    con = duckdb.connect(":memory:")
    try:
        con.execute("SET enable_progress_bar = false")
        present = [c for c in _needed(model, brands) if c in features.columns]
        con.register("given", features.select(present).to_arrow())
        reason = _reason_sql(model, brands, lacking)
        con.execute(f"CREATE TEMP TABLE classified AS SELECT *, {reason} AS unscored_reason FROM given")
        counts = dict(con.execute("SELECT unscored_reason, count(*) FROM classified WHERE unscored_reason IS NOT NULL "
                                  "GROUP BY 1").fetchall())
        notes = _notes(con, model, lacking, counts)
        ok = con.sql("SELECT * EXCLUDE (unscored_reason) FROM classified WHERE unscored_reason IS NULL").pl()
    finally:
        con.close()
    return _run(model, ok.select(_needed(model, usable))), {r: int(counts.get(r, 0)) for r in REASONS}, notes


def _reason_sql(model: dict, brands: list[str], lacking: dict[str, list[str]]) -> str:
    """SQL of why a row is not scored (NULL: it is scored)."""
    brand_col = model["brand_column"]

    def unreadable(b: str) -> str:
        tests = []
        for v in model["brands"][b]["variables"]:
            if "encoding" in v:  # any text is a category (or none of them)
                continue
            q = quote_ident(v["name"])
            tests.append(f"({q} IS NOT NULL AND NOT coalesce(isfinite(TRY_CAST({q} AS DOUBLE)), false))")
        return " OR ".join(tests) or "false"

    if brand_col is None:
        b = brands[0]
        return f"CASE WHEN {unreadable(b)} THEN 'unreadable_value' END"
    q = quote_ident(brand_col)
    listed = ", ".join(portable_literal(b) for b in brands)
    whens = [f"WHEN {q} IS NULL OR CAST({q} AS VARCHAR) NOT IN ({listed}) THEN 'unknown_brand'"]
    whens += [f"WHEN CAST({q} AS VARCHAR) = {portable_literal(b)} THEN 'missing_variable'" for b in brands if lacking[b]]
    whens += [f"WHEN CAST({q} AS VARCHAR) = {portable_literal(b)} AND ({unreadable(b)}) THEN 'unreadable_value'"
              for b in brands if not lacking[b]]
    return "CASE " + " ".join(whens) + " END"


def _notes(con, model: dict, lacking: dict[str, list[str]], counts: dict) -> list[str]:
    """One line per reason: how many customers, and examples."""
    id_q = quote_ident(model["id_column"])
    notes = []
    for reason in REASONS:
        n = counts.get(reason, 0)
        if not n:
            continue
        ids = [r[0] for r in con.execute(f"SELECT {id_q} FROM classified WHERE unscored_reason = $r ORDER BY 1 LIMIT 3",
                                         {"r": reason}).fetchall()]
        if reason == "unknown_brand":
            q = quote_ident(model["brand_column"])
            seen = [r[0] for r in con.execute(f"SELECT DISTINCT {q} FROM classified WHERE unscored_reason = $r "
                                              "ORDER BY 1 NULLS FIRST LIMIT 3", {"r": reason}).fetchall()]
            why = (f"of a brand the model does not know ({', '.join(repr(b) for b in seen)}; it knows "
                   f"{', '.join(repr(b) for b in model['brands'])})")
        elif reason == "missing_variable":
            why = "whose brand's model needs column(s) the table lacks (" + "; ".join(
                f"{b}: {', '.join(cols)}" for b, cols in lacking.items() if cols) + ")"
        else:
            why = "with a value that is not a number in a model variable (text, NaN or an infinity)"
            for name in dict.fromkeys(v["name"] for b in model["brands"].values() for v in b["variables"]
                                      if "encoding" not in v):
                q = quote_ident(name)
                bad = con.execute(f"SELECT {q} FROM classified WHERE unscored_reason = $r AND {q} IS NOT NULL AND NOT "
                                  f"coalesce(isfinite(TRY_CAST({q} AS DOUBLE)), false) LIMIT 1", {"r": reason}).fetchall()
                if bad:
                    why += f": column {name!r} holds {bad[0][0]!r}"
                    break
        notes.append(f"{n} customer(s) not scored {why}, e.g. {model['id_column']} {', '.join(map(str, ids))}")
    return notes


def prepared(brand: dict, frame: pl.DataFrame) -> np.ndarray:
    """The model's own space for the rows of ``frame``, in numpy: the brand's variables
    prepared (segment/prepare.py) and, with a projection, projected; (rows, axes).
    The same arithmetic as model.sql up to the last bits of the sums."""
    import numpy as np

    from .prepare import VariablePrep, apply_variable

    frame = with_encoded(frame, brand["variables"])
    variables = [VariablePrep.from_dict(v) for v in brand["variables"]]
    missing = [v.name for v in variables if v.name not in frame.columns]
    if missing:
        raise SchemaError(f"the model needs column(s) {', '.join(missing)}, which are missing")
    X = frame.select([v.name for v in variables]).cast(pl.Float64).to_numpy()
    Z = np.column_stack([apply_variable(v, X[:, j]) for j, v in enumerate(variables)]) if variables \
        else np.empty((frame.height, 0))
    return Z @ np.array(brand["projection"]) if "projection" in brand else Z
