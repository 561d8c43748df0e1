"""Churn signals from the call graph: multi-SIM owners (``segment multisim``) and
re-entrants (``segment reentry``).

Both stand on the contract's one id space (the peer_id of an on-net event is a
customer_id, docs/inputs.md) and on the same machinery: the edges of the window's call
graph (sql/31_graph_edges.sql, with the ``[multisim]`` degree caps) self-joined on the
customer whose CDR holds both nodes (the shared contact). Multi-SIM scores every pair of
a customer and another number sharing contacts (sql/32, 33; evidence per month: 34);
re-entry pairs new lines with lines that left shortly before (sql/35). Rules and
thresholds: docs/analyses.md, ``[multisim]`` and ``[reentry]`` in the config.
"""

from __future__ import annotations

from dataclasses import dataclass
import polars as pl

from . import sql, tabulate
from .config import Config
from .errors import DataError

MULTISIM_COLUMNS = ["customer_id", "candidate_id", "candidate_network", "shared_contacts", "customer_contacts",
                    "candidate_contacts", "jaccard", "overlap", "adamic_adar", "shift", "customer_months",
                    "candidate_months"]
REENTRY_COLUMNS = ["customer_id", "old_customer_id", "brand", "old_brand", "activation_date", "old_churn_date",
                   "gap_days", "dealer_id", "shared_contacts", "adamic_adar", "new_contacts", "old_contacts", "jaccard",
                   "overlap"]


@dataclass
class GraphResult:
    """The listing of one command (``customers``: one row per pair found) and its summary."""

    command: str
    customers: pl.DataFrame
    window: dict
    counts: dict

    def summary(self) -> dict:
        return {"window": self.window, **self.counts}


def check_id_space(cfg: Config) -> None:
    """DataError when the config says the CDR's peer ids are not customer ids."""
    if cfg.input.separate_peer_ids:
        raise DataError("the call graph needs the peer_id of on-net events to be customer ids, and [input] "
                        "separate_peer_ids = true says they are not: multisim and reentry cannot link a peer "
                        "to a customer")


def edges(fs, cfg: Config) -> None:
    """The window's call graph, ``graph_edges`` (built once per connection)."""
    check_id_space(cfg)
    if not fs.con.has_relation("graph_edges"):
        m = cfg.multisim
        sql.run(fs.con, "31_graph_edges", max_contacts=m.max_contacts, max_degree=m.max_degree)


def _bounds(fs) -> dict:
    return {"start": fs.window.start, "end": fs.window.end}


def late_share(window) -> float:
    """The later half's share of the window's days (cdr_peer.events_late counts from
    ``window.late_from``): the expected share of a number used evenly."""
    return (window.end - window.late_from).days / (window.end - window.start).days


def score_multisim(fs, cfg: Config) -> None:
    """``multisim``: every candidate pair, scored and flagged (sql/32, 33)."""
    edges(fs, cfg)
    m = cfg.multisim
    sql.run(fs.con, "32_multisim_pairs", min_shared=m.min_shared, late_share=late_share(fs.window),
            min_growth_z=m.min_growth_z, fading_candidate_z=m.fading_candidate_z,
            owner_shift_weight=m.owner_shift_weight)
    sql.run(fs.con, "33_multisim", start=fs.window.start, min_jaccard=m.min_jaccard, min_overlap=m.min_overlap,
            offnet_overlap=m.offnet_overlap, min_shift=m.min_shift, min_growth_z=m.min_growth_z,
            clear_growth_z=m.clear_growth_z, close_jaccard=m.close_jaccard, fading_overlap=m.fading_overlap)


def multisim(fs, cfg: Config) -> GraphResult:
    """The multi-SIM owners of the window: each flagged (customer, candidate) with its evidence."""
    score_multisim(fs, cfg)
    pairs = fs.con.frame("select * from multisim where multisim order by customer_id, candidate_id")
    months = fs.con.frame(sql.load("34_multisim_months"), _bounds(fs))
    active = _months_text(months)
    rows = (pairs.with_columns(candidate_network=pl.when(pl.col("candidate_is_customer")).then(pl.lit("onnet"))
                               .otherwise(pl.lit("offnet")))
            .join(active.rename({"node_id": "customer_id", "months": "customer_months"}), on="customer_id", how="left")
            .join(active.rename({"node_id": "candidate_id", "months": "candidate_months"}), on="candidate_id",
                  how="left")
            .select(MULTISIM_COLUMNS).sort("customer_id", "candidate_id"))
    counts = {"pairs_scored": fs.con.frame("select count(*) as n from multisim")["n"][0],
              "owners": rows["customer_id"].n_unique(), "numbers": rows.height,
              "offnet_numbers": int((rows["candidate_network"] == "offnet").sum()),
              "caps": {"max_contacts": cfg.multisim.max_contacts, "max_degree": cfg.multisim.max_degree}}
    return GraphResult("multisim", rows, tabulate.window_info(fs), counts)


def _months_text(months: pl.DataFrame) -> pl.DataFrame:
    """node_id -> 'YYYY-MM:events,...' of the months it was seen in."""
    if months.is_empty():
        return pl.DataFrame({"node_id": [], "months": []}, schema={"node_id": months.schema["node_id"],
                                                                   "months": pl.String})
    label = ((pl.col("month") // 100).cast(pl.String) + "-" + (pl.col("month") % 100).cast(pl.String).str.zfill(2)
             + ":" + pl.col("events").cast(pl.String))
    return (months.sort("node_id", "month").group_by("node_id", maintain_order=True)
            .agg(months=label.str.join(",")))


def customer_flags(fs, cfg: Config) -> pl.DataFrame:
    """Per customer of the graph: ``multisim`` (0/1, a candidate flagged) and ``multisim_score``
    (the largest Jaccard of a candidate that is no direct contact)."""
    score_multisim(fs, cfg)
    return fs.con.frame("""
        select customer_id,
               max(cast(multisim as integer)) as multisim,
               max(case when direct then 0e0 else jaccard end) as multisim_score
        from multisim group by customer_id order by customer_id""")


def reentry(fs, cfg: Config) -> GraphResult:
    """New lines matched to the line they replace, with the evidence and counts per month."""
    edges(fs, cfg)
    r = cfg.reentry
    rows = fs.con.frame(sql.load("35_reentry"), {**_bounds(fs), "max_gap_days": r.max_gap_days,
                                                 "min_shared": r.min_shared, "min_jaccard": r.min_jaccard,
                                                 "min_overlap": r.min_overlap})
    rows = rows.select(REENTRY_COLUMNS).sort("customer_id")
    per_month = (rows.with_columns(month=pl.col("activation_date").dt.strftime("%Y-%m")).group_by("month")
                 .agg(reentries=pl.len(), same_brand=(pl.col("brand") == pl.col("old_brand")).sum()).sort("month"))
    dealers = (rows.filter(pl.col("dealer_id").is_not_null()).group_by("dealer_id").agg(reentries=pl.len())
               .sort(["reentries", "dealer_id"], descending=[True, False]).head(10))
    counts = {"reentries": rows.height, "per_month": per_month.to_dicts(), "top_dealers": dealers.to_dicts(),
              "caps": {"max_contacts": cfg.multisim.max_contacts, "max_degree": cfg.multisim.max_degree}}
    return GraphResult("reentry", rows, tabulate.window_info(fs), counts)
