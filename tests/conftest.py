"""Shared fixtures."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))  # so tests can import tables.py

from tables import tiny_tables, write_tables  # noqa: E402


@pytest.fixture
def tiny(tmp_path: Path) -> Path:
    return write_tables(tmp_path / "tiny", tiny_tables())
