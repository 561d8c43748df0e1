"""The portable SQL subset: what the files of ``sql/`` may use so that DuckDB and Spark
compute the same numbers, and the few rewrites that make the same text run on Spark.

Every construct below was measured (DuckDB 2.0, Spark 4.3): on Spark some fail, and
some run and give other numbers without any error, the dangerous kind. :func:`check`
is the lint that ``tests/test_sql_portable.py`` runs over every file of ``sql/``; the
conformance test (``tests/test_spark_conformance.py``) then proves on data that both
engines agree, since a lint cannot see types.

The rules, in three kinds:

* function calls: only the functions of :data:`FUNCTIONS`, each checked on both
  engines (with its arity where the other arities differ); the known traps have their
  own message (:data:`TRAPS`);
* syntax: no HUGEINT, TIME, ENUM, ``::`` casts, ``//``, two-argument ``round``, DuckDB's
  star modifiers or QUALIFY, and one statement per file;
* arithmetic: a decimal literal (``2.0``) next to ``*`` or ``/`` (DECIMAL arithmetic is
  DOUBLE in DuckDB, DECIMAL(38, s) in Spark: write ``2e0``); a money column (DECIMAL in
  :mod:`segment.schema`) divided without a cast to DOUBLE; a cast to an integer type of
  an expression that is not an integer (DuckDB rounds, Spark truncates): round it first.

:func:`to_spark` is the whole dialect layer: ``$name`` parameters become Spark's
``:name`` markers (still bound, never formatted), ``round_even(x, 0)`` becomes
``bround(x, 0)`` (both round half to even); :func:`split_create` separates the
``create or replace temp table <name> as`` head that the engine materialises itself.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Functions both engines compute alike (name -> allowed argument counts, None: any).
FUNCTIONS: dict[str, tuple[int, ...] | None] = {
    # aggregates
    "count": (1,), "sum": (1,), "min": (1,), "max": (1,), "avg": (1,), "bit_or": (1,), "bool_or": (1,),
    # window functions
    "rank": (0,), "row_number": (0,), "lag": (1,), "lead": (1,),
    # scalars
    "coalesce": None, "nullif": (2,), "greatest": None, "least": None, "ln": (1,), "sqrt": (1,),
    "pow": (2,), "ceil": (1,), "floor": (1,), "abs": (1,), "round": (1,), "round_even": (2,),
    "bit_count": (1,), "trim": (1,), "lower": (1,), "array_contains": (2,),
    # dates and times
    "year": (1,), "month": (1,), "day": (1,), "hour": (1,), "minute": (1,), "second": (1,),
    "last_day": (1,), "date_trunc": (2,),
}

# Functions known to fail on Spark or to give other numbers there, with what to write instead.
TRAPS = {
    "isodow": "weekdays are numbered differently per engine: count days from a fixed Monday",
    "dayofweek": "weekdays are numbered differently per engine: count days from a fixed Monday",
    "weekday": "weekdays are numbered differently per engine: count days from a fixed Monday",
    "dow": "weekdays are numbered differently per engine: count days from a fixed Monday",
    "date_part": "date_part/extract differ (extract(second) is DECIMAL with fractions in Spark): use hour/minute/second",
    "extract": "date_part/extract differ (extract(second) is DECIMAL with fractions in Spark): use hour/minute/second",
    "date_diff": "date_diff('month'|'second') counts differently in Spark: use year()/month() arithmetic "
                 "or cast(date - date as integer)",
    "datediff": "datediff has another argument order in Spark: cast(date - date as integer)",
    "date_sub": "3-argument date_sub fails in Spark and the 2-argument one means another thing",
    "date_add": "date_add means another thing in each engine: use interval arithmetic",
    "timestampdiff": "not in DuckDB",
    "age": "not in Spark",
    "epoch": "not in Spark: count days and seconds of the day",
    "epoch_ms": "not in Spark", "epoch_us": "not in Spark",
    "to_days": "not in Spark: n * interval 1 day", "to_months": "not in Spark: n * interval 1 month",
    "to_years": "not in Spark: n * interval 1 year", "to_hours": "not in Spark: n * interval 1 hour",
    "to_minutes": "not in Spark", "to_seconds": "not in Spark", "to_weeks": "not in Spark",
    "range": "list functions are DuckDB's: take the months from a table", "generate_series": "DuckDB only",
    "unnest": "DuckDB only", "list": "list(x order by ...) loses its order in Spark",
    "array_agg": "the order of the list is not kept in Spark", "string_agg": "the order is not kept in Spark",
    "list_contains": "DuckDB only: array_contains", "bround": "Spark only: write round_even(x, 0)",
    "strftime": "format strings differ", "strptime": "format strings differ", "try_strptime": "format strings differ",
    "to_timestamp": "format strings differ", "date_format": "format strings differ",
    "time_bucket": "DuckDB only", "arg_min": "ties break differently", "arg_max": "ties break differently",
    "any_value": "not deterministic", "first": "not deterministic", "last": "not deterministic",
}

# Words followed by "(" that are not function calls.
_KEYWORDS = {
    "as", "in", "over", "values", "filter", "exists", "and", "or", "not", "from", "join", "on", "then",
    "else", "when", "case", "select", "where", "by", "with", "partition", "unpivot", "pivot", "using",
    "window", "is", "all", "distinct", "union", "except", "intersect", "lateral", "cast", "try_cast",
    "decimal", "numeric", "interval", "if", "limit", "end", "between", "like",
}

# DECIMAL columns of the staged tables and the stage tables' sums of them: dividing one
# without a cast is DOUBLE in DuckDB and DECIMAL(38, s) in Spark (1.8e-7 off, measured).
MONEY = ("total_fee", "package_fee", "voice_fee", "sms_fee", "data_fee", "vas_fee", "roaming_fee", "discount",
         "arrears", "amount", "charge", "revenue", "total_fee_sq", "charge_all")

_INTEGER_TYPES = ("bigint", "integer", "int", "smallint", "tinyint", "long")


@dataclass(frozen=True)
class Problem:
    line: int
    rule: str
    text: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.rule}: {self.text}"


_TOKEN = re.compile(r"'(?:[^']|'')*'|\"(?:[^\"]|\"\")*\"|`[^`]*`|--[^\n]*|[^'\"`-]+|-")


def _tokens(text: str):
    """(kind, text) pieces of ``text``: 'string' ('...'), 'name' ("..." or `...`),
    'comment' (-- to the end of the line) or 'code'."""
    for m in _TOKEN.finditer(text):
        tok = m.group()
        kind = ("string" if tok[0] == "'" else "name" if tok[0] in '"`' else
                "comment" if tok.startswith("--") else "code")
        yield kind, tok


def strip_comments(text: str) -> str:
    """The SQL without ``--`` comments (a ``--`` inside a string or a quoted name is kept)."""
    return "".join(tok for kind, tok in _tokens(text) if kind != "comment")


def _blank_strings(text: str) -> str:
    # keep offsets: replace the contents of string literals and quoted names by spaces
    return "".join(tok if kind == "code" else tok[0] + " " * (len(tok) - 2) + tok[-1] for kind, tok in _tokens(text))


def _args(text: str, open_at: int) -> tuple[list[str], int]:
    """The top-level arguments of the call whose '(' is at ``open_at``, and the index after ')'."""
    depth, start, out = 0, open_at + 1, []
    for i in range(open_at, len(text)):
        ch = text[i]
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
            if depth == 0:
                last = text[start:i].strip()
                if last or out:
                    out.append(last)
                return out, i + 1
        elif ch == "," and depth == 1:
            out.append(text[start:i].strip())
            start = i + 1
    return out, len(text)


_CALL = re.compile(r"(?<![\w.$])([a-z_][a-z0-9_]*)\s*\(", re.I)
_SYNTAX = [
    (re.compile(r"\bhugeint\b|\buhugeint\b|\bint128\b", re.I), "hugeint", "Spark has no 128-bit integer: BIGINT masks of 63 bits"),
    (re.compile(r"\b(as|::)\s*time\b|\btime\s+'|\btimetz\b", re.I), "time", "Spark has no TIME type (a TIME cast becomes a "
     "TIMESTAMP of today's date): use seconds since midnight"),
    (re.compile(r"\benum\b|\bcreate\s+type\b", re.I), "enum", "Spark has no ENUM"),
    (re.compile(r"::"), "double-colon", "write cast(x as type)"),
    (re.compile(r"//"), "integer-division", "Spark has no //: cast(floor(a / b) as integer)"),
    (re.compile(r"\*\s*(exclude|replace|rename)\s*\(|\bcolumns\s*\(|\bqualify\b|\bunion\s+(all\s+)?by\s+name\b|"
                r"\busing\s+sample\b|\bpositional\b|\basof\b", re.I), "duckdb-only", "DuckDB-only syntax"),
    (re.compile(r"\bcreate\s+(or\s+replace\s+)?(temp\s+|temporary\s+)?view\b", re.I), "view",
     "stages are tables: create or replace temp table <name> as ..."),
    (re.compile(r";\s*\S"), "statements", "one statement per file"),
    (re.compile(r"(?<![\w.])\d+\.\d+(?![\w.])\s*[*/]|[*/]\s*\(?\s*(?<![\w.])\d+\.\d+(?![\w.e])", re.I), "decimal-literal",
     "a decimal literal in * or / is DECIMAL arithmetic in Spark and DOUBLE in DuckDB: write it as 2e0"),
]
_MONEY = "|".join(MONEY)
_MONEY_DIV = re.compile(rf"(?<!as double\)\s)(?:\bsum\s*\(\s*)?(?<![\w])(?:\w+\.)?(?:{_MONEY})\b\)?\s*/(?!/)|"
                        rf"/\s*(?:nullif\s*\(\s*)?(?:\w+\.)?(?:{_MONEY})\b", re.I)
_CAST_INT = re.compile(r"\bcast\s*\(", re.I)
_NOT_INTEGER = re.compile(r"/|\bln\s*\(|\bsqrt\s*\(|\bpow\s*\(|\bavg\s*\(|\d\.\d|\de\d|\bdouble\b", re.I)
_ROUNDED = re.compile(r"^(round|round_even|floor|ceil)\s*\(", re.I)


def check(text: str) -> list[Problem]:
    """Every construct of ``text`` (one SQL file) outside the portable subset."""
    sql = _blank_strings(strip_comments(text))
    line_of = lambda pos: sql.count("\n", 0, pos) + 1  # noqa: E731
    problems = []
    for rx, rule, why in _SYNTAX:
        for m in rx.finditer(sql):
            problems.append(Problem(line_of(m.start()), rule, why))
    for m in _CALL.finditer(sql):
        name = m.group(1).lower()
        before = sql[: m.start()].rstrip()
        if name in _KEYWORDS or re.search(r"\bas$", before, re.I):  # a CTE or an alias with columns
            continue
        if name in TRAPS:
            problems.append(Problem(line_of(m.start()), name, TRAPS[name]))
            continue
        if name not in FUNCTIONS:
            problems.append(Problem(line_of(m.start()), "function", f"{name}() is not on the portable list "
                                    "(segment.engine.portable.FUNCTIONS): check it on both engines first"))
            continue
        args, _ = _args(sql, m.end() - 1)
        allowed = FUNCTIONS[name]
        if allowed is not None and len(args) not in allowed:
            why = ("round(x, n) rounds the exact binary value in DuckDB and its decimal text in Spark: "
                   "round(x * 100) / 100" if name == "round" else
                   "min(x, n) / max(x, n) are DuckDB's top-n lists" if name in ("min", "max") else
                   f"{name}() takes {' or '.join(map(str, allowed))} argument(s) here")
            problems.append(Problem(line_of(m.start()), name, why))
    for m in _MONEY_DIV.finditer(sql):
        problems.append(Problem(line_of(m.start()), "decimal-division", "DECIMAL / x is DOUBLE in DuckDB and "
                                "DECIMAL(38, s) in Spark: cast(x as double) first"))
    for m in _CAST_INT.finditer(sql):
        args, _ = _args(sql, m.end() - 1)
        if not args:
            continue
        inner = args[0]
        target = re.search(r"\bas\s+(\w+)\s*$", inner, re.I)
        if not target or target.group(1).lower() not in _INTEGER_TYPES:
            continue
        value = inner[: target.start()].strip()
        if _NOT_INTEGER.search(value) and not _ROUNDED.match(value):
            problems.append(Problem(line_of(m.start()), "cast-to-integer", "a cast of a non-integer to an "
                                    "integer type rounds in DuckDB and truncates in Spark: round/floor/ceil it first"))
    return sorted(problems, key=lambda p: (p.line, p.rule))


_CREATE = re.compile(r"^\s*create\s+or\s+replace\s+temp\s+table\s+([a-z_][a-z0-9_]*)\s+as\s+", re.I)


def split_create(text: str) -> tuple[str | None, str]:
    """``(table, query)`` of a ``create or replace temp table <table> as <query>`` file (comments
    removed); ``(None, query)`` for a plain query."""
    sql = strip_comments(text).strip()
    m = _CREATE.match(sql)
    return (m.group(1), sql[m.end():]) if m else (None, sql)


_PARAM = re.compile(r"\$([a-z_][a-z0-9_]*)")
_ROUND_EVEN = re.compile(r"\bround_even\s*\(", re.I)
_VARCHAR = re.compile(r"\bas\s+varchar\b(?!\s*\()", re.I)


def to_spark(text: str) -> str:
    """The same statement for Spark SQL: ``$name`` -> ``:name`` (a bound parameter marker),
    ``round_even(`` -> ``bround(`` (both round half to even), ``as varchar`` -> ``as string``
    (Spark's VARCHAR needs a length), comments removed (a ``:`` in one would read as a
    marker). Strings and quoted names are left as they are."""
    out = []
    for kind, tok in _tokens(text):
        if kind == "code":
            out.append(_VARCHAR.sub("as string", _ROUND_EVEN.sub("bround(", _PARAM.sub(r":\1", tok))))
        elif kind != "comment":
            out.append(tok)
    return "".join(out)
