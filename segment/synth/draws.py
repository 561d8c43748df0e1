"""Random draws shared by the stages: mean-one lognormal noise and categorical picks."""

from __future__ import annotations

import numpy as np


def lognormal(rng: np.random.Generator, sigma: float, size) -> np.ndarray:
    """Mean-one lognormal noise, so group parameters stay the population means."""
    return np.exp(rng.normal(-0.5 * sigma * sigma, sigma, size))


def pick(rng: np.random.Generator, probs: np.ndarray, size: int) -> np.ndarray:
    """Categorical draws from one probability vector."""
    cum = np.cumsum(probs)
    return np.minimum(np.searchsorted(cum / cum[-1], rng.random(size), side="right"), len(probs) - 1)


def pick_rows(rng: np.random.Generator, probs: np.ndarray) -> np.ndarray:
    """One categorical draw per row of a probability matrix."""
    cum = np.cumsum(probs, axis=1)
    return np.minimum((cum < rng.random(len(probs))[:, None] * cum[:, -1:]).sum(1), probs.shape[1] - 1).astype(np.int8)
