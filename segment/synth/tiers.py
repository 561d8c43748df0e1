"""Expected monthly bill of each customer, and the value tiers planted from it."""

from __future__ import annotations

from functools import lru_cache
from types import SimpleNamespace

import numpy as np

from .params import (
    CALL_SIGMA, FACE_VALUES, MAX_CALL_S, P_VAS_STANDARD, PLAN_FEE, PLAN_MB, PLAN_MINUTES, PLAN_SMS, R_INTL_MB,
    R_INTL_MIN, R_INTL_SMS, R_MB, R_OFF, R_ON, R_ROAM, R_SMS, RATES, SESSION_SIGMA, SIGMA_MONTH, TIER_A, TIER_C,
    TIER_MARGIN_ABS, TIER_MARGIN_REL, TIER_MAX_NUDGE, VAS_OTHER, VAS_STANDARD,
)
from .tariff import discount_rate


@lru_cache(maxsize=1)
def _minute_moments_table() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """E[ceil(D/60)] and E[ceil(D/60)^2] for a lognormal call length D, by its mean."""
    means = np.geomspace(1.0, 20000.0, 400)
    z = np.linspace(-7, 7, 2801)
    wz = np.exp(-0.5 * z * z)
    wz /= wz.sum()
    d = np.exp(np.log(means)[:, None] - 0.5 * CALL_SIGMA ** 2 + CALL_SIGMA * z[None, :])
    d = np.clip(np.rint(d), 1, MAX_CALL_S)
    mins = np.ceil(d / 60.0)
    return np.log(means), (mins * wz).sum(1), (mins * mins * wz).sum(1)


def _minute_moments(mean_s: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    lg, m1, m2 = _minute_moments_table()
    x = np.log(mean_s)
    return np.interp(x, lg, m1), np.interp(x, lg, m2)


def _norm_cdf(x: np.ndarray) -> np.ndarray:
    # Abramowitz-Stegun 7.1.26 erf approximation (|error| < 1.5e-7); no scipy needed.
    t = 1.0 / (1.0 + 0.3275911 * np.abs(x) / np.sqrt(2))
    poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))))
    erf = 1.0 - poly * np.exp(-x * x / 2)
    return 0.5 * (1.0 + np.sign(x) * erf)


def _expected_excess(mu: np.ndarray, var: np.ndarray, allowance: np.ndarray) -> np.ndarray:
    """E[max(0, X - A)] for X ~ Normal(mu, var): overage beyond the plan allowance."""
    sd = np.sqrt(np.maximum(var, 1e-12))
    z = (mu - allowance) / sd
    ex = (mu - allowance) * _norm_cdf(z) + sd * np.exp(-0.5 * z * z) / np.sqrt(2 * np.pi)
    return np.where(allowance <= 0, mu, np.maximum(ex, 0.0))


def _expected_fee(P: SimpleNamespace, idx: np.ndarray, s: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Expected window-average monthly total_fee and its usage-driven part."""
    plan = P.plan[idx]
    fee = PLAN_FEE[plan][:, None]
    a_min = PLAN_MINUTES[plan][:, None]
    a_sms = PLAN_SMS[plan][:, None]
    a_mb = PLAN_MB[plan][:, None]
    rt = RATES[P.brand[idx]]
    r = P.rates[idx]
    roam, intl = P.roam[idx][:, None], P.intl[idx][:, None]
    home = np.clip(1 - roam - intl, 0, 1)
    q = s[:, None] * P.leave_f[idx] * P.frac[idx]
    mv = np.exp(SIGMA_MONTH ** 2) - 1  # month-noise variance of a mean-one multiplier
    m1, m2 = _minute_moments(P.dur[idx])
    m1, m2 = m1[:, None], m2[:, None]
    mb1 = (P.kb[idx] / 1024.0)[:, None]
    mb2 = mb1 * mb1 * np.exp(SESSION_SIGMA ** 2)

    lam = r[:, 0:1] * q * home
    mu = lam * m1
    voice_rate = (P.onnet_w[idx] * rt[:, R_ON] + (1 - P.onnet_w[idx]) * rt[:, R_OFF])[:, None]
    voice = voice_rate * _expected_excess(mu, lam * m2 + mu * mu * mv, a_min)
    lam = r[:, 2:3] * q * (1 - intl)
    sms = rt[:, R_SMS:R_SMS + 1] * _expected_excess(lam, lam + lam * lam * mv, a_sms)
    lam = r[:, 4:5] * q * (1 - intl)
    mu = lam * mb1
    data = rt[:, R_MB:R_MB + 1] * _expected_excess(mu, lam * mb2 + mu * mu * mv, a_mb)
    roaming = q * (r[:, 0:1] * roam * m1 * rt[:, R_ROAM:R_ROAM + 1]
                   + (r[:, 0:1] + r[:, 1:2]) * intl * m1 * rt[:, R_INTL_MIN:R_INTL_MIN + 1]
                   + r[:, 2:3] * intl * rt[:, R_INTL_SMS:R_INTL_SMS + 1]
                   + r[:, 4:5] * intl * mb1 * rt[:, R_INTL_MB:R_INTL_MB + 1])
    package = fee * P.frac[idx]
    disc = discount_rate(P, idx)[:, None] * package
    vas = P_VAS_STANDARD * VAS_STANDARD + (1 - P_VAS_STANDARD) * np.mean(VAS_OTHER)
    usage = voice + sms + data + roaming
    billed = P.billed[idx]
    nb = np.maximum(billed.sum(1), 1)
    total = ((package + vas - disc + usage) * billed).sum(1) / nb
    return total, (usage * billed).sum(1) / nb


def plant(P: SimpleNamespace) -> None:
    """Tier from the expected bill; activity of near-boundary customers is nudged clear of it."""
    idx = np.arange(P.n)
    total, usage = _expected_fee(P, idx, P.s)
    nb = np.maximum(P.billed.sum(1), 1)
    margin = TIER_MARGIN_ABS + TIER_MARGIN_REL * usage / np.sqrt(nb)
    for bound in (TIER_C, TIER_A):
        near = np.flatnonzero(np.abs(total - bound) < margin)
        if len(near) == 0:
            continue
        target = np.where(total[near] < bound, bound - margin[near], bound + margin[near])
        lo = np.log(P.s[near]) - TIER_MAX_NUDGE
        hi = np.log(P.s[near]) + TIER_MAX_NUDGE
        for _ in range(30):  # vectorized bisection on log activity
            mid = 0.5 * (lo + hi)
            t, _u = _expected_fee(P, near, np.exp(mid))
            below = t < target
            lo = np.where(below, mid, lo)
            hi = np.where(below, hi, mid)
        s_new = np.exp(0.5 * (lo + hi))
        reached = np.abs(_expected_fee(P, near, s_new)[0] - target) < 0.5
        # Bills that barely depend on usage cannot be moved; leave those alone.
        P.s[near[reached]] = s_new[reached]
        total, usage = _expected_fee(P, idx, P.s)
    P.expected_fee = total
    P.tier = np.where(total > TIER_A, 0, np.where(total >= TIER_C, 1, 2)).astype(np.int8)
    # Prepaid face value: a card worth a fraction of the expected bill.
    want = total * P.face_u
    P.face = FACE_VALUES[np.argmin(np.abs(FACE_VALUES[None, :] - want[:, None]), axis=1)]
