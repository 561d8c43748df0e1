"""Value tiers, customer value score, revenue concentration and enterprise (group) classes.

Usage from Python::

    with features.compute(find_inputs(Path("sample_data")), cfg) as fs:
        res = value.analyse(fs, cfg)
        res.customers        # polars DataFrame, one row per customer, ordered by customer_id
        res.summary()        # JSON-ready dict

Population: the customers of the window (see :mod:`segment.tabulate`). ARPU is the
customer's window revenue (sum of total_fee) divided by the months billed in the
window; revenue concentration uses the window revenue itself.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass

import numpy as np
import polars as pl

from . import sql, tabulate
from .numbers import sig
from .config import Config, ValueConfig

COLUMNS = ["customer_id", "brand", "arpu", "arpu_tier", "card_tier", "value_score", "group_id", "group_class"]
# The levels, highest first; sql/51_value_customers.sql assigns them (a test holds it to these).
TIERS = ("A", "B", "C")
CARDS = ("diamond", "gold", "silver", "none")
GROUP_CLASSES = ("A", "B", "C", "small")
LORENZ_POINTS = 20
QUERY = "51_value_customers"


def tier_rules(v: ValueConfig) -> dict[str, str]:
    """What each ARPU tier means, with the thresholds of ``v``."""
    a, c = f"{v.tier_a_above:g}", f"{v.tier_c_below:g}"
    return dict(zip(TIERS, (f"arpu > {a}", f"{c} <= arpu <= {a}", f"arpu < {c}"), strict=True))


def card_rules(v: ValueConfig) -> dict[str, str]:
    """What each card tier means, with the thresholds of ``v``."""
    *cards, none = CARDS  # each card has its threshold card_<name> in [value]
    return {**{card: f"arpu >= {getattr(v, f'card_{card}'):g}" for card in cards}, none: f"below {cards[-1]}"}


def sql_params(v: ValueConfig) -> dict:
    """The settings of ``[value]`` that sql/51_value_customers.sql reads, under their config names."""
    wanted = sql.params_of(QUERY)
    return {k: x for k, x in dataclasses.asdict(v).items() if k in wanted}


@dataclass
class ValueResult(tabulate.Analysis):
    """Per-customer values (``detail`` holds the score components too) and the summary inputs."""

    detail: pl.DataFrame
    window: dict
    config: ValueConfig
    segments: pl.DataFrame | None = None
    groups_skipped: str | None = None
    analysis = "value"
    output_columns = COLUMNS

    def summary(self) -> dict:
        head, d, keys = self.summary_head()
        out = {
            **head,
            "tiers": {
                "rules": tier_rules(self.config),
                "overall": _counts(d, "arpu_tier", TIERS),
                "by_brand": tabulate.crosstab(d, ["brand"], "arpu_tier", TIERS),
                "by_segment": tabulate.crosstab(d, keys, "arpu_tier", TIERS) if keys else None,
            },
            "card_tiers": {
                "rules": card_rules(self.config),
                "overall": _counts(d, "card_tier", CARDS),
                "by_brand": tabulate.crosstab(d, ["brand"], "card_tier", CARDS),
                "by_segment": tabulate.crosstab(d, keys, "card_tier", CARDS) if keys else None,
            },
            "score": {
                "weights": {"revenue": self.config.weight_revenue, "tenure": self.config.weight_tenure,
                            "credit": self.config.weight_credit, "cost": self.config.weight_cost},
                **decile_profiles(self.detail),
            },
            "concentration": {
                "top_share": self.config.top_share,
                "overall": concentration(_cents(self.detail, "revenue"), _cents(self.detail, "discount"),
                                         self.config.top_share),
                "by_brand": {
                    b: concentration(_cents(g, "revenue"), _cents(g, "discount"), self.config.top_share)
                    for b, g in _by_brand(self.detail)
                },
            },
            "groups": group_classes(self.detail, self.groups_skipped),
        }
        return out


def analyse(fs, cfg: Config, segments: pl.DataFrame | None = None) -> ValueResult:
    """Tiers, value score and group class of every customer of the window.

    Parameters: ``fs`` an open :class:`segment.features.FeatureSet`; ``cfg`` the config
    (its ``[value]`` section); ``segments`` an optional table (customer_id, segment[, brand])
    for the per-segment cross-tabs.
    Returns a :class:`ValueResult`.
    """
    v = cfg.value
    tabulate.window_customers(fs)
    detail = tabulate.query(fs.con, QUERY, end=fs.window.end, **sql_params(v))
    skipped = None
    if tabulate.non_null(fs, "customers", "group_id") == 0:
        given = tabulate.has_column(fs, cfg, "customers", "group_id")
        skipped = ("customers: column group_id is empty (no customer has a group_id)" if given
                   else "customers: no group_id column in the input")
    if segments is not None:
        tabulate.attach_segments(detail.select("customer_id", "brand"), segments)  # validate early
    return ValueResult(detail, tabulate.window_info(fs), v, segments, skipped)


# ---------------------------------------------------------------- pure helpers

def _cents(df: pl.DataFrame, col: str) -> np.ndarray:
    # money (DECIMAL) -> integer cents; sub-cent amounts round, which a share of revenue does not see
    return (df[col].cast(pl.Decimal(20, 2)) * 100).cast(pl.Int64).to_numpy()


def _by_brand(df: pl.DataFrame):
    for b in sorted(df["brand"].unique().to_list()):
        yield b, df.filter(pl.col("brand") == b)


def _counts(df: pl.DataFrame, col: str, levels) -> dict[str, int]:
    got = dict(df.group_by(col).len().iter_rows())
    return {lv: int(got.get(lv, 0)) for lv in levels}


def concentration(revenue_cents: np.ndarray, discount_cents: np.ndarray, top_share: float = 0.2) -> dict:
    """Revenue concentration of one set of customers.

    Parameters: window revenue and discount per customer in integer cents (1-D arrays of
    the same length); ``top_share`` the share of customers counted as the top.
    Returns customers, revenue, the top customers' share of revenue (top = the
    ceil(top_share x n) highest), the Gini coefficient (0 = equal, 1 = one customer has
    all), the Lorenz curve as [customer share, revenue share] points (customers sorted
    from the lowest revenue), and the share of customers whose revenue is below their
    discount.
    """
    x = np.sort(np.asarray(revenue_cents, dtype=np.int64))
    n = len(x)
    total = int(x.sum())
    out = {"customers": n, "revenue": total / 100}
    if n == 0 or total <= 0:
        return {**out, "top_revenue_share": None, "gini": None, "lorenz": [],
                "not_covering_discount": None}
    k = math.ceil(top_share * n)
    cum = np.concatenate([[0], np.cumsum(x)])
    top = total - int(cum[n - k])
    # Gini from the sorted values: (2 sum i x_i) / (n sum x) - (n + 1) / n, i = 1..n
    i = np.arange(1, n + 1, dtype=np.float64)
    gini = 2.0 * float(np.dot(i, x.astype(np.float64))) / (n * float(total)) - (n + 1) / n
    points = []
    for p in range(LORENZ_POINTS + 1):
        j = round(p * n / LORENZ_POINTS)
        points.append([round(p / LORENZ_POINTS, 4), round(int(cum[j]) / total, 4)])
    uncovered = int(np.count_nonzero(np.asarray(revenue_cents) < np.asarray(discount_cents)))
    return {**out, "top_customers": k, "top_revenue_share": round(top / total, 6), "gini": round(gini, 6),
            "lorenz": points, "not_covering_discount": round(uncovered / n, 6),
            "not_covering_discount_customers": uncovered}


def decile_profiles(detail: pl.DataFrame) -> dict:
    """Profile of the top and bottom deciles by value score (ties: lower customer_id first)."""
    n = detail.height
    k = max(1, math.ceil(n / 10))
    ranked = detail.sort(["value_score", "customer_id"], descending=[True, False], nulls_last=True)
    return {"top_decile": _profile(ranked.head(k)), "bottom_decile": _profile(ranked.tail(k))}


def _profile(df: pl.DataFrame) -> dict:
    def mean(col):
        return sig(df[col].cast(pl.Float64).mean()) if df[col].null_count() < df.height else None

    return {
        "customers": df.height,
        "value_score_min": sig(df["value_score"].min()),
        "value_score_max": sig(df["value_score"].max()),
        "arpu": mean("arpu"),
        "tenure_years": sig(df["tenure_days"].cast(pl.Float64).mean() / 365.25)
        if df["tenure_days"].null_count() < df.height else None,
        "overdue_days": mean("overdue_days"),
        "arrears": mean("arrears"),
        "credit_level": mean("credit_level"),
        "discount_rate": mean("discount_rate"),
        "brands": dict(sorted(df.group_by("brand").len().iter_rows())),
        "tiers": _counts(df, "arpu_tier", TIERS),
    }


def group_classes(detail: pl.DataFrame, skipped: str | None) -> dict:
    """Lines, groups and revenue per group class; or why the part is skipped."""
    if skipped:
        return {"available": False, "reason": skipped, "classes": []}
    g = detail.filter(pl.col("group_id").is_not_null())
    total = int(_cents(detail, "revenue").sum())
    rows = []
    for cls in GROUP_CLASSES:
        part = g.filter(pl.col("group_class") == cls)
        cents = int(_cents(part, "revenue").sum()) if part.height else 0
        rows.append({"class": cls, "groups": part["group_id"].n_unique(), "lines": part.height,
                     "revenue": cents / 100, "revenue_share": round(cents / total, 6) if total else None})
    return {"available": True, "reason": None, "classes": rows}
