"""Segment names set by hand: ``--names names.toml`` (run, cluster, profile).

One table per brand (``[all]`` for a table segmented without a brand column), segment
number = name::

    [GoTone]
    1 = "Night owls"
    2 = "Heavy data, few calls"

    ["M-Zone"]
    3 = "Students"

A name given replaces the generated one everywhere the run writes it: profiles.json,
model.json, model.sql, assignments.parquet and so the report. A brand or segment the run
does not have is a warning naming it (its name is not used): a names file is meant to be
kept from month to month, when k may change. A file that cannot be read, a key that is
not a segment number or a name that is empty or repeated in a brand is an error (exit 3).
"""

from __future__ import annotations

import tomllib
from pathlib import Path

from .errors import InputError

Names = dict[str, dict[int, str]]


def load(path: Path | None) -> Names:
    """brand -> segment number -> name; ``{}`` without a file."""
    if path is None:
        return {}
    path = Path(path)
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8-sig"))
    except FileNotFoundError:
        raise InputError(f"names file not found: {path}") from None
    except IsADirectoryError:
        raise InputError(f"names file {path} is a folder") from None
    except UnicodeDecodeError as e:
        raise InputError(f"{path}: not valid UTF-8 (a TOML file must be UTF-8): byte {e.start}") from None
    except tomllib.TOMLDecodeError as e:
        raise InputError(f"{path}: not valid TOML: {e}") from None
    out: Names = {}
    for brand, table in raw.items():
        if not isinstance(table, dict):
            raise InputError(f"{path}: {brand!r} must be a table [brand] of segment number = \"name\"")
        names: dict[int, str] = {}
        for key, name in table.items():
            if not key.isdigit() or int(key) < 1:
                raise InputError(f"{path}: [{brand}] {key!r} is not a segment number (1, 2, ...)")
            if not isinstance(name, str) or not name.strip():
                raise InputError(f"{path}: [{brand}] {key}: the name must be non-empty text, got {name!r}")
            if name in names.values():
                raise InputError(f"{path}: [{brand}] name {name!r} is given to two segments")
            names[int(key)] = name
        out[str(brand)] = names
    return out


def apply(given: Names, brand: str, numbers: list[int], names: list[str]) -> list[str]:
    """The names of one brand's segments (``numbers[s]`` named ``names[s]``) with the given
    ones in place; a generated name equal to a given one gets a " (2)"."""
    mine = given.get(brand, {})
    out = [mine.get(n, name) for n, name in zip(numbers, names)]
    for s, n in enumerate(numbers):
        if n not in mine:
            base, count = out[s], 1
            while out[s] in out[:s] + out[s + 1:]:
                count += 1
                out[s] = f"{base} ({count})"
    return out


def unused(given: Names, segments: dict[str, list[int]], path: Path | None) -> list[str]:
    """Warnings for the names of brands or segments not in ``segments`` (brand -> numbers)."""
    out = []
    for brand, names in given.items():
        if brand not in segments:
            out.append(f"{path}: brand {brand!r} is not in the run (brands: {', '.join(map(repr, segments))}); "
                       "its names are not used")
            continue
        extra = sorted(set(names) - set(segments[brand]))
        if extra:
            out.append(f"{path}: [{brand}] has no segment {', '.join(map(str, extra))} (segments: "
                       f"{', '.join(map(str, segments[brand]))}); the name is not used")
    return out


def rename_profiles(profiles: dict, given: Names) -> dict:
    """profiles.json (or its shown part) with the given names in place."""
    for brand, b in profiles["brands"].items():
        numbers = [s["segment"] for s in b["segments"]]
        for s, name in zip(b["segments"], apply(given, brand, numbers, [s["name"] for s in b["segments"]])):
            s["name"] = name
    return profiles
