"""Column roles on a table shaped like the IBM Telco churn table: the churn rate, the internet
and payment mixes and the ARPU of every segment (checked against polars group-bys of the
table), churn never clustered (Yes/No or 0/1), an unusable include is exit 3 with the reason."""

from __future__ import annotations

import json

import polars as pl
import pytest
from typer.testing import CliRunner

from segment import config, roles
from segment.errors import ConfigError, DataError, SchemaError, UsageError
from segment.screening import screen
from segment_cli.main import app

from telco import FAST, telco, write

runner = CliRunner()
ACCEPTANCE = ["--id", "customer_id", "--brand", "contract", "--revenue", "monthly_charges"]


def invoke(*args, width: int = 200):
    return runner.invoke(app, [str(a) for a in args], env={"COLUMNS": str(width), "NO_COLOR": "1"})


@pytest.fixture(scope="module")
def clustered(tmp_path_factory):
    """``segment cluster --features telco.csv --id customer_id --brand contract --revenue monthly_charges``."""
    folder = tmp_path_factory.mktemp("telco")
    table = write(folder)
    cfg = folder / "fast.toml"
    cfg.write_text(FAST)
    res = invoke("cluster", "--features", table, *ACCEPTANCE, "--config", cfg, "--out", folder / "seg", "--format", "json")
    assert res.exit_code == 0, res.stderr
    return table, folder / "seg", json.loads(res.stdout)


def _segmented(table, run) -> pl.DataFrame:
    """The table with each customer's segment (from assignments.parquet)."""
    a = pl.read_parquet(run / "assignments.parquet").select("customer_id", "segment")
    return pl.read_csv(table).join(a, on="customer_id")


def test_every_segment_profiles_churn_internet_and_payment_mixes_and_arpu(clustered):
    table, run, printed = clustered
    assert printed == json.loads((run / "profiles.json").read_text())
    t = _segmented(table, run)
    assert set(printed["brands"]) == set(t["contract"].unique())
    for brand, b in printed["brands"].items():
        part = t.filter(pl.col("contract") == brand)
        brand_rate = (part["churn"] == "Yes").mean()
        assert b["outcomes"]["churn"] == {"positive": "Yes", "rate": pytest.approx(brand_rate, rel=1e-5)}
        assert b["arpu"] == pytest.approx(part["monthly_charges"].mean(), rel=1e-5)
        by_seg = part.group_by("segment").agg(rate=(pl.col("churn") == "Yes").mean(), arpu=pl.col("monthly_charges").mean(),
                                              n=pl.len())
        for s in b["segments"]:
            row = by_seg.filter(pl.col("segment") == s["segment"]).row(0, named=True)
            assert s["size"] == row["n"]
            assert s["outcomes"]["churn"]["rate"] == pytest.approx(row["rate"], rel=1e-5)
            assert s["outcomes"]["churn"]["index"] == pytest.approx(row["rate"] / brand_rate * 100, rel=1e-4)
            assert s["arpu"] == pytest.approx(row["arpu"], rel=1e-5)
            for column in ("internet_service", "payment_method"):
                mine = part.filter(pl.col("segment") == s["segment"])
                want = dict(mine.group_by(column).len().iter_rows())
                got = {c["category"]: c["share"] for c in s["categories"][column]}
                assert set(got) == set(part[column].unique())  # 3 and 4 values: all in the top 5, no "(other)"
                for category in got:
                    assert got[category] == pytest.approx(want.get(category, 0) / mine.height, rel=1e-5, abs=1e-9)
                brand_share = {c["category"]: c["share"] for c in b["categories"][column]}
                for c in s["categories"][column]:
                    assert c["index"] == pytest.approx(c["share"] / brand_share[c["category"]] * 100, rel=1e-4)


def test_churn_is_an_outcome_never_a_clustering_variable(clustered):
    _, run, printed = clustered
    role = {r["name"]: r["role"] for r in printed["roles"]}
    assert role == {"customer_id": "id", "contract": "brand", "churn": "outcome", "monthly_charges": "revenue",
                    "tenure": "cluster", "total_charges": "cluster", "senior_citizen": "profile", "gender": "profile",
                    "partner": "profile", "dependents": "profile", "phone_service": "profile",
                    "internet_service": "profile", "paperless_billing": "profile", "payment_method": "profile"}
    assert printed["cluster_variables"] == ["tenure", "total_charges"]
    model = json.loads((run / "model.json").read_text())
    assert model["roles"] == printed["roles"] and model["version"] == 2
    for b in model["brands"].values():
        assert "churn" not in {v["name"] for v in b["variables"]}
    screening = json.loads((run / "screening.json").read_text())
    assert "churn" not in {v["name"] for v in screening["variables"]}  # an outcome is not screened either


def test_a_numeric_0_1_churn_is_an_outcome_by_name(tmp_path):
    frame = telco(churn_numeric=True)
    cfg = config.Config()
    outcomes = roles.outcome_columns(frame, cfg, "customer_id", "contract", roles.Asked())
    assert outcomes == ["churn"]
    report = screen(frame.drop(outcomes), cfg.screening, "customer_id", "contract")
    got = roles.assign(frame, cfg, "customer_id", "contract", report, roles.Asked(revenue="monthly_charges"))
    assert got.columns["churn"].role == "outcome" and got.columns["churn"].positive == "1"
    assert "churn" not in roles.cluster_columns(got)
    # without the name it is a plain 0/1 flag: described, still not clustered
    renamed = frame.rename({"churn": "flag"})
    got = roles.assign(renamed, cfg, "customer_id", "contract", screen(renamed, cfg.screening, "customer_id", "contract"))
    assert got.columns["flag"].role == "profile"
    # the CLI profiles its rate (quick: k = 2)
    table = tmp_path / "t.csv"
    frame.write_csv(table)
    res = invoke("cluster", "--features", table, *ACCEPTANCE, "--k", "2", "--config", _fast(tmp_path), "--format", "json")
    assert res.exit_code == 0, res.stderr
    got = json.loads(res.stdout)
    assert "churn" not in got["cluster_variables"]
    for brand, b in got["brands"].items():
        want = frame.filter(pl.col("contract") == brand)["churn"].mean()
        assert b["outcomes"]["churn"]["rate"] == pytest.approx(want, rel=1e-5)


def _fast(folder, extra: str = ""):
    path = folder / "fast.toml"
    path.write_text(FAST + extra)
    return path


@pytest.mark.parametrize("column, fragment", [
    ("internet_service", "text with 3 values and clustering takes numbers"),
    ("no_such_column", "no column 'no_such_column'"),
    ("constant", "screening drops it as constant"),
    ("empty", "it has no value"),
    ("contract", "it is the brand"),
])
def test_include_naming_an_unusable_column_is_exit_3_with_the_reason(tmp_path, column, fragment):
    table = tmp_path / "t.csv"
    telco(n=200).with_columns(constant=pl.lit(7), empty=pl.lit(None, dtype=pl.Float64)).write_csv(table)
    cfg = _fast(tmp_path, f'include = ["{column}"]\n')
    res = invoke("cluster", "--features", table, *ACCEPTANCE, "--k", "2", "--config", cfg)
    assert res.exit_code == 3, (res.exit_code, res.stderr)
    lines = [x for x in res.stderr.splitlines() if x.startswith("error: ")]
    assert len(lines) == 1 and column in lines[0] and fragment in lines[0], res.stderr
    assert "Traceback" not in res.stderr and res.stdout == ""


def test_include_clusters_on_an_asked_flag_and_onehot_on_a_category(tmp_path):
    frame = telco(n=300)
    cfg = config.Config().replace(clustering={"include": ("senior_citizen", "internet_service"), "categorical": "onehot"})
    report = screen(frame.drop("churn"), cfg.screening, "customer_id", "contract")
    got = roles.assign(frame, cfg, "customer_id", "contract", report)
    assert got.columns["senior_citizen"].role == "cluster"  # asked: clustered though it has 2 values
    assert got.columns["internet_service"].encoded == (("internet_service=Fiber optic", "Fiber optic"),
                                                       ("internet_service=DSL", "DSL"), ("internet_service=No", "No"))
    assert got.columns["partner"].encoded == (("partner=Yes", "Yes"),)  # two values: one 0/1 column
    asked = roles.assign(frame, config.Config(), "customer_id", "contract", report, roles.Asked(profile=("gender",)))
    assert "gender" in asked.categories() and asked.columns["gender"].reason == "--profile"


def test_roles_given_twice_are_errors_and_roles_do_not_depend_on_column_order():
    cfg = config.Config()
    with pytest.raises(UsageError, match="two roles"):
        roles.asked_roles(roles.Asked(profile=("tenure",), outcome=("tenure",)), cfg)
    with pytest.raises(ConfigError, match="give it one role"):
        config.from_dict({"clustering": {"include": ["tenure"], "profile": ["tenure"]}})
    with pytest.raises(ConfigError, match="categorical"):
        config.from_dict({"clustering": {"categorical": "ordinal"}})
    frame = telco(n=200)
    with pytest.raises(SchemaError, match="--outcome: no column 'left'"):
        roles.assign(frame, cfg, "customer_id", "contract", screen(frame, cfg.screening, "customer_id", "contract"),
                     roles.Asked(outcome=("left",)))
    with pytest.raises(DataError, match="two values"):
        roles.assign(frame, cfg, "customer_id", "contract", screen(frame, cfg.screening, "customer_id", "contract"),
                     roles.Asked(outcome=("payment_method",)))
    a = roles.assign(frame, cfg, "customer_id", "contract", screen(frame, cfg.screening, "customer_id", "contract"))
    rev = frame.select(frame.columns[::-1])
    b = roles.assign(rev, cfg, "customer_id", "contract", screen(rev, cfg.screening, "customer_id", "contract"))
    assert a.to_list() == b.to_list() and roles.cluster_columns(a) == roles.cluster_columns(b)


def test_screen_shows_the_roles(tmp_path):
    table = write(tmp_path, n=200)
    res = invoke("screen", "--features", table, "--id", "customer_id", "--brand", "contract", "--outcome", "partner",
                 "--profile", "tenure", "--format", "json")
    assert res.exit_code == 0, res.stderr
    got = {r["name"]: (r["role"], r["reason"]) for r in json.loads(res.stdout)["roles"]}
    assert got["partner"][0] == "outcome" and got["partner"][1].startswith("--outcome")
    assert got["tenure"] == ("profile", "--profile") and got["churn"][0] == "outcome"
    assert {v["name"] for v in json.loads(res.stdout)["variables"]}.isdisjoint({"churn", "partner"})
    text = invoke("screen", "--features", table, "--id", "customer_id", "--brand", "contract", width=80).stdout
    assert "Column roles" in text and "outcome" in text
    res = invoke("screen", "--features", table, "--id", "customer_id", "--profile", "tenure", "--outcome", "tenure")
    assert res.exit_code == 2 and "two roles" in res.stderr


@pytest.mark.parametrize("width", (80, 120, 200))
def test_profile_shows_outcomes_and_categories_and_fits(clustered, width):
    _, run, printed = clustered
    out = invoke("-q", "profile", "--run", run, width=width).stdout
    assert "churn (index)" in out and "Electronic check" in out and "internet_service" in out
    assert max(len(line) for line in out.splitlines()) <= width and "…" not in out
    brand = next(iter(printed["brands"]))
    res = invoke("-q", "profile", "--run", run, "--brand", brand, "--segment", "1", width=width)
    assert res.exit_code == 0 and "outcome rates" in res.stdout and "categories" in res.stdout
    assert max(len(line) for line in res.stdout.splitlines()) <= width
    detail = json.loads(invoke("profile", "--run", run, "--brand", brand, "--segment", "1", "--format", "json").stdout)
    seg = next(s for s in printed["brands"][brand]["segments"] if s["segment"] == 1)
    assert detail["outcomes"] == [{"outcome": "churn", "positive": "Yes", "rate": seg["outcomes"]["churn"]["rate"],
                                   "brand_rate": printed["brands"][brand]["outcomes"]["churn"]["rate"],
                                   "index": seg["outcomes"]["churn"]["index"]}]
    assert {(c["column"], c["category"]) for c in detail["categories"]} >= {("payment_method", "Mailed check")}


def test_the_workbook_and_the_report_carry_categories_and_outcomes(clustered, tmp_path):
    _, run, printed = clustered
    book = tmp_path / "profiles.xlsx"
    res = invoke("-q", "profile", "--run", run, "--out", book)
    assert res.exit_code == 0, res.stderr
    cats = pl.read_excel(book, sheet_name="categories", engine="openpyxl")
    outs = pl.read_excel(book, sheet_name="outcomes", engine="openpyxl")
    want = [(b, s["segment"], col, c["category"], c["share"]) for b, v in printed["brands"].items()
            for s in v["segments"] for col, mix in s["categories"].items() for c in mix]
    got = cats.filter(pl.col("segment").is_not_null()).select("brand", "segment", "column", "category", "share").rows()
    assert sorted(got) == sorted(want)
    rates = {(r["brand"], r["segment"]): r["rate"] for r in outs.iter_rows(named=True)}
    for b, v in printed["brands"].items():
        assert rates[(b, None)] == v["outcomes"]["churn"]["rate"]
        assert all(rates[(b, s["segment"])] == s["outcomes"]["churn"]["rate"] for s in v["segments"])
    html = tmp_path / "report.html"
    assert invoke("-q", "report", run, "--out", html).exit_code == 0
    text = html.read_text(encoding="utf-8")
    assert "churn rate (index)" in text and "Electronic check" in text and "Categories: each segment" in text
