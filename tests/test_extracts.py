"""Real extracts (issue 14): where the input is legitimately fine the result is the right
one, not only exit 0; the library pieces behind the bad-input corpus (tests/bad_inputs/)."""

from __future__ import annotations

import copy
import errno
from pathlib import Path

import duckdb
import polars as pl
import pytest

from tables import tiny_tables, write_tables

from segment import config, quality
from segment.errors import ConfigError, DiskFullError, InputError, OutOfMemoryError, SchemaError, SpillError, UsageError
from segment.features import compute
from segment.io.inputs import find_inputs

CORPUS = Path(__file__).resolve().parent / "bad_inputs"


def _features(data: Path, cfg=None, **overrides) -> tuple[pl.DataFrame, dict]:
    cfg = cfg or config.load(None)
    with compute(find_inputs(data, overrides), cfg) as fs:
        return fs.frame(), fs.summary()


@pytest.fixture(scope="module")
def base(tmp_path_factory) -> pl.DataFrame:
    """The features of the tiny set, as CSV."""
    return _features(write_tables(tmp_path_factory.mktemp("tiny"), tiny_tables()))[0]


def test_a_tsv_file_is_read_with_tabs_and_gives_the_csv_result(base):
    assert _features(CORPUS / "tsv_file" / "data")[0].equals(base)


def test_operator_codes_mapped_give_the_canonical_result(base):
    cfg = config.load(CORPUS / "service_codes_mapped" / "segment.toml")
    assert _features(CORPUS / "service_codes" / "data", cfg)[0].equals(base)


def test_charges_keep_four_decimals(tmp_path):
    frame, _ = _features(CORPUS / "charge_four_decimals" / "data")
    # customer 1: 5 events of 0.1234 over 3 months; customer 2: 3 events
    assert frame.sort("customer_id")["usage_charge"].to_list() == [5 * 0.1234 / 3, 3 * 0.1234 / 3]


def test_null_markers_configured_apply_to_text(tmp_path):
    frame, summary = _features(CORPUS / "null_text_gate" / "data")
    assert frame.sort("customer_id")["group_member"].to_list() == [1.0, 1.0]  # 'NULL' read as a group
    assert summary["implausible"][0]["column"] == "group_id"
    cfg = config.load(CORPUS / "null_text_configured" / "segment.toml")
    frame, summary = _features(CORPUS / "null_text_gate" / "data", cfg)
    assert frame.sort("customer_id")["group_member"].to_list() == [1.0, 0.0]
    assert summary["implausible"] == []


def test_null_markers_apply_to_parquet_text(tmp_path):
    t = copy.deepcopy(tiny_tables())
    t["customers"][1][1][6] = r"\N"
    folder = tmp_path / "p"
    folder.mkdir()
    for name, (header, rows) in t.items():
        pl.DataFrame([dict(zip(header, r)) for r in rows], infer_schema_length=None).write_parquet(folder / f"{name}.parquet")
    cfg = config.from_dict({"input": {"null_values": ["", r"\N"]}})
    assert _features(folder, cfg)[0].sort("customer_id")["group_member"].to_list() == [1.0, 0.0]


def test_bom_crlf_quotes_and_a_row_starting_with_hash_are_data():
    for case, brand in (("bom_crlf_quotes", "GoTone"), ("row_starting_with_hash", "#1 GoTone")):
        frame, summary = _features(CORPUS / case / "data")
        assert frame.height == 2 and summary["brands"] == {"Easyown": 1, brand: 1}, case
    with compute(find_inputs(CORPUS / "bom_crlf_quotes" / "data"), config.load(None)) as fs:
        plans = fs.con.execute("select plan_id from stg_customers order by customer_id").fetchall()
    assert plans == [('P1, gold "plus"',), ("P2",)]


def test_utf16_with_a_byte_order_mark_and_gbk_in_gzip_keep_the_text():
    assert _features(CORPUS / "utf16_with_bom" / "data")[1]["brands"] == {"Easyown": 1, "GoTone": 1}
    cfg = config.load(None).replace(input={"encoding": "gbk"})
    assert _features(CORPUS / "gzip_gbk_with_encoding" / "data", cfg)[1]["brands"] == {"Easyown": 1, "全球通": 1}


def test_unsigned_64_bit_ids_are_kept_exactly():
    frame, _ = _features(CORPUS / "unsigned_64_bit_ids" / "data")
    assert frame["customer_id"].to_list() == [str(2**63 + 8), str(2**63 + 9)]


def test_a_readme_in_a_table_folder_is_listed_not_read():
    frame, summary = _features(CORPUS / "cdr_folder_with_readme" / "data")
    assert summary["skipped_files"] == {"cdr": [str(CORPUS / "cdr_folder_with_readme" / "data" / "cdr" / "README.txt")]}
    assert summary["cdr"]["rows_total"] == 8


def test_unknown_customers_of_every_table_are_counted(tmp_path):
    t = copy.deepcopy(tiny_tables())
    t["billing"][1].append([3, "2026-07", 1, 1, 0, 0, 0, 0, 0, 0, 0, 0])
    t["interactions"] = (["customer_id", "contact_time", "channel"],
                         [[1, "2026-07-01 10:00:00", "web"], [9, "2026-07-02 10:00:00", "web"]]
                         + [[1, f"2026-06-{d:02d} 10:00:00", "hall"] for d in range(1, 29)])
    cfg = config.from_dict({"quality": {"max_unknown_customer_share": 0.5}})
    _, summary = _features(write_tables(tmp_path / "d", t), cfg)
    assert summary["unknown_customers"]["billing"] == {"rows": 7, "rows_unknown": 1, "unknown_customers": 1,
                                                       "examples": ["3"]}
    assert summary["unknown_customers"]["interactions"]["rows_unknown"] == 1
    assert any("billing" in w and "not in customers" in w for w in summary["warnings"])


def test_duplicate_rows_are_counted_and_the_gate_lifts_the_size_limit(tmp_path):
    t = copy.deepcopy(tiny_tables())
    t["cdr"][1].extend([list(t["cdr"][1][0]), list(t["cdr"][1][0]), list(t["cdr"][1][4])])
    data = write_tables(tmp_path / "d", t)
    assert _features(data)[1]["duplicates"] == {"checked": True, "rows": 3, "reason": None,
                                                "example": "customer 1 at 2026-06-01 07:00:00 (3 copies)"}
    small = config.from_dict({"quality": {"duplicate_check_max_rows": 5}})
    assert _features(data, small)[1]["duplicates"]["checked"] is False
    gated = quality.with_gates(small, quality.parse("duplicate-events"))
    assert _features(data, gated)[1]["cdr"]["rows_duplicate"] == 3


def test_plausibility_needs_enough_rows_and_reports_the_column(tmp_path):
    t = copy.deepcopy(tiny_tables())
    for r in t["cdr"][1]:
        r[6] = 5000 if r[2] == "voice" else r[6]  # 5000 s calls, but only 6 of them
    data = write_tables(tmp_path / "d", t)
    assert _features(data)[1]["implausible"] == []
    cfg = config.from_dict({"quality": {"plausible_min_rows": 3, "max_mean_call_s": 3600}})
    found = _features(data, cfg)[1]["implausible"]
    assert [(i["table"], i["column"]) for i in found] == [("cdr", "duration_s")]
    assert "every one of the 6 voice calls lasts 5000 s" in found[0]["problem"]


def test_code_maps_are_validated():
    with pytest.raises(ConfigError, match="mapped to both voice and sms"):
        config.from_dict({"values": {"cdr": {"service": {"voice": "V", "sms": ["V"]}}}})
    with pytest.raises(ConfigError, match="not a coded column"):
        config.from_dict({"values": {"cdr": {"charge": {"voice": "V"}}}})
    with pytest.raises(ConfigError, match="unknown value"):
        config.from_dict({"values": {"interactions": {"channel": {"fax": "F"}}}})
    cfg = config.from_dict({"values": {"customers": {"gender": {"M": ["male", "m"]}}}})
    assert cfg.values == {"customers": {"gender": {"M": ("male", "m")}}}


def test_a_code_map_of_a_small_table_applies(tmp_path):
    t = copy.deepcopy(tiny_tables())
    t["interactions"] = (["customer_id", "contact_time", "channel"],
                         [[1, f"2026-0{m}-03 10:00:00", "营业厅"] for m in (6, 7, 8)])
    cfg = config.from_dict({"values": {"interactions": {"channel": {"hall": "营业厅"}}}})
    frame, _ = _features(write_tables(tmp_path / "d", t), cfg)
    assert frame.sort("customer_id")["contacts_hall"].to_list() == [1.0, 0.0]


# ---------------------------------------------------------------- files and folders

def test_a_ragged_row_deep_in_a_csv_names_its_line(tmp_path):
    """Past the rows DuckDB samples to read the dialect, the row surfaces in a later query."""
    t = copy.deepcopy(tiny_tables())
    extra = [[1 + i % 2, f"2026-07-{1 + i % 28:02d} 10:{i % 60:02d}:{(i // 60) % 60:02d}", "sms", "out", "a", "onnet",
              None, None, 0.1, "none", 1] for i in range(30_000)]
    extra[25_000].append("one more")
    t["cdr"] = (t["cdr"][0], t["cdr"][1] + extra)
    data = write_tables(tmp_path / "d", t)
    with pytest.raises(InputError, match=f"cdr: cannot read {data}/cdr.csv: line 25010 has 12 field\\(s\\) where the "
                                         "header \\(line 1\\) has 11"):
        _features(data)

def test_an_unreadable_folder_is_an_input_error(tmp_path, monkeypatch):
    folder = tmp_path / "cdr"
    folder.mkdir()

    def refuse(self):
        raise PermissionError(errno.EACCES, "Permission denied", str(self))

    monkeypatch.setattr(Path, "iterdir", refuse)
    from segment.io.inputs import resolve

    with pytest.raises(InputError, match=f"cdr: cannot read folder {folder}: permission denied"):
        resolve("cdr", folder)


def test_a_full_disk_while_writing_is_a_resource_error(tmp_path, monkeypatch):
    from segment.io import outputs

    def full(frame, path):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(outputs, "write_parquet", full)
    out = tmp_path / "f.parquet"
    with pytest.raises(DiskFullError, match=f"cannot write {out}: no space left on the device of {tmp_path}") as e:
        outputs.write_frame(pl.DataFrame({"a": [1]}), out)
    assert e.value.exit_code == 5 and list(tmp_path.iterdir()) == []


def test_engine_errors_about_resources_are_named(tmp_path):
    from segment.engine import EngineOptions, resource_error

    oom = resource_error(duckdb.OutOfMemoryException("Out of Memory Error: failed to allocate"),
                         EngineOptions(memory_limit="2GB"), tmp_path)
    assert isinstance(oom, OutOfMemoryError) and "--memory-limit 2GB" in str(oom)
    spill = tmp_path / "spill"
    full = duckdb.IOException(f'IO Error: Could not write file "{spill}/duckdb_temp_block": No space left on device')
    assert isinstance(resource_error(full, EngineOptions(), spill), DiskFullError)
    gone = duckdb.IOException(f'IO Error: Could not open file "{spill}/duckdb_temp_block": No such file or directory')
    assert isinstance(resource_error(gone, EngineOptions(), spill), SpillError)
    assert resource_error(duckdb.InvalidInputException("Invalid Input Error: x"), EngineOptions(), spill) is None


def test_the_spill_folder_is_checked_before_any_work(tmp_path):
    from segment.io.outputs import check_spill_folder

    check_spill_folder(tmp_path)
    assert list(tmp_path.iterdir()) == []  # the probe is removed
    with pytest.raises(UsageError, match="folder does not exist"):
        check_spill_folder(tmp_path / "none")


def test_no_visible_temporary_of_the_parquet_writer(tmp_path):
    """DuckDB's COPY writes straight into the private temporary (no tmp_<name> beside it),
    and a tmp_ twin left by a killed process of an earlier version is removed."""
    from segment.io import outputs

    out = tmp_path / "f.parquet"
    dead = tmp_path / f"tmp_.f.parquet.{outputs._HOST}.999999999.abc.tmp"
    dead.write_text("left by kill -9")
    outputs.write_frame(pl.DataFrame({"a": list(range(1000))}), out)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["f.parquet"]
    assert "USE_TMP_FILE false" in outputs.PARQUET_OPTIONS


def test_a_symlinked_out_is_written_through(tmp_path):
    from segment.io import outputs

    target = tmp_path / "real"
    target.mkdir()
    link = tmp_path / "results"
    link.symlink_to(target)
    with outputs.atomic_dir(link, force=True) as tmp:
        (tmp / "x.json").write_text("{}")
    assert link.is_symlink() and (target / "x.json").is_file()


# ---------------------------------------------------------------- model.sql and score

HOSTILE = ["Go\nTone -- x", "M'Zone\"; drop table features; --", "Easy*/own\\' */", "tab\there\r\u2028end"]


def test_model_sql_with_hostile_brand_names_is_one_statement_that_scores_them():
    """A brand name is data: in model.sql's comments it cannot end the comment, in its
    literals it cannot end the string (quotes and backslashes are chr(), also for Spark)."""
    from segment.model import to_sql

    var = {"name": "x", "median": 0.0, "log": False, "low": -10.0, "high": 10.0, "mean": 0.0, "std": 1.0}
    brand = {"method": "kmeans", "variables": [var], "segments": [{"segment": 1, "name": "low'--\n*/", "center": [-1.0]},
                                                                  {"segment": 2, "name": "high", "center": [1.0]}]}
    model = {"version": 1, "id_column": "customer_id", "brand_column": "brand",
             "brands": {b: copy.deepcopy(brand) for b in HOSTILE}}
    text = to_sql(model)
    con = duckdb.connect()
    assert len(con.extract_statements(text)) == 1
    comments = [line for line in text.splitlines() if line.strip().startswith("--")]
    assert all(line.strip().startswith("-- ") for line in comments)
    assert not any("drop table" in line and not line.strip().startswith("--") and "chr(" not in line
                   for line in text.splitlines())
    rows = [(i, b, v) for i, (b, v) in enumerate([(b, v) for b in HOSTILE for v in (-2.0, 2.0)])]
    con.execute("create table features (customer_id integer, brand varchar, x double)")
    con.executemany("insert into features values (?, ?, ?)", rows)
    got = con.execute(text).fetchall()
    assert [(r[0], r[1], r[2], r[3]) for r in got] == [
        (i, b, 1 if v < 0 else 2, "low'--\n*/" if v < 0 else "high") for i, b, v in rows]


def test_score_counts_customers_not_scored_by_reason():
    from segment import model as modelmod

    m = modelmod.load(CORPUS / "score_text_in_variable" / "model.json")
    table = pl.DataFrame({"customer_id": [1, 2, 3, 4, 5], "brand": ["GoTone", "GoTone", "M-Zone", None, "GoTone"],
                          "voice_minutes": ["10", "1h30", "5", "5", "NaN"]})
    assigned, unscored, notes = modelmod.score_all(m, table)
    assert assigned["customer_id"].to_list() == [1]
    assert unscored == {"unknown_brand": 2, "missing_variable": 0, "unreadable_value": 2}
    assert any("column 'voice_minutes' holds '1h30'" in n for n in notes)


def test_score_without_any_usable_variable_is_a_schema_error():
    from segment import model as modelmod
    from segment.errors import SchemaError

    m = modelmod.load(CORPUS / "score_text_in_variable" / "model.json")
    with pytest.raises(SchemaError, match="needs column\\(s\\) voice_minutes"):
        modelmod.score_all(m, pl.DataFrame({"customer_id": [1], "brand": ["GoTone"]}))


def test_portable_literals_and_comments():
    from segment.sql import comment_text, portable_literal

    assert portable_literal("GoTone") == "'GoTone'"
    assert portable_literal("O'Brien\\") == "('O' || chr(39) || 'Brien' || chr(92))"
    assert portable_literal("") == "''"
    assert comment_text("a\nb\u2028c") == "a\\u000ab\\u2028c"
    con = duckdb.connect()
    for s in HOSTILE + ["", "'", "\\\\"]:
        assert con.execute(f"select {portable_literal(s)}").fetchone()[0] == s


def test_birth_years_that_are_ages_and_sessions_in_bytes_are_implausible(tmp_path):
    t = copy.deepcopy(tiny_tables())
    t["customers"][1][0][3] = 46  # an age given as the birth year (customer 1)
    t["cdr"][1].append([1, "2026-08-04 12:00:00", "data", None, None, None, None, 4096, 0.2, "none", 1])
    for r in t["cdr"][1]:
        r[7] = r[7] * 1024 if r[2] == "data" else r[7]  # 2 and 4 MB written in bytes: 2 and 4 GiB "KB"
    data = write_tables(tmp_path / "d", t)
    cfg = config.from_dict({"quality": {"plausible_min_rows": 1}})
    found = {(i["table"], i["column"]): i["problem"] for i in _features(data, cfg)[1]["implausible"]}
    assert found[("customers", "birth_year")] == "1 of its 1 values are outside 1900..%d, e.g. 46: an age, or " \
        "another column?" % __import__("datetime").date.today().year
    assert found[("cdr", "volume_kb")].startswith("the mean data session is 3,145,728 KB, over 1,048,576 KB")


def test_repeated_top_ups_and_contacts_are_counted(tmp_path):
    t = copy.deepcopy(tiny_tables())
    top_up = [1, "2026-07-05 09:00:00", 50]
    contact = [2, "2026-06-09 10:00:00", "hall", "inquiry"]
    t["recharges"] = (["customer_id", "recharge_time", "amount"], [top_up, list(top_up), list(top_up), [1, "2026-07-05 09:00:00", 20]])
    t["interactions"] = (["customer_id", "contact_time", "channel", "purpose"], [contact, list(contact)])
    data = write_tables(tmp_path / "d", t)
    found = {(i["table"], i["column"]): i["problem"] for i in _features(data)[1]["implausible"]}
    # three equal top-ups: 2 copies; the 20 top-up at the same second is another row
    assert found[("recharges", "customer_id")].startswith("2 row(s) of the window are exact copies of another row, "
                                                         "e.g. customer 1 at 2026-07-05 09:00:00")
    assert found[("interactions", "customer_id")].startswith("1 row(s) of the window are exact copies")


def test_brands_differing_in_spaces_or_case_and_headers_in_capitals(tmp_path):
    t = copy.deepcopy(tiny_tables())
    t["customers"][1][1][1] = "gotone "
    t["customers"][1][0][1] = "GoTone"
    t["cdr"] = ([h.upper() for h in t["cdr"][0]], t["cdr"][1])
    frame, summary = _features(write_tables(tmp_path / "d", t))
    assert [(i["table"], i["column"], i["problem"]) for i in summary["implausible"]] == [
        ("customers", "brand", "'GoTone', 'gotone ' differ only in spaces or case (2 customers): they are segmented "
                               "as different brands")]
    assert frame["brand"].to_list() == ["GoTone", "gotone "]  # the CDR in capitals is read: both are active


def _parquet_tables(tmp_path, edit) -> Path:
    data = tmp_path / "pq"
    data.mkdir(parents=True)
    for name, (header, rows) in tiny_tables().items():
        frame = pl.DataFrame([dict(zip(header, r)) for r in rows], infer_schema_length=None)
        frame = frame.with_columns(pl.col(c).str.to_datetime() for c in ("start_time",) if c in frame.columns)
        edit(name, frame).write_parquet(data / f"{name}.parquet")
    return data


def test_instants_need_a_time_zone_and_are_read_as_its_local_time(tmp_path):
    def shanghai(name, frame):  # the same wall-clock times, stored as instants (UTC-adjusted)
        return frame.with_columns(pl.col("start_time").dt.replace_time_zone("Asia/Shanghai")) if name == "cdr" else frame

    plain = _features(_parquet_tables(tmp_path / "a", lambda n, f: f))[0]
    data = _parquet_tables(tmp_path / "b", shanghai)
    with pytest.raises(SchemaError, match=r"column 'start_time' holds instants .* set \[input\] time_zone"):
        _features(data)
    local = _features(data, config.from_dict({"input": {"time_zone": "Asia/Shanghai"}}))[0]
    assert local.equals(plain)  # 07:00 in Shanghai is 07:00, not 23:00 UTC the day before
    with pytest.raises(ConfigError, match="unknown time zone 'Mars/Olympus'"):
        config.from_dict({"input": {"time_zone": "Mars/Olympus"}})


def test_a_nested_column_and_nan_amounts_are_errors(tmp_path):
    nested = _parquet_tables(tmp_path / "a", lambda n, f: f.with_columns(pl.concat_list("brand").alias("brand"))
                             if n == "customers" else f)
    with pytest.raises(SchemaError, match=r"column 'brand' is VARCHAR\[\], not one value per row"):
        _features(nested)
    nan = _parquet_tables(tmp_path / "b", lambda n, f: f.with_columns(
        pl.when(pl.col("total_fee") == 90).then(float("nan")).otherwise(pl.col("total_fee").cast(pl.Float64))
        .alias("total_fee")) if n == "billing" else f)
    with pytest.raises(SchemaError, match=r"'total_fee': 1 value\(s\) cannot be read as DECIMAL\(18,6\), e.g. nan; "
                                          r"NaN and infinities are not values"):
        _features(nan)


def test_an_optional_table_without_rows_is_reported(tmp_path):
    t = copy.deepcopy(tiny_tables())
    t["recharges"] = (["customer_id", "recharge_time", "amount"], [])
    frame, summary = _features(write_tables(tmp_path / "d", t))
    assert [(i["table"], i["problem"]) for i in summary["implausible"]] == [
        ("recharges", "the table has no rows: every customer's recharge indicators are 0 (an empty export, or the "
                      "right one?)")]
    assert frame["recharge_count"].to_list() == [0, 0]


def test_a_resource_error_after_the_features_is_exit_5_with_the_memory_limit():
    from segment.jobs import common
    from segment.jobs.features import Request

    req = Request(data=Path("."), memory_limit="3GB")
    with pytest.raises(OutOfMemoryError, match="--memory-limit 3GB"):
        with common.resources(req):
            raise duckdb.OutOfMemoryException("Out of Memory Error: failed to allocate block")
