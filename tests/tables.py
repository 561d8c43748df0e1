"""Tiny extracts written as CSV, small enough to check by hand."""

from __future__ import annotations

import csv
from pathlib import Path

CUSTOMERS_HEADER = ["customer_id", "brand", "activation_date", "birth_year", "gender", "plan_id",
                    "group_id", "credit_level", "churn_date"]
CDR_HEADER = ["customer_id", "start_time", "service", "direction", "peer_id", "peer_network",
              "duration_s", "volume_kb", "charge", "roaming", "cell_id"]
BILLING_HEADER = ["customer_id", "bill_month", "total_fee", "package_fee", "voice_fee", "sms_fee",
                  "data_fee", "vas_fee", "roaming_fee", "discount", "overdue_days", "arrears"]


def write_csv(path: Path, header: list[str], rows: list[list], encoding: str = "utf-8", delimiter: str = ",") -> Path:
    with open(path, "w", newline="", encoding=encoding) as f:
        w = csv.writer(f, delimiter=delimiter, lineterminator="\n")
        w.writerow(header)
        for r in rows:
            w.writerow(["" if v is None else v for v in r])
    return path


def tiny_tables() -> dict[str, tuple[list[str], list[list]]]:
    """Two customers, three months (2026-06..08); every value below is checked by hand in tests."""
    customers = [
        [1, "GoTone", "2020-01-15", 1980, "M", "P1", "G1", 5, None],
        [2, "Easyown", "2026-01-01", None, "F", "P2", None, 3, None],
    ]
    cdr = [
        # customer 1: two calls with peer a (one out, one in), one with b; an SMS; a data session
        [1, "2026-06-01 07:00:00", "voice", "out", "a", "onnet", 60, None, 0.5, "none", 1],
        [1, "2026-06-01 07:00:01", "voice", "in", "a", "onnet", 120, None, 0, "none", 1],
        [1, "2026-06-02 19:00:00", "voice", "out", "b", "offnet", 30, None, 0.3, "none", 1],
        [1, "2026-07-03 12:00:00", "sms", "out", "a", "onnet", None, None, 0.1, "none", 1],
        [1, "2026-08-03 12:00:00", "data", None, None, None, None, 2048, 0.2, "domestic", 1],
        # customer 2: one call a month to the same peer
        [2, "2026-06-01 10:00:00", "voice", "out", "c", "offnet", 10, None, 0.1, "none", 2],
        [2, "2026-07-01 10:00:00", "voice", "out", "c", "offnet", 10, None, 0.1, "none", 2],
        [2, "2026-08-01 10:00:00", "voice", "out", "c", "offnet", 600, None, 0.1, "none", 2],
    ]
    billing = [
        [1, "2026-06", 100, 80, 20, 0, 0, 0, 0, 0, 0, 0],
        [1, "2026-07", 110, 80, 30, 0, 0, 0, 0, 10, 0, 0],
        [1, "2026-08", 90, 80, 10, 0, 0, 0, 0, 0, 0, 0],
        [2, "2026-06", 10, 10, 0, 0, 0, 0, 0, 0, 2, 5],
        [2, "2026-07", 10, 10, 0, 0, 0, 0, 0, 0, 0, 0],
        [2, "2026-08", 10, 10, 0, 0, 0, 0, 0, 0, 0, 0],
    ]
    return {
        "customers": (CUSTOMERS_HEADER, customers),
        "cdr": (CDR_HEADER, cdr),
        "billing": (BILLING_HEADER, billing),
    }


def write_tables(folder: Path, tables: dict[str, tuple[list[str], list[list]]], **kw) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, (header, rows) in tables.items():
        write_csv(folder / f"{name}.csv", header, rows, **kw)
    return folder
