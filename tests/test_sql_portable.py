"""The guard over sql/: every file stays in the subset DuckDB and Spark compute alike
(segment.engine.portable), and every construct measured to fail or to give other numbers
on Spark is rejected. The conformance test (test_spark_conformance.py) proves the rest on data."""

import pytest

from segment import sql
from segment.engine import portable


@pytest.mark.parametrize("name", sql.names())
def test_every_sql_file_is_in_the_portable_subset(name):
    problems = portable.check(sql.load(name))
    assert not problems, f"{name}.sql:\n" + "\n".join(map(str, problems))


# The constructs issue 17 measured (Spark 4.3, DuckDB 2.0): each fails on Spark, or runs
# there and gives other numbers without an error.
TRAPS = [
    ("select cast(1 as hugeint) << 3", "hugeint"),  # no 128-bit integer in Spark
    ("select cast(start_time as time) from t", "time"),  # a TIMESTAMP of today's date in Spark
    ("select x > time '07:00:00' from t", "time"),
    ("select isodow(d) from t", "isodow"),  # Thursday and Friday became the weekend
    ("select extract(dow from d) from t", "extract"),
    ("select dayofweek(d), weekday(d) from t", "dayofweek"),
    ("select date_diff('month', a, b) from t", "date_diff"),
    ("select date_diff('second', a, b) from t", "date_diff"),
    ("select date_sub('month', a, b) from t", "date_sub"),
    ("select datediff(a, b) from t", "datediff"),
    ("select epoch(b - a) from t", "epoch"),
    ("select d - to_months(3), d - to_days(30) from t", "to_months"),
    ("select unnest(range(a, b, interval 1 month)) from t", "range"),
    ("select list(x order by y) from t", "list"),
    ("select min(customer_id, 3) from t", "min"),  # DuckDB's top-n (and it repeated ids)
    ("select list_contains($l, x) from t", "list_contains"),
    ("select round(x, 2) from t", "round"),  # exact binary value in DuckDB, decimal text in Spark
    ("select cast(a / b as bigint) from t", "cast-to-integer"),  # rounds in DuckDB, truncates in Spark
    ("select cast(ln(x) * 1e15 as bigint) from t", "cast-to-integer"),
    ("select b.voice_fee / nullif(b.total_fee, 0) from t", "decimal-division"),  # DOUBLE vs DECIMAL(38, 10)
    ("select x / 2.0 from t", "decimal-literal"),
    ("select 100.0 * x from t", "decimal-literal"),
    ("select x // 2 from t", "integer-division"),
    ("select x::int from t", "double-colon"),
    ("create type s as enum ('a', 'b')", "enum"),
    ("create or replace temp view v as select 1", "view"),
    ("select * exclude (x) from t", "duckdb-only"),
    ("select 1; select 2", "statements"),
    ("select strftime(d, '%Y') from t", "strftime"),
    ("select some_new_function(x) from t", "function"),
]


@pytest.mark.parametrize("text, rule", TRAPS, ids=[t for t, _ in TRAPS])
def test_each_construct_that_differs_on_spark_is_rejected(text, rule):
    assert rule in {p.rule for p in portable.check(text)}


@pytest.mark.parametrize("text", [
    "select cast(floor(a / 126) as integer), cast(round(x * 100) as bigint), cast(a - b as integer) from t",
    "select cast(x as double) / nullif(cast(b.total_fee + b.discount as double), 0) from t",
    "select x / 2e0, 0.5, case when a then 0.0 else 1.0 end from t",
    "select count(*) filter (where x > 1), bit_or(m), bit_count(m), array_contains($h, p) from t group by all",
    "with a as (select 1 as x) select * from a cross join (values (0), (1)) as h (high)",
    "select cast($d as date) - $n * interval 1 day, date_trunc('month', ts), last_day(d) from t",
    "select round_even(x * 1e15, 0), round(x) from t",
    "select 'isodow(d) and 1 / 2.0 in a string' as s, \"min(x, 3)\" from t -- isodow(x) in a comment",
])
def test_the_portable_spellings_pass(text):
    assert portable.check(text) == []


def test_a_problem_names_its_line():
    (p,) = portable.check("select\n  1,\n  isodow(d)\nfrom t")
    assert (p.line, p.rule) == (3, "isodow")
    assert str(p).startswith("line 3: isodow: ")


def test_to_spark_binds_parameters_and_leaves_strings_and_names_alone():
    text = "select \"a--b\", '$x -- y', $start, round_even(v, 0) -- $y: a comment\nfrom t where d < $end"
    assert portable.to_spark(text) == "select \"a--b\", '$x -- y', :start, bround(v, 0) \nfrom t where d < :end"


def test_split_create_separates_the_materialised_table():
    assert portable.split_create("-- head\ncreate or replace temp table cdr_usage as\nwith a as (select 1) select * from a\n") \
        == ("cdr_usage", "with a as (select 1) select * from a")
    assert portable.split_create("select 1 -- x\n") == (None, "select 1")


def test_every_stage_table_is_created_the_one_way_the_engines_materialise():
    for name in sql.names():
        table, query = portable.split_create(sql.load(name))
        assert "create" not in query.lower().split("select", 1)[0], name
        if name[:2] in ("20", "21", "23", "24", "25", "26", "27", "30", "50"):
            assert table is not None, name
