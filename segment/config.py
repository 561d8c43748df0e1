"""One frozen configuration object with every threshold the tool uses.

Defaults are the documented values; a TOML file (``--config segment.toml``)
overrides any of them and maps a user's own column names onto the canonical ones::

    [input]
    encoding = "gbk"

    [columns.cdr]            # canonical = "your column"
    customer_id = "msisdn_hash"
    start_time = "call_begin"

    [values.cdr.service]     # canonical value = "your code" or ["your codes"]
    voice = ["VOICE", "语音"]

    [features]
    months = 3
    population = "stable"

Unknown sections or keys are errors, so a typo never silently falls back to a default.
"""

from __future__ import annotations

import dataclasses
import re
import tomllib
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from . import codes
from .errors import ConfigError

_MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
MAX_MONTHS = 24  # the longest window: features.months is 1..MAX_MONTHS
POPULATIONS = ("stable", "all")
_TIME = re.compile(r"^([01]\d|2[0-3]):[0-5]\d:[0-5]\d$")


@dataclass(frozen=True)
class InputConfig:
    encoding: str = "utf-8"  # CSV encoding; gbk and anything Python can decode is accepted
    delimiter: str = ","  # CSV field separator (a .tsv file is always read with tabs)
    # Values that mean "no value" in every column of every table, text included: e.g.
    # ["", "\\N", "NULL"] for an export that writes NULL or \N for an empty field.
    null_values: tuple[str, ...] = ("",)
    # The time zone of the extracts' local time (an IANA name, e.g. "Asia/Shanghai"): needed
    # only when a Parquet column holds instants (a timestamp with time zone), which are read
    # as the wall-clock time of this zone. Empty: such a column is an error, not a guess.
    time_zone: str = ""
    # true: on-net cdr.peer_id is not a customer_id (the contract's rule, docs/inputs.md), and the
    # call graph's commands (multisim, reentry) say they cannot run instead of finding nothing.
    separate_peer_ids: bool = False


@dataclass(frozen=True)
class FeatureConfig:
    months: int = 3  # calendar months in the window
    end_month: str = ""  # 'YYYY-MM'; empty = the latest month present in billing
    population: str = "stable"  # stable: bill + event in every month; all: any activity
    night_start: str = "07:00:00"  # an event is nocturnal unless night_start < t < night_end
    night_end: str = "19:00:00"
    long_call_s: int = 600  # a voice call at least this long counts as a long call
    pareto_share: float = 0.8  # share of interactions for percent_pareto_interactions
    competitor_hotlines: tuple[str, ...] = ("10010", "10000")  # competitors' service numbers


@dataclass(frozen=True)
class QualityConfig:
    # Share of CDR rows in the window whose customer is not in customers above which
    # the run stops (exit 3) instead of reporting and excluding them.
    max_unknown_customer_share: float = 0.05
    # Plausibility (gate `implausible`, docs/quality.md): checked on columns with at least
    # plausible_min_rows values, so that a tiny extract is not warned about.
    plausible_min_rows: int = 100
    min_mean_call_s: float = 10.0  # mean voice call shorter than this: is duration_s in seconds (not minutes)?
    max_mean_call_s: float = 7200.0  # ... or longer than this (2 h): milliseconds?
    max_mean_session_kb: float = 1_048_576.0  # mean data session above this (1 GiB): is volume_kb in KB (not bytes)?
    birth_year_min: int = 1900  # birth years before this (or after the current year): an age, or another column?
    # Text that usually stands for "no value": found in a text column and not one of
    # [input] null_values, it is reported, since it is read as a value (gate `implausible`).
    null_like: tuple[str, ...] = ("NULL", "null", "\\N", "(null)", "<null>", "NA", "N/A", "#N/A", "None", "nan",
                                  "NaN")
    # Exact duplicate CDR rows are counted when the window holds at most this many rows:
    # counting them costs a hash table of every row, about as much as the features
    # themselves. 0: never; --fail-on duplicate-events counts them whatever the size.
    duplicate_check_max_rows: int = 20_000_000
    min_onnet_peer_share: float = 0.95  # on-net peers that are customers (audit_onnet_peers.sql), else a warning
    # Data-quality gates that turn warnings into exit 3, e.g. ["unknown-customers=0.01",
    # "dropped-missing"]; --fail-on adds to them (segment/quality.py, docs/quality.md).
    fail_on: tuple[str, ...] = ()


USAGE_ANGLES = ("voice", "sms", "data", "roaming", "time_of_day", "social", "activity")


@dataclass(frozen=True)
class ClusteringConfig:
    # Which screened indicators segments are formed on: those of these angles (behaviour), plus `include`,
    # minus `exclude`. A user's own columns (not in the catalogue) have no angle: clustered on unless excluded.
    angles: tuple[str, ...] = USAGE_ANGLES
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    # Column roles (segment/roles.py, docs/segments.md "Column roles"): a column named like an outcome
    # (any case) with two values is an outcome, profiled as a rate and never clustered unless in `include`;
    # `profile` / `outcome` name columns that are described only / outcomes (as --profile, --outcome);
    # `revenue` the column whose mean is the ARPU (as --revenue; default: total_fee when present).
    outcome_names: tuple[str, ...] = ("churn", "churned", "label", "target")
    profile: tuple[str, ...] = ()
    outcome: tuple[str, ...] = ()
    revenue: str = ""
    # "none": text and boolean columns are described by category, never clustered; "onehot": clustered
    # on one 0/1 column per top category ([profiles] top_categories), recorded in model.json, replayed by model.sql
    categorical: str = "none"
    # "screened": every indicator passing screening's availability pass; "kept": the correlation
    # pass's representatives only. k-means distances: "within" (whitened by the pooled within-segment
    # covariance + within_ridge x its mean variance; segment/within.py) or "euclidean".
    variables: str = "screened"
    metric: str = "within"
    within_ridge: float = 0.03
    # preparation, per brand (segment/prepare.py)
    log_skew: float = 1.0  # ln(1 + x) for non-negative indicators more skewed than this
    winsor_low: float = 0.01  # clip at these percentiles (after the log)
    winsor_high: float = 0.99
    min_distinct: int = 5  # a variable with fewer distinct prepared values in a brand is not used there
    # choosing k (segment/clustering.py)
    k: int | str = "auto"  # "auto" or a number of segments for every brand
    k_by_brand: dict[str, int] = field(default_factory=dict)  # brand -> forced k
    k_min: int = 2
    k_max: int = 10
    min_share: float = 0.02  # every segment holds at least this share of its brand
    min_customers_per_segment: int = 10  # caps k for small brands
    sweep_sample: int = 10_000  # customers per brand on which each k is scored (fixed seed)
    silhouette_sample: int = 3000  # silhouette costs O(n^2): it is reported, not used to choose k
    ps_threshold: float = 0.9  # prediction strength a k must reach (Tibshirani & Walther: 0.8-0.9)
    ps_repeats: int = 5  # random half splits per k
    ps_statistic: str = "median"  # of the splits' prediction strengths: median (one bad refit does not decide) or mean
    # the model
    method: str = "kmeans"  # kmeans or gmm (diagonal Gaussian mixture)
    n_init: int = 10  # starts of the final fit and of each k's fit on the sweep sample
    n_init_resample: int = 10  # starts of the refits on halves (prediction strength) and bootstraps
    minibatch_above: int = 500_000  # MiniBatchKMeans for brands larger than this
    seed: int = 42
    # stability (bootstrap Jaccard, as fpc::clusterboot)
    bootstrap: int = 20
    bootstrap_sample: int = 5000
    unstable_below: float = 0.6


@dataclass(frozen=True)
class ProfileConfig:
    key_indicators: int = 8  # indicators shown in the brand profile table
    name_terms: int = 3  # distinctive indicators in a segment's generated name
    # an indicator enters a name only for a material difference: |segment mean - brand mean| /
    # brand std of at least name_min_effect, and an index at least name_min_index_gap from 100
    name_min_effect: float = 0.5
    name_min_index_gap: float = 10.0
    top_categories: int = 5  # categories of a text column shown per segment; the rest are "(other)"


@dataclass(frozen=True)
class ScreeningConfig:
    # Availability pass (docs/screening.md): the first rule that fires drops the indicator.
    max_missing: float = 0.5  # drop when the missing share is above this (`missing`)
    max_mode_share: float = 0.95  # drop when the most frequent value has at least this share (`single_value`)
    min_cv: float = 0.05  # drop a non-negative indicator whose std / mean is below this (`low_variation`)
    # Correlation pass: indicators with |r| >= max_abs_r are grouped; one per group is kept.
    max_abs_r: float = 0.85
    correlation: str = "max"  # |r| compared: max (larger of Pearson and Spearman), pearson or spearman
    min_pair_rows: int = 30  # pairs with fewer rows where both are present are not compared
    priority: tuple[str, ...] = ()  # business priority: breaks ties between equally good representatives
    # Factor-analysis view (--factors): parallel analysis on random data of the same shape.
    parallel_iterations: int = 100
    parallel_quantile: float = 0.95
    seed: int = 0


@dataclass(frozen=True)
class ValueConfig:
    # ARPU tiers on the window's monthly-average total_fee: A > tier_a_above,
    # B from tier_c_below to tier_a_above (both included), C < tier_c_below.
    tier_a_above: float = 200.0
    tier_c_below: float = 120.0
    # Card tiers (a second preset): the highest card whose threshold the ARPU reaches (>=).
    card_diamond: float = 300.0
    card_gold: float = 150.0
    card_silver: float = 80.0
    # Value score weights (renormalized over the components a customer has).
    weight_revenue: float = 0.40
    weight_tenure: float = 0.20
    weight_credit: float = 0.25
    weight_cost: float = 0.15
    top_share: float = 0.2  # revenue concentration: share of revenue from this top share of customers
    # Enterprise (group) account classes by lines per group_id: A >= group_a, B >= group_b, C >= group_c.
    group_a: int = 500
    group_b: int = 100
    group_c: int = 10


@dataclass(frozen=True)
class ChurnConfig:
    inactive_days: int = 30  # churned: no event in the window's last inactive_days days
    hotline_calls: int = 1  # alert: at least this many calls to a competitor hotline ([features])
    alert_usage_drop: float = 0.5  # alert: last month's events down by at least this share
    arrears_rising_months: int = 2  # alert: arrears rose in each of the last N months
    warning_usage_drop: float = 0.25  # warning: last month's events down by at least this share
    contacts_drop: float = 0.25  # warning: distinct contacts of the last month down by at least this share
    complaints_min: int = 2  # warning: at least this many complaints last month, more than the earlier average
    dual_handset: bool = True  # alert: segment multisim finds a second number ([multisim])


@dataclass(frozen=True)
class ChannelConfig:
    min_contacts: int = 3  # fewer contacts in the window than this: preferred_channel = 'none'


@dataclass(frozen=True)
class RulesConfig:
    max_depth: int = 3  # levels of the decision tree per brand (segment rules): deeper fits better, reads worse
    min_leaf_share: float = 0.01  # every rule covers at least this share of its brand


@dataclass(frozen=True)
class OutputConfig:
    csv_bom: bool = False  # CSV files start with a UTF-8 byte-order mark, so Excel reads Chinese text right


@dataclass(frozen=True)
class TrackingConfig:
    # compare and --previous (segment/tracking/): matched on shared customers when a brand has at least
    # min_shared (pairs with Jaccard >= min_jaccard), else on centres; PSI on psi_bins bins, alert above psi_alert
    min_shared: int = 30
    min_jaccard: float = 0.5
    psi_bins: int = 10
    psi_alert: float = 0.25


@dataclass(frozen=True)
class MultisimConfig:
    # segment multisim (sql/31..34): degree caps bound the self-join; a pair seen only via a capped node is lost
    max_contacts: int = 200  # a customer with more contacts than this is not used as a shared contact
    max_degree: int = 200  # a number more customers than this call (a hotline) is neither candidate nor shared
    min_shared: int = 3  # shared contacts a candidate needs
    min_jaccard: float = 0.1
    min_overlap: float = 0.4  # share of the candidate's contacts that are the customer's (a customer candidate)
    offnet_overlap: float = 0.2  # the same for an off-net candidate, whose other contacts the owner's rivals explain
    min_growth_z: float = 2.0  # scored: candidate's later-half events this many binomial sd above even use,
    fading_candidate_z: float = 1.0  # or the customer's as many below and the candidate's at least this above
    clear_growth_z: float = 2.5  # a candidate growing less (or via a fading customer) needs close_jaccard,
    close_jaccard: float = 0.3  # and via a fading customer fading_overlap too
    fading_overlap: float = 0.5
    owner_shift_weight: float = 0.25  # owner_score = jaccard x (1 + this x shift): the strict best owns a number
    min_shift: float = 0.4  # the candidate's later-half share of use above the customer's by this much


@dataclass(frozen=True)
class ReentryConfig:
    # segment reentry (sql/35_reentry.sql), on the call graph of [multisim] (its caps)
    max_gap_days: int = 30  # the new line opened 0..max_gap_days days after the old one left
    min_shared: int = 2
    min_jaccard: float = 0.08
    min_overlap: float = 0.1  # share of the new line's contacts that were the old line's


@dataclass(frozen=True)
class EngineConfig:
    # Where the SQL runs (segment/engine/, docs/scale-out.md); --engine, --spark-master and
    # --spark-remote override these. Empty: $SPARK_MASTER / $SPARK_REMOTE, else local[*].
    name: str = "duckdb"  # duckdb (embedded) or spark
    spark_master: str = ""  # local[N], spark://host:7077, yarn, k8s://...
    spark_remote: str = ""  # Spark Connect: sc://host:15002
    spark_conf: tuple[str, ...] = ()  # extra Spark settings, "key=value"


@dataclass(frozen=True)
class Config:
    input: InputConfig = field(default_factory=InputConfig)
    features: FeatureConfig = field(default_factory=FeatureConfig)
    quality: QualityConfig = field(default_factory=QualityConfig)
    clustering: ClusteringConfig = field(default_factory=ClusteringConfig)
    profiles: ProfileConfig = field(default_factory=ProfileConfig)
    screening: ScreeningConfig = field(default_factory=ScreeningConfig)
    value: ValueConfig = field(default_factory=ValueConfig)
    churn: ChurnConfig = field(default_factory=ChurnConfig)
    channels: ChannelConfig = field(default_factory=ChannelConfig)
    rules: RulesConfig = field(default_factory=RulesConfig)
    output: OutputConfig = field(default_factory=OutputConfig)
    tracking: TrackingConfig = field(default_factory=TrackingConfig)
    multisim: MultisimConfig = field(default_factory=MultisimConfig)
    reentry: ReentryConfig = field(default_factory=ReentryConfig)
    engine: EngineConfig = field(default_factory=EngineConfig)
    # table -> canonical column -> the user's column name
    columns: dict[str, dict[str, str]] = field(default_factory=dict)
    # table -> coded column -> canonical value -> the user's codes (segment/codes.py)
    values: dict[str, dict[str, dict[str, tuple[str, ...]]]] = field(default_factory=dict)

    def source_column(self, table: str, canonical: str) -> str:
        """Name of the column in the user's file that holds ``canonical``."""
        return self.columns.get(table, {}).get(canonical, canonical)

    def replace(self, **sections: Any) -> "Config":
        """A copy with some fields of some sections changed: ``replace(features={"months": 2})``."""
        changes = {name: dataclasses.replace(getattr(self, name), **values) if values else getattr(self, name)
                   for name, values in sections.items()}
        out = dataclasses.replace(self, **changes)
        from .config_check import validate

        validate(out)
        return out

    def to_dict(self) -> dict[str, Any]:
        """Every value, defaults included (for manifests and ``--format json``)."""
        d = dataclasses.asdict(self)
        for section in (s for s in d.values() if isinstance(s, dict)):
            section.update({key: list(value) for key, value in section.items() if isinstance(value, tuple)})
        return d


def _section(cls, raw: dict[str, Any], where: str):
    if not isinstance(raw, dict):
        raise ConfigError(f"{where}: expected a table of settings")
    known = {f.name: f for f in fields(cls)}
    values = {}
    for key, value in raw.items():
        if key not in known:
            raise ConfigError(f"{where}: unknown setting {key!r} (known: {', '.join(sorted(known))})")
        default = known[key].default
        if default is dataclasses.MISSING:  # a table of name -> whole number
            if not isinstance(value, dict) or not all(isinstance(v, int) and not isinstance(v, bool)
                                                      for v in value.values()):
                raise ConfigError(f"{where}.{key}: expected a table of names to whole numbers")
            value = dict(value)
        elif key == "k":
            if not (value == "auto" or (isinstance(value, int) and not isinstance(value, bool))):
                raise ConfigError(f"{where}.k: expected \"auto\" or a whole number, got {value!r}")
        elif isinstance(default, tuple):
            if not isinstance(value, list) or not all(isinstance(v, (str, int)) and not isinstance(v, bool)
                                                      for v in value):
                raise ConfigError(f"{where}.{key}: expected a list of strings")
            value = tuple(str(v) for v in value)
        elif isinstance(default, bool):
            if not isinstance(value, bool):
                raise ConfigError(f"{where}.{key}: expected true or false, got {value!r}")
        elif isinstance(value, bool) or not isinstance(value, type(default)):
            if not (isinstance(default, float) and isinstance(value, int) and not isinstance(value, bool)):
                raise ConfigError(f"{where}.{key}: expected {type(default).__name__}, got {value!r}")
            value = float(value)
        values[key] = value
    return cls(**values)


def is_month(text: object) -> bool:
    """``YYYY-MM`` with a month 01..12."""
    return isinstance(text, str) and bool(_MONTH.match(text))


def from_dict(raw: dict[str, Any], where: str = "config") -> Config:
    sections = {"input": InputConfig, "features": FeatureConfig, "quality": QualityConfig,
                "screening": ScreeningConfig, "clustering": ClusteringConfig, "profiles": ProfileConfig,
                "value": ValueConfig, "churn": ChurnConfig, "channels": ChannelConfig,
                "rules": RulesConfig, "output": OutputConfig, "tracking": TrackingConfig,
                "multisim": MultisimConfig, "reentry": ReentryConfig, "engine": EngineConfig}
    values: dict[str, Any] = {}
    for key, value in raw.items():
        if key == "values":
            values["values"] = codes.parse(value, where)
        elif key == "columns":
            if not isinstance(value, dict) or not all(isinstance(v, dict) for v in value.values()):
                raise ConfigError(f"{where}: [columns.<table>] must map canonical names to your column names")
            values["columns"] = {t: dict(m) for t, m in value.items()}
        elif key in sections:
            values[key] = _section(sections[key], value, f"{where}: [{key}]")
        else:
            raise ConfigError(f"{where}: unknown section [{key}] (known: columns, values, {', '.join(sections)})")
    cfg = Config(**values)
    from .config_check import validate

    validate(cfg)
    return cfg


def load(path: Path | None) -> Config:
    """Read a TOML config; ``None`` gives the defaults."""
    if path is None:
        return Config()
    try:
        # utf-8-sig: a byte-order mark (Windows editors write one) is not part of the TOML
        raw = tomllib.loads(Path(path).read_text(encoding="utf-8-sig"))
    except FileNotFoundError:
        raise ConfigError(f"config file not found: {path}") from None
    except IsADirectoryError:
        raise ConfigError(f"config file {path} is a folder") from None
    except UnicodeDecodeError as e:
        raise ConfigError(f"{path}: not valid UTF-8 (a TOML file must be UTF-8): byte {e.start}") from None
    except tomllib.TOMLDecodeError as e:
        raise ConfigError(f"{path}: not valid TOML: {e}") from None
    except OSError as e:
        raise ConfigError(f"cannot read config file {path}: {e.strerror or e}") from None
    return from_dict(raw, str(path))
