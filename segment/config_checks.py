"""Validation of the clustering and analysis sections of the config (segment/config.py
calls them from ``validate``); each failure is a ConfigError naming the setting."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .errors import ConfigError

if TYPE_CHECKING:
    from .config import ClusteringConfig, Config


def validate_clustering(c: ClusteringConfig) -> None:
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


def validate_analyses(cfg: Config) -> None:
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
