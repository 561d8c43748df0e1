"""Churn early warning: a stage per customer of the window, with the rules that fired.

A customer gets the most severe stage (``churned``, ``alert``, ``warning``) of the rules
that fire, ``healthy`` when none does. The rules are one list, :func:`rules`: each names
its stage, its flag column in ``sql/55_churn_customers.sql`` (its logic), its text and
reason built from ``[churn]``, and what it needs of the inputs (docs/analyses.md lists
them). Competitor-hotline contacts are the events the indicator competitor_hotline_calls
counts (sql/23_cdr_hotline.sql).

Population: the customers of the window (see :mod:`segment.tabulate`), leavers included.
Rules whose input is absent are reported as not available and never fire.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from typing import Any, Callable

import polars as pl

from . import tabulate
from .config import ChurnConfig, Config
from .errors import UsageError
from .value import ValueResult, analyse as analyse_value

COLUMNS = ["customer_id", "brand", "stage", "reasons", "arpu_tier", "value_score"]
STAGES = ("churned", "alert", "warning", "healthy")  # most severe first; healthy: no rule fired

# What a rule needs of the inputs: (FeatureSet, Config) -> why it cannot run, or None.
Check = Callable[[Any, Config], "str | None"]


def _column(table: str, column: str) -> Check:
    """The input gave ``table.column``."""
    def check(fs, cfg):
        return None if tabulate.has_column(fs, cfg, table, column) else f"{table}: no {column} column in the input"
    return check


def _months(n: int, why: str) -> Check:
    """The window has at least ``n`` months; ``why`` may quote them as {months}."""
    def check(fs, cfg):
        months = len(fs.window.months)
        return None if months >= n else why.format(months=months)
    return check


def _interactions(fs, cfg) -> str | None:
    given = fs.con.has_relation("src_interactions")
    return None if given else "no interactions table (give --interactions FILE or interactions.* in --data)"


def _hotlines(fs, cfg) -> str | None:
    return None if cfg.features.competitor_hotlines else "no competitor hotline in [features] competitor_hotlines"


def _graph(fs, cfg) -> str | None:
    if not cfg.churn.dual_handset:
        return "[churn] dual_handset = false"
    from .features import graph_unavailable

    return "; ".join(graph_unavailable(fs.con, cfg)) or None


_PEERS = _column("cdr", "peer_id")
_EARLIER = _months(2, "the window has one month: no earlier month to compare with")


@dataclass(frozen=True)
class Rule:
    """One churn rule: all of it but its logic, the flag ``column`` of sql/55_churn_customers.sql."""

    name: str
    stage: str  # one of STAGES: a customer gets the most severe stage of the rules that fired
    column: str  # its flag column in sql/55_churn_customers.sql
    text: str  # the rule with its thresholds (summary)
    reason: str  # what `reasons` says when it fires; {name} = that column of the detail.
    #              Rules with the same reason share it: it is listed once, at the first of them.
    needs: tuple[Check, ...] = ()  # what it needs of the inputs, checked in order

    def unavailable(self, fs, cfg: Config) -> str | None:
        """Why the rule cannot run on these inputs (it then never fires), or None."""
        return next((why for why in (check(fs, cfg) for check in self.needs) if why), None)


def rules(c: ChurnConfig) -> list[Rule]:
    """The rules with their thresholds, in the order reasons are listed: the one list of
    churn rules. Adding one is a Rule here and its flag column in sql/55_churn_customers.sql."""
    usage = "usage down {usage_down_pct}% (last month vs earlier average)"  # both usage rules
    return [
        Rule("churn_date", "churned", "r_churn_date", "churn_date set (before the window's end)",
             "churn_date {churn_date}", (_column("customers", "churn_date"),)),
        Rule("inactive", "churned", "r_inactive", f"no event in the window's last {c.inactive_days} days",
             f"no event in the last {c.inactive_days} days"),
        Rule("competitor_hotline", "alert", "r_hotline", f">= {c.hotline_calls} call(s) to a competitor hotline",
             "{hotline_calls} call(s) to a competitor hotline", (_PEERS, _hotlines)),
        Rule("usage_drop_alert", "alert", "r_usage_alert",
             f"last month's events down >= {c.alert_usage_drop:.0%} against the earlier months' average",
             usage, (_EARLIER,)),
        Rule("dual_handset", "alert", "r_dual_handset", "a second number of theirs found (segment multisim's rules, "
             "[multisim])", "second number {second_number}", (_PEERS, _graph)),
        Rule("arrears_rising", "alert", "r_arrears", f"arrears rose in each of the last {c.arrears_rising_months} months",
             f"arrears rising {c.arrears_rising_months} month(s) running",
             (_column("billing", "arrears"), _months(c.arrears_rising_months + 1, "the window has {months} month(s); "
                                                     f"{c.arrears_rising_months} rises need one more"))),
        Rule("usage_drop_warning", "warning", "r_usage_warning",
             f"last month's events down >= {c.warning_usage_drop:.0%} against the earlier months' average",
             usage, (_EARLIER,)),
        Rule("fewer_contacts", "warning", "r_contacts",
             f"distinct voice/SMS contacts of the last month down >= {c.contacts_drop:.0%}",
             "distinct contacts down {contacts_down_pct}%", (_EARLIER, _PEERS)),
        Rule("more_complaints", "warning", "r_complaints",
             f">= {c.complaints_min} complaint(s) last month, more than the earlier months' average",
             "{complaints_last} complaint(s) last month, more than before",
             (_interactions, _column("interactions", "purpose"), _EARLIER)),
    ]


def unavailable(fs, cfg: Config) -> dict[str, str]:
    """The rules that cannot run on these inputs, and why."""
    out = {r.name: r.unavailable(fs, cfg) for r in rules(cfg.churn)}
    return {name: why for name, why in sorted(out.items()) if why}


def _text(template: str) -> pl.Expr:
    """A reason template as text: literal parts and {columns} of the detail."""
    parts = re.split(r"\{(\w+)\}", template)
    return pl.concat_str([pl.col(p).cast(pl.String) if k % 2 else pl.lit(p) for k, p in enumerate(parts) if p])


def stage_and_reasons(flags: pl.DataFrame, rule_list: list[Rule]) -> pl.DataFrame:
    """``flags`` (the rules' flag columns and the columns their reasons quote) with
    ``stage`` (the most severe stage of the rules that fired, else the last of STAGES) and
    ``reasons`` (the reasons of the rules that fired, in rule order, '; '-separated)."""
    stage = pl.lit(STAGES[-1])
    for s in reversed(STAGES):
        fired = [pl.col(r.column) for r in rule_list if r.stage == s]
        if fired:
            stage = pl.when(pl.any_horizontal(fired)).then(pl.lit(s)).otherwise(stage)
    by_reason: dict[str, list[pl.Expr]] = {}
    for r in rule_list:
        by_reason.setdefault(r.reason, []).append(pl.col(r.column))
    reasons = [pl.when(pl.any_horizontal(fired)).then(_text(t)) for t, fired in by_reason.items()]
    return flags.with_columns(stage.alias("stage"), pl.concat_str(reasons, separator="; ", ignore_nulls=True)
                              .alias("reasons"))


def _dual_handset(fs, cfg: Config, flags: pl.DataFrame, unavailable: bool) -> pl.DataFrame:
    """``flags`` with r_dual_handset and second_number (the first number segment multisim
    finds for the customer), from the call graph (segment/callgraph.py) when the rule can run."""
    if unavailable:
        return _in_rule_order(flags.with_columns(r_dual_handset=pl.lit(False), second_number=pl.lit(None, pl.String)))
    from .callgraph import score_multisim

    score_multisim(fs, cfg)
    found = fs.con.frame("select customer_id, min(candidate_id) as second_number from multisim where multisim "
                         "group by customer_id order by customer_id")
    found = found.with_columns(pl.col("customer_id").cast(flags.schema["customer_id"]),
                               pl.col("second_number").cast(pl.String), r_dual_handset=pl.lit(True))
    flags = (flags.join(found, on="customer_id", how="left", maintain_order="left")
             .with_columns(pl.col("r_dual_handset").fill_null(False)))
    return _in_rule_order(flags)


def _in_rule_order(flags: pl.DataFrame) -> pl.DataFrame:
    """The r_dual_handset flag among the others, where its rule is in the list."""
    cols = [c for c in flags.columns if c != "r_dual_handset"]
    cols.insert(cols.index("r_arrears"), "r_dual_handset")
    return flags.select(cols)


@dataclass
class ChurnResult(tabulate.Analysis):
    """Stages and reasons per customer (``detail`` also holds every rule flag and measure)."""

    detail: pl.DataFrame
    window: dict
    config: ChurnConfig
    unavailable: dict[str, str]  # rule name -> why it cannot run on these inputs
    segments: pl.DataFrame | None = None
    analysis = "churn"
    output_columns = COLUMNS

    def listing(self, stage: str) -> pl.DataFrame:
        """The customers of one stage, highest value score first (ties: lower customer_id)."""
        if stage not in STAGES:
            raise UsageError(f"unknown stage {stage!r} (choose from {', '.join(STAGES)})")
        return (self.customers.filter(pl.col("stage") == stage)
                .sort(["value_score", "customer_id"], descending=[True, False], nulls_last=True))

    def summary(self) -> dict:
        head, d, keys = self.summary_head()
        return {
            **head,
            "stages": {s: int((d["stage"] == s).sum()) for s in STAGES},
            "by_brand": tabulate.crosstab(d, ["brand"], "stage", STAGES),
            "by_segment": tabulate.crosstab(d, keys, "stage", STAGES) if keys else None,
            "rules": [
                {"name": r.name, "stage": r.stage, "rule": r.text,
                 "available": r.name not in self.unavailable, "reason": self.unavailable.get(r.name),
                 "fired": int(d[r.column].sum())}
                for r in rules(self.config)
            ],
        }


def assess(fs, cfg: Config, segments: pl.DataFrame | None = None, value: ValueResult | None = None) -> ChurnResult:
    """Stage every customer of the window.

    Parameters: ``fs`` an open FeatureSet; ``cfg`` the config (``[churn]``, and the
    competitor hotlines of ``[features]``); ``segments`` optional (customer_id, segment[,
    brand]); ``value`` a :class:`ValueResult` of the same FeatureSet, computed if absent
    (its arpu_tier and value_score are carried into the output).
    Returns a :class:`ChurnResult`.
    """
    c = cfg.churn
    tabulate.window_customers(fs)
    rule_list = rules(c)
    missing = unavailable(fs, cfg)
    w = fs.window
    flags = tabulate.query(fs.con, "55_churn_customers", start=w.start, end=w.end, last_month=w.last_month,
                           **{k: v for k, v in dataclasses.asdict(c).items() if k != "dual_handset"})
    flags = _dual_handset(fs, cfg, flags, "dual_handset" in missing)
    # a rule that cannot run never fires, whatever its inputs' typed NULLs made of its flag
    flags = flags.with_columns(pl.lit(False).alias(r.column) for r in rule_list if r.name in missing)
    detail = stage_and_reasons(flags, rule_list)
    value = value or analyse_value(fs, cfg)
    detail = detail.join(value.detail.select("customer_id", "arpu_tier", "value_score"),
                         on="customer_id", how="left", maintain_order="left")
    detail = detail.select(*COLUMNS, pl.exclude(COLUMNS))
    if segments is not None:
        tabulate.attach_segments(detail.select("customer_id", "brand"), segments)  # validate early
    return ChurnResult(detail, tabulate.window_info(fs), c, missing, segments)

