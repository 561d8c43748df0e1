"""Tests of the synthetic extract generator (small sizes; each runs in about a second)."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from segment.synth import GenerateSummary, generate

N = 2000

CUSTOMERS = {
    "customer_id": pa.int64(), "brand": pa.string(), "activation_date": pa.date32(), "birth_year": pa.int32(),
    "gender": pa.string(), "plan_id": pa.string(), "group_id": pa.string(), "credit_level": pa.int8(),
    "churn_date": pa.date32(), "dealer_id": pa.string(),
}
CDR = {
    "customer_id": pa.int64(), "start_time": pa.timestamp("us"), "service": pa.string(), "direction": pa.string(),
    "peer_id": pa.int64(), "peer_network": pa.string(), "duration_s": pa.int32(), "volume_kb": pa.int64(),
    "charge": pa.float64(), "roaming": pa.string(), "cell_id": pa.int32(),
}
FEES = ["total_fee", "package_fee", "voice_fee", "sms_fee", "data_fee", "vas_fee", "roaming_fee", "discount"]
BILLING = {"customer_id": pa.int64(), "bill_month": pa.date32(), **{f: pa.float64() for f in FEES},
           "overdue_days": pa.int32(), "arrears": pa.float64()}
INTERACTIONS = {"customer_id": pa.int64(), "contact_time": pa.timestamp("us"), "channel": pa.string(),
                "purpose": pa.string()}
RECHARGES = {"customer_id": pa.int64(), "recharge_time": pa.timestamp("us"), "amount": pa.float64()}
TRUTH = {
    "customer_id": pa.int64(), "brand": pa.string(), "group": pa.string(), "group_index": pa.int32(),
    "preferred_channel": pa.string(), "planted_tier": pa.string(), "leaving": pa.bool_(), "joined": pa.bool_(),
    "churned": pa.bool_(), "second_phone": pa.int64(), "reentry_of": pa.int64(),
}
SCHEMAS = {"customers": CUSTOMERS, "billing": BILLING, "interactions": INTERACTIONS, "recharges": RECHARGES,
           "truth": TRUTH}


def _run(path: Path, **kw) -> GenerateSummary:
    path.mkdir(parents=True, exist_ok=True)
    kw.setdefault("customers", N)
    kw.setdefault("seed", 3)
    kw.setdefault("chunk_customers", 700)
    return generate(path, **kw)


def _digests(summary: GenerateSummary, root: Path) -> dict[str, str]:
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
            for files in summary.files.values() for p in files}


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    root = tmp_path_factory.mktemp("gen")
    summary = _run(root)
    t = {name: pl.read_parquet(root / f"{name}.parquet") for name in SCHEMAS}
    t["cdr"] = pl.read_parquet(root / "cdr" / "*.parquet")
    return root, summary, t


def test_same_seed_same_bytes_other_seed_differs(tmp_path):
    a = _digests(_run(tmp_path / "a", customers=800, chunk_customers=300), tmp_path / "a")
    b = _digests(_run(tmp_path / "b", customers=800, chunk_customers=300), tmp_path / "b")
    c = _digests(_run(tmp_path / "c", customers=800, chunk_customers=300, seed=4), tmp_path / "c")
    assert len(a) == 5 + 3 and a == b
    assert a.keys() == c.keys()
    assert all(a[k] != c[k] for k in a)


def test_summary_files_and_progress(tmp_path):
    calls = []
    s = _run(tmp_path, customers=500, chunk_customers=200, progress=lambda d, t: calls.append((d, t)))
    assert calls == [(1, 3), (2, 3), (3, 3)]
    assert s.months == ["2026-05", "2026-06", "2026-07", "2026-08"]
    assert [p.name for p in s.files["cdr"]] == ["part-00000.parquet", "part-00001.parquet", "part-00002.parquet"]
    for name, files in s.files.items():
        assert files == sorted(files) and all(p.exists() for p in files)
        assert sum(pq.read_metadata(p).num_rows for p in files) == s.rows[name]
    assert s.rows["customers"] == s.rows["truth"] == 500


def test_brand_shares(tmp_path):
    s = _run(tmp_path, customers=3000, months=1, chunk_customers=3000)
    brands = pl.read_parquet(s.files["customers"][0])["brand"].value_counts(normalize=True)
    share = dict(zip(brands["brand"], brands["proportion"]))
    for brand, want in {"GoTone": 0.15, "M-Zone": 0.30, "Easyown": 0.55}.items():
        assert abs(share[brand] - want) <= 0.03, (brand, share[brand])


def test_parquet_schemas(data):
    root, summary, _ = data
    for name, schema in SCHEMAS.items():
        got = pq.read_schema(root / f"{name}.parquet")
        assert dict(zip(got.names, got.types)) == schema and got.names == list(schema), name
    for part in summary.files["cdr"]:
        got = pq.read_schema(part)
        assert got.names == list(CDR) and dict(zip(got.names, got.types)) == CDR


def test_csv_variant(tmp_path):
    s = _run(tmp_path, customers=300, months=2, end_month="2025-01", fmt="csv", chunk_customers=150)
    assert s.months == ["2024-12", "2025-01"]
    assert all(p.suffix == ".csv" for files in s.files.values() for p in files)
    bill = pl.read_csv(tmp_path / "billing.csv")
    assert bill.columns == list(BILLING)
    assert bill["bill_month"].dtype == pl.String
    assert set(bill["bill_month"]) <= {"2024-12", "2025-01"}
    cdr = pl.read_csv(s.files["cdr"][0], try_parse_dates=True)
    assert cdr.columns == list(CDR)
    assert cdr["start_time"].dtype == pl.Datetime
    header, first = (tmp_path / "customers.csv").read_text(encoding="utf-8").splitlines()[:2]
    assert header == ",".join(CUSTOMERS)
    assert re.match(r"^1,[A-Za-z-]+,\d{4}-\d{2}-\d{2},", first)
    line = s.files["cdr"][0].read_text().splitlines()[1]
    assert re.match(r"^\d+,\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2},", line)
    data_row = next(r for r in s.files["cdr"][0].read_text().splitlines() if ",data," in r)
    assert ",,," in data_row  # direction, peer, network, duration empty for data
    for name in ("interactions", "recharges", "truth"):
        assert pl.read_csv(tmp_path / f"{name}.csv").columns == list(SCHEMAS[name])


def test_bad_arguments(tmp_path):
    for kw, word in [({"customers": 0}, "customers"), ({"customers": 10, "months": 0}, "months"),
                     ({"customers": 10, "fmt": "json"}, "fmt"), ({"customers": 10, "end_month": "2026-13"}, "end_month"),
                     ({"customers": 10, "end_month": "Aug 2026"}, "end_month")]:
        with pytest.raises(ValueError, match=word):
            generate(tmp_path, **kw)


def test_billing_invariants(data):
    _, _, t = data
    b = t["billing"]
    parts = b["package_fee"] + b["voice_fee"] + b["sms_fee"] + b["data_fee"] + b["vas_fee"] + b["roaming_fee"]
    assert ((b["total_fee"] - (parts - b["discount"])).abs() <= 0.01 + 1e-9).all()
    assert all((b[f] >= 0).all() for f in FEES)
    assert (b["vas_fee"] == 5.0).mean() > 0.94
    assert b.select(pl.struct("customer_id", "bill_month").is_unique().all()).item()


def test_cdr_invariants(data):
    root, summary, t = data
    cdr, cust = t["cdr"], t["customers"]
    voice = cdr["service"] == "voice"
    assert (cdr["duration_s"].is_not_null() == voice).all()
    assert (cdr["duration_s"].drop_nulls() >= 1).all()
    assert (cdr["volume_kb"].is_not_null() == (cdr["service"] == "data")).all()
    talk = cdr["service"] != "data"
    for col in ("peer_id", "direction", "peer_network"):
        assert (cdr[col].is_not_null() == talk).all(), col
    assert set(cdr["roaming"].unique()) <= {"none", "domestic", "international"}
    assert (cdr["charge"] >= 0).all() and ((cdr["charge"] * 100 - (cdr["charge"] * 100).round()).abs() < 1e-6).all()
    # Nothing before activation, nothing on or after churn.
    j = cdr.select("customer_id", "start_time").join(cust, on="customer_id")
    day = j["start_time"].dt.date()
    assert (day >= j["activation_date"]).all()
    assert not (day >= j["churn_date"]).fill_null(False).any()
    # Each part sorted by customer then time; customers ordered by id.
    for part in summary.files["cdr"]:
        p = pl.read_parquet(part, columns=["customer_id", "start_time"])
        assert p.equals(p.sort("customer_id", "start_time", maintain_order=True))
    assert cust["customer_id"].to_list() == list(range(1, N + 1))
    assert t["truth"]["customer_id"].to_list() == list(range(1, N + 1))


def test_window_and_life_cycle(data):
    _, _, t = data
    cdr, truth, cust = t["cdr"], t["truth"], t["customers"]
    first, last = cdr["start_time"].min(), cdr["start_time"].max()
    assert (first.year, first.month) == (2026, 5) and (last.year, last.month) == (2026, 8)
    churned = truth["churned"]
    assert (cust["churn_date"].is_not_null() == churned).all()
    assert 0.005 < churned.mean() < 0.04 and 0.003 < truth["joined"].mean() < 0.03
    assert 0.03 < truth["leaving"].mean() < 0.08
    assert 0.5 < cust["birth_year"].null_count() / N < 0.7
    assert set(cust["gender"].unique()) <= {"M", "F", "U"}
    assert set(cust["credit_level"].unique()) == {1, 2, 3, 4, 5}


def test_leavers_call_competitor_hotlines(data):
    _, _, t = data
    hot = t["cdr"].filter(pl.col("peer_id").is_in([10010, 10000])).group_by("customer_id").len()
    x = t["truth"].join(hot, on="customer_id", how="left").with_columns(pl.col("len").fill_null(0))
    leavers, others = x.filter(pl.col("leaving")), x.filter(~pl.col("leaving"))
    assert (leavers["len"] > 0).mean() > 0.9
    assert (others["len"] > 0).mean() < 0.005
    assert leavers["len"].mean() > 50 * max(others["len"].mean(), 1e-3) or others["len"].sum() == 0


def test_preferred_channel_dominates(data):
    _, _, t = data
    counts = t["interactions"].group_by("customer_id", "channel").len()
    top = counts.group_by("customer_id").agg(
        n=pl.col("len").sum(), top=pl.col("channel").sort_by("len").last(),
        ties=(pl.col("len") == pl.col("len").max()).sum())
    x = t["truth"].join(top, on="customer_id", how="left").with_columns(pl.col("n").fill_null(0))
    assert (x["n"] >= 3).mean() >= 0.85
    y = x.filter(pl.col("n") >= 3)
    assert ((y["top"] == y["preferred_channel"]) & (y["ties"] == 1)).mean() >= 0.95
    assert set(t["interactions"]["channel"].unique()) <= {"hall", "hotline", "ivr", "web", "sms", "wap", "kiosk"}


def test_planted_tier_matches_realized_arpu(data):
    _, _, t = data
    arpu = t["billing"].group_by("customer_id").agg(arpu=pl.col("total_fee").mean())
    x = t["truth"].join(arpu, on="customer_id").with_columns(
        real=pl.when(pl.col("arpu") > 200).then(pl.lit("A"))
        .when(pl.col("arpu") >= 120).then(pl.lit("B")).otherwise(pl.lit("C")))
    assert x.height == N
    assert (x["real"] == x["planted_tier"]).mean() >= 0.95
    share = x.group_by("brand").agg((pl.col("planted_tier") == "C").mean().alias("c"))
    c = dict(zip(share["brand"], share["c"]))
    assert c["Easyown"] > 0.9 and c["GoTone"] < 0.5


def test_recharges_cover_prepaid_spend(data):
    _, _, t = data
    spend = t["billing"].group_by("customer_id").agg(s=pl.col("total_fee").sum())
    top = t["recharges"].group_by("customer_id").agg(r=pl.col("amount").sum())
    x = top.join(spend, on="customer_id")
    assert x.height > 0 and (x["r"] >= x["s"] - 1e-6).all() and (x["r"] <= 3 * x["s"] + 10).all()
    brands = t["recharges"].join(t["customers"], on="customer_id")["brand"].unique().to_list()
    assert "GoTone" not in brands
    assert set(t["recharges"]["amount"].unique()) <= {10.0, 20.0, 30.0, 50.0, 100.0, 200.0, 300.0}
