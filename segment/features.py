"""From extracts to one row per customer: the window, the population and the indicators.

Usage from Python::

    from segment import config, features
    from segment.io.inputs import find_inputs
    cfg = config.load(None)
    with features.compute(find_inputs(Path("sample_data")), cfg) as fs:
        df = fs.frame()              # polars DataFrame, one row per customer
        fs.write(Path("features.parquet"))
"""

from __future__ import annotations

import re
import shutil
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from types import SimpleNamespace
from typing import TYPE_CHECKING, Callable

if TYPE_CHECKING:  # polars is imported only by frame(): `segment features` does not need it
    import polars as pl

from . import audits, checks, sql
from .catalogue import GRAPH, INDICATORS, missing_requirements
from .config import Config
from . import engine as engines
from .engine import EngineOptions, resource_error
from .errors import DataError, EmptyPopulationError, ResourceError
from .numbers import sig
from .io.inputs import Source
from .io.outputs import atomic_path, check_table_out, private_workdir, write_frame
from .io.reading import read_error
from .io.staging import stage

Progress = Callable[[str], None]


@dataclass(frozen=True)
class Window:
    """The calendar months described: ``start <= t < end``."""

    start: date
    end: date
    months: tuple[str, ...]  # 'YYYY-MM', ascending

    @property
    def last_month(self) -> date:
        y, m = map(int, self.months[-1].split("-"))
        return date(y, m, 1)

    @property
    def late_from(self) -> date:
        """The first day of the window's later half (its last half of the months, the middle
        one going to the earlier half; the one month of a 1-month window)."""
        months = self.months
        y, m = map(int, months[(len(months) + 1) // 2 if len(months) > 1 else 0].split("-"))
        return date(y, m, 1)


def _month_start(text: str) -> date:
    y, m = map(int, text.split("-"))
    return date(y, m, 1)


def _shift(d: date, months: int) -> date:
    k = d.year * 12 + d.month - 1 + months
    return date(k // 12, k % 12 + 1, 1)


def choose_window(bill_months: list[date], months: int, end_month: str = "") -> Window:
    """The ``months`` calendar months ending at ``end_month`` (default: the latest billed).

    Every month of the window must be present in billing.
    """
    if not bill_months:
        raise DataError("billing: no bills (no row with a readable bill_month)")
    have = sorted(set(bill_months))
    span = f"{have[0]:%Y-%m}..{have[-1]:%Y-%m}"
    end = _month_start(end_month) if end_month else have[-1]
    if end not in have:
        raise DataError(f"billing: bill month {end:%Y-%m} is outside the data (billing covers {span})")
    wanted = [_shift(end, -i) for i in range(months - 1, -1, -1)]
    missing = [f"{m:%Y-%m}" for m in wanted if m not in have]
    if missing:
        raise DataError(
            f"billing: a {months}-month window ending {end:%Y-%m} needs bills for {', '.join(missing)}, "
            f"which the data lacks (billing covers {span}); use fewer --months or another --end-month"
        )
    return Window(wanted[0], _shift(end, 1), tuple(f"{m:%Y-%m}" for m in wanted))


@dataclass
class FeatureSet:
    """The result of :func:`compute`: the table lives in the engine until closed."""

    con: object  # the engine (segment.engine): DuckDB's or Spark's
    window: Window
    population: str
    indicators: list[str]
    skipped: list[dict]
    cdr: dict
    customers_in_population: int
    warnings: list[str] = field(default_factory=list)
    _workdir: Path | None = None
    checks: checks.Findings = field(default_factory=checks.Findings)  # what the input checks found

    def __enter__(self) -> "FeatureSet":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        self.con.close()
        if self._workdir:
            shutil.rmtree(self._workdir, ignore_errors=True)

    @property
    def columns(self) -> list[str]:
        return ["customer_id", "brand", *self.indicators]

    def query(self) -> str:
        """The SELECT of the features table, its columns in order, ordered by customer_id."""
        return f"SELECT {', '.join(sql.quote_ident(c) for c in self.columns)} FROM {_source(self.indicators)} " \
               "ORDER BY customer_id"

    def frame(self) -> pl.DataFrame:
        """The features as a polars DataFrame, ordered by customer_id."""
        return self.con.frame(self.query())

    def write(self, path: Path, force: bool = False, bom: bool = False) -> None:
        """Write the features atomically: Parquet (straight from the engine) or CSV (``bom``:
        with a byte-order mark) by the suffix of ``path``."""
        if Path(path).suffix.lower() != ".parquet":
            write_frame(self.frame(), path, force, bom)
            return
        check_table_out(Path(path), force)
        with atomic_path(path, force) as tmp:
            self.con.write_parquet(self.query(), tmp)

    def summary(self) -> dict:
        """A JSON-ready description: window, population, CDR accounting, indicator stats."""
        stats = _indicator_stats(self.con, self.indicators)
        return {
            "window": {"start": self.window.months[0], "end": self.window.months[-1], "months": len(self.window.months)},
            "population": self.population,
            "customers": self.customers_in_population,
            "brands": _brand_counts(self.con),
            "cdr": self.cdr,
            "indicators": [
                {"name": i.name, "angle": i.angle, **stats[i.name]} for i in INDICATORS if i.name in stats
            ],
            "skipped": self.skipped,
            **self.checks.to_dict(),
            "warnings": self.warnings,
        }


def seconds_of_day(text: str) -> int:
    """'HH:MM:SS' (a validated [features] time) as seconds since midnight."""
    h, m, s = map(int, text.split(":"))
    return h * 3600 + m * 60 + s


def hotline_ids(con, hotlines) -> list:
    """Competitor hotline numbers (text, from the config) as values of the type of
    ``stg_cdr.peer_id``, so that SQL compares peers with them as they are rather than
    casting every peer to text. An integer peer_id equals a number written in canonical
    form ('10010'); text such as '010010' or '+10010' can never equal one, exactly as
    when the peer was cast to text and compared."""
    hotlines = [str(h) for h in hotlines]
    if not hasattr(con, "columns"):  # a bare DuckDB connection
        from .engine.duck import DuckDBEngine

        con = DuckDBEngine(con)
    peer_type = dict(con.columns("stg_cdr"))["peer_id"]
    if peer_type == "VARCHAR":
        return hotlines
    ids = [int(h) for h in hotlines if re.fullmatch(r"-?[1-9][0-9]*|0", h)]
    return [i for i in ids if -2**63 <= i < 2**63]


def _source(indicators) -> str:
    """The relation that holds ``indicators``: the features table, joined to the call
    graph's indicators (41_multisim_customers.sql) when they are among them."""
    return "features JOIN multisim_customers USING (customer_id)" if set(GRAPH) & set(indicators) else "features"


def _brand_counts(con) -> dict[str, int]:
    rows = con.execute("SELECT brand, count(*) FROM features GROUP BY brand ORDER BY brand").fetchall()
    return {b: n for b, n in rows}


def _indicator_stats(con, names: list[str]) -> dict[str, dict]:
    if not names:
        return {}
    exprs = []
    for n in names:
        q = sql.quote_ident(n)
        exprs += [f"count({q})", f"avg({q})", f"min({q})", f"max({q})"]
    row = con.execute(f"SELECT {', '.join(exprs)} FROM {_source(names)}").fetchall()[0]
    out = {}
    for k, n in enumerate(names):
        cnt, mean, lo, hi = row[4 * k : 4 * k + 4]
        out[n] = {"non_null": cnt, "mean": sig(mean), "min": sig(lo), "max": sig(hi)}
    return out


def compute(
    sources: dict[str, Source],
    cfg: Config,
    engine: EngineOptions | None = None,
    progress: Progress | None = None,
) -> FeatureSet:
    """Validate the inputs, choose the window and population, and compute every indicator.

    Parameters: ``sources`` from :func:`segment.io.inputs.find_inputs`; ``cfg`` the resolved
    config; ``engine`` the engine and its settings (DuckDB threads / memory / spill
    folder, or Spark's master); ``progress`` called with
    the name of each stage as it starts.
    Returns a :class:`FeatureSet` (close it, or use it as a context manager).
    Raises SchemaError / DataError / EmptyPopulationError (exit 3) for bad inputs.
    """
    say = progress or (lambda stage: None)
    try:
        workdir = private_workdir()
    except OSError as e:
        import tempfile

        raise ResourceError(f"cannot create the work folder in {tempfile.gettempdir()}: {e.strerror or e} "
                            "(set TMPDIR to a writable folder with free space)") from None
    con = engines.start(engine, spill_dir=workdir / "spill")
    try:
        return _compute(con, sources, cfg, say, workdir, engine)
    except BaseException:
        con.close()
        shutil.rmtree(workdir, ignore_errors=True)
        raise


def _compute(con, sources, cfg, say, workdir, engine) -> FeatureSet:
    say("reading inputs")
    origins: dict = {}
    try:
        staged = stage(con, sources, cfg, workdir, origins)
        label = {t: s.label for t, s in sources.items()}
        return _run_stages(con, sources, cfg, say, workdir, staged, label)
    except con.errors as e:
        # Reading is lazy: a corrupt file or a ragged row can surface in any stage; memory
        # and disk can run out in any stage too.
        raise (resource_error(e, engine, workdir / "spill") or read_error(e, cfg, origins)) from None


def _run_stages(con, sources, cfg, say, workdir, staged, label) -> FeatureSet:
    f = cfg.features
    found = checks.Findings()
    checks.skipped_files(sources, found)
    checks.prepare(con, cfg)
    say("checking customers and billing")
    audits.customers_and_billing(con, cfg, label, date.today())
    checks.small_table_codes(con, cfg, label, found)

    months = [r[0] for r in sql.run(con, "10_bill_months").fetchall()]
    window = choose_window(months, f.months, f.end_month)
    bounds = {"start": window.start, "end": window.end}

    found, cdr_counts = _cdr_stages(con, cfg, say, label, window, bounds, found)
    checks.unknown_customers(con, cfg, bounds, label, set(sources), found)
    peer_is_text = dict(con.columns("stg_cdr"))["peer_id"] == "VARCHAR"
    checks.table_plausibility(con, cfg, label, staged.present, peer_is_text, found)
    checks.event_duplicates(con, bounds, label, found, cfg)
    say("selecting the population")
    sql.run(con, "30_population", **bounds, months=len(window.months), population=cfg.features.population)
    n = con.execute("SELECT count(*) FROM population").fetchone()[0]
    if n == 0:
        raise EmptyPopulationError(
            f"no customer is in the '{cfg.features.population}' population of {window.months[0]}..{window.months[-1]}"
            + (" (stable needs a bill and an event in every month; try --population all)"
               if cfg.features.population == "stable" else "")
        )
    say("computing indicators")
    query = sql.load("40_features")
    params = dict(**bounds, months=len(window.months), pareto_share=f.pareto_share)
    con.execute("CREATE OR REPLACE TEMP TABLE features AS " + query, params)

    produced, skipped = [], []
    for ind in INDICATORS:
        lacking = missing_requirements(ind, staged.present)
        if ind.name in GRAPH and not lacking:
            lacking = graph_unavailable(con, cfg)
        if lacking:
            skipped.append({"name": ind.name, "angle": ind.angle,
                            "reason": "input not available: " + ", ".join(lacking)})
        else:
            produced.append(ind.name)
    if set(GRAPH) & set(produced):
        from .callgraph import score_multisim

        score_multisim(SimpleNamespace(con=con, window=window), cfg)
        sql.run(con, "41_multisim_customers")
    return FeatureSet(con, window, cfg.features.population, produced, skipped, cdr_counts, n, found.warnings,
                      workdir, found)


def graph_unavailable(con, cfg) -> list[str]:
    """Why the call graph's indicators cannot be computed (empty: they can)."""
    return ["[input] separate_peer_ids = true: on-net peers are not customer ids"] if cfg.input.separate_peer_ids else []


def _cdr_stages(con, cfg, say, label, window, bounds, found):
    """The CDR aggregates (20 to 27) and their checks; returns the findings and the CDR counts."""
    f, col = cfg.features, cfg.source_column
    say("aggregating call-detail records by customer and service")
    sql.run(con, "20_cdr_usage", **bounds, last_month=window.last_month, night_start_s=seconds_of_day(f.night_start),
            night_end_s=seconds_of_day(f.night_end), long_call_s=f.long_call_s)
    cur = sql.run(con, "22_cdr_summary")
    acc = dict(zip([d[0] for d in cur.description], cur.fetchone()))
    cdr_label = label["cdr"]
    if acc["rows_total"] == 0:
        raise DataError(f"cdr ({cdr_label}): no rows (header only?)")
    if acc["rows_no_time"]:
        raise DataError(f"cdr ({cdr_label}): column {col('cdr', 'start_time')!r} is empty in {acc['rows_no_time']} row(s)")
    if acc["rows_no_customer_id"]:
        raise DataError(f"cdr ({cdr_label}): column {col('cdr', 'customer_id')!r} is empty in "
                        f"{acc['rows_no_customer_id']} row(s)")
    if acc["negative_durations"]:
        bad = sql.run(con, "audit_cdr_negative_duration").fetchall()
        raise DataError(
            f"cdr ({cdr_label}): column {col('cdr', 'duration_s')!r} is negative in {acc['negative_durations']} "
            f"row(s), e.g. customer {bad[0][0]} at {bad[0][1]} ({bad[0][2]} s)"
        )
    in_window = acc["rows_total"] - acc["rows_outside_window"]
    if in_window == 0:
        raise EmptyPopulationError(
            f"cdr ({cdr_label}): no event in the window {window.months[0]}..{window.months[-1]} "
            f"({acc['rows_total']} rows, all outside it)"
        )
    checks.cdr_codes(con, cfg, acc, bounds, label, found)
    checks.cdr_unknown_customers(con, cfg, acc, in_window, label, found)
    if acc["rows_outside_window"]:
        found.warnings.append(f"cdr: {acc['rows_outside_window']} row(s) fall outside the window "
                              f"{window.months[0]}..{window.months[-1]} and are not used")
    checks.duplicates(con, cfg, bounds, in_window, label, found)
    checks.cdr_plausibility(con, acc, cfg, bounds, label, found)
    cdr_counts = {k: acc[k] for k in (
        "rows_total", "rows_used", "rows_outside_window", "rows_unknown_customer", "rows_unknown_service")}
    cdr_counts["unknown_customers"] = acc["unknown_customers"]
    cdr_counts["rows_duplicate"] = found.duplicates["rows"]

    say("aggregating contacts")
    sql.run(con, "21_cdr_peer", **bounds, late_from=window.late_from)
    checks.onnet_peers(con, cfg, found)
    sql.run(con, "23_cdr_hotline", hotlines=hotline_ids(con, f.competitor_hotlines))
    sql.run(con, "24_service_contacts", **bounds, last_month=window.last_month)
    say("aggregating cells and the social circle")
    sql.run(con, "25_cdr_cells", **bounds, night_start_s=seconds_of_day(f.night_start),
            night_end_s=seconds_of_day(f.night_end))
    sql.run(con, "26_mobility", pareto_share=f.pareto_share)
    sql.run(con, "27_cdr_social", **bounds, months=len(window.months))
    return found, cdr_counts
