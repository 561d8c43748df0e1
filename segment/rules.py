"""Segment rules a marketer can read: a shallow decision tree per brand, trained on the
clustering inputs to reproduce the model's segments, as plain-word rules and as SQL.

Practice re-scores segments with such a tree because people trust rules they can read
(Tsiptsis & Chorianopoulos, *Data Mining Techniques in CRM*). The tree sees each model
variable as the model does before its own transform: the value, its missing values
replaced by the model's median. Splits compare the value as a 32-bit float, as
scikit-learn's trees do, and rules.sql casts the same way, so the SQL reproduces the
tree's assignment exactly. ``agreement`` is the share of customers whose rule segment
is their model segment; per segment, ``precision`` is the share of the customers its
rules take that are in it, and ``coverage`` the share of its customers its rules take.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import polars as pl

from .numbers import sig
from .sql import float_literal, quote_ident, quote_literal

RULES_VERSION = 1


@dataclass(frozen=True)
class Leaf:
    segment: int
    conditions: tuple[tuple[str, str, float], ...]  # (variable, "<=" or ">", threshold)
    customers: int
    correct: int


def _matrix(frame: pl.DataFrame, variables: list[dict]) -> np.ndarray:
    from .model import with_encoded

    frame = with_encoded(frame, variables)
    cols = [pl.col(v["name"]).cast(pl.Float64).fill_null(v["median"]).fill_nan(v["median"]) for v in variables]
    return frame.select(cols).to_numpy().astype(np.float32)


def _leaves(tree, names: list[str], classes: np.ndarray) -> list[tuple[int, tuple]]:
    """(node, conditions) of every leaf, left to right."""
    t = tree.tree_
    out = []

    def walk(node: int, path: tuple) -> None:
        if t.children_left[node] == -1:
            out.append((node, path))
            return
        name, thr = names[t.feature[node]], float(t.threshold[node])
        walk(t.children_left[node], path + ((name, "<=", thr),))
        walk(t.children_right[node], path + ((name, ">", thr),))

    walk(0, ())
    return out


def fit_brand(frame: pl.DataFrame, labels: np.ndarray, variables: list[dict], max_depth: int,
              min_leaf_share: float, seed: int) -> tuple[list[Leaf], np.ndarray]:
    """The leaves of one brand's tree and its prediction for every row of ``frame``.

    ``labels``: the model's segment of each row (shape (n,)); ``variables``: the brand's
    prepared variables of model.json (name, median, ...).
    """
    from sklearn.tree import DecisionTreeClassifier

    X = _matrix(frame, variables)
    names = [v["name"] for v in variables]
    leaf_rows = max(1, math.ceil(min_leaf_share * len(labels)))
    tree = DecisionTreeClassifier(max_depth=max_depth, min_samples_leaf=leaf_rows, random_state=seed).fit(X, labels)
    predicted = tree.predict(X)
    at = tree.apply(X)
    leaves = []
    for node, path in _leaves(tree, names, tree.classes_):
        rows = at == node
        segment = int(tree.classes_[int(np.argmax(tree.tree_.value[node][0]))])
        leaves.append(Leaf(segment, _simplify(path), int(rows.sum()), int((labels[rows] == segment).sum())))
    return leaves, predicted


def _simplify(path: tuple) -> tuple:
    """One lower and one upper bound per variable (the tightest of the path's)."""
    low: dict[str, float] = {}
    high: dict[str, float] = {}
    order: list[str] = []
    for name, op, thr in path:
        if name not in order:
            order.append(name)
        if op == ">":
            low[name] = max(low.get(name, -math.inf), thr)
        else:
            high[name] = min(high.get(name, math.inf), thr)
    out = []
    for name in order:
        if name in low:
            out.append((name, ">", low[name]))
        if name in high:
            out.append((name, "<=", high[name]))
    return tuple(out)


def words(leaf: Leaf) -> str:
    """A leaf's conditions in plain words: ``data_mb > 800 and night_share <= 0.2``."""
    if not leaf.conditions:
        return "every customer"
    return " and ".join(f"{n} {op} {sig(t, 4):g}" for n, op, t in leaf.conditions)


def summary(brand: str, leaves: list[Leaf], labels: np.ndarray, predicted: np.ndarray, names: dict[int, str]) -> dict:
    """The rules of a brand for people and JSON: per segment its rules, precision, coverage."""
    segments = []
    for s in sorted(set(labels.tolist()) | {leaf.segment for leaf in leaves}):
        own = [leaf for leaf in leaves if leaf.segment == s]
        taken, right = sum(leaf.customers for leaf in own), sum(leaf.correct for leaf in own)
        size = int((labels == s).sum())
        segments.append({"segment": s, "name": names.get(s, ""), "customers": size,
                         "precision": sig(right / taken) if taken else None,
                         "coverage": sig(right / size) if size else None,
                         "rules": [{"rule": words(leaf), "customers": leaf.customers,
                                    "precision": sig(leaf.correct / leaf.customers)} for leaf in own]})
    agreeing = int((labels == predicted).sum())
    return {"brand": brand, "customers": int(len(labels)), "agreeing": agreeing,
            "agreement": sig(agreeing / len(labels)) if len(labels) else None, "segments": segments}


def _condition(name: str, op: str, thr: float, median: float, encoding: dict | None = None) -> str:
    from .model import raw_sql

    value = raw_sql({"name": name, **({"encoding": encoding} if encoding else {})})
    x = f"cast(coalesce({value}, {float_literal(median)}) as float)"
    return f"{x} {op} {float_literal(thr)}"


def to_sql(brands: dict[str, list[Leaf]], medians: dict[str, dict[str, float]], id_col: str,
           brand_col: str | None, encodings: dict[str, dict[str, dict]] | None = None) -> str:
    """rules.sql: reads a table or view ``features`` and returns customer_id, brand, segment
    by the rules, ordered by customer_id (the same portable subset as model.sql).
    ``encodings``: brand -> one-hot variable -> its encoding in model.json."""
    branches = []
    for brand, leaves in brands.items():
        enc = (encodings or {}).get(brand, {})
        whens = " ".join(
            f"when {' and '.join(_condition(n, op, t, medians[brand][n], enc.get(n)) for n, op, t in leaf.conditions) or 'true'} "
            f"then {leaf.segment}" for leaf in leaves)
        branches.append((brand, f"case {whens} end"))
    brand_expr = quote_ident(brand_col) if brand_col else quote_literal(next(iter(brands), ""))
    if brand_col:
        segment = "case " + " ".join(f"when {brand_expr} = {quote_literal(b)} then {c}" for b, c in branches) + " end"
        where = f"\nwhere {brand_expr} in ({', '.join(quote_literal(b) for b in brands)})"
    else:
        segment, where = branches[0][1], ""
    return (f"-- Segment rules generated by segment (rules version {RULES_VERSION}): a shallow decision tree per\n"
            "-- brand that reproduces the model's segments; reads a table or view named features.\n"
            "-- grain: one row per customer of a brand in the model, ordered by customer_id.\n"
            f"select\n    {quote_ident(id_col)} as customer_id,\n    {brand_expr} as brand,\n"
            f"    {segment} as segment\nfrom features{where}\norder by customer_id\n")
