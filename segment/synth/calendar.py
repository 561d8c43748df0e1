"""The generated window: its calendar months as day numbers (days since 1970-01-01)."""

from __future__ import annotations

import re
from typing import NamedTuple

import numpy as np


class Window(NamedTuple):
    labels: tuple[str, ...]  # 'YYYY-MM'
    month_start: np.ndarray  # int64 days since epoch, per month
    month_days: np.ndarray  # int64 days in month
    start: int  # first day (days since epoch)
    end: int  # day after the last day


def window(end_month: str, months: int) -> Window:
    """The ``months`` calendar months ending with ``end_month`` ('YYYY-MM')."""
    m = re.fullmatch(r"(\d{4})-(\d{2})", end_month) if isinstance(end_month, str) else None
    if not m or not 1 <= int(m.group(2)) <= 12 or not 1900 <= int(m.group(1)) <= 9000:
        raise ValueError(f"end_month must look like 'YYYY-MM' (e.g. 2026-08), got {end_month!r}")
    last = np.datetime64(end_month, "M")
    first_days = np.arange(last - (months - 1), last + 2).astype("datetime64[D]").astype(np.int64)
    labels = tuple(str(x) for x in np.arange(last - (months - 1), last + 1))
    return Window(labels, first_days[:-1], np.diff(first_days), int(first_days[0]), int(first_days[-1]))


def weekday(days: np.ndarray) -> np.ndarray:
    """0 = Monday ... 6 = Sunday (1970-01-01 was a Thursday)."""
    return (days + 3) % 7
