"""`segment features` from the command line: exit codes, stdout and stderr checked separately."""

import copy
import hashlib
import json
from pathlib import Path

import polars as pl
from typer.testing import CliRunner

from tables import tiny_tables, write_csv, write_tables
from segment_cli.main import app

runner = CliRunner()


def invoke(*args):
    return runner.invoke(app, [str(a) for a in args])


def broken(tmp_path: Path, edit) -> Path:
    tables = copy.deepcopy(tiny_tables())
    edit(tables)
    return write_tables(tmp_path / "data", tables)


def assert_input_error(res, *fragments):
    assert res.exit_code == 3, (res.exit_code, res.stdout, res.stderr)
    assert res.stdout == ""
    line = res.stderr.strip().splitlines()[-1]
    assert line.startswith("error: ")
    for frag in fragments:
        assert frag in line, (frag, line)
    assert "Traceback" not in res.stderr


def test_json_summary_matches_the_library(tiny, tmp_path):
    from segment import config
    from segment.io.inputs import find_inputs
    from segment.features import compute

    out = tmp_path / "f.parquet"
    res = invoke("features", "--data", tiny, "--out", out, "--format", "json")
    assert res.exit_code == 0, res.stderr
    got = json.loads(res.stdout)
    with compute(find_inputs(tiny), config.Config()) as fs:
        lib = fs.summary()
        frame = fs.frame()
    assert got["version"] == 1 and got["out"] == str(out)
    for key in ("window", "population", "customers", "brands", "cdr", "indicators", "skipped"):
        assert got[key] == lib[key], key
    written = pl.read_parquet(out)
    assert written.equals(frame)
    assert written["customer_id"].to_list() == sorted(written["customer_id"].to_list())


def test_outputs_are_byte_identical_across_runs_and_threads(tiny, tmp_path):
    a, b = tmp_path / "a.parquet", tmp_path / "b.parquet"
    assert invoke("features", "--data", tiny, "--out", a, "--threads", 1).exit_code == 0
    assert invoke("features", "--data", tiny, "--out", b, "--threads", 2).exit_code == 0
    assert a.read_bytes() == b.read_bytes()


def test_refuses_to_overwrite_without_force(tiny, tmp_path):
    out = tmp_path / "f.parquet"
    out.write_text("precious")
    res = invoke("features", "--data", tiny, "--out", out)
    assert res.exit_code == 2 and "already exists (use --force" in res.stderr
    assert out.read_text() == "precious"
    assert invoke("features", "--data", tiny, "--out", out, "--force").exit_code == 0
    assert pl.read_parquet(out).height == 2


def test_inputs_are_never_modified(tiny, tmp_path):
    before = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in tiny.iterdir()}
    invoke("features", "--data", tiny, "--out", tmp_path / "f.csv")
    after = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in tiny.iterdir()}
    assert before == after


def test_csv_format_is_data_only(tiny):
    res = invoke("features", "--data", tiny, "--format", "csv")
    assert res.exit_code == 0
    lines = res.stdout.splitlines()
    assert lines[0] == "name,angle,non_null,mean,min,max"
    assert lines[1].startswith("total_fee,revenue,2,55.0,")


def test_list_catalogue_json():
    res = invoke("features", "--list", "--format", "json")
    assert res.exit_code == 0
    names = [i["name"] for i in json.loads(res.stdout)["indicators"]]
    assert "entropy_of_contacts_voice" in names and len(names) >= 60


def test_list_catalogue_follows_the_config(tmp_path):
    from segment import catalogue, config

    def definitions(*args):
        res = invoke("features", "--list", "--format", "json", *args)
        assert res.exit_code == 0, res.stderr
        indicators = json.loads(res.stdout)["indicators"]
        assert indicators == catalogue.catalogue(config.load(args[1] if args else None))  # the library's rows
        return {i["name"]: i["definition"] for i in indicators}

    default = definitions()
    assert default["night_share"] == "share of all events outside 07:00:00 < t < 19:00:00"
    assert default["percent_pareto_interactions_sms"].endswith("reach ceil(0.8 x events), / distinct peers")
    toml = tmp_path / "x.toml"
    toml.write_text('[features]\nnight_start = "06:30:00"\npareto_share = 0.75\n')
    changed = definitions("--config", toml)
    assert changed["night_share"] == "share of all events outside 06:30:00 < t < 19:00:00"
    assert changed["percent_nocturnal_voice"] == "share of voice events outside 06:30:00 < t < 19:00:00"
    assert changed["percent_pareto_interactions_voice"] == (
        "fewest top peers whose voice events reach ceil(0.75 x events), / distinct peers")
    assert {n for n in default if default[n] != changed[n]} == {
        "night_share", "percent_nocturnal_data", *(f"{p}_{s}" for p in ("percent_nocturnal", "percent_pareto_interactions")
                                                   for s in ("voice", "sms")),
        # mobility: home is the most nocturnal cell; frequent_antennas takes the pareto share
        "percent_at_home", "home_night_share", "night_antennas", "frequent_antennas"}


def test_missing_required_column(tmp_path):
    def edit(t):
        header, rows = t["cdr"]
        k = header.index("start_time")
        t["cdr"] = ([h for i, h in enumerate(header) if i != k], [[v for i, v in enumerate(r) if i != k] for r in rows])
    res = invoke("features", "--data", broken(tmp_path, edit))
    assert_input_error(res, "cdr (", "cdr.csv", "required column 'start_time' is missing")


def test_unparseable_date(tmp_path):
    res = invoke("features", "--data", broken(tmp_path, lambda t: t["customers"][1][0].__setitem__(2, "yesterday")))
    assert_input_error(res, "customers", "column 'activation_date'", "1 value(s) cannot be read as DATE", "'yesterday'")


def test_unparseable_timestamp(tmp_path):
    res = invoke("features", "--data", broken(tmp_path, lambda t: t["cdr"][1][3].__setitem__(1, "2026-13-45 25:00")))
    assert_input_error(res, "cdr", "column 'start_time'", "TIMESTAMP", "'2026-13-45 25:00'")


def test_negative_duration(tmp_path):
    res = invoke("features", "--data", broken(tmp_path, lambda t: t["cdr"][1][0].__setitem__(6, -5)))
    assert_input_error(res, "cdr", "column 'duration_s' is negative in 1 row(s)", "customer 1", "-5")


def test_duplicate_customer_id(tmp_path):
    res = invoke("features", "--data", broken(tmp_path, lambda t: t["customers"][1].append(list(t["customers"][1][0]))))
    assert_input_error(res, "customers", "column 'customer_id'", "1 id(s) appear more than once", "e.g. 1")


def test_duplicated_bill_month(tmp_path):
    res = invoke("features", "--data", broken(tmp_path, lambda t: t["billing"][1].append(list(t["billing"][1][0]))))
    assert_input_error(res, "billing", "billed more than once", "customer 1 month 2026-06 (2 bills)")


def test_negative_fee(tmp_path):
    res = invoke("features", "--data", broken(tmp_path, lambda t: t["billing"][1][2].__setitem__(2, -1)))
    assert_input_error(res, "billing", "column 'total_fee': 1 bill(s) with a negative amount", "customer 1 month 2026-08 (-1.00)")


def test_end_month_outside_the_data(tiny):
    res = invoke("features", "--data", tiny, "--end-month", "2027-01")
    assert_input_error(res, "bill month 2027-01 is outside the data (billing covers 2026-06..2026-08)")


def test_unknown_customers_are_reported_not_dropped_silently(tmp_path):
    def edit(t):
        t["cdr"][1].append([99, "2026-06-05 10:00:00", "sms", "out", "z", "onnet", None, None, 0.1, "none", 1])
        t["cdr"][1].extend([list(t["cdr"][1][0]) for _ in range(40)])  # so the unknown share is small
    res = invoke("features", "--data", broken(tmp_path, edit), "--format", "json")
    assert res.exit_code == 0, res.stderr
    assert "1 row(s) of the window" in res.stderr and "not in customers" in res.stderr and "e.g. '99'" in res.stderr
    summary = json.loads(res.stdout)
    assert summary["cdr"]["rows_unknown_customer"] == 1 and summary["cdr"]["unknown_customers"] == 1
    assert any("not in customers" in w for w in summary["warnings"])


def test_mostly_unknown_customers_is_an_error(tmp_path):
    def edit(t):
        for r in t["cdr"][1][:6]:
            r[0] = 77
    res = invoke("features", "--data", broken(tmp_path, edit))
    assert_input_error(res, "not in customers", "max_unknown_customer_share")


def test_empty_window(tmp_path):
    def edit(t):
        for r in t["cdr"][1]:
            r[1] = r[1].replace("2026-", "2025-")
    res = invoke("features", "--data", broken(tmp_path, edit))
    assert_input_error(res, "no event in the window 2026-06..2026-08")


def test_empty_population_suggests_all(tmp_path):
    res = invoke("features", "--data", broken(tmp_path, lambda t: t["billing"][1].pop(0)), "--months", "3")
    # customer 1 lost its June bill; customer 2 is still stable
    assert res.exit_code == 0
    def edit(t):  # nobody has an event in July
        t["cdr"] = (t["cdr"][0], [r for r in t["cdr"][1] if not r[1].startswith("2026-07")])
    res = invoke("features", "--data", broken(tmp_path / "b", edit))
    assert_input_error(res, "no customer is in the 'stable' population", "--population all")


def test_header_only_table(tmp_path):
    res = invoke("features", "--data", broken(tmp_path, lambda t: t["cdr"][1].clear()))
    assert_input_error(res, "cdr", "no rows")


def test_missing_table_and_empty_file(tmp_path, tiny):
    (tiny / "cdr.csv").unlink()
    assert_input_error(invoke("features", "--data", tiny), "cdr: not found in", "cdr.csv, cdr.parquet or cdr/")
    (tiny / "cdr.csv").write_text("")
    assert_input_error(invoke("features", "--data", tiny), "cdr.csv is empty (0 bytes)")


def test_wrong_delimiter(tmp_path):
    folder = broken(tmp_path, lambda t: None)
    header, rows = tiny_tables()["cdr"]
    write_csv(folder / "cdr.csv", header, rows, delimiter=";")
    assert_input_error(invoke("features", "--data", folder), "cdr", "single column", "delimiter ';'")


def test_corrupted_parquet(tiny):
    (tiny / "cdr.csv").unlink()
    (tiny / "cdr.parquet").write_bytes(b"PAR1 this is not really parquet PAR1")
    assert_input_error(invoke("features", "--data", tiny), "cdr: cannot read", "cdr.parquet")


def test_gbk_csv_needs_encoding(tmp_path):
    def edit(t):
        t["customers"][1][0][1] = "全球通"
        t["customers"][1][1][1] = "神州行"
    folder = write_tables(tmp_path / "gbk", copy.deepcopy(tiny_tables()))
    tables = copy.deepcopy(tiny_tables())
    edit(tables)
    header, rows = tables["customers"]
    write_csv(folder / "customers.csv", header, rows, encoding="gbk")
    assert_input_error(invoke("features", "--data", folder), "customers", "not valid UTF-8", "--encoding gbk")
    res = invoke("features", "--data", folder, "--encoding", "gbk", "--format", "json")
    assert res.exit_code == 0, res.stderr
    assert json.loads(res.stdout)["brands"] == {"全球通": 1, "神州行": 1}


def test_column_mapping_with_a_hostile_name(tmp_path):
    evil = 'x"; drop table stg_cdr; --'
    folder = broken(tmp_path, lambda t: None)
    header, rows = tiny_tables()["cdr"]
    write_csv(folder / "cdr.csv", [evil if h == "start_time" else h for h in header], rows)
    cfg = tmp_path / "segment.toml"
    cfg.write_text('[columns.cdr]\nstart_time = """x"; drop table stg_cdr; --"""\n')
    res = invoke("features", "--data", folder, "--config", cfg, "--format", "json")
    assert res.exit_code == 0, res.stderr
    assert json.loads(res.stdout)["cdr"]["rows_used"] == 8


def test_bad_config_key(tiny, tmp_path):
    cfg = tmp_path / "segment.toml"
    cfg.write_text("[features]\nmonth = 3\n")
    assert_input_error(invoke("features", "--data", tiny, "--config", cfg), "unknown setting 'month'")


def test_usage_errors_exit_2(tiny):
    assert invoke("features", "--data", tiny, "--population", "some").exit_code == 2
    for args, says in ((["--end-month", "2026-13"], "YYYY-MM"), (["--months", "0"], "from 1 to 24"),
                       (["--months", "100"], "from 1 to 24"), (["--encoding", "utf-17"], "unknown encoding"),
                       (["--temp-dir", str(tiny / "no_such_folder")], "folder does not exist"),
                       (["--temp-dir", str(tiny / "cdr.csv")], "not a folder")):
        res = invoke("features", "--data", tiny, *args)
        assert (res.exit_code, res.stdout) == (2, ""), (args, res.stderr)
        assert says in res.stderr and res.stderr.count("\n") == 1, (args, res.stderr)


def test_bad_window_values_in_python_requests_are_usage_errors(tiny):
    """A Python caller gets the same exit-2 error as the command line."""
    import pytest

    from segment.errors import UsageError
    from segment.jobs import features as job

    for bad in ({"months": 0}, {"months": True}, {"end_month": "2026-13"}, {"population": "some"}):
        with pytest.raises(UsageError):
            job.run(job.Request(data=tiny, **bad))


def test_months_true_in_the_config_is_refused(tiny, tmp_path):
    cfg = tmp_path / "c.toml"
    cfg.write_text("[features]\nmonths = true\n")
    assert_input_error(invoke("features", "--data", tiny, "--config", cfg), "[features].months: expected int, got True")


def test_config_with_a_byte_order_mark_is_read(tiny, tmp_path):
    cfg = tmp_path / "c.toml"
    cfg.write_bytes("\ufeff[features]\nmonths = 2\n".encode("utf-8"))
    res = invoke("features", "--data", tiny, "--config", cfg, "--format", "json")
    assert res.exit_code == 0, res.stderr
    assert json.loads(res.stdout)["window"]["months"] == 2


def test_two_canonical_columns_mapped_to_one_is_refused(tiny, tmp_path):
    cfg = tmp_path / "c.toml"
    cfg.write_text('[columns.cdr]\nduration_s = "volume_kb"\nvolume_kb = "volume_kb"\n')
    assert_input_error(invoke("features", "--data", tiny, "--config", cfg),
                       "duration_s and volume_kb are both mapped to column 'volume_kb'")


def test_help_for_every_command():
    for cmd in ([], ["features"], ["sample"]):
        res = invoke(*cmd, "--help")
        assert res.exit_code == 0 and "Usage" in res.stdout
