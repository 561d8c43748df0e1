"""Conformance: every file of sql/ gives the same table on Spark (local mode) as on DuckDB,
on generated extracts (small, so that it stays fast): integers, decimals and text exactly,
floats within 1e-9 relative, the same rows in the same order after sorting by key
(segment.engine.conformance). Spark reads two of the tables from the metastore
(``--cdr table:db.name``). A deliberately mistranslated construct (a TIME cast turned
into a TIMESTAMP one, as a transpiler does) is caught."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest

from segment import channels, churn, config, sql, value
from segment.engine import conformance, portable
from segment.features import compute, seconds_of_day
from segment.io.inputs import find_inputs
from segment.synth import generate

# The stage tables the pipeline materialises, with their keys.
TABLES = {
    "20_cdr_usage": ("cdr_usage", ["customer_id", "service", "block"]),
    "21_cdr_peer": ("cdr_peer", ["customer_id", "service", "peer_id"]),
    "23_cdr_hotline": ("cdr_hotline", ["customer_id"]),
    "24_service_contacts": ("service_contacts", ["customer_id"]),
    "25_cdr_cells": ("cdr_cells", ["customer_id", "cell_id", "block"]),
    "26_mobility": ("mobility", ["customer_id"]),
    "27_cdr_social": ("cdr_social", ["customer_id", "service"]),
    "30_population": ("population", ["customer_id"]),
    "40_features": ("features", ["customer_id"]),
    "50_window_customers": ("window_customers", ["customer_id"]),
    "31_graph_edges": ("graph_edges", ["middle_id", "peer_id"]),
    "32_multisim_pairs": ("multisim_pairs", ["customer_id", "candidate_id"]),
    "33_multisim": ("multisim", ["customer_id", "candidate_id"]),
    "41_multisim_customers": ("multisim_customers", ["customer_id"]),
}


def _queries(fs, cfg) -> dict:
    """The files that are queries (not stage tables), with the parameters the pipeline binds."""
    w = fs.window
    bounds = {"start": w.start, "end": w.end}
    out = {
        "10_bill_months": ({}, ["bill_month"]),
        "22_cdr_summary": ({}, None),
        "51_value_customers": ({"end": w.end, **value.sql_params(cfg.value)}, ["customer_id"]),
        "55_churn_customers": ({**bounds, "last_month": w.last_month, **{
            k: v for k, v in dataclasses.asdict(cfg.churn).items() if k != "dual_handset"}}, ["customer_id"]),
        "60_channels": (dataclasses.asdict(cfg.channels), ["customer_id"]),
        "audit_future_dates": ({"tomorrow": date(2026, 8, 15), "this_month": date(2026, 8, 1)}, ["table_name"]),
        "audit_null_like": ({"peer_is_text": False}, None),
        "audit_customers_birth_year": ({"first": 1900, "last": 2026}, None),
        "audit_brand_variants": ({}, ["folded", "brand"]),
        "34_multisim_months": (bounds, ["node_id", "month"]),
        "35_reentry": ({**bounds, **{k: v for k, v in dataclasses.asdict(cfg.reentry).items()}}, ["customer_id"]),
    }
    for name in sql.names():
        if name.startswith("audit_") and name not in out:
            # the window's bounds for the audits that take them (sql/audit_*.sql: params)
            out[name] = (bounds if "start" in sql.params_of(name) else {}, None)
    return out


@pytest.fixture(scope="module")
def both(spark, spark_options, tmp_path_factory):
    """The same extracts through both engines: 120 customers, 6 months, a 5-month window
    (two blocks of days), the 'all' population. Spark reads customers and cdr as tables of
    the metastore (saved from the generated files first), the rest as files.
    Yields (duckdb FeatureSet, spark FeatureSet, cfg, the analyses of each)."""
    data = tmp_path_factory.mktemp("conformance")
    generate(data, customers=120, months=6, seed=5)
    spark.sql("create database if not exists lake")
    for table in ("customers", "cdr"):
        path = data / (f"{table}.parquet" if table == "customers" else table)
        spark.read.parquet(str(path)).write.mode("overwrite").saveAsTable(f"lake.{table}_2026")
    cfg = config.Config().replace(features={"months": 5, "population": "all"})
    sources = find_inputs(data)
    tables = find_inputs(data, {"customers": "table:lake.customers_2026", "cdr": "table:lake.cdr_2026"})
    assert tables["cdr"].label == "table lake.cdr_2026"
    with compute(sources, cfg) as duck, compute(tables, cfg, spark_options) as on_spark:
        analyses = {}
        for fs in (duck, on_spark):
            v = value.analyse(fs, cfg)  # also builds window_customers
            analyses[fs.con.name] = [v, churn.assess(fs, cfg, value=v), channels.analyse(fs, cfg)]
        yield duck, on_spark, cfg, analyses


def _equal(a, b, key):
    diffs = conformance.differences(a, b, key)
    assert not diffs, "\n".join(diffs)


@pytest.mark.parametrize("name", list(TABLES))
def test_every_stage_table_is_the_same_on_spark(both, name):
    duck, spark, *_ = both
    table, key = TABLES[name]
    query = f"select * from {table}"
    _equal(duck.con.frame(query), spark.con.frame(query), key)


def test_every_query_file_is_the_same_on_spark(both):
    duck, spark, cfg, *_ = both
    for name, (params, key) in _queries(duck, cfg).items():
        text = sql.load(name)
        a, b = duck.con.frame(text, params), spark.con.frame(text, params)
        assert a.height or name.startswith("audit_"), name  # the stages have rows to compare
        diffs = conformance.differences(a, b, key)
        assert not diffs, f"{name}:\n" + "\n".join(diffs)


def test_the_stable_population_is_the_same_on_spark(both):
    duck, spark, *_ = both
    w = duck.window
    text = portable.split_create(sql.load("30_population"))[1]
    params = {"start": w.start, "end": w.end, "months": len(w.months), "population": "stable"}
    a, b = duck.con.frame(text, params), spark.con.frame(text, params)
    assert 0 < a.height < duck.customers_in_population
    _equal(a, b, ["customer_id"])


def test_the_conformance_covers_every_sql_file(both):
    duck, _, cfg, _ = both
    assert set(TABLES) | set(_queries(duck, cfg)) == set(sql.names())


def test_features_value_churn_and_channels_are_the_same_on_spark(both):
    duck, spark, cfg, analyses = both
    _equal(duck.frame(), spark.frame(), ["customer_id"])
    for a, b in zip(analyses["duckdb"], analyses["spark"]):
        _equal(a.detail, b.detail, ["customer_id"])
    assert duck.summary()["cdr"] == spark.summary()["cdr"]


def test_a_mistranslated_time_cast_is_caught(both):
    # The measured trap: a transpiler turns cast(ts as time) into a TIMESTAMP cast, and the
    # bound '07:00:00' into a timestamp of today's date, so night_share is wrong on Spark.
    duck, spark, cfg, *_ = both
    w, f = duck.window, cfg.features
    original = sql.load("20_cdr_usage")
    night = "not (time_of_day > $night_start_s and time_of_day < $night_end_s)"
    assert night in original
    as_duckdb = original.replace(
        "hour(start_time) * 3600 + minute(start_time) * 60 + second(start_time) as time_of_day",
        "cast(start_time as time) as time_of_day").replace(
        night, "not (time_of_day > cast('07:00:00' as time) and time_of_day < cast('19:00:00' as time))")
    for seconds, text in ((21600, "06:00:00"), (43200, "12:00:00"), (64800, "18:00:00")):  # the day-parts
        as_duckdb = as_duckdb.replace(f"time_of_day < {seconds}", f"time_of_day < cast('{text}' as time)").replace(
            f"time_of_day >= {seconds}", f"time_of_day >= cast('{text}' as time)")
    as_transpiled = as_duckdb.replace(" as time)", " as timestamp)")
    assert {p.rule for p in portable.check(as_duckdb)} >= {"time"}  # the lint rejects it up front
    params = {"start": w.start, "end": w.end, "last_month": w.last_month, "long_call_s": f.long_call_s}
    key = ["customer_id", "service", "block"]
    a = duck.con.frame(portable.split_create(as_duckdb)[1], params)
    conf = spark.con.session.conf
    conf.set("spark.sql.ansi.enabled", "false")  # as the measurement ran: ANSI would reject '07:00:00'
    try:
        b = spark.con.frame(portable.split_create(as_transpiled)[1], params)
    finally:
        conf.set("spark.sql.ansi.enabled", "true")
    # no error, other numbers: the bound is today's date at 07:00 (TIMESTAMP) or NULL (TIMESTAMP_NTZ)
    assert b["events_night"].sum() != a["events_night"].sum()
    diffs = conformance.differences(a, b, key)
    assert any(d.startswith("events_night:") for d in diffs), diffs
    # and the portable text agrees on the same tables
    params.update(night_start_s=seconds_of_day(f.night_start), night_end_s=seconds_of_day(f.night_end))
    text = portable.split_create(original)[1]
    _equal(duck.con.frame(text, params), spark.con.frame(text, params), key)
