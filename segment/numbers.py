"""Rounding for reports: the one helper every JSON document and table goes through."""

from __future__ import annotations

import math
from decimal import Decimal
from typing import Any

import numpy as np


def sig(x: Any, digits: int = 6) -> Any:
    """Floats (and decimals) rounded to ``digits`` significant digits, as float; NaN and infinities as None;
    dicts and lists rounded element by element; numpy integers as int; anything else as is.

    Reports are rounded so that the last bits of a parallel float sum never reach them.
    """
    if isinstance(x, (float, np.floating, Decimal)):
        x = float(x)
        return float(f"{x:.{digits}g}") if math.isfinite(x) else None
    if isinstance(x, dict):
        return {k: sig(v, digits) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [sig(v, digits) for v in x]
    if isinstance(x, np.integer):
        return int(x)
    return x


def money_text(x: Any) -> str:
    """An amount for a message: two decimals, more only when it has them (-1.00, 0.1234)."""
    d = Decimal(str(x))
    cents = d.quantize(Decimal("0.01"))
    return f"{cents if cents == d else d.normalize():f}"


def quoted(value: Any) -> str:
    """A value for a message: text in single quotes as it is (a backslash stays one), a
    number as it is; ``None`` as (empty)."""
    if value is None:
        return "(empty)"
    if isinstance(value, str):
        return f'"{value}"' if "'" in value else f"'{value}'"
    if isinstance(value, Decimal):
        return money_text(value)
    return str(value)
