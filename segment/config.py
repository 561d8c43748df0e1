"""One frozen configuration object with every threshold the tool uses.

Defaults are the documented values; a TOML file (``--config segment.toml``)
overrides any of them and maps a user's own column names onto the canonical ones::

    [input]
    encoding = "gbk"

    [columns.cdr]            # canonical = "your column"
    customer_id = "msisdn_hash"
    start_time = "call_begin"

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

from .errors import ConfigError
from .schema import TABLES

_MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
_TIME = re.compile(r"^([01]\d|2[0-3]):[0-5]\d:[0-5]\d$")


@dataclass(frozen=True)
class InputConfig:
    encoding: str = "utf-8"  # CSV encoding; gbk and anything Python can decode is accepted
    delimiter: str = ","  # CSV field separator


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
    # Data-quality gates that turn warnings into exit 3, e.g. ["unknown-customers=0.01",
    # "dropped-missing"]; --fail-on adds to them (segment/quality.py, docs/quality.md).
    fail_on: tuple[str, ...] = ()


USAGE_ANGLES = ("voice", "sms", "data", "roaming", "time_of_day", "social", "activity")


@dataclass(frozen=True)
class ClusteringConfig:
    # Which screened indicators segments are formed on: those of these angles (behaviour),
    # plus `include`, minus `exclude`. Columns of a user's own table that are not in the
    # catalogue have no angle and are clustered on unless excluded.
    angles: tuple[str, ...] = USAGE_ANGLES
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    # preparation, per brand (segment/prepare.py)
    log_skew: float = 1.0  # ln(1 + x) for non-negative indicators more skewed than this
    winsor_low: float = 0.01  # clip at these percentiles (after the log)
    winsor_high: float = 0.99
    # choosing k (segment/clustering.py)
    k: int | str = "auto"  # "auto" or a number of segments for every brand
    k_by_brand: dict[str, int] = field(default_factory=dict)  # brand -> forced k
    k_min: int = 2
    k_max: int = 10
    min_share: float = 0.02  # every segment holds at least this share of its brand
    min_customers_per_segment: int = 10  # caps k for small brands
    sweep_sample: int = 6000  # customers per brand on which each k is scored (fixed seed)
    silhouette_sample: int = 3000  # silhouette costs O(n^2): it is reported, not used to choose k
    ps_threshold: float = 0.9  # prediction strength a k must reach (Tibshirani & Walther: 0.8-0.9)
    ps_repeats: int = 3  # random half splits per k
    # the model
    method: str = "kmeans"  # kmeans or gmm (diagonal Gaussian mixture)
    n_init: int = 10  # starts of the final fit and of each k's fit on the sweep sample
    n_init_resample: int = 3  # starts of the refits on halves (prediction strength) and bootstraps
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


@dataclass(frozen=True)
class ChannelConfig:
    min_contacts: int = 3  # fewer contacts in the window than this: preferred_channel = 'none'


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
    engine: EngineConfig = field(default_factory=EngineConfig)
    # table -> canonical column -> the user's column name
    columns: dict[str, dict[str, str]] = field(default_factory=dict)

    def source_column(self, table: str, canonical: str) -> str:
        """Name of the column in the user's file that holds ``canonical``."""
        return self.columns.get(table, {}).get(canonical, canonical)

    def replace(self, **sections: Any) -> "Config":
        """A copy with some fields of some sections changed: ``replace(features={"months": 2})``."""
        changes = {}
        for name, values in sections.items():
            current = getattr(self, name)
            changes[name] = dataclasses.replace(current, **values) if values else current
        out = dataclasses.replace(self, **changes)
        validate(out)
        return out

    def to_dict(self) -> dict[str, Any]:
        """Every value, defaults included (for manifests and ``--format json``)."""
        d = dataclasses.asdict(self)
        for section in d.values():
            if isinstance(section, dict):
                for key, value in section.items():
                    if isinstance(value, tuple):
                        section[key] = list(value)
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
            if not isinstance(value, list) or not all(isinstance(v, (str, int)) for v in value):
                raise ConfigError(f"{where}.{key}: expected a list of strings")
            value = tuple(str(v) for v in value)
        elif isinstance(default, bool) or not isinstance(value, type(default)):
            if not (isinstance(default, float) and isinstance(value, int) and not isinstance(value, bool)):
                raise ConfigError(f"{where}.{key}: expected {type(default).__name__}, got {value!r}")
            value = float(value)
        values[key] = value
    return cls(**values)


def validate(cfg: Config) -> None:
    f = cfg.features
    if f.months < 1 or f.months > 24:
        raise ConfigError(f"features.months must be between 1 and 24, got {f.months}")
    if f.end_month and not _MONTH.match(f.end_month):
        raise ConfigError(f"features.end_month must look like YYYY-MM, got {f.end_month!r}")
    if f.population not in ("stable", "all"):
        raise ConfigError(f"features.population must be 'stable' or 'all', got {f.population!r}")
    for key in ("night_start", "night_end"):
        if not _TIME.match(getattr(f, key)):
            raise ConfigError(f"features.{key} must look like HH:MM:SS, got {getattr(f, key)!r}")
    if not 0 < f.pareto_share <= 1:
        raise ConfigError(f"features.pareto_share must be in (0, 1], got {f.pareto_share}")
    if f.long_call_s < 1:
        raise ConfigError(f"features.long_call_s must be at least 1, got {f.long_call_s}")
    validate_screening(cfg.screening)
    if not 0 <= cfg.quality.max_unknown_customer_share <= 1:
        raise ConfigError("quality.max_unknown_customer_share must be in [0, 1]")
    _validate_gates(cfg.quality.fail_on)
    _validate_clustering(cfg.clustering)
    if cfg.profiles.key_indicators < 1 or not 1 <= cfg.profiles.name_terms <= 5:
        raise ConfigError("profiles.key_indicators must be >= 1 and profiles.name_terms in 1..5")
    try:
        "x".encode(cfg.input.encoding)
    except LookupError:
        raise ConfigError(f"input.encoding: unknown encoding {cfg.input.encoding!r}") from None
    _validate_analyses(cfg)
    if len(cfg.input.delimiter) != 1:
        raise ConfigError(f"input.delimiter must be one character, got {cfg.input.delimiter!r}")
    for table, mapping in cfg.columns.items():
        if table not in TABLES:
            raise ConfigError(f"columns.{table}: unknown table (known: {', '.join(TABLES)})")
        canon = {c.name for c in TABLES[table].columns}
        for key, value in mapping.items():
            if key not in canon:
                raise ConfigError(f"columns.{table}.{key}: unknown column (known: {', '.join(sorted(canon))})")
            if not isinstance(value, str) or not value or "\x00" in value:
                raise ConfigError(f"columns.{table}.{key}: expected a column name, got {value!r}")


def _validate_gates(specs: tuple[str, ...]) -> None:
    from .quality import parse

    for spec in specs:
        try:
            parse(spec)
        except ValueError as e:
            raise ConfigError(f"quality.fail_on: {e}") from None


def _validate_clustering(c: ClusteringConfig) -> None:
    from .catalogue import ANGLES

    bad = [a for a in c.angles if a not in ANGLES]
    if bad:
        raise ConfigError(f"clustering.angles: unknown angle(s) {', '.join(bad)} (known: {', '.join(ANGLES)})")
    if not 2 <= c.k_min <= c.k_max:
        raise ConfigError(f"clustering: need 2 <= k_min <= k_max, got {c.k_min}..{c.k_max}")
    for brand, k in [("", c.k), *c.k_by_brand.items()]:
        if k != "auto" and (not isinstance(k, int) or k < 1):
            where = f"clustering.k_by_brand.{brand}" if brand else "clustering.k"
            raise ConfigError(f"{where} must be \"auto\" or a whole number >= 1, got {k!r}")
    if c.method not in ("kmeans", "gmm"):
        raise ConfigError(f"clustering.method must be 'kmeans' or 'gmm', got {c.method!r}")
    checks = {
        "min_share": 0 <= c.min_share < 0.5, "ps_threshold": 0 < c.ps_threshold <= 1,
        "unstable_below": 0 <= c.unstable_below <= 1, "log_skew": c.log_skew >= 0,
        "winsor_low": 0 <= c.winsor_low < c.winsor_high <= 1, "winsor_high": 0 <= c.winsor_low < c.winsor_high <= 1,
        "n_init": c.n_init >= 1, "n_init_resample": c.n_init_resample >= 1, "ps_repeats": c.ps_repeats >= 1, "bootstrap": c.bootstrap >= 0,
        "sweep_sample": c.sweep_sample >= 100, "silhouette_sample": c.silhouette_sample >= 100,
        "bootstrap_sample": c.bootstrap_sample >= 100, "minibatch_above": c.minibatch_above >= 1,
        "min_customers_per_segment": c.min_customers_per_segment >= 2,
    }
    for key, ok in checks.items():
        if not ok:
            raise ConfigError(f"clustering.{key}: value {getattr(c, key)!r} is out of range (see docs/segments.md)")

def validate_screening(s: ScreeningConfig) -> None:
    for key in ("max_missing", "max_mode_share", "max_abs_r", "parallel_quantile"):
        if not 0 <= getattr(s, key) <= 1:
            raise ConfigError(f"screening.{key} must be in [0, 1], got {getattr(s, key)}")
    if s.min_cv < 0:
        raise ConfigError(f"screening.min_cv must be at least 0, got {s.min_cv}")
    if s.correlation not in ("max", "pearson", "spearman"):
        raise ConfigError(f"screening.correlation must be 'max', 'pearson' or 'spearman', got {s.correlation!r}")
    if s.min_pair_rows < 3:
        raise ConfigError(f"screening.min_pair_rows must be at least 3, got {s.min_pair_rows}")
    if not 1 <= s.parallel_iterations <= 10_000:
        raise ConfigError(f"screening.parallel_iterations must be between 1 and 10000, got {s.parallel_iterations}")


def _validate_analyses(cfg: Config) -> None:
    v, c = cfg.value, cfg.churn
    if not 0 <= v.tier_c_below <= v.tier_a_above:
        raise ConfigError(f"value: need 0 <= tier_c_below <= tier_a_above, got {v.tier_c_below} and {v.tier_a_above}")
    if not 0 <= v.card_silver <= v.card_gold <= v.card_diamond:
        raise ConfigError("value: need 0 <= card_silver <= card_gold <= card_diamond, got "
                          f"{v.card_silver}, {v.card_gold}, {v.card_diamond}")
    weights = (v.weight_revenue, v.weight_tenure, v.weight_credit, v.weight_cost)
    if min(weights) < 0 or sum(weights) <= 0:
        raise ConfigError(f"value: score weights must be >= 0 with a positive sum, got {weights}")
    if not 0 < v.top_share < 1:
        raise ConfigError(f"value.top_share must be in (0, 1), got {v.top_share}")
    if not 1 <= v.group_c <= v.group_b <= v.group_a:
        raise ConfigError(f"value: need 1 <= group_c <= group_b <= group_a, got {v.group_c}, {v.group_b}, {v.group_a}")
    for key in ("alert_usage_drop", "warning_usage_drop", "contacts_drop"):
        if not 0 < getattr(c, key) <= 1:
            raise ConfigError(f"churn.{key} must be in (0, 1], got {getattr(c, key)}")
    if c.warning_usage_drop > c.alert_usage_drop:
        raise ConfigError("churn: warning_usage_drop must not exceed alert_usage_drop")
    for key in ("inactive_days", "hotline_calls", "arrears_rising_months", "complaints_min"):
        if getattr(c, key) < 1:
            raise ConfigError(f"churn.{key} must be at least 1, got {getattr(c, key)}")
    if cfg.channels.min_contacts < 1:
        raise ConfigError(f"channels.min_contacts must be at least 1, got {cfg.channels.min_contacts}")
    e = cfg.engine
    if e.name not in ("duckdb", "spark"):
        raise ConfigError(f"engine.name must be 'duckdb' or 'spark', got {e.name!r}")
    bad = [kv for kv in e.spark_conf if "=" not in kv or not kv.split("=", 1)[0].strip()]
    if bad:
        raise ConfigError(f"engine.spark_conf: expected \"key=value\" entries, got {bad[0]!r}")


def from_dict(raw: dict[str, Any], where: str = "config") -> Config:
    sections = {"input": InputConfig, "features": FeatureConfig, "quality": QualityConfig,
                "screening": ScreeningConfig, "clustering": ClusteringConfig, "profiles": ProfileConfig,
                "value": ValueConfig, "churn": ChurnConfig, "channels": ChannelConfig, "engine": EngineConfig}
    values: dict[str, Any] = {}
    for key, value in raw.items():
        if key == "columns":
            if not isinstance(value, dict) or not all(isinstance(v, dict) for v in value.values()):
                raise ConfigError(f"{where}: [columns.<table>] must map canonical names to your column names")
            values["columns"] = {t: dict(m) for t, m in value.items()}
        elif key in sections:
            values[key] = _section(sections[key], value, f"{where}: [{key}]")
        else:
            raise ConfigError(f"{where}: unknown section [{key}] (known: columns, {', '.join(sections)})")
    cfg = Config(**values)
    validate(cfg)
    return cfg


def load(path: Path | None) -> Config:
    """Read a TOML config; ``None`` gives the defaults."""
    if path is None:
        return Config()
    try:
        raw = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"config file not found: {path}") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as e:
        raise ConfigError(f"{path}: not valid TOML: {e}") from None
    return from_dict(raw, str(path))
