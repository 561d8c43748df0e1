"""The checks of the inputs beyond types, so that no extract gives a wrong answer without a word.

Each check either stops the run (DataError, exit 3: the data cannot mean what it says) or
records a finding, warned about and counted in the summary, that a quality gate can turn
into a failure (segment/quality.py): rows of unknown customers in billing, interactions
and recharges; values of coded columns outside their lists (none known at all is an
error); exact duplicate CDR rows; implausible columns (a wrong mapping: calls of 0.5 s,
every volume 0, every event at midnight, one value throughout, text that means "no
value"); files of a table folder that are not the table's.

The CDR checks read the counts 20_cdr_usage / 22_cdr_summary add up on their one scan;
only the exact-duplicate count (a hash table of every row) is a query of its own.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date

from . import codes, sql
from .sql import portable_literal
from .config import Config
from .errors import DataError
from .numbers import money_text, quoted
from .schema import MONEY, TABLES, coded_columns

@dataclass
class Findings:
    """What the checks found that is reported rather than refused (``to_dict``: the summary's keys)."""

    warnings: list[str] = field(default_factory=list)
    unknown_customers: dict[str, dict] = field(default_factory=dict)  # table -> counts and examples
    values: list[dict] = field(default_factory=list)  # coded columns holding values outside their list
    duplicates: dict = field(default_factory=lambda: {"checked": False, "rows": None, "reason": "not checked",
                                                      "example": None})
    implausible: list[dict] = field(default_factory=list)  # {table, column, problem}
    skipped_files: dict[str, list[str]] = field(default_factory=dict)
    # the distinct on-net peers of the window and how many are customers (audit_onnet_peers.sql)
    onnet_peers: dict = field(default_factory=lambda: {"peers": 0, "customers": 0, "share": None, "examples": []})

    def to_dict(self) -> dict:
        d = asdict(self)
        d.pop("warnings")
        return d

    def implausible_column(self, table: str, column: str, problem: str, cfg: Config, label: dict) -> None:
        self.implausible.append({"table": table, "file": label[table], "column": column, "problem": problem})
        self.warnings.append(f"{table} ({label[table]}): column {cfg.source_column(table, column)!r}: {problem}")


def _ex(values) -> str:
    return ", ".join(quoted(v) for v in values)


def _pct(n: int, of: int) -> str:
    return f"{n / of:.1%}" if of else "0%"


def prepare(con, cfg: Config) -> None:
    """The tables the audits join: code_lists (every coded column's list), null_values (the
    configured null markers) and null_like (quality.null_like less those)."""
    rows = [(t, c.name, code) for t, c in coded_columns() for code in c.codes]
    _values_table(con, "code_lists", ("table_name", "column_name", "code"), rows)
    _values_table(con, "null_values", ("value",), [(m,) for m in cfg.input.null_values])
    markers = [v for v in cfg.quality.null_like if v not in cfg.input.null_values]
    _values_table(con, "null_like", ("value",), [(m,) for m in markers])


def _values_table(con, name: str, columns: tuple[str, ...], rows: list[tuple[str, ...]]) -> None:
    """A small temp table of text columns from literal rows, in SQL both engines run."""
    if rows:
        values = ", ".join("(" + ", ".join(portable_literal(v) for v in row) + ")" for row in rows)
        query = f"select * from (values {values}) as t({', '.join(columns)})"
    else:
        query = "select " + ", ".join(f"cast(null as varchar) as {c}" for c in columns) + " where false"
    con.execute(f"create or replace temp table {name} as {query}")


def onnet_peers(con, cfg: Config, found: Findings) -> None:
    """The share of the window's distinct on-net peers that are customers (the contract's one
    id space); a warning below quality.min_onnet_peer_share, unless [input] separate_peer_ids
    says the ids are apart."""
    rows = sql.run(con, "audit_onnet_peers").fetchall()
    peers, customers = rows[0][0], rows[0][1]
    examples = [r[3] for r in rows if r[3] is not None]
    share = customers / peers if peers else None
    found.onnet_peers = {"peers": peers, "customers": customers, "share": share, "examples": examples}
    limit = cfg.quality.min_onnet_peer_share
    if share is not None and share < limit and not cfg.input.separate_peer_ids:
        found.warnings.append(
            f"cdr: {customers} of {peers} on-net peers ({share:.1%}) are customers, below "
            f"quality.min_onnet_peer_share = {limit:.0%}, e.g. not {_ex(examples)}: the contract puts the peer_id "
            "of an on-net event in the customer_id space (set [input] separate_peer_ids = true if yours are apart)")


def skipped_files(sources, found: Findings) -> None:
    for table, source in sources.items():
        if source.skipped:
            names = [p.name + ("/" if p.is_dir() else "") for p in source.skipped]
            found.skipped_files[table] = [str(p) for p in source.skipped]
            folder = source.skipped[0].parent
            found.warnings.append(f"{table}: {len(names)} entr{'y' if len(names) == 1 else 'ies'} of {folder} "
                                  f"{'is' if len(names) == 1 else 'are'} not part of the table and not read: "
                                  f"{', '.join(names[:5])}{' ...' if len(names) > 5 else ''} "
                                  f"(the table's files are {len(source.paths)} {source.fmt.upper()} file(s))")


def _coded(table: str, column: str, present: int, known: int, seen: list[tuple], cfg: Config, label: dict,
           found: Findings) -> None:
    """A coded column with ``present`` values of which ``known`` are in its list; ``seen``
    (value, rows) the most frequent values outside it."""
    src = cfg.source_column(table, column)
    listed = ", ".join(codes.CODES[(table, column)])
    shown = _ex([v for v, _ in seen]) or "(empty)"
    markers = [v for v, _ in seen if v in cfg.quality.null_like]
    null_hint = f"; if {quoted(markers[0])} means no value, add it to [input] null_values" if markers else ""
    if present and not known:
        raise DataError(f"{table} ({label[table]}): column {src!r}: none of its {present} row(s) holds one of "
                        f"{listed} (values seen: {shown}); {codes.hint(table, column, [v for v, _ in seen])}{null_hint}")
    unknown = present - known
    if unknown:
        found.values.append({"table": table, "column": column, "rows": present, "rows_unknown": unknown,
                             "examples": [v for v, _ in seen]})
        found.warnings.append(f"{table} ({label[table]}): column {src!r}: {unknown} of {present} row(s) "
                              f"({_pct(unknown, present)}) hold a value that is not one of {listed}, e.g. "
                              + ", ".join(f"{quoted(v)} ({n})" for v, n in seen)
                              + f"; they count as none of them (map them with [values.{table}.{column}])"
                              + null_hint)


def small_table_codes(con, cfg: Config, label: dict, found: Findings) -> None:
    """The coded columns of customers and interactions (audit_code_values.sql)."""
    rows = sql.run(con, "audit_code_values").fetchall()
    by_column: dict[tuple[str, str], list[tuple]] = {}
    for table, column, value, n, known in rows:
        by_column.setdefault((table, column), []).append((value, n, known))
    for (table, column), values in by_column.items():
        present = sum(n for _, n, _ in values)
        known = sum(n for _, n, k in values if k)
        _coded(table, column, present, known, [(v, n) for v, n, k in values if not k][:3], cfg, label, found)


def cdr_codes(con, cfg: Config, acc: dict, bounds: dict, label: dict, found: Findings) -> None:
    """The coded columns of the CDR: 22_cdr_summary counts the values outside the lists on
    20_cdr_usage's scan; only when there are some does audit_cdr_codes.sql say which."""
    if not acc["codes_unknown"] and acc["rows_known_service"] == acc["rows_in_window"]:
        return
    columns: dict[str, dict] = {}
    for column, is_value, value, given, known, n in sql.run(con, "audit_cdr_codes", **bounds).fetchall():
        if not is_value:
            columns[column] = {"given": given, "known": known, "seen": []}
        else:  # a value outside the list (an empty service: None)
            columns[column]["seen"].append((value, n))
    for column, c in columns.items():
        seen = [(v, n) for v, n in c["seen"] if v is not None][:3]
        if c["given"] > c["known"]:
            _coded("cdr", column, c["given"], c["known"], seen, cfg, label, found)


def unknown_customers(con, cfg: Config, bounds: dict, label: dict, present: set, found: Findings) -> None:
    """Rows of billing, interactions and recharges whose customer is not in customers
    (audit_unknown_customers.sql): DataError above quality.max_unknown_customer_share."""
    rows = sql.run(con, "audit_unknown_customers", **bounds).fetchall()
    tables: dict[str, dict] = {}
    for table, n, unknown, customers, rank, example in rows:
        if table not in present:
            continue
        t = tables.setdefault(table, {"rows": n, "rows_unknown": unknown, "unknown_customers": customers,
                                      "examples": []})
        if example is not None:
            t["examples"].append(example)
    for table, t in tables.items():
        found.unknown_customers[table] = t
        if t["rows_unknown"]:
            _unknown(con, cfg, table, t["rows_unknown"], t["rows"], t["unknown_customers"], t["examples"], label, found)


def cdr_unknown_customers(con, cfg: Config, acc: dict, in_window: int, label: dict, found: Findings) -> None:
    """CDR rows of the window whose customer is not in customers (counted by 22_cdr_summary)."""
    if acc["rows_unknown_customer"]:
        _unknown(con, cfg, "cdr", acc["rows_unknown_customer"], in_window, acc["unknown_customers"],
                 [x for x, in sql.run(con, "audit_cdr_unknown_customers").fetchall()], label, found)


def _unknown(con, cfg: Config, table: str, n: int, of: int, customers: int, examples: list, label: dict,
             found: Findings) -> None:
    """The rows of ``table`` whose customer is unknown: DataError above quality.max_unknown_customer_share."""
    share, limit = n / of, cfg.quality.max_unknown_customer_share
    markers = [x for x in examples if isinstance(x, str) and x in cfg.quality.null_like]
    msg = (f"{table} ({label[table]}): column {cfg.source_column(table, 'customer_id')!r}: {n} row(s) of the window "
           f"({share:.1%}) belong to {customers} customer id(s) not in customers, e.g. {_ex(examples)}"
           + (f" (if {quoted(markers[0])} means no value, add it to [input] null_values)" if markers else ""))
    if share > limit:
        raise DataError(msg + f" (customers has ids such as {_ex(reference_ids(con))}); more than "
                        f"quality.max_unknown_customer_share = {limit:.1%}: is the right customers file given, "
                        "or are the ids written differently?")
    found.warnings.append(msg + "; those rows are not used")


def reference_ids(con) -> list:
    """The three smallest ids of customers: what the ids of another table should look like."""
    return [r[0] for r in con.execute(
        "select customer_id from stg_customers where customer_id is not null order by 1 limit 3").fetchall()]


def duplicates(con, cfg: Config, bounds: dict, in_window: int, label: dict, found: Findings) -> None:
    """Exact duplicate CDR rows of the window, up to quality.duplicate_check_max_rows rows."""
    limit = cfg.quality.duplicate_check_max_rows
    if in_window > limit:
        reason = (f"the window holds {in_window:,} rows, more than quality.duplicate_check_max_rows = {limit:,}"
                  if limit else "quality.duplicate_check_max_rows = 0")
        found.duplicates = {"checked": False, "rows": None, "reason": reason, "example": None}
        found.warnings.append(f"cdr: exact duplicate rows were not counted: {reason} (raise it, or pass "
                              "--fail-on duplicate-events, to count them)")
        return
    dup, customer, start, copies = sql.run(con, "audit_cdr_duplicates", **bounds).fetchone()
    example = f"customer {customer} at {start} ({copies} copies)" if dup else None
    found.duplicates = {"checked": True, "rows": int(dup), "reason": None, "example": example}
    if dup:
        found.warnings.append(f"cdr ({label['cdr']}): {dup} row(s) of the window ({_pct(dup, in_window)}) are exact "
                              f"copies of another row, e.g. {example}; each "
                              "copy counts as an event: was a part delivered twice, or the export repeated?")


def event_duplicates(con, bounds: dict, label: dict, found: Findings, cfg: Config) -> None:
    """Exact duplicate rows of recharges and interactions in the window (small tables: always
    counted): each table with some is an implausible column ``customer_id`` (gate `implausible`)."""
    for table, n, customer, at in sql.run(con, "audit_event_duplicates", **bounds).fetchall():
        if table in label:
            found.implausible_column(table, "customer_id", f"{n} row(s) of the window are exact copies of another row, "
                                     f"e.g. customer {customer} at {at}; each copy counts as a "
                                     f"{'top-up' if table == 'recharges' else 'contact'}", cfg, label)


def cdr_plausibility(con, acc: dict, cfg: Config, bounds: dict, label: dict, found: Findings) -> None:
    """Implausible CDR columns, from the measures of 22_cdr_summary (a candidate is confirmed
    by audit_cdr_plausibility.sql, which only then scans the window again)."""
    q, least = cfg.quality, max(cfg.quality.plausible_min_rows, 2)
    add = lambda column, problem: found.implausible_column("cdr", column, problem, cfg, label)  # noqa: E731
    n, total, squares = acc["voice_durations"], acc["voice_duration_sum"], acc["voice_duration_sq_sum"]
    if n >= least:
        mean = float(total) / n
        if n * int(squares) == int(total) ** 2:  # zero variance
            add("duration_s", f"every one of the {n} voice calls lasts {int(total) // n} s")
        elif not q.min_mean_call_s <= mean <= q.max_mean_call_s:
            add("duration_s", f"the mean voice call lasts {mean:.3g} s, outside {q.min_mean_call_s:g} s .. "
                              f"{q.max_mean_call_s:g} s: is the column in seconds, and the right one?")
    if acc["data_events"] >= least and acc["data_volume_sum"] is not None:
        session = float(acc["data_volume_sum"]) / acc["data_events"]
        if session > q.max_mean_session_kb:
            add("volume_kb", f"the mean data session is {session:,.0f} KB, over {q.max_mean_session_kb:,.0f} KB: is the "
                             "column in KB (not bytes), and the right one?")
    rows = acc["rows_in_window"]
    volume = (acc["data_events"] >= least and acc["data_volume_mean_max"] is not None
              and acc["data_volume_mean_min"] == acc["data_volume_mean_max"])
    charge = rows >= least and acc["charge_mean_max"] is not None and acc["charge_mean_min"] == acc["charge_mean_max"]
    midnight = rows >= least and acc["events_night"] == rows and acc["first_event"] != acc["last_event"]
    if volume or charge or midnight:
        (at_midnight, volumes, volume_values, volume_min,
         charges, charge_values, charge_min) = sql.run(con, "audit_cdr_plausibility", **bounds).fetchone()
        if volume and volumes >= least and volume_values == 1:
            add("volume_kb", f"every one of the {volumes} data sessions has volume {volume_min}")
        if charge and charges >= least and charge_values == 1:
            add("charge", f"every one of the {charges} charges is {money_text(charge_min)}")
        if midnight and at_midnight == rows:
            add("start_time", f"every one of the {rows} events of the window is at 00:00:00: the column holds "
                              "dates without a time of day")
    if rows >= least and acc["first_event"] == acc["last_event"]:
        add("start_time", f"every one of the {rows} events of the window is at {acc['first_event']}")
    if rows >= least and acc["one_customer"]:
        add("customer_id", f"every one of the {rows} events of the window belongs to one customer")


def table_plausibility(con, cfg: Config, label: dict, present: dict, peer_is_text: bool, found: Findings) -> None:
    """Implausible columns of the other tables (a single value throughout) and text that
    means "no value" read as a value (audit_single_values.sql, audit_null_like.sql)."""
    least = cfg.quality.plausible_min_rows
    for table, column, n, low, high in sql.run(con, "audit_single_values").fetchall():
        if column in present.get(table, ()) and n >= max(least, 2) and low == high:
            value = money_text(low) if TABLES[table].column(column).type == MONEY else low
            found.implausible_column(table, column, f"every one of its {n} values is {value}", cfg, label)
    if "birth_year" in present.get("customers", ()):
        this_year = date.today().year
        n, outside, low = sql.run(con, "audit_customers_birth_year", first=cfg.quality.birth_year_min,
                                  last=this_year).fetchone()
        if n >= least and outside:
            found.implausible_column("customers", "birth_year", f"{outside} of its {n} values are outside "
                                     f"{cfg.quality.birth_year_min}..{this_year}, e.g. {low}: an age, or another column?",
                                     cfg, label)
    for table in ("interactions", "recharges"):
        if table in label and not con.execute(f"SELECT count(*) FROM stg_{table}").fetchone()[0]:
            found.implausible_column(table, "customer_id", f"the table has no rows: every customer's "
                                     f"{table[:-1]} indicators are 0 (an empty export, or the right one?)", cfg, label)
    groups: dict[str, tuple[list[str], int]] = {}
    for folded, brand, customers in sql.run(con, "audit_brand_variants").fetchall():
        groups.setdefault(folded, ([], customers))[0].append(brand)
    for variants, customers in groups.values():
        found.implausible_column("customers", "brand", f"{_ex(variants)} differ only in spaces or case ({customers} "
                                 "customers): they are segmented as different brands", cfg, label)
    for table, column, value, n in sql.run(con, "audit_null_like", peer_is_text=peer_is_text).fetchall():
        found.implausible_column(table, column, f"{n} value(s) {quoted(value)} look like a null marker and are read "
                                 f"as a value; if {quoted(value)} means no value, add it to [input] null_values", cfg,
                                 label)


def single_value_columns() -> list[tuple[str, str]]:
    """The columns where one value throughout is implausible (schema ``varies``)."""
    return [(t.name, c.name) for t in TABLES.values() for c in t.columns if c.varies]
