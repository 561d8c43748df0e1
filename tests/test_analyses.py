"""Value, churn and channel rules on a hand-built extract (tests/analysis_tables.py):
every expected value below is worked out by hand from those rows."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest

from analysis_tables import rule_tables, write_rule_tables
from segment import channels, churn, config, value
from segment.io.inputs import find_inputs
from segment.errors import InputError
from segment.features import compute
from tables import write_tables

GROUPS = {"group_a": 3, "group_b": 2, "group_c": 1}


def run_all(folder, **sections):
    cfg = config.Config().replace(value=GROUPS, **sections)
    with compute(find_inputs(folder), cfg) as fs:
        v = value.analyse(fs, cfg)
        c = churn.assess(fs, cfg, value=v)
        try:
            ch = channels.analyse(fs, cfg)
        except InputError as e:
            ch = e
    return v, c, ch


@pytest.fixture(scope="module")
def rules_dir(tmp_path_factory):
    return write_rule_tables(tmp_path_factory.mktemp("rules"))


@pytest.fixture(scope="module")
def results(rules_dir):
    return run_all(rules_dir)


def by_id(df: pl.DataFrame, col: str) -> dict:
    return dict(zip(df["customer_id"].to_list(), df[col].to_list()))


def test_every_customer_of_the_window_once_ordered_by_id(results):
    v, c, ch = results
    ids = [str(i) for i in (1, 2, 3, 4, 5, 6, *range(10, 22))]
    for res, cols in ((v, value.COLUMNS), (c, churn.COLUMNS), (ch, channels.COLUMNS)):
        assert res.customers.columns == cols
        assert res.customers["customer_id"].to_list() == sorted(ids)  # ids are text here (CSV)


def test_arpu_tiers_boundaries(results):
    tier = by_id(results[0].customers, "arpu_tier")
    # exactly 120 and exactly 200 are B; 200.01 is A; 119.99 is C
    assert [tier[k] for k in "123456"] == ["B", "B", "A", "C", "A", "C"]
    arpu = by_id(results[0].customers, "arpu")
    assert arpu["3"] == pytest.approx(200.01) and arpu["4"] == pytest.approx(119.99)


def test_card_tiers(results):
    card = by_id(results[0].customers, "card_tier")
    assert [card[k] for k in "123456"] == ["silver", "gold", "gold", "silver", "diamond", "none"]


def test_value_rules_and_sql_read_value_config():
    from dataclasses import fields

    from segment import sql

    read = sql.params_of(value.QUERY) - {"end"}
    assert read == {f.name for f in fields(config.ValueConfig)} - {"top_share"}  # top_share: Python
    v = config.ValueConfig(tier_a_above=250, tier_c_below=99.5, card_gold=175)
    assert value.sql_params(v)["tier_a_above"] == 250 and set(value.sql_params(v)) == read
    assert value.tier_rules(v) == {"A": "arpu > 250", "B": "99.5 <= arpu <= 250", "C": "arpu < 99.5"}
    assert value.card_rules(v) == {"diamond": "arpu >= 300", "gold": "arpu >= 175", "silver": "arpu >= 80",
                                   "none": "below silver"}


def test_value_score_ranks_within_the_brand(results):
    score = by_id(results[0].customers, "value_score")
    # GoTone: every component but revenue ties (0.5 each); revenue ranks 0, .2, .4, .6, .8, 1
    # for ARPU 79.99 < 119.99 < 120 < 200 < 200.01 < 300: 100 x (0.4 r + 0.3)
    assert [score[k] for k in "641235"] == [30.0, 38.0, 46.0, 54.0, 62.0, 70.0]


def test_value_score_ties_and_weights(rules_dir):
    only_revenue = {**GROUPS, "weight_tenure": 0.0, "weight_credit": 0.0, "weight_cost": 0.0}
    cfg = config.Config().replace(value=only_revenue)
    with compute(find_inputs(rules_dir), cfg) as fs:
        v = value.analyse(fs, cfg)
    score = by_id(v.customers, "value_score")
    assert [score[k] for k in "641235"] == [0.0, 20.0, 40.0, 60.0, 80.0, 100.0]
    # Easyown: twelve customers all at ARPU 50: one tie, average rank -> 50
    assert {score[str(k)] for k in range(10, 22)} == {50.0}


def test_group_classes(results):
    cls = by_id(results[0].customers, "group_class")
    assert [cls[k] for k in "123456"] == ["A", "A", "A", "B", "B", None]
    groups = results[0].summary()["groups"]
    assert groups["available"]
    a = groups["classes"][0]
    assert (a["class"], a["groups"], a["lines"], a["revenue"]) == ("A", 1, 3, 1560.03)


def test_empty_group_id_skips_only_the_group_part(tmp_path):
    v, c, ch = run_all(write_rule_tables(tmp_path / "d", with_groups=False))
    g = v.summary()["groups"]
    assert not g["available"] and "group_id is empty" in g["reason"]
    assert v.customers["group_class"].null_count() == v.customers.height
    assert by_id(v.customers, "arpu_tier")["1"] == "B"  # the rest still runs


def test_concentration_by_hand():
    r = value.concentration(np.array([0, 0, 0, 0, 100]), np.array([0, 0, 0, 0, 0]), 0.2)
    # sorted x = 0,0,0,0,100: gini = 2*(5*100)/(5*100) - 6/5 = 0.8; top 1 customer holds it all
    assert r["gini"] == pytest.approx(0.8) and r["top_revenue_share"] == 1.0 and r["top_customers"] == 1
    assert r["lorenz"][0] == [0.0, 0.0] and r["lorenz"][-1] == [1.0, 1.0]
    r = value.concentration(np.array([5, 5, 5, 5]), np.array([6, 5, 0, 0]), 0.2)
    assert r["gini"] == pytest.approx(0.0) and r["top_revenue_share"] == 0.25  # ceil(0.8) = 1 of 4
    assert r["not_covering_discount"] == 0.25  # 5 < 6 only; 5 < 5 is not


def test_churn_stages_and_reasons(results):
    c = results[1].customers
    stage, reasons = by_id(c, "stage"), by_id(c, "reasons")
    expected = {"10": "alert", "11": "warning", "12": "healthy", "13": "churned", "14": "churned",
                "15": "healthy", "16": "alert", "17": "alert", "18": "healthy", "19": "warning",
                "20": "warning", "21": "healthy"}
    assert {k: stage[k] for k in expected} == expected
    assert reasons["10"] == "usage down 50% (last month vs earlier average)"   # exactly 50% -> alert
    assert reasons["11"] == "usage down 25% (last month vs earlier average)"   # exactly 25% -> warning
    assert reasons["13"].startswith("churn_date 2026-07-20")
    assert reasons["14"] == "no event in the last 30 days"                     # last event 08-01
    assert reasons["16"].startswith("1 call(s) to a competitor hotline")
    assert reasons["17"] == "arrears rising 2 month(s) running"
    assert reasons["19"] == "distinct contacts down 25%"
    assert reasons["20"] == "2 complaint(s) last month, more than before"
    assert reasons["12"] == ""


def test_an_sms_to_a_competitor_hotline_counts_in_features_and_churn(tmp_path):
    # customer 12 is healthy; give it one SMS to a hotline and nothing else changes
    tables = rule_tables()
    tables["cdr"][1].append([12, "2026-08-06 09:00:00", "sms", "out", "10000", "offnet", None, None, 0, "none", 1])
    cfg = config.Config().replace(value=GROUPS)
    with compute(find_inputs(write_tables(tmp_path / "d", tables)), cfg) as fs:
        feats = fs.frame()
        c = churn.assess(fs, cfg)
    assert by_id(feats, "competitor_hotline_calls")["12"] == pytest.approx(1 / 3)
    row = c.detail.filter(pl.col("customer_id") == "12").row(0, named=True)
    assert row["r_hotline"] and row["hotline_calls"] == 1
    assert (row["stage"], row["reasons"]) == ("alert", "1 call(s) to a competitor hotline")


def test_churn_and_features_read_the_same_hotline_contacts():
    from pathlib import Path

    # The sample's hotline contacts are all calls: a peer that gets SMS from 23 customers
    # is made a hotline too, so that both services count.
    sample = Path(__file__).resolve().parent.parent / "sample_data"
    cfg = config.Config().replace(features={"competitor_hotlines": ("10010", "10000", "3279974884319978586")})
    with compute(find_inputs(sample), cfg) as fs:
        months = len(fs.window.months)
        feats = fs.frame().select("customer_id", "competitor_hotline_calls")
        detail = churn.assess(fs, cfg).detail.select("customer_id", "hotline_calls")
    both = feats.join(detail, on="customer_id", how="inner")
    assert both.height == feats.height  # every customer of the features is in churn's window
    assert both.filter(pl.col("hotline_calls") > 0).height > 100
    assert (both["competitor_hotline_calls"] * months).round(9).to_list() == both["hotline_calls"].cast(pl.Float64).to_list()


def test_churn_list_is_sorted_by_value_score(results):
    lst = results[1].listing("alert")
    assert set(lst["stage"]) == {"alert"}
    scores = lst["value_score"].to_list()
    assert scores == sorted(scores, reverse=True)
    # ties (50.76 for 10 and 16) keep the lower customer_id first; 17 scores lower
    assert lst["customer_id"].to_list() == ["10", "16", "17"]


def test_churn_summary_counts(results):
    s = results[1].summary()
    assert s["version"] == 1
    assert sum(s["stages"].values()) == s["population"]["customers"] == 18
    easy = next(r for r in s["by_brand"] if r["brand"] == "Easyown")
    assert (easy["churned"], easy["alert"], easy["warning"], easy["healthy"]) == (2, 3, 3, 4)
    assert all(r["available"] for r in s["rules"])


def test_channels_shares_ties_and_minimum(results):
    ch = results[2].customers
    pref = by_id(ch, "preferred_channel")
    assert pref["1"] == "hall"     # 2 of 3
    assert pref["2"] == "none"     # 2 contacts < min_contacts 3
    assert pref["3"] == "hall"     # hall 2 = web 2: first in the fixed order
    assert pref["4"] == "wap"
    assert pref["12"] == "none" and by_id(ch, "contacts")["12"] == 0
    assert by_id(ch, "share_hall")["1"] == pytest.approx(2 / 3)
    assert by_id(ch, "share_kiosk")["4"] == pytest.approx(1 / 3)


def test_no_interactions_channels_refuses_others_run(tmp_path):
    v, c, ch = run_all(write_rule_tables(tmp_path / "d", with_interactions=False))
    assert isinstance(ch, InputError) and "no interactions table" in str(ch)
    rules = {r["name"]: r for r in c.summary()["rules"]}
    assert not rules["more_complaints"]["available"]
    assert "no interactions table" in rules["more_complaints"]["reason"]
    assert by_id(c.customers, "stage")["20"] == "healthy"  # complaints cannot fire
    assert by_id(c.customers, "stage")["10"] == "alert"
    assert v.customers.height == 18


def test_churn_rules_are_one_list_with_its_sql_flags(results):
    from dataclasses import fields

    from segment import sql

    rules = churn.rules(config.ChurnConfig())
    assert len({r.name for r in rules}) == len({r.column for r in rules}) == len(rules)
    assert {r.stage for r in rules} == set(churn.STAGES[:-1])
    # every r_* flag of the SQL belongs to one rule, and every rule has its flag
    flags = [c for c in results[1].detail.columns if c.startswith("r_")]
    assert flags == [r.column for r in rules]
    # the SQL reads every threshold of [churn], by the config's own names (but the switch of
    # dual_handset, whose flag comes from the call graph: segment/callgraph.py)
    assert sql.params_of("55_churn_customers") == {f.name for f in fields(config.ChurnConfig)} - {"dual_handset"} | {
        "start", "end", "last_month"}
    # the rule texts quote the config
    texts = {r.name: r.text for r in churn.rules(config.ChurnConfig(inactive_days=45, contacts_drop=0.4))}
    assert "45 days" in texts["inactive"] and "40%" in texts["fewer_contacts"]


def test_churn_stage_is_the_most_severe_and_a_shared_reason_is_listed_once():
    rules = churn.rules(config.ChurnConfig())
    off = {r.column: [False, False, False] for r in rules}
    flags = pl.DataFrame({**off, "r_usage_alert": [True, False, False], "r_usage_warning": [True, True, False],
                          "r_arrears": [False, True, False], "usage_down_pct": [60, 30, None],
                          **{c: [None] * 3 for c in ("churn_date", "hotline_calls", "contacts_down_pct", "complaints_last",
                                                        "second_number")}})
    got = churn.stage_and_reasons(flags, rules)
    assert got["stage"].to_list() == ["alert", "alert", "healthy"]
    usage = "usage down {} (last month vs earlier average)"
    assert got["reasons"].to_list() == [usage.format("60%"),
                                        usage.format("30%") + "; arrears rising 2 month(s) running", ""]


def test_churn_rules_that_cannot_run_say_why_and_never_fire(rules_dir):
    cfg = config.Config().replace(value=GROUPS, features={"months": 1, "competitor_hotlines": ()})
    with compute(find_inputs(rules_dir), cfg) as fs:
        c = churn.assess(fs, cfg)
    rules = {r["name"]: r for r in c.summary()["rules"]}
    assert {n: r["reason"] for n, r in rules.items() if not r["available"]} == {
        "competitor_hotline": "no competitor hotline in [features] competitor_hotlines",
        "usage_drop_alert": "the window has one month: no earlier month to compare with",
        "usage_drop_warning": "the window has one month: no earlier month to compare with",
        "fewer_contacts": "the window has one month: no earlier month to compare with",
        "more_complaints": "the window has one month: no earlier month to compare with",
        "arrears_rising": "the window has 1 month(s); 2 rises need one more",
    }
    assert all(r["fired"] == 0 for r in rules.values() if not r["available"])
    assert by_id(c.customers, "stage")["16"] == "healthy"  # its hotline call no longer counts


def test_segments_cross_tabs(rules_dir, tmp_path):
    seg = pl.DataFrame({"customer_id": ["1", "2", "3", "10"], "segment": [0, 0, 1, 0]})
    cfg = config.Config().replace(value=GROUPS)
    with compute(find_inputs(rules_dir), cfg) as fs:
        s = value.analyse(fs, cfg, segments=seg).summary()
        cs = churn.assess(fs, cfg, segments=seg).summary()
    rows = {(r["brand"], r["segment"]): r for r in s["tiers"]["by_segment"]}
    assert (rows[("GoTone", "0")]["B"], rows[("GoTone", "1")]["A"]) == (2, 1)
    assert rows[("Easyown", "unassigned")]["customers"] == 11
    assert {(r["brand"], r["segment"]) for r in cs["by_segment"]} >= {("Easyown", "0")}


def test_input_order_does_not_change_results(rules_dir, tmp_path):
    # reversed rows in every table give the same per-customer results
    rev = tmp_path / "rev"
    rev.mkdir()
    for p in rules_dir.iterdir():
        lines = p.read_text().splitlines()
        (rev / p.name).write_text("\n".join([lines[0], *reversed(lines[1:])]) + "\n")
    a, b = run_all(rules_dir), run_all(rev)
    for x, y in zip(a, b):
        assert x.customers.equals(y.customers)


def test_config_sections_load_and_validate(tmp_path):
    from segment.errors import ConfigError

    p = tmp_path / "s.toml"
    p.write_text("[value]\ntier_a_above = 250\n[churn]\ninactive_days = 20\n[channels]\nmin_contacts = 5\n")
    cfg = config.load(p)
    assert (cfg.value.tier_a_above, cfg.value.tier_c_below) == (250.0, 120.0)
    assert (cfg.churn.inactive_days, cfg.channels.min_contacts) == (20, 5)
    for bad in ({"value": {"tier_c_below": 300.0}}, {"churn": {"alert_usage_drop": 1.5}},
                {"churn": {"warning_usage_drop": 0.6}}, {"channels": {"min_contacts": 0}},
                {"value": {"group_c": 200}}, {"value": {"weight_revenue": -1.0}}):
        with pytest.raises(ConfigError):
            config.from_dict(bad)
    with pytest.raises(ConfigError, match="unknown setting"):
        config.from_dict({"churn": {"inactive": 3}})


def test_docs_list_every_setting_and_output_column():
    from dataclasses import fields
    from pathlib import Path

    doc = (Path(__file__).resolve().parent.parent / "docs" / "analyses.md").read_text()
    for cls in (config.ValueConfig, config.ChurnConfig, config.ChannelConfig):
        for f in fields(cls):
            assert f"{f.name} = " in doc, f.name
    for col in {*value.COLUMNS, *churn.COLUMNS, *channels.COLUMNS}:
        assert col in doc, col
