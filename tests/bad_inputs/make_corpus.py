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
import io
import json
import shutil
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from tables import BILLING_HEADER, CDR_HEADER, tiny_tables  # noqa: E402

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


def cases() -> list[Case]:
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
