import duckdb
import pytest

from segment import sql


def test_quote_ident_makes_any_string_a_name():
    con = duckdb.connect()
    evil = 'x"; drop table y; --'
    con.execute("create table y as select 1 as a")
    con.execute(f"create table t as select 42 as {sql.quote_ident(evil)}")
    assert con.execute("select * from t").fetchall() == [(42,)]
    assert con.execute("select count(*) from y").fetchone() == (1,)  # y survived
    assert [d[0] for d in con.execute("select * from t").description] == [evil]


def test_quote_ident_doubles_quotes_and_rejects_empty():
    assert sql.quote_ident('a"b') == '"a""b"'
    with pytest.raises(ValueError):
        sql.quote_ident("")


def test_every_shipped_query_is_one_statement_with_declared_params():
    names = sql.names()
    assert "40_features" in names and "20_cdr_usage" in names
    for name in names:
        text = "\n".join(line.split("--", 1)[0] for line in sql.load(name).splitlines())
        assert text.strip().rstrip(";").count(";") == 0, name


def test_run_refuses_missing_parameters():
    con = duckdb.connect()
    with pytest.raises(TypeError, match="expects parameters"):
        sql.run(con, "21_cdr_peer", start="2026-01-01")


def test_literals_round_trip_through_duckdb():
    import duckdb

    from segment.sql import float_literal, quote_literal

    con = duckdb.connect()
    for x in (0.1, -1.5, 1e-300, 123456789.123456789, 2.0 / 3.0, -0.0):
        got = con.execute(f"select {float_literal(x)} - 0").fetchone()[0]
        assert got == x and isinstance(got, float)
    assert con.execute("select " + quote_literal("O'Brien; drop table x; --")).fetchone()[0] == "O'Brien; drop table x; --"
    assert float_literal(-2.5) == "(-2.5e0)" and float_literal(1e-05) == "1e-05"
