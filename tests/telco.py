"""A small table shaped like the public IBM Telco customer churn table (built here, never the
public file): a text id, Yes/No churn, 0/1 and Yes/No flags, contract, internet service,
payment method, tenure, monthly and total charges (blank for new customers, as in the original)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import polars as pl

CONTRACTS = ("Month-to-month", "One year", "Two year")
INTERNET = ("DSL", "Fiber optic", "No")
PAYMENT = ("Electronic check", "Mailed check", "Bank transfer (automatic)", "Credit card (automatic)")
FAST = "[clustering]\nbootstrap = 2\nps_repeats = 2\nn_init = 3\nn_init_resample = 2\nk_max = 4\n"


def telco(n: int = 600, seed: int = 0, churn_numeric: bool = False) -> pl.DataFrame:
    rng = np.random.default_rng(seed)
    contract = rng.choice(CONTRACTS, n, p=[0.55, 0.25, 0.2])
    short = contract == "Month-to-month"
    # two behaviours per contract: long-standing customers and new ones
    loyal = rng.random(n) < 0.5
    tenure = np.where(loyal, rng.integers(40, 72, n), rng.integers(0, 12, n))
    internet = rng.choice(INTERNET, n, p=[0.35, 0.45, 0.2])
    base = np.select([internet == "Fiber optic", internet == "DSL"], [85.0, 55.0], 20.0)
    monthly = np.round(base + rng.normal(0, 6, n), 2)
    total = np.where(tenure == 0, np.nan, np.round(monthly * np.maximum(tenure, 1) + rng.normal(0, 20, n), 2))
    payment = np.where(loyal & (rng.random(n) < 0.6), rng.choice(PAYMENT[2:], n), rng.choice(PAYMENT, n))
    churned = rng.random(n) < np.where(short & ~loyal, 0.55, 0.08)
    return pl.DataFrame({
        "customer_id": [f"{i:04d}-{chr(65 + i % 26)}{chr(65 + i // 26 % 26)}XYZ" for i in range(n)],
        "gender": rng.choice(["Female", "Male"], n),
        "senior_citizen": (rng.random(n) < 0.16).astype(np.int64),
        "partner": rng.choice(["Yes", "No"], n),
        "dependents": rng.choice(["Yes", "No"], n, p=[0.3, 0.7]),
        "tenure": tenure.astype(np.int64),
        "phone_service": rng.choice(["Yes", "No"], n, p=[0.9, 0.1]),
        "internet_service": internet,
        "contract": contract,
        "paperless_billing": rng.choice(["Yes", "No"], n),
        "payment_method": payment,
        "monthly_charges": monthly,
        "total_charges": pl.Series(total).fill_nan(None),
        "churn": churned.astype(np.int64) if churn_numeric else np.where(churned, "Yes", "No"),
    })


def write(folder: Path, name: str = "telco.csv", **kw) -> Path:
    path = Path(folder) / name
    telco(**kw).write_csv(path)
    return path
