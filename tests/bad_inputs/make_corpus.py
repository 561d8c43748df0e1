"""Write the bad-input corpus: one folder per case, each a small edit of the tiny valid set.

Run ``python tests/bad_inputs/make_corpus.py`` after changing a case; the folders are
committed, and ``tests/test_bad_inputs.py`` checks they are what this script writes.

Each case folder holds its inputs (``data/`` and/or single files) and ``case.toml``:

* ``about``: one line saying what is wrong (copied into README.md);
* ``args``: the command line after ``segment --quiet``;
* ``exit_code`` and ``stderr``: the exact expected exit code and whole stderr;
* ``out`` (optional): the file or folder name the command writes, substituted for
  ``{out}`` (a fresh temporary folder holds it); nothing may appear there on failure;
* ``setup`` (optional): ``out_exists`` (a file is at ``{out}`` before the run, and must be
  untouched after) or ``out_read_only`` (the folder holding ``{out}`` is read-only).

Placeholders in ``args`` and ``stderr``: ``{case}`` the case folder, ``{corpus}`` this
folder, ``{out}`` the output path, ``{out_dir}`` the folder holding it, ``{today}`` and
``{tomorrow}`` the dates the run sees (ISO), ``{this_month}`` the current month (YYYY-MM).
"""

from __future__ import annotations

import copy
import csv
import gzip
import io
import json
import shutil
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from tables import CDR_HEADER, tiny_tables  # noqa: E402

FEATURES = ["features", "--data", "{case}/data", "--out", "{out}"]


def _csv_text(header, rows, delimiter=",") -> str:
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=delimiter, lineterminator="\n")
    w.writerow(header)
    for r in rows:
        w.writerow(["" if v is None else v for v in r])
    return buf.getvalue()


def _toml_value(v) -> str:
    if isinstance(v, list):
        return "[" + ", ".join(_toml_value(x) for x in v) + "]"
    if isinstance(v, int):
        return str(v)
    return json.dumps(v, ensure_ascii=False)  # a TOML basic string is a JSON string


def _drop_column(table, name):
    header, rows = table
    k = header.index(name)
    return [h for i, h in enumerate(header) if i != k], [[v for i, v in enumerate(r) if i != k] for r in rows]


class Case:
    def __init__(self, name: str, about: str, args: list[str], exit_code: int, stderr: str,
                 out: str | None = None, setup: str | None = None):
        self.name, self.about, self.args, self.exit_code = name, about, args, exit_code
        self.stderr, self.setup = stderr, setup
        self.out = out or ("features.parquet" if "{out}" in args else None)
        self.files: dict[str, bytes] = {}

    def data(self, edit=None, encoding: str = "utf-8", delimiter: dict | None = None) -> "Case":
        """data/customers.csv, cdr.csv, billing.csv: the tiny set after ``edit(tables)``."""
        tables = copy.deepcopy(tiny_tables())
        if edit:
            edit(tables)
        for table, (header, rows) in tables.items():
            if rows is None:
                continue
            text = _csv_text(header, rows, (delimiter or {}).get(table, ","))
            self.files[f"data/{table}.csv"] = text.encode(encoding if table == "customers" else "utf-8")
        return self

    def file(self, name: str, content: bytes) -> "Case":
        self.files[name] = content
        return self

    def add_files(self, named: dict[str, bytes]) -> "Case":
        self.files.update(named)
        return self

    def toml(self) -> str:
        lines = [f"about = {_toml_value(self.about)}", f"args = {_toml_value(self.args)}"]
        if self.out:
            lines.append(f"out = {_toml_value(self.out)}")
        if self.setup:
            lines.append(f"setup = {_toml_value(self.setup)}")
        lines += [f"exit_code = {self.exit_code}", f"stderr = {_toml_value(self.stderr)}"]
        return "\n".join(lines) + "\n"


def _set(table: str, row: int, column: str, value):
    def edit(t):
        header, rows = t[table]
        rows[row][header.index(column)] = value
    return edit


def _parquet_bytes(table) -> bytes:
    import polars as pl

    header, rows = table
    frame = pl.DataFrame([dict(zip(header, r)) for r in rows], infer_schema_length=None)
    buf = io.BytesIO()
    frame.write_parquet(buf, compression="uncompressed", statistics=False)
    return buf.getvalue()


def _overwrite_middle(content: bytes) -> bytes:
    """Keep the PAR1 header and the footer; fill the first half after the header with 'A'."""
    half = len(content) // 2
    return content[:8] + b"A" * (half - 8) + content[half:]


def _features_csv() -> bytes:
    """A wide table: 30 GoTone customers in two clear groups, 5 Easyown customers."""
    rows = []
    for i in range(1, 36):
        brand = "GoTone" if i <= 30 else "Easyown"
        group = i % 2
        rows.append([i, brand, 100 + 50 * group + i % 7, 10 + 20 * group + i % 5])
    return _csv_text(["customer_id", "brand", "total_fee", "voice_minutes"], rows).encode()


# ---------------------------------------------------------------- helpers of the extract cases (issue 14)

def _interactions(ids=(1, 2), channels=("hall", "web")) -> tuple[list, list]:
    header = ["customer_id", "contact_time", "channel", "purpose"]
    rows = [[i, f"2026-0{m}-1{k} 10:00:00", channels[k % len(channels)], "inquiry"]
            for k, i in enumerate(ids) for m in (6, 7, 8)]
    return header, rows


def _recharges(ids=(1, 2)) -> tuple[list, list]:
    return ["customer_id", "recharge_time", "amount"], [[i, f"2026-0{m}-05 09:00:00", 50] for i in ids for m in (6, 7, 8)]


def _with(table: str, made):
    return lambda t: t.__setitem__(table, made)


def _column(table: str, column: str, fn):
    """Apply ``fn`` to every value of ``table.column``."""
    def edit(t):
        header, rows = t[table]
        k = header.index(column)
        for r in rows:
            r[k] = fn(r[k])
    return edit


def _rename_header(table: str, old: str, new: str):
    def edit(t):
        header, rows = t[table]
        t[table] = ([new if h == old else h for h in header], rows)
    return edit


def _repeat_header(table: str, after: int):
    """The header line again after row ``after`` (exports joined with their headers)."""
    def edit(t):
        header, rows = t[table]
        rows.insert(after, list(header))
    return edit


def _many_calls(n: int = 120, duration=60, midnight: bool = False):
    """n voice calls of customers 1 and 2 spread over the window (for the plausibility cases)."""
    def edit(t):
        header, rows = t["cdr"]
        for i in range(n):
            month, day = 6 + i % 3, 1 + (i // 3) % 28
            time = "00:00:00" if midnight else f"{8 + i % 10:02d}:{i % 60:02d}:00"
            rows.append([1 + i % 2, f"2026-{month:02d}-{day:02d} {time}", "voice", "out", f"p{i % 7}", "onnet",
                         duration, None, 0.1, "none", 1])
        if midnight:
            for r in rows:
                r[1] = r[1][:10] + " 00:00:00"
    return edit


def _split_cdr(edit_second=None, same=False):
    """cdr/ as two parts: part-1.csv (the first four rows), part-2.csv (the rest, or the same
    rows for a part delivered twice), after ``edit_second`` on the second part's table."""
    tiny = tiny_tables()
    header, rows = tiny["cdr"]
    first = (header, rows[:4])
    second = (list(header), [list(r) for r in (rows[:4] if same else rows[4:])])
    if edit_second:
        second = edit_second(second)
    return _csv_text(*first).encode(), _csv_text(*second).encode()


def _model_json() -> bytes:
    """A hand-made model: brand GoTone, one variable (voice_minutes), two segments."""
    variable = {"name": "voice_minutes", "median": 20.0, "log": False, "low": 0.0, "high": 100.0, "mean": 20.0,
                "std": 10.0, "imputed": 0}
    model = {"kind": "segment-model", "version": 1, "id_column": "customer_id", "brand_column": "brand",
             "method": "kmeans", "seed": 42,
             "brands": {"GoTone": {"method": "kmeans", "variables": [variable],
                                   "segments": [{"segment": 1, "name": "light", "center": [-1.0]},
                                                {"segment": 2, "name": "heavy", "center": [1.0]}]}}}
    return (json.dumps(model, indent=2) + "\n").encode()


def _to_score(rows) -> bytes:
    return _csv_text(["customer_id", "brand", "voice_minutes"], rows).encode()


def _parquet_tables(tables: dict, unsigned_ids: bool = False) -> dict[str, bytes]:
    """data/<table>.parquet for each table (ids as unsigned 64-bit integers if asked)."""
    import polars as pl

    out = {}
    for name, (header, rows) in tables.items():
        frame = pl.DataFrame([dict(zip(header, r)) for r in rows], infer_schema_length=None)
        if unsigned_ids:
            frame = frame.with_columns(pl.col("customer_id").cast(pl.UInt64))
        buf = io.BytesIO()
        frame.write_parquet(buf, compression="uncompressed", statistics=False)
        out[f"data/{name}.parquet"] = buf.getvalue()
    return out


HUGE = 2**63 + 7  # an unsigned 64-bit hash id above the largest BIGINT


def _huge_ids(t):
    for name in ("customers", "cdr", "billing"):
        for r in t[name][1]:
            r[0] = HUGE + r[0]


def cases() -> list[Case]:
    return _contract_cases() + _extract_cases()


def _extract_cases() -> list[Case]:
    """The faults of real extracts (issue 14): each gives its documented error, or the right
    result where the input is legitimately fine."""
    tiny = tiny_tables()
    cfg = ["--config", "{case}/segment.toml"]
    part1, part2 = _split_cdr()
    same1, same2 = _split_cdr(same=True)
    _, lacking = _split_cdr(lambda tb: _drop_column(tb, "duration_s"))
    service_codes = {"voice": "语音", "sms": "短信", "data": "数据"}
    utf16 = _csv_text(*tiny["customers"]).encode("utf-16")
    gbk_customers = _csv_text(*[tiny["customers"][0], [list(r) for r in tiny["customers"][1]]]).replace(
        "GoTone", "全球通").encode("gbk")
    return [
        Case("billing_ids_as_decimals", "billing.csv writes the ids 1.0 and 2.0: no bill matches a customer",
             FEATURES, 3,
             "error: billing ({case}/data/billing.csv): column 'customer_id': 6 row(s) of the window (100.0%) belong to 2 customer id(s) not in customers, e.g. '1.0', '2.0' (customers has ids such as '1', '2'); more than quality.max_unknown_customer_share = 5.0%: is the right customers file given, or are the ids written differently?")
        .data(_column("billing", "customer_id", lambda v: f"{v}.0")),
        Case("interactions_ids_with_prefix", "interactions.csv writes the ids C1 and C2: no contact matches a customer",
             FEATURES, 3,
             "error: interactions ({case}/data/interactions.csv): column 'customer_id': 6 row(s) of the window (100.0%) belong to 2 customer id(s) not in customers, e.g. 'C1', 'C2' (customers has ids such as '1', '2'); more than quality.max_unknown_customer_share = 5.0%: is the right customers file given, or are the ids written differently?")
        .data(_with("interactions", _interactions(ids=("C1", "C2")))),
        Case("recharges_ids_with_quote", "recharges.csv writes the ids with a stray quote ('1): no top-up matches",
             FEATURES, 3,
             "error: recharges ({case}/data/recharges.csv): column 'customer_id': 6 row(s) of the window (100.0%) belong to 2 customer id(s) not in customers, e.g. \"'1\", \"'2\" (customers has ids such as '1', '2'); more than quality.max_unknown_customer_share = 5.0%: is the right customers file given, or are the ids written differently?")
        .data(_with("recharges", _recharges(ids=("'1", "'2")))),
        Case("billing_unknown_gate", "a bill of customer 3 (not in customers), under a share limit of 50%, "
             "with --fail-on unknown-customers-billing",
             [*FEATURES, *cfg, "--fail-on", "unknown-customers-billing"], 3,
             "error: quality gate failed: unknown-customers-billing: 14.3% of the window's billing rows (1 of 7) belong to 1 customer(s) not in customers (e.g. '3'), above the limit 0% (--fail-on unknown-customers-billing); nothing was written")
        .data(lambda t: t["billing"][1].append([3, "2026-07", 1, 1, 0, 0, 0, 0, 0, 0, 0, 0]))
        .file("segment.toml", b"[quality]\nmax_unknown_customer_share = 0.5\n"),
        Case("cdr_part_twice", "cdr/ holds part-2.csv, a copy of part-1.csv under another name",
             FEATURES, 3,
             "error: cdr: {case}/data/cdr/part-2.csv has the same bytes as {case}/data/cdr/part-1.csv: a part delivered twice would count its rows twice; remove one of them")
        .data(_with("cdr", (CDR_HEADER, None))).file("data/cdr/part-1.csv", same1).file("data/cdr/part-2.csv", same2),
        Case("cdr_part_lacks_column", "cdr/part-2.csv lacks the column duration_s that part-1.csv has",
             FEATURES, 3,
             "error: cdr: part {case}/data/cdr/part-2.csv lacks column(s) 'duration_s' that {case}/data/cdr/part-1.csv has; all parts of a table must have the same columns")
        .data(_with("cdr", (CDR_HEADER, None))).file("data/cdr/part-1.csv", part1).file("data/cdr/part-2.csv", lacking),
        Case("cdr_part_type_mismatch", "cdr/part-2.parquet has duration_s as text where part-1.parquet has numbers",
             FEATURES, 3,
             "error: cdr: column 'duration_s' is a number (BIGINT) in {case}/data/cdr/part-1.parquet but text (VARCHAR) in {case}/data/cdr/part-2.parquet; all parts must give a column the same type")
        .data(_with("cdr", (CDR_HEADER, None)))
        .file("data/cdr/part-1.parquet", _parquet_bytes((CDR_HEADER, tiny["cdr"][1][:4])))
        .file("data/cdr/part-2.parquet", _parquet_bytes((CDR_HEADER, [[*r[:6], str(r[6]), *r[7:]]
                                                                      for r in tiny["cdr"][1][4:]]))),
        Case("cdr_parts_mixed_formats", "cdr/ holds part-1.csv and part-2.parquet", FEATURES, 3,
             "error: cdr: folder {case}/data/cdr mixes CSV and Parquet files (part-1.csv, part-2.parquet); give one format per table")
        .data(_with("cdr", (CDR_HEADER, None))).file("data/cdr/part-1.csv", part1)
        .file("data/cdr/part-2.parquet", _parquet_bytes((CDR_HEADER, tiny["cdr"][1][4:]))),
        Case("cdr_folder_with_readme", "cdr/ holds its parts and a README.txt: the README is listed, not read "
             "(--fail-on skipped-files)", [*FEATURES, "--fail-on", "skipped-files"], 3,
             "error: quality gate failed: skipped-files: 1 file(s) of a table folder not read ({case}/data/cdr/README.txt), above the limit 0 (--fail-on skipped-files); nothing was written")
        .data(_with("cdr", (CDR_HEADER, None))).file("data/cdr/part-1.csv", part1).file("data/cdr/part-2.csv", part2)
        .file("data/cdr/README.txt", b"CDR export of 2026-08, two parts\n"),
        Case("cdr_folder_with_readme_ok", "the folder of cdr_folder_with_readme without the gate: works, the README "
             "is not read", ["features", "--data", "{corpus}/cdr_folder_with_readme/data", "--out", "{out}"], 0, ""),
        Case("duplicate_rows_gate", "cdr.csv repeats its first row exactly (--fail-on duplicate-events)",
             [*FEATURES, "--fail-on", "duplicate-events"], 3,
             "error: quality gate failed: duplicate-events: 11.1% of the window's CDR rows (1 of 9) are exact copies of another row (e.g. customer 1 at 2026-06-01 07:00:00 (2 copies)), above the limit 0% (--fail-on duplicate-events); nothing was written")
        .data(lambda t: t["cdr"][1].append(list(t["cdr"][1][0]))),
        Case("null_text_gate", "customers.csv writes NULL for an empty group_id, no null marker configured "
             "(--fail-on implausible)", [*FEATURES, "--fail-on", "implausible"], 3,
             "error: quality gate failed: implausible: 1 implausible column(s) (customers.group_id ({case}/data/customers.csv): 1 value(s) 'NULL' look like a null marker and are read as a value; if 'NULL' means no value, add it to [input] null_values), above the limit 0 (--fail-on implausible); nothing was written")
        .data(_set("customers", 1, "group_id", "NULL")),
        Case("null_text_configured", "the customers.csv of null_text_gate with [input] null_values = [\"\", \"NULL\"]: "
             "works, customer 2 is in no group",
             ["features", "--data", "{corpus}/null_text_gate/data", *cfg, "--out", "{out}", "--fail-on", "implausible"],
             0, "").file("segment.toml", b'[input]\nnull_values = ["", "NULL"]\n'),
        Case("null_marker_in_number", "cdr.csv writes \\N for an empty duration_s, no null marker configured",
             FEATURES, 3,
             "error: cdr ({case}/data/cdr.csv): column 'duration_s': 1 value(s) cannot be read as BIGINT, e.g. '\\N'; if '\\N' means no value, add it to [input] null_values in the config")
        .data(_set("cdr", 3, "duration_s", "\\N")),
        Case("null_marker_in_number_configured", "the cdr.csv of null_marker_in_number with [input] null_values "
             "= [\"\", \"\\\\N\"]: works",
             ["features", "--data", "{corpus}/null_marker_in_number/data", *cfg, "--out", "{out}"], 0, "")
        .file("segment.toml", b'[input]\nnull_values = ["", "\\\\N"]\n'),
        Case("repeated_header", "cdr.csv names two columns duration_s", FEATURES, 3,
             "error: cdr ({case}/data/cdr.csv): column 'duration_s' appears twice in the header; one copy would be read and the other ignored: rename or drop one")
        .data(_rename_header("cdr", "volume_kb", "duration_s")),
        Case("tsv_file", "cdr.tsv is separated by tabs (the config says ','): read with tabs, works", FEATURES, 0, "")
        .data(_with("cdr", (CDR_HEADER, None))).file("data/cdr.tsv", _csv_text(*tiny["cdr"], delimiter="\t").encode()),
        Case("charge_four_decimals", "cdr.csv charges 0.1234 per event: kept to the fourth decimal, works",
             FEATURES, 0, "")
        .data(_column("cdr", "charge", lambda v: "0.1234")),
        Case("bom_crlf_quotes", "customers.csv has a byte-order mark, CRLF line ends and quoted fields: works",
             FEATURES, 0, "")
        .data().file("data/customers.csv", b"\xef\xbb\xbf" + _csv_text(*tiny["customers"]).replace(
            "P1", '"P1, gold ""plus"""').replace("\n", "\r\n").encode()),
        Case("row_starting_with_hash", "a customers.csv row starts with '#' (the brand comes first): read as data, works",
             FEATURES, 0, "")
        .data().file("data/customers.csv", _csv_text(
            ["brand", *[h for h in tiny["customers"][0] if h != "brand"]],
            [[r[1], r[0], *r[2:]] for r in tiny["customers"][1]]).replace("GoTone", "#1 GoTone").encode()),
        Case("title_line", "cdr.csv starts with a title line before its header", FEATURES, 3,
             "error: cdr: cannot read {case}/data/cdr.csv: line 2 has 11 field(s) where the header (line 1) has 1 (is line 1 a title rather than the header?)")
        .data().file("data/cdr.csv", b"CDR export of 2026-08\n" + _csv_text(*tiny["cdr"]).encode()),
        Case("ragged_row", "a row of cdr.csv has one field more than the header", FEATURES, 3,
             "error: cdr: cannot read {case}/data/cdr.csv: line 7 has 12 field(s) where the header (line 1) has 11 (a ragged row; a field that holds the delimiter must be quoted)")
        .data(lambda t: t["cdr"][1][5].append("extra")),
        Case("unclosed_quote", "a field of cdr.csv opens a quote that is never closed", FEATURES, 3,
             "error: cdr: cannot read {case}/data/cdr.csv: line 4 opens a quoted field that runs to line 9 "
             "(5 field(s) where the header has 11): is a quote not closed?")
        .data().file("data/cdr.csv", _csv_text(*tiny["cdr"]).replace(",b,offnet,30", ',"b,offnet,30').encode()),
        Case("decimal_comma", "cdr.csv writes its charges with a decimal comma (0,1)", FEATURES, 3,
             "error: cdr ({case}/data/cdr.csv): column 'charge': 7 value(s) cannot be read as DECIMAL(18,6), e.g. "
             "'0,1', '0,2', '0,3'; a decimal comma? numbers are read with '.' as the decimal point")
        .data(lambda t: [_set("cdr", i, "charge", str(t["cdr"][1][i][8]).replace(".", ","))(t) for i in range(8)]),
        Case("epoch_seconds", "cdr.csv gives start_time as seconds since 1970", FEATURES, 3,
             "error: cdr ({case}/data/cdr.csv): column 'start_time': 8 value(s) cannot be read as TIMESTAMP, e.g. "
             "'1780000000', '1780000060', '1780000120'; seconds since 1970? give times as text, e.g. 2026-08-31 23:59:59")
        .data(lambda t: [_set("cdr", i, "start_time", str(1780000000 + 60 * i))(t) for i in range(8)]),
        Case("months_true", "the config says months = true", [*FEATURES, *cfg], 3,
             "error: {case}/segment.toml: [features].months: expected int, got True")
        .data().file("segment.toml", b"[features]\nmonths = true\n"),
        Case("two_names_one_column", "the config maps duration_s and volume_kb onto one column",
             [*FEATURES, *cfg], 3,
             "error: columns.cdr: duration_s and volume_kb are both mapped to column 'usage'; a column can be read as one canonical column only")
        .data().file("segment.toml", b'[columns.cdr]\nduration_s = "usage"\nvolume_kb = "usage"\n'),
        Case("mapped_onto_another_column", "the config reads start_time from the file's duration_s column, which "
             "duration_s also reads", [*FEATURES, *cfg], 3,
             "error: cdr ({case}/data/cdr.csv): column 'duration_s' would be read as both start_time and duration_s; map the other one to its own column in [columns.cdr]")
        .data().file("segment.toml", b'[columns.cdr]\nstart_time = "duration_s"\n'),
        Case("service_codes", "cdr.csv writes the services as 语音, 短信, 数据", FEATURES, 3,
             "error: cdr ({case}/data/cdr.csv): column 'service': none of its 8 row(s) holds one of voice, sms, data (values seen: '语音', '数据', '短信'); map your codes in the config: [values.cdr.service] voice = [\"...\"], ...")
        .data(_column("cdr", "service", lambda v: service_codes[v])),
        Case("service_codes_mapped", "the cdr.csv of service_codes with [values.cdr.service] mapping the codes: works",
             ["features", "--data", "{corpus}/service_codes/data", *cfg, "--out", "{out}"], 0, "")
        .file("segment.toml", "[values.cdr.service]\nvoice = \"语音\"\nsms = [\"短信\"]\ndata = [\"数据\", \"GPRS\"]\n"
              .encode()),
        Case("direction_codes", "cdr.csv writes the directions as MOC and MTC", FEATURES, 3,
             "error: cdr ({case}/data/cdr.csv): column 'direction': none of its 7 row(s) holds one of out, in (values seen: 'MOC', 'MTC'); map your codes in the config: [values.cdr.direction] out = [\"...\"], ...")
        .data(_column("cdr", "direction", lambda v: {"out": "MOC", "in": "MTC"}.get(v, v))),
        Case("unknown_values_gate", "one cdr.csv row has roaming R, outside none, domestic, international "
             "(--fail-on unknown-values)", [*FEATURES, "--fail-on", "unknown-values"], 3,
             "error: quality gate failed: unknown-values: 12.5% of cdr.roaming's values (1 of 8) are outside its list (e.g. 'R'), above the limit 0% (--fail-on unknown-values); nothing was written")
        .data(_set("cdr", 2, "roaming", "R")),
        Case("channel_codes", "interactions.csv writes the channels as 营业厅 and 网厅", FEATURES, 3,
             "error: interactions ({case}/data/interactions.csv): column 'channel': none of its 6 row(s) holds one of hall, hotline, ivr, web, sms, wap, kiosk (values seen: '网厅', '营业厅'); map your codes in the config: [values.interactions.channel] hall = [\"...\"], ...")
        .data(_with("interactions", _interactions(channels=("营业厅", "网厅")))),
        Case("gender_codes", "customers.csv writes the genders as male and female", FEATURES, 3,
             "error: customers ({case}/data/customers.csv): column 'gender': none of its 2 row(s) holds one of M, F, U (values seen: 'female', 'male'); map your codes in the config: [values.customers.gender] M = [\"...\"], ...")
        .data(_column("customers", "gender", lambda v: {"M": "male", "F": "female"}[v])),
        Case("durations_in_milliseconds", "cdr.csv has 126 calls whose duration_s is in milliseconds "
             "(--fail-on implausible)", [*FEATURES, "--fail-on", "implausible"], 3,
             "error: quality gate failed: implausible: 1 implausible column(s) (cdr.duration_s ({case}/data/cdr.csv): the mean voice call lasts 5.71e+04 s, outside 10 s .. 7200 s: is the column in seconds, and the right one?), above the limit 0 (--fail-on implausible); nothing was written")
        .data(_many_calls(duration=60000)),
        Case("durations_in_minutes", "cdr.csv has 126 calls whose duration_s is in minutes (--fail-on implausible)",
             [*FEATURES, "--fail-on", "implausible"], 3, "error: quality gate failed: implausible: 1 implausible column(s) (cdr.duration_s ({case}/data/cdr.csv): the mean voice call lasts 8.49 s, outside 10 s .. 7200 s: is the column in seconds, and the right one?), above the limit 0 (--fail-on implausible); nothing was written")
        .data(_many_calls(duration=2)),
        Case("header_repeated_inside", "cdr.csv repeats its header line after the fourth row (two exports joined)",
             FEATURES, 3, "error: cdr ({case}/data/cdr.csv): column 'start_time': 1 value(s) cannot be read as TIMESTAMP, e.g. 'start_time'; 'start_time' is the column's own name: the header line repeats inside the file (parts joined with their headers?)")
        .data(_repeat_header("cdr", 4)),
        Case("no_header_line", "cdr.csv has no header line: the first line is a data row", FEATURES, 3, "error: cdr ({case}/data/cdr.csv): the first line repeats '1' as a column name and reads '1', '2026-06-01 07:00:00', 'voice', 'out', 'a', 'onnet', ...: is it a data row? the first line must be the header")
        .data().file("data/cdr.csv", _csv_text(*tiny["cdr"]).split("\n", 1)[1].encode()),
        Case("header_in_capitals", "cdr.csv writes its header in capitals (CUSTOMER_ID, START_TIME ...): works",
             FEATURES, 0, "")
        .data(lambda t: t.__setitem__("cdr", ([h.upper() for h in t["cdr"][0]], t["cdr"][1]))),
        Case("partition_folders", "cdr/ holds partition folders month=2026-06/ and month=2026-07/ (as Spark writes "
             "them): their parts are read, works", FEATURES, 0, "")
        .data(_with("cdr", (CDR_HEADER, None))).file("data/cdr/month=2026-06/part-1.csv", part1)
        .file("data/cdr/month=2026-07/part-2.csv", part2),
        Case("part_and_its_gzip", "cdr/ holds part-2.csv and part-2.csv.gz, the same part twice", FEATURES, 3, "error: cdr: {case}/data/cdr/part-2.csv.gz is {case}/data/cdr/part-2.csv compressed: the same part twice would count its rows twice; remove one of them")
        .data(_with("cdr", (CDR_HEADER, None))).file("data/cdr/part-1.csv", part1).file("data/cdr/part-2.csv", part2)
        .file("data/cdr/part-2.csv.gz", gzip.compress(part2, mtime=0)),
        Case("brand_variants", "customers.csv writes GoTone and 'GoTone ' (a trailing space) (--fail-on implausible)",
             [*FEATURES, "--fail-on", "implausible"], 3, "error: quality gate failed: implausible: 1 implausible column(s) (customers.brand ({case}/data/customers.csv): 'GoTone', 'GoTone ' differ only in spaces or case (2 customers): they are segmented as different brands), above the limit 0 (--fail-on implausible); nothing was written")
        .data(_set("customers", 1, "brand", "GoTone ")),
        Case("fee_over_3000", "a bill of 3,600.00 (its square overflowed an exact 18-digit sum): works", FEATURES,
             0, "")
        .data(_set("billing", 0, "total_fee", "3600.00")),
        Case("every_event_at_midnight", "every start_time of cdr.csv is a date at 00:00:00 (--fail-on implausible)",
             [*FEATURES, "--fail-on", "implausible"], 3,
             "error: quality gate failed: implausible: 1 implausible column(s) (cdr.start_time ({case}/data/cdr.csv): every one of the 128 events of the window is at 00:00:00: the column holds dates without a time of day), above the limit 0 (--fail-on implausible); nothing was written")
        .data(_many_calls(midnight=True)),
        Case("encoding_utf16_without_bom", "--encoding utf-16 for UTF-8 tables", [*FEATURES, "--encoding", "utf-16"],
             3, "error: customers: {case}/data/customers.csv is not utf-16: it has no byte-order mark (--encoding "
             "applies to every CSV table; a UTF-8 file needs none)").data(),
        Case("utf16_with_bom", "customers.csv is UTF-16 with its byte-order mark, the others UTF-8, no --encoding: "
             "works", FEATURES, 0, "")
        .data().file("data/customers.csv", utf16),
        Case("gzip_gbk_with_encoding", "customers.csv.gz is GBK, gzip-compressed, read with --encoding gbk: works",
             [*FEATURES, "--encoding", "gbk"], 0, "")
        .data(_with("customers", (tiny["customers"][0], None))).file("data/customers.csv.gz",
                                                                     gzip.compress(gbk_customers, mtime=0)),
        Case("config_with_bom", "segment.toml starts with a byte-order mark: read, works", [*FEATURES, *cfg], 0, "")
        .data().file("segment.toml", b"\xef\xbb\xbf[features]\nmonths = 3\n"),
        Case("unsigned_64_bit_ids", "Parquet tables with unsigned 64-bit hash ids above 2^63: works", FEATURES, 0, "")
        .add_files(_parquet_tables({k: v for k, v in _edited(_huge_ids).items()}, unsigned_ids=True)),
        Case("months_zero", "--months 0", [*FEATURES, "--months", "0"], 2,
             "error: --months must be a whole number from 1 to 24, got 0").data(),
        Case("months_too_many", "--months 100", [*FEATURES, "--months", "100"], 2,
             "error: --months must be a whole number from 1 to 24, got 100").data(),
        Case("end_month_13", "--end-month 2026-13", [*FEATURES, "--end-month", "2026-13"], 2,
             "error: --end-month must be a month written YYYY-MM (01..12), got '2026-13'").data(),
        Case("temp_dir_missing", "--temp-dir names a folder that does not exist",
             [*FEATURES, "--temp-dir", "{case}/no_such_folder"], 2,
             "error: --temp-dir {case}/no_such_folder: folder does not exist").data(),
        Case("out_of_memory", "--memory-limit 1MB: the engine runs out of memory", 
             [*FEATURES, "--memory-limit", "1MB", "--temp-dir", "{out_dir}"], 5,
             "error: out of memory: the engine reached --memory-limit 1MB and could not spill (spill folder "
             "{out_dir}); raise --memory-limit, use fewer --threads, or give --temp-dir a folder with free space").data(),
        Case("out_dangling_link", "--out is a symbolic link to a file in a folder that does not exist", FEATURES, 2,
             "error: cannot write {out}: it is a symbolic link to {out_dir}/no_such_folder/features.parquet, which "
             "does not exist", setup="out_dangling_link").data(),
        Case("out_link_force", "--out is a symbolic link to an existing file, with --force: the file is replaced, "
             "the link kept", [*FEATURES, "--force"], 0, "", setup="out_link").data(),
        Case("score_unknown_brand_gate", "score a table with customers of a brand the model does not know "
             "(--fail-on unscored)",
             ["score", "--model", "{case}/model.json", "--features", "{case}/features.csv", "--out", "{out}",
              "--fail-on", "unscored"], 3,
             "error: quality gate failed: unscored: 1 customer(s) not scored (unknown brand: 1), above the limit 0 (--fail-on unscored); nothing was written", out="assigned.parquet")
        .file("model.json", _model_json()).file("features.csv", _to_score([[1, "GoTone", 10], [2, "M-Zone", 30]])),
        Case("score_text_in_variable", "score a table whose voice_minutes holds text for one customer: the others "
             "are scored", ["score", "--model", "{case}/model.json", "--features", "{case}/features.csv", "--out",
                            "{out}"], 0, "", out="assigned.parquet")
        .file("model.json", _model_json()).file("features.csv", _to_score([[1, "GoTone", 10], [2, "GoTone", "1h30"],
                                                                          [3, "GoTone", 50]])),
        Case("score_text_in_variable_gate", "the table of score_text_in_variable with --fail-on unscored",
             ["score", "--model", "{corpus}/score_text_in_variable/model.json", "--features",
              "{corpus}/score_text_in_variable/features.csv", "--out", "{out}", "--fail-on", "unscored"], 3,
             "error: quality gate failed: unscored: 1 customer(s) not scored (unreadable value: 1), above the limit 0 (--fail-on unscored); nothing was written",
             out="assigned.parquet"),
    ]


def _edited(edit) -> dict:
    tables = copy.deepcopy(tiny_tables())
    edit(tables)
    return tables


def _contract_cases() -> list[Case]:
    gbk_names = _set("customers", 0, "brand", "全球通"), _set("customers", 1, "brand", "神州行")
    tiny = tiny_tables()
    cdr_text = _csv_text(*tiny["cdr"]).encode()
    return [
        Case("missing_file", "--cdr names a file that does not exist",
             [*FEATURES, "--cdr", "{case}/data/cdr_2026.csv"], 3,
             "error: cdr: file not found: {case}/data/cdr_2026.csv").data(),
        Case("missing_table", "the data folder has no cdr table",
             FEATURES, 3,
             "error: cdr: not found in {case}/data (looked for cdr.csv, cdr.parquet or cdr/)")
        .data(lambda t: t.__setitem__("cdr", (CDR_HEADER, None))),
        Case("missing_data_folder", "--data names a folder that does not exist",
             ["features", "--data", "{case}/no_such_folder", "--out", "{out}"], 3,
             "error: data folder not found: {case}/no_such_folder").data(),
        Case("unknown_format", "--cdr names a spreadsheet (.xlsx)",
             [*FEATURES, "--cdr", "{case}/cdr.xlsx"], 3,
             "error: cdr: {case}/cdr.xlsx: unknown format (expected .csv or .parquet)")
        .data().file("cdr.xlsx", b"PK\x03\x04 not really a spreadsheet"),
        Case("empty_file", "cdr.csv is 0 bytes",
             FEATURES, 3, "error: cdr: {case}/data/cdr.csv is empty (0 bytes)")
        .data(lambda t: t.__setitem__("cdr", (CDR_HEADER, None))).file("data/cdr.csv", b""),
        Case("header_only", "cdr.csv has its header row and no data row",
             FEATURES, 3, "error: cdr ({case}/data/cdr.csv): no rows (header only?)")
        .data(lambda t: t["cdr"][1].clear()),
        Case("wrong_delimiter", "cdr.csv is separated by ';' (the config says ',')",
             FEATURES, 3,
             "error: cdr: {case}/data/cdr.csv has a single column "
             "'customer_id;start_time;service;direction;peer_id;peer_networ'; "
             "is the delimiter ';'? (set [input] delimiter in the config)")
        .data(delimiter={"cdr": ";"}),
        Case("gbk_without_encoding", "customers.csv is GBK-encoded (Chinese brand names), read without --encoding",
             FEATURES, 3,
             "error: customers: cannot read {case}/data/customers.csv: the file is not valid UTF-8 near line 2 "
             "(if it is GBK, pass --encoding gbk)")
        .data(lambda t: [e(t) for e in gbk_names], encoding="gbk"),
        Case("gbk_with_encoding", "the GBK file of gbk_without_encoding, read with --encoding gbk: works",
             ["features", "--data", "{corpus}/gbk_without_encoding/data", "--encoding", "gbk", "--out", "{out}"], 0,
             "", out="features.parquet"),
        Case("missing_column", "cdr.csv lacks the required column start_time",
             FEATURES, 3,
             "error: cdr ({case}/data/cdr.csv): required column 'start_time' is missing; columns found: "
             "customer_id, service, direction, peer_id, peer_network, duration_s, volume_kb, charge, roaming, cell_id")
        .data(lambda t: t.__setitem__("cdr", _drop_column(t["cdr"], "start_time"))),
        Case("text_in_number", "cdr.csv has '1m30s' in duration_s",
             FEATURES, 3,
             "error: cdr ({case}/data/cdr.csv): column 'duration_s': 1 value(s) cannot be read as BIGINT, "
             "e.g. '1m30s'")
        .data(_set("cdr", 2, "duration_s", "1m30s")),
        Case("bad_timestamp", "cdr.csv has start_time values that are not timestamps",
             FEATURES, 3,
             "error: cdr ({case}/data/cdr.csv): column 'start_time': 2 value(s) cannot be read as TIMESTAMP, "
             "e.g. '01/06/2026 07:00', '2026-13-45 25:00'")
        .data(lambda t: [_set("cdr", 0, "start_time", "01/06/2026 07:00")(t),
                         _set("cdr", 3, "start_time", "2026-13-45 25:00")(t)]),
        Case("bad_month", "billing.csv has a bill_month that is neither a date nor YYYY-MM",
             FEATURES, 3,
             "error: billing ({case}/data/billing.csv): column 'bill_month': 1 value(s) cannot be read as "
             "a month, e.g. 'June 2026'")
        .data(_set("billing", 0, "bill_month", "June 2026")),
        Case("future_cdr", "cdr.csv has calls dated 2099 (a clock or date-format problem)",
             FEATURES, 3,
             "error: cdr ({case}/data/cdr.csv): column 'start_time': 2 value(s) after {tomorrow} "
             "(in the future), e.g. 2099-06-01 07:00:00; is a clock or the date format wrong?")
        .data(lambda t: [_set("cdr", 0, "start_time", "2099-06-01 07:00:00")(t),
                         _set("cdr", 5, "start_time", "2099-06-01 10:00:00")(t)]),
        Case("future_bill_month", "billing.csv has a bill for 2099-01",
             FEATURES, 3,
             "error: billing ({case}/data/billing.csv): column 'bill_month': 1 value(s) after the current "
             "month {this_month} (in the future), e.g. 2099-01; is a clock or the date format wrong?")
        .data(_set("billing", 5, "bill_month", "2099-01")),
        Case("duplicate_bill_month", "billing.csv bills customer 1 twice for 2026-06",
             FEATURES, 3,
             "error: billing ({case}/data/billing.csv): column 'bill_month': 1 customer-month(s) billed more "
             "than once, e.g. customer 1 month 2026-06 (2 bills)")
        .data(lambda t: t["billing"][1].append(list(t["billing"][1][0]))),
        Case("negative_fee", "billing.csv has a negative total_fee",
             FEATURES, 3,
             "error: billing ({case}/data/billing.csv): column 'total_fee': 1 bill(s) with a negative amount, "
             "e.g. customer 1 month 2026-08 (-1.00)")
        .data(_set("billing", 2, "total_fee", -1)),
        Case("empty_population", "nobody has a bill and a call in every month: the stable population is empty",
             FEATURES, 3,
             "error: no customer is in the 'stable' population of 2026-06..2026-08 "
             "(stable needs a bill and an event in every month; try --population all)")
        .data(lambda t: t.__setitem__("cdr", (CDR_HEADER, [r for r in t["cdr"][1] if not r[1].startswith("2026-07")]))),
        Case("brand_smaller_than_k", "cluster --k 2 on a table where brand Easyown has 5 customers",
             ["cluster", "--features", "{case}/features.csv", "--k", "2", "--out", "{out}"], 3,
             "error: brand Easyown: 5 customer(s) are too few for k=2 (at least 10 per segment: 20) "
             "(use --skip-failed-brands to segment the other brands)", out="segments")
        .file("features.csv", _features_csv()),
        Case("run_brand_smaller_than_k", "run --k 2 on the tiny set (one customer per brand)",
             ["run", "--data", "{case}/data", "--k", "2", "--out", "{out}"], 3,
             "error: brand Easyown: 1 customer(s) are too few for k=2 (at least 10 per segment: 20) "
             "(use --skip-failed-brands to segment the other brands)", out="results")
        .data(),
        Case("parquet_garbage", "cdr.parquet is a text file with a .parquet suffix",
             FEATURES, 3,
             "error: cdr: cannot read {case}/data/cdr.parquet: not a Parquet file, or a truncated one (no PAR1 marker at its end)")
        .data(lambda t: t.__setitem__("cdr", (CDR_HEADER, None))).file("data/cdr.parquet", cdr_text),
        Case("parquet_truncated", "cdr.parquet is cut after half of its bytes",
             FEATURES, 3,
             "error: cdr: cannot read {case}/data/cdr.parquet: not a Parquet file, or a truncated one (no PAR1 marker at its end)")
        .data(lambda t: t.__setitem__("cdr", (CDR_HEADER, None)))
        .file("data/cdr.parquet", _parquet_bytes(tiny["cdr"])[: len(_parquet_bytes(tiny["cdr"])) // 2]),
        Case("parquet_corrupt", "cdr.parquet keeps its first and last bytes, the middle is overwritten",
             FEATURES, 3,
             "error: cdr: cannot read {case}/data/cdr.parquet: corrupt Parquet file (TProtocolException: Invalid data)")
        .data(lambda t: t.__setitem__("cdr", (CDR_HEADER, None)))
        .file("data/cdr.parquet", _overwrite_middle(_parquet_bytes(tiny["cdr"]))),
        Case("out_exists", "--out names a file that exists, without --force",
             FEATURES, 2,
             "error: {out} already exists (use --force to overwrite)", out="features.parquet", setup="out_exists")
        .data(),
        Case("out_read_only", "--out is inside a read-only folder",
             FEATURES, 2,
             "error: cannot write {out}: folder {out_dir} is not writable", out="features.parquet",
             setup="out_read_only")
        .data(),
        Case("out_dir_read_only", "run --out is inside a read-only folder",
             ["run", "--data", "{case}/data", "--out", "{out}"], 2,
             "error: cannot write {out}: folder {out_dir} is not writable", out="results",
             setup="out_read_only")
        .data(),
    ]


README_HEAD = """# Bad inputs

One case per folder: its inputs, and `case.toml` with the command line, the exit code and
the exact stderr expected (see `make_corpus.py` for the format and the placeholders).
`tests/test_bad_inputs.py` runs every case through `segment --quiet …` and checks that
nothing is left at the output path. Regenerate with `python tests/bad_inputs/make_corpus.py`.
The read-only cases use `chmod 0555`, or `chattr +i` when the tests run as root (root
ignores permission bits); they are skipped, saying why, where neither works.

| case | what is wrong | exit |
|---|---|---|
"""


def write(root: Path = HERE) -> list[str]:
    """(Re)write every case folder and README.md under ``root``; return the case names."""
    names = []
    for case in cases():
        folder = root / case.name
        if folder.exists():
            shutil.rmtree(folder)
        folder.mkdir(parents=True)
        for name, content in case.files.items():
            (folder / name).parent.mkdir(parents=True, exist_ok=True)
            (folder / name).write_bytes(content)
        (folder / "case.toml").write_text(case.toml(), encoding="utf-8")
        names.append(case.name)
    rows = "".join(f"| `{c.name}` | {c.about} | {c.exit_code} |\n" for c in cases())
    (root / "README.md").write_text(README_HEAD + rows, encoding="utf-8")
    return names


if __name__ == "__main__":
    for n in write():
        print(n)
