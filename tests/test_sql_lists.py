"""The lists SQL must spell out literally (channels, services, value levels) are the
Python lists, defined once in segment.schema and segment.value."""

from __future__ import annotations

import re

import pytest

from segment import sql, value
from segment.schema import CHANNELS, FEES, SERVICES


def text(name: str) -> str:
    """The query without its comments."""
    return "\n".join(line.split("--", 1)[0] for line in sql.load(name).splitlines())


def case_labels(name: str, alias: str) -> list[str]:
    """The labels a ``case ... end as <alias>`` assigns, in order (then ..., else ...)."""
    blocks = re.findall(r"\bcase\b((?:(?!\bcase\b).)*?)\bend as " + alias + r"\b", text(name), re.S)
    assert len(blocks) == 1, (name, alias)
    return re.findall(r"(?:then|else) '(\w+)'", blocks[0])


def test_channel_counts_are_the_schema_channels():
    counts = re.findall(r"filter \(where channel = '(\w+)'\) as (\w+)", text("24_service_contacts"))
    assert [c for c, _ in counts] == [a for _, a in counts] == list(CHANNELS)


def test_channel_preference_lists_the_schema_channels():
    q = text("60_channels")
    assert re.findall(r"^\s+k\.(\w+),$", q, re.M) == list(CHANNELS)
    assert re.findall(r"coalesce\(([^)]*), 0\) as contacts\b", q) == [" + ".join(f"k.{c}" for c in CHANNELS)]
    assert re.findall(r"greatest\(([^)]*)\) as top\b", q) == [", ".join(f"k.{c}" for c in CHANNELS)]
    assert re.findall(r"(\w+) / nullif\(contacts, 0\) as share_(\w+)", q) == [(c, c) for c in CHANNELS]
    assert re.findall(r"when (\w+) = top then '(\w+)'", q) == [(c, c) for c in CHANNELS[:-1]]
    assert case_labels("60_channels", "preferred_channel") == ["none", *CHANNELS]


def test_contact_indicators_are_the_schema_channels():
    got = re.findall(r"coalesce\(sc\.(\w+), 0\) / \$months as contacts_(\w+)", text("40_features"))
    assert got == [("contacts", "total"), *((c, c) for c in CHANNELS)]


@pytest.mark.parametrize("name", sql.names())
def test_every_service_list_follows_the_schema(name):
    for found in re.findall(r"service in \(([^)]*)\)", text(name)):
        services = re.findall(r"'(\w+)'", found)
        assert services == [s for s in SERVICES if s in services], (name, found)


def test_value_levels_are_the_python_lists():
    assert case_labels(value.QUERY, "arpu_tier") == list(value.TIERS)
    assert case_labels(value.QUERY, "card_tier") == list(value.CARDS)
    assert case_labels(value.QUERY, "group_class") == list(value.GROUP_CLASSES)


def test_required_values_audit_covers_the_schema_required_columns():
    from segment.schema import TABLES

    q = text("audit_required_values")
    audited = dict(re.findall(r"from (\w+) unpivot \(empty_rows for column_name in \(([^)]*)\)\)", q))
    assert audited.keys() == {"customers", "billing"}  # cdr's: 22_cdr_summary
    for table, cols in audited.items():
        assert cols.split(", ") == [c.name for c in TABLES[table].columns if c.required]


def test_fee_shares_are_the_schema_fees():
    q = text("40_features")
    shares = re.findall(r"cast\(b\.(\w+) as double\) / nullif\(cast\(b\.total_fee \+ b\.discount as double\), 0\) as (\w+)_share\b", q)
    assert shares == [(f, f) for f in FEES]
    summed = re.findall(r"sum\((\w+_fee)\) as (\w+)", q)
    assert [f for f, _ in summed if f != "total_fee"] == list(FEES)
