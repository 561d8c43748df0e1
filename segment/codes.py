"""Code lists: the values a coded column may hold, and an operator's own codes mapped onto them.

A coded column (``cdr.service``, ``cdr.direction``, ``interactions.channel`` ... : the
columns of :mod:`segment.schema` with ``codes``) holds one of its canonical values. An
extract that writes ``VOICE`` or ``语音`` for ``voice`` maps its codes in the config::

    [values.cdr.service]        # canonical = "your code" or ["your codes", ...]
    voice = ["VOICE", "语音"]
    data = "GPRS"

Staging replaces each code by its canonical value; a canonical value written as such is
kept. Values outside the list are counted and reported per column (docs/inputs.md).
"""

from __future__ import annotations

from typing import Any

from .errors import ConfigError
from .schema import TABLES, coded_columns

# (table, column) -> the canonical values
CODES: dict[tuple[str, str], tuple[str, ...]] = {(t, c.name): c.codes for t, c in coded_columns()}

Values = dict[str, dict[str, dict[str, tuple[str, ...]]]]  # table -> column -> canonical -> codes


def parse(raw: Any, where: str) -> Values:
    """The ``[values]`` section as table -> column -> canonical -> codes; ConfigError on a bad shape."""
    shape = f"{where}: [values.<table>.<column>] maps canonical values to your codes, e.g. voice = [\"VOICE\"]"
    if not isinstance(raw, dict):
        raise ConfigError(shape)
    out: Values = {}
    for table, columns in raw.items():
        if not isinstance(columns, dict) or not all(isinstance(m, dict) for m in columns.values()):
            raise ConfigError(shape)
        for column, mapping in columns.items():
            for canonical, codes in mapping.items():
                codes = [codes] if isinstance(codes, str) else codes
                if not isinstance(codes, list) or not codes or not all(isinstance(c, str) for c in codes):
                    raise ConfigError(f"{where}: values.{table}.{column}.{canonical}: expected a code or a "
                                      f"list of codes (strings), got {mapping[canonical]!r}")
                out.setdefault(table, {}).setdefault(column, {})[canonical] = tuple(codes)
    return out


def validate(values: Values) -> None:
    """Known tables and coded columns, canonical values of the list, each code mapped once."""
    for table, columns in values.items():
        if table not in TABLES:
            raise ConfigError(f"values.{table}: unknown table (known: {', '.join(TABLES)})")
        for column, mapping in columns.items():
            codes = CODES.get((table, column))
            if codes is None:
                coded = ", ".join(c for t, c in CODES if t == table) or "none"
                raise ConfigError(f"values.{table}.{column}: not a coded column (coded columns of {table}: {coded})")
            seen: dict[str, str] = {}
            for canonical, yours in mapping.items():
                if canonical not in codes:
                    raise ConfigError(f"values.{table}.{column}.{canonical}: unknown value "
                                      f"(the values of {table}.{column}: {', '.join(codes)})")
                for code in yours:
                    if code == "" or "\x00" in code:
                        raise ConfigError(f"values.{table}.{column}.{canonical}: a code must be a non-empty "
                                          f"string, got {code!r}")
                    if seen.get(code, canonical) != canonical:
                        raise ConfigError(f"values.{table}.{column}: code {code!r} is mapped to both "
                                          f"{seen[code]} and {canonical}")
                    seen[code] = canonical


def mapping(values: Values, table: str, column: str) -> dict[str, str]:
    """Your code -> canonical value for one column (empty when nothing is mapped)."""
    return {code: canonical for canonical, codes in values.get(table, {}).get(column, {}).items()
            for code in codes}


def hint(table: str, column: str, seen: list[str]) -> str:
    """What to write in the config to map an operator's codes: ``[values.cdr.service] voice = ["..."]``."""
    return f"map your codes in the config: [values.{table}.{column}] {CODES[(table, column)][0]} = [\"...\"], ..."
