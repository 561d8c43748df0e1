"""Column roles: what every column of a features table is for (docs/segments.md, "Column roles").

Each column gets one role: ``id``; ``brand``; ``cluster`` (a numeric behaviour the segments
are formed on); ``outcome`` (such as churn: profiled as a rate, never clustered unless
``[clustering] include`` names it); ``revenue`` (its mean is the segments' ARPU);
``profile`` (described in the profiles, never clustered); ``ignored`` (with the reason).
The first rule that applies decides:

1. the ``--id`` and ``--brand`` columns;
2. the revenue column: ``--revenue`` / ``[clustering] revenue``, else ``total_fee`` when present;
3. ``--outcome`` / ``[clustering] outcome``;
4. ``[clustering] include``: clustered, or an error (exit 3) saying why it cannot be;
5. ``--profile`` / ``[clustering] profile``;
6. a name in ``[clustering] outcome_names`` (any case) with two values: an outcome;
7. text and boolean columns: profiles (with ``categorical = "onehot"``: clustered on one 0/1
   column per top category), unless nearly every row has its own value (ignored);
8. numbers: clustered unless in ``exclude``, of an angle that is not clustered, dropped by
   screening, or with fewer than ``min_distinct`` values (a flag or a code): then profiles;
9. anything else (dates, lists) and columns without a value: ignored.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

import polars as pl

from .catalogue import BY_NAME
from .errors import DataError, SchemaError, UsageError

ROLES = ("id", "brand", "cluster", "outcome", "revenue", "profile", "ignored")
DEFAULT_REVENUE = "total_fee"  # the revenue indicator of the computed features
_YES = {"yes", "y", "true", "t", "1", "是"}
_NO = {"no", "n", "false", "f", "0", "否"}


@dataclass(frozen=True)
class Asked:
    """Roles given on the command line (added to the config's)."""

    profile: tuple[str, ...] = ()
    outcome: tuple[str, ...] = ()
    revenue: str | None = None


@dataclass(frozen=True)
class Role:
    name: str
    role: str
    reason: str
    positive: str | None = None  # an outcome: the value counted by its rate
    encoded: tuple[tuple[str, str], ...] = ()  # one-hot: (0/1 column, category) pairs
    category: bool = False  # a text or boolean column: described by its categories

    def to_dict(self) -> dict:
        out = {"name": self.name, "role": self.role, "reason": self.reason}
        if self.positive is not None:
            out["positive"] = self.positive
        if self.encoded:
            out["encoded"] = [{"column": c, "category": v} for c, v in self.encoded]
        return out


@dataclass
class Roles:
    """The role of every column; ``cluster`` in catalogue order then by name."""

    columns: dict[str, Role] = field(default_factory=dict)

    def of(self, role: str) -> list[str]:
        return sorted(n for n, r in self.columns.items() if r.role == role)

    @property
    def revenue(self) -> str | None:
        found = self.of("revenue")
        return found[0] if found else None

    def categories(self) -> list[str]:
        """Text and boolean columns described by their categories (profiles, one-hot clustered)."""
        return sorted(n for n, r in self.columns.items() if r.category and r.role in ("profile", "cluster"))

    def encoded(self) -> list[tuple[str, str, str]]:
        """(0/1 column, source column, category) of every one-hot encoded category."""
        return [(c, n, v) for n in sorted(self.columns) for c, v in self.columns[n].encoded]

    def to_list(self) -> list[dict]:
        order = {r: i for i, r in enumerate(ROLES)}
        return [r.to_dict() for r in sorted(self.columns.values(), key=lambda r: (order[r.role], r.name))]


def asked_roles(asked: Asked, cfg) -> Asked:
    """The command line's roles added to the config's; a column given two roles is a usage error."""
    c = cfg.clustering
    out = Asked(tuple(dict.fromkeys((*c.profile, *asked.profile))), tuple(dict.fromkeys((*c.outcome, *asked.outcome))),
                asked.revenue or c.revenue or None)
    both = (set(out.profile) & set(out.outcome)) | ({out.revenue} & (set(out.profile) | set(out.outcome)))
    both |= set(c.include) & (set(out.profile) | set(out.outcome) | {out.revenue})
    if both:
        raise UsageError(f"column(s) {', '.join(sorted(both))} given two roles (--profile, --outcome, --revenue, "
                         "[clustering] include / profile / outcome / revenue): give each column one")
    return out


def _positive(s: pl.Series) -> str:
    """The value an outcome's rate counts, as text: the larger number, ``true``, the
    yes-like value of a yes/no pair, else the later of the two in sorted order."""
    if s.dtype.is_numeric():
        top = s.drop_nulls().max()
        return str(int(top)) if float(top).is_integer() else repr(float(top))
    text = _values(s.cast(pl.String))
    yes = [t for t in text if t.strip().lower() in _YES]
    if yes and all(t.strip().lower() in _YES | _NO for t in text):
        return yes[0]
    return str(text[-1])


def _values(s: pl.Series) -> list:
    return s.drop_nulls().unique().sort().to_list()


def _is_text(dtype) -> bool:
    return dtype in (pl.String, pl.Categorical, pl.Enum, pl.Boolean)


def outcome_columns(frame: pl.DataFrame, cfg, id_col: str, brand_col: str | None, asked: Asked) -> list[str]:
    """The outcomes (rules 3 and 6): left out of screening, so that they never drive it."""
    c = cfg.clustering
    fixed = {id_col, brand_col, asked.revenue, *c.include, *asked.profile}
    named = {n.lower() for n in c.outcome_names}
    out = [n for n in asked.outcome]
    for name in frame.columns:
        if name not in fixed and name not in out and name.lower() in named \
                and len(_values(frame.get_column(name))) == 2:
            out.append(name)
    return sorted(out)


def assign(frame: pl.DataFrame, cfg, id_col: str, brand_col: str | None, screening, asked: Asked = Asked()) -> Roles:
    """The role of every column of ``frame`` (``asked`` already merged with the config:
    :func:`asked_roles`). ``screening``: the :class:`ScreeningReport` of the candidates.
    Raises SchemaError for a named column that is absent and DataError (exit 3) for one
    that cannot take its role."""
    c = cfg.clustering
    for what, names in (("--outcome", asked.outcome), ("--profile", asked.profile),
                        ("--revenue", (asked.revenue,) if asked.revenue else ()), ("[clustering] include", c.include)):
        missing = [n for n in names if n not in frame.columns]
        if missing:
            raise SchemaError(f"{what}: no column {', '.join(map(repr, missing))} in the table "
                              f"(columns: {', '.join(frame.columns[:20])}{' ...' if frame.width > 20 else ''})")
    revenue = asked.revenue or (DEFAULT_REVENUE if DEFAULT_REVENUE in frame.columns else None)
    taken = {id_col: "the id", brand_col: "the brand", revenue: "the revenue column"}
    for name in c.include:
        if name in taken:
            raise DataError(f"[clustering] include: column {name!r} cannot be clustered on: it is {taken[name]}")
    outcomes = set(outcome_columns(frame, cfg, id_col, brand_col, asked))
    records = {v["name"]: v for v in screening.variables}
    candidates = set(screening.kept if c.variables == "kept" else screening.available)
    roles = Roles()
    for name in frame.columns:
        s = frame.get_column(name)
        if name == id_col:
            role = Role(name, "id", "--id")
        elif name == brand_col:
            role = Role(name, "brand", "--brand")
        elif name == revenue:
            if not s.dtype.is_numeric():
                raise DataError(f"revenue column {name!r} is not numeric ({s.dtype}); --revenue takes a number")
            role = Role(name, "revenue", "--revenue" if asked.revenue else "the revenue indicator (ARPU)")
        elif name in outcomes:
            role = _outcome(name, s, name in asked.outcome)
        elif name in c.include:
            role = _included(name, s, records.get(name), cfg)
        elif name in asked.profile:
            role = Role(name, "profile", "--profile")
        else:
            role = _default(name, s, records.get(name), name in candidates, cfg)
        roles.columns[name] = dataclasses.replace(role, category=_is_text(s.dtype))
    return roles


def _outcome(name: str, s: pl.Series, asked: bool) -> Role:
    values = _values(s)
    if len(values) != 2:
        raise DataError(f"--outcome {name!r}: an outcome has two values (0/1, yes/no, true/false); it has "
                        f"{len(values)} (use --profile to describe it)")
    positive = _positive(s)
    why = "--outcome" if asked else "named like an outcome (clustering.outcome_names)"
    return Role(name, "outcome", f"{why}: the rate of {positive!r}", positive=positive)


def _distinct(s: pl.Series) -> int:
    return s.drop_nulls().n_unique()


def _included(name: str, s: pl.Series, record: dict | None, cfg) -> Role:
    """Rule 4: an included column is clustered, or the run stops naming why it cannot be."""
    c = cfg.clustering
    why = None
    if s.null_count() == s.len():
        why = "it has no value"
    elif _is_text(s.dtype):
        if c.categorical == "onehot":
            return _onehot(name, s, cfg, "clustering.include")
        why = (f"it is {_kind(s)} with {_distinct(s)} values and clustering takes numbers "
               "(set [clustering] categorical = \"onehot\" to cluster on its categories)")
    elif not s.dtype.is_numeric():
        why = f"it is not numeric ({s.dtype})"
    elif record is not None and record["status"] == "dropped" and record["reason"] != "correlated":
        why = f"screening drops it as {record['reason']} ({_evidence(record)})"
    if why is not None:
        raise DataError(f"[clustering] include: column {name!r} cannot be clustered on: {why}")
    return Role(name, "cluster", "clustering.include")


def _kind(s: pl.Series) -> str:
    return "boolean" if s.dtype == pl.Boolean else "text"


def _evidence(record: dict) -> str:
    stat, thr = record.get("statistic"), record.get("threshold")
    return "no spread" if record["reason"] == "constant" else f"{stat:.4g} against the threshold {thr:.4g}"


def _onehot(name: str, s: pl.Series, cfg, why: str) -> Role:
    from .categories import MISSING, top_categories

    top = top_categories(s, cfg.profiles.top_categories)
    values = [v for v in top if v != MISSING]
    if len(_values(s)) == 2:  # one 0/1 column says it all
        values = [_positive(s)]
    encoded = tuple((f"{name}={v}", v) for v in values)
    return Role(name, "cluster", f"{_kind(s)}, {_distinct(s)} values, one-hot encoded ({why}, categorical = onehot)",
                encoded=encoded)


def _default(name: str, s: pl.Series, record: dict | None, candidate: bool, cfg) -> Role:
    """Rules 6-9."""
    c = cfg.clustering
    if s.null_count() == s.len():
        return Role(name, "ignored", "no value in any row")
    if _is_text(s.dtype):
        n, rows = _distinct(s), s.len() - s.null_count()
        if n > max(cfg.profiles.top_categories, rows / 2):
            return Role(name, "ignored", f"text with {n} values in {rows} rows: an id or free text, not a category")
        if c.categorical == "onehot" and n >= 2:
            return _onehot(name, s, cfg, "a category")
        return Role(name, "profile", f"{_kind(s)}, {n} values: described by category")
    if not s.dtype.is_numeric():
        return Role(name, "ignored", f"not numeric ({s.dtype})")
    angle = BY_NAME[name].angle if name in BY_NAME else None
    if name in c.exclude:
        return Role(name, "profile", "clustering.exclude")
    if angle is not None and angle not in c.angles:
        return Role(name, "profile", f"angle {angle}: described, not clustered (clustering.angles)")
    if record is not None and record["status"] == "dropped" and not candidate:
        return Role(name, "profile", f"not clustered: screening drops it as {record['reason']}")
    if not candidate:
        return Role(name, "profile", "not clustered: not a screened candidate")
    n = _distinct(s)
    if n < c.min_distinct:
        return Role(name, "profile", f"{n} values (a flag or a code; clustering needs {c.min_distinct}, "
                                     "clustering.min_distinct): described as shares")
    return Role(name, "cluster", "numeric behaviour that passes screening")


def cluster_columns(roles: Roles) -> list[str]:
    """The columns segments are formed on, one-hot columns in place of their source:
    catalogue order, then by name (never the table's order)."""
    out = []
    for name in roles.of("cluster"):
        enc = roles.columns[name].encoded
        out += [col for col, _ in enc] if enc else [name]
    position = {n: i for i, n in enumerate(BY_NAME)}
    return sorted(out, key=lambda n: (position.get(n, len(position)), n))


def with_encoded(frame: pl.DataFrame, roles: Roles) -> pl.DataFrame:
    """``frame`` with the one-hot 0/1 columns added (as model.sql computes them)."""
    enc = roles.encoded()
    clash = [col for col, _, _ in enc if col in frame.columns]
    if clash:
        raise DataError(f"one-hot column {clash[0]!r} already exists in the table; rename the column")
    return frame.with_columns([encode_expr(src, value).alias(col) for col, src, value in enc]) if enc else frame


def encode_expr(column: str, value: str) -> pl.Expr:
    """1.0 where ``column`` (as text) is ``value``, else 0.0 (an empty value too)."""
    return (pl.col(column).cast(pl.String) == value).fill_null(False).cast(pl.Float64)
