"""Checking a configuration: every value in its range, every name known. Called by
:mod:`segment.config` whenever a Config is made or changed, so a bad value is a
ConfigError (exit 3) naming the setting, never a wrong result later."""

from __future__ import annotations

from typing import TYPE_CHECKING

from . import codes
from .errors import ConfigError
from .schema import TABLES

if TYPE_CHECKING:
    from .config import ClusteringConfig, Config, QualityConfig, ScreeningConfig

from .config import _MONTH, _TIME, MAX_MONTHS, POPULATIONS  # noqa: E402  (config is loaded first)


def validate(cfg: Config) -> None:
    f = cfg.features
    if f.months < 1 or f.months > MAX_MONTHS:
        raise ConfigError(f"features.months must be between 1 and {MAX_MONTHS}, got {f.months}")
    if f.end_month and not _MONTH.match(f.end_month):
        raise ConfigError(f"features.end_month must look like YYYY-MM, got {f.end_month!r}")
    if f.population not in POPULATIONS:
        raise ConfigError(f"features.population must be 'stable' or 'all', got {f.population!r}")
    for key in ("night_start", "night_end"):
        if not _TIME.match(getattr(f, key)):
            raise ConfigError(f"features.{key} must look like HH:MM:SS, got {getattr(f, key)!r}")
    if not 0 < f.pareto_share <= 1:
        raise ConfigError(f"features.pareto_share must be in (0, 1], got {f.pareto_share}")
    if f.long_call_s < 1:
        raise ConfigError(f"features.long_call_s must be at least 1, got {f.long_call_s}")
    validate_screening(cfg.screening)
    _validate_quality(cfg.quality)
    _validate_gates(cfg.quality.fail_on)
    _validate_clustering(cfg.clustering)
    if cfg.profiles.key_indicators < 1 or not 1 <= cfg.profiles.name_terms <= 5:
        raise ConfigError("profiles.key_indicators must be >= 1 and profiles.name_terms in 1..5")
    if cfg.profiles.name_min_effect < 0 or cfg.profiles.name_min_index_gap < 0:
        raise ConfigError("profiles.name_min_effect and profiles.name_min_index_gap must be >= 0")
    if cfg.input.time_zone:
        import zoneinfo

        try:
            zoneinfo.ZoneInfo(cfg.input.time_zone)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            raise ConfigError(f"input.time_zone: unknown time zone {cfg.input.time_zone!r} (an IANA name, e.g. "
                              "\"Asia/Shanghai\")") from None
    if not 1 <= cfg.profiles.top_categories <= 50:
        raise ConfigError(f"profiles.top_categories must be in 1..50, got {cfg.profiles.top_categories}")
    try:
        "x".encode(cfg.input.encoding)
    except LookupError:
        raise ConfigError(f"input.encoding: unknown encoding {cfg.input.encoding!r}") from None
    _validate_analyses(cfg)
    if len(cfg.input.delimiter) != 1 or cfg.input.delimiter in "\r\n\"":
        raise ConfigError(f"input.delimiter must be one character (not a quote or line end), got {cfg.input.delimiter!r}")
    bad = [v for v in cfg.input.null_values if "\x00" in v or "\n" in v or "\r" in v]
    if bad:
        raise ConfigError(f"input.null_values: a null marker cannot hold a line end or NUL, got {bad[0]!r}")
    codes.validate(cfg.values)
    for table, mapping in cfg.columns.items():
        if table not in TABLES:
            raise ConfigError(f"columns.{table}: unknown table (known: {', '.join(TABLES)})")
        canon = {c.name for c in TABLES[table].columns}
        for key, value in mapping.items():
            if key not in canon:
                raise ConfigError(f"columns.{table}.{key}: unknown column (known: {', '.join(sorted(canon))})")
            if not isinstance(value, str) or not value or "\x00" in value:
                raise ConfigError(f"columns.{table}.{key}: expected a column name, got {value!r}")
        readers: dict[str, str] = {}
        for key, value in mapping.items():
            other = readers.setdefault(value.lower(), key)  # DuckDB names ignore case
            if other != key:
                raise ConfigError(f"columns.{table}: {other} and {key} are both mapped to column {value!r}; "
                                  "a column can be read as one canonical column only")


def _validate_quality(q: QualityConfig) -> None:
    if not 0 <= q.max_unknown_customer_share <= 1:
        raise ConfigError("quality.max_unknown_customer_share must be in [0, 1]")
    if not 0 <= q.min_onnet_peer_share <= 1:
        raise ConfigError("quality.min_onnet_peer_share must be in [0, 1]")
    if not 0 <= q.min_mean_call_s < q.max_mean_call_s:
        raise ConfigError(f"quality: need 0 <= min_mean_call_s < max_mean_call_s, got {q.min_mean_call_s} "
                          f"and {q.max_mean_call_s}")
    if q.max_mean_session_kb <= 0 or not 1000 <= q.birth_year_min <= 2100:
        raise ConfigError(f"quality: need max_mean_session_kb > 0 and 1000 <= birth_year_min <= 2100, got "
                          f"{q.max_mean_session_kb} and {q.birth_year_min}")
    for key in ("plausible_min_rows", "duplicate_check_max_rows"):
        if getattr(q, key) < 0:
            raise ConfigError(f"quality.{key} must be at least 0, got {getattr(q, key)}")


def _validate_gates(specs: tuple[str, ...]) -> None:
    from .quality import parse

    for spec in specs:
        try:
            parse(spec)
        except ValueError as e:
            raise ConfigError(f"quality.fail_on: {e}") from None


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
    _validate_roles(c)
    for key, allowed in (("method", ("kmeans", "gmm")), ("metric", ("within", "euclidean")),
                         ("categorical", ("none", "onehot")),
                         ("variables", ("screened", "kept")), ("ps_statistic", ("median", "mean"))):
        if getattr(c, key) not in allowed:
            raise ConfigError(f"clustering.{key} must be {' or '.join(map(repr, allowed))}, got {getattr(c, key)!r}")
    checks = {
        "min_share": 0 <= c.min_share < 0.5, "ps_threshold": 0 < c.ps_threshold <= 1, "ps_repeats": c.ps_repeats >= 1,
        "unstable_below": 0 <= c.unstable_below <= 1, "log_skew": c.log_skew >= 0, "min_distinct": c.min_distinct >= 2,
        "winsor_low": 0 <= c.winsor_low < c.winsor_high <= 1, "winsor_high": 0 <= c.winsor_low < c.winsor_high <= 1,
        "n_init": c.n_init >= 1, "n_init_resample": c.n_init_resample >= 1, "bootstrap": c.bootstrap >= 0,
        "sweep_sample": c.sweep_sample >= 100, "silhouette_sample": c.silhouette_sample >= 100,
        "bootstrap_sample": c.bootstrap_sample >= 100, "minibatch_above": c.minibatch_above >= 1,
        "min_customers_per_segment": c.min_customers_per_segment >= 2, "within_ridge": 0 < c.within_ridge <= 10,
    }
    _in_range("clustering", c, checks)


def _validate_roles(c: ClusteringConfig) -> None:
    """A column takes one role: include / exclude / profile / outcome / revenue name different columns."""
    lists = {"include": c.include, "exclude": c.exclude, "profile": c.profile, "outcome": c.outcome,
             "revenue": (c.revenue,) if c.revenue else ()}
    seen: dict[str, str] = {}
    for key, names in lists.items():
        for name in names:
            if not name:
                raise ConfigError(f"clustering.{key}: a column name cannot be empty")
            if seen.setdefault(name, key) != key:
                raise ConfigError(f"clustering: column {name!r} is in both {seen[name]} and {key}; give it one role")


def _in_range(section: str, values, checks: dict[str, bool]) -> None:
    for key, ok in checks.items():
        if not ok:
            raise ConfigError(f"{section}.{key}: value {getattr(values, key)!r} is out of range (see docs/segments.md)")


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
    if not 1 <= cfg.rules.max_depth <= 8 or not 0 < cfg.rules.min_leaf_share < 0.5:
        raise ConfigError("rules: need 1 <= max_depth <= 8 and 0 < min_leaf_share < 0.5, got "
                          f"{cfg.rules.max_depth} and {cfg.rules.min_leaf_share}")
    if cfg.channels.min_contacts < 1:
        raise ConfigError(f"channels.min_contacts must be at least 1, got {cfg.channels.min_contacts}")
    t = cfg.tracking
    _in_range("tracking", t, {"min_shared": t.min_shared >= 1, "min_jaccard": 0 < t.min_jaccard <= 1,
                              "psi_bins": 2 <= t.psi_bins <= 100, "psi_alert": t.psi_alert > 0})
    m, r = cfg.multisim, cfg.reentry
    _in_range("multisim", m, {"max_contacts": m.max_contacts >= 2, "max_degree": m.max_degree >= 2,
                              "min_shared": m.min_shared >= 1, "min_jaccard": 0 <= m.min_jaccard <= 1,
                              "min_overlap": 0 <= m.min_overlap <= 1,
                              "offnet_overlap": 0 <= m.offnet_overlap <= 1, "min_shift": -1 <= m.min_shift <= 1,
                              "min_growth_z": 0 <= m.min_growth_z <= 10,
                              "fading_candidate_z": -10 <= m.fading_candidate_z <= m.min_growth_z,
                              "clear_growth_z": m.min_growth_z <= m.clear_growth_z <= 10,
                              "close_jaccard": 0 <= m.close_jaccard <= 1, "fading_overlap": 0 <= m.fading_overlap <= 1,
                              "owner_shift_weight": 0 <= m.owner_shift_weight <= 10})
    _in_range("reentry", r, {"max_gap_days": r.max_gap_days >= 0, "min_shared": r.min_shared >= 1,
                             "min_jaccard": 0 <= r.min_jaccard <= 1, "min_overlap": 0 <= r.min_overlap <= 1})
    e = cfg.engine
    if e.name not in ("duckdb", "spark"):
        raise ConfigError(f"engine.name must be 'duckdb' or 'spark', got {e.name!r}")
    bad = [kv for kv in e.spark_conf if "=" not in kv or not kv.split("=", 1)[0].strip()]
    if bad:
        raise ConfigError(f"engine.spark_conf: expected \"key=value\" entries, got {bad[0]!r}")
