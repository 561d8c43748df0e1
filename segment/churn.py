"""Churn early warning: a stage per customer of the window, with the rules that fired.

Stages, most severe first (a customer gets the first whose rules fire):

* ``churned``: churn_date set before the window's end, or no CDR event in the window's
  last ``inactive_days`` days;
* ``alert``: voice calls or SMS with a competitor's hotline (``[features] competitor_hotlines``,
  the events the indicator competitor_hotline_calls counts: sql/23_cdr_hotline.sql), usage
  of the last month down by ``alert_usage_drop`` or more against the monthly average of
  the earlier months, arrears rising in each of the last ``arrears_rising_months``;
* ``warning``: usage down by ``warning_usage_drop`` or more, distinct contacts down by
  ``contacts_drop`` or more, more complaints in the last month than the earlier average;
* ``healthy`` otherwise.

Population: the customers of the window (see :mod:`segment.tabulate`), leavers included.
Rules whose input is absent are reported as not available and never fire.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from . import tabulate
from .config import ChurnConfig, Config
from .errors import UsageError
from .value import ValueResult, analyse as analyse_value

COLUMNS = ["customer_id", "brand", "stage", "reasons", "arpu_tier", "value_score"]
STAGES = ("churned", "alert", "warning", "healthy")


@dataclass(frozen=True)
class Rule:
    name: str
    stage: str
    column: str  # flag column of sql/55_churn_customers.sql
    text: str


def rules(c: ChurnConfig) -> list[Rule]:
    """The rules with their thresholds, in the order reasons are listed."""
    return [
        Rule("churn_date", "churned", "r_churn_date", "churn_date set (before the window's end)"),
        Rule("inactive", "churned", "r_inactive", f"no event in the window's last {c.inactive_days} days"),
        Rule("competitor_hotline", "alert", "r_hotline", f">= {c.hotline_calls} call(s) to a competitor hotline"),
        Rule("usage_drop_alert", "alert", "r_usage_alert",
             f"last month's events down >= {c.alert_usage_drop:.0%} against the earlier months' average"),
        Rule("arrears_rising", "alert", "r_arrears", f"arrears rose in each of the last {c.arrears_rising_months} months"),
        Rule("usage_drop_warning", "warning", "r_usage_warning",
             f"last month's events down >= {c.warning_usage_drop:.0%} against the earlier months' average"),
        Rule("fewer_contacts", "warning", "r_contacts",
             f"distinct voice/SMS contacts of the last month down >= {c.contacts_drop:.0%}"),
        Rule("more_complaints", "warning", "r_complaints",
             f">= {c.complaints_min} complaint(s) last month, more than the earlier months' average"),
    ]


@dataclass
class ChurnResult:
    """Stages and reasons per customer (``detail`` also holds every rule flag and measure)."""

    detail: pl.DataFrame
    window: dict
    config: ChurnConfig
    unavailable: dict[str, str]  # rule name -> why it cannot run on these inputs
    segments: pl.DataFrame | None = None

    @property
    def customers(self) -> pl.DataFrame:
        """The output contract: one row per customer, ordered by customer_id."""
        return self.detail.select(COLUMNS)

    def listing(self, stage: str) -> pl.DataFrame:
        """The customers of one stage, highest value score first (ties: lower customer_id)."""
        if stage not in STAGES:
            raise UsageError(f"unknown stage {stage!r} (choose from {', '.join(STAGES)})")
        return (self.customers.filter(pl.col("stage") == stage)
                .sort(["value_score", "customer_id"], descending=[True, False], nulls_last=True))

    def write(self, path, force: bool = False, stage: str | None = None) -> None:
        tabulate.write_frame(self.listing(stage) if stage else self.customers, path, force)

    def summary(self) -> dict:
        d, keys = tabulate.attach_segments(self.detail, self.segments)
        return {
            "version": 1,
            "analysis": "churn",
            "window": self.window,
            "population": {"definition": tabulate.POPULATION, "customers": d.height},
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
    unavailable = _unavailable(fs, cfg)
    w = fs.window
    detail = tabulate.query(
        fs.con, "55_churn_customers", start=w.start, end=w.end, last_month=w.last_month,
        inactive_days=c.inactive_days,
        hotline_calls=c.hotline_calls, alert_usage_drop=c.alert_usage_drop,
        warning_usage_drop=c.warning_usage_drop, arrears_rising_months=c.arrears_rising_months,
        contacts_drop=c.contacts_drop, complaints_min=c.complaints_min,
    )
    value = value or analyse_value(fs, cfg)
    detail = detail.join(value.detail.select("customer_id", "arpu_tier", "value_score"),
                         on="customer_id", how="left", maintain_order="left")
    detail = detail.select(*COLUMNS, pl.exclude(COLUMNS))
    if segments is not None:
        tabulate.attach_segments(detail.select("customer_id", "brand"), segments)  # validate early
    return ChurnResult(detail, tabulate.window_info(fs), c, unavailable, segments)


def _unavailable(fs, cfg: Config) -> dict[str, str]:
    """Rules that cannot run on these inputs, and why."""
    months = len(fs.window.months)
    out = {}
    if not tabulate.has_column(fs, cfg, "customers", "churn_date"):
        out["churn_date"] = "customers: no churn_date column in the input"
    if not cfg.features.competitor_hotlines:
        out["competitor_hotline"] = "no competitor hotline in [features] competitor_hotlines"
    if not tabulate.has_column(fs, cfg, "cdr", "peer_id"):
        out["competitor_hotline"] = "cdr: no peer_id column in the input"
        out["fewer_contacts"] = "cdr: no peer_id column in the input"
    if months < 2:
        for name in ("usage_drop_alert", "usage_drop_warning", "fewer_contacts", "more_complaints"):
            out[name] = "the window has one month: no earlier month to compare with"
    if not tabulate.has_column(fs, cfg, "billing", "arrears"):
        out["arrears_rising"] = "billing: no arrears column in the input"
    elif months < cfg.churn.arrears_rising_months + 1:
        out["arrears_rising"] = (f"the window has {months} month(s); {cfg.churn.arrears_rising_months} "
                                 "rises need one more")
    if not fs.con.execute("select count(*) from duckdb_views() where view_name = 'src_interactions'").fetchall()[0][0]:
        out["more_complaints"] = "no interactions table (give --interactions FILE or interactions.* in --data)"
    elif not tabulate.has_column(fs, cfg, "interactions", "purpose"):
        out["more_complaints"] = "interactions: no purpose column in the input"
    return dict(sorted(out.items()))
