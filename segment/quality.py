"""Data-quality gates: turn the warnings of a run into a failure (exit 3) for CI.

A gate is a name and a limit (``--fail-on unknown-customers=0.01`` or, in the config,
``[quality] fail_on = ["unknown-customers=0.01"]``). A command measures what it can
(:func:`measure_features`, :func:`measure_screening`, :func:`measure_segmentation`,
:func:`measure_run`), and :func:`check`, called before any output is written, raises
:class:`~segment.errors.QualityGateError` naming every gate whose measure exceeds its
limit, the measured value and the limit.

Gates (docs/quality.md has the table of which command measures which):

* share gates, limit a share in [0, 1] (``0.05`` or ``5%``; default 0):
  ``unknown-customers`` (CDR rows of the window whose customer is not in customers,
  over the window's rows), ``unknown-customers-billing``, ``-interactions``,
  ``-recharges`` (the same for those tables' rows of the window), ``unknown-service``
  (rows of the window with a service other than voice, sms or data, over the window's
  rows), ``unknown-values`` (the largest share of a coded column's values outside its
  list), ``duplicate-events`` (exact duplicate CDR rows of the window, over its rows),
  ``outside-window`` (rows outside the window, over all rows), ``onnet-peers`` (distinct
  on-net peers of the window that are not customers, over all of them: the contract's one
  id space);
* count gates, limit a whole number (default 0): ``skipped-indicators`` (catalogue
  indicators not computed for lack of an optional input), ``implausible`` (implausible
  columns: segment/checks.py), ``skipped-files`` (files of a table folder that are not
  the table's), ``dropped-missing`` (indicators dropped by screening as mostly missing),
  ``skipped-brands`` (brands that could not be segmented under
  ``--skip-failed-brands``), ``skipped-analyses`` (analyses ``segment run`` skipped for
  lack of input), ``unscored`` (customers ``segment score`` could not score);
* ``any``: every gate the command measures, at limit 0.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Mapping, Sequence

from .errors import QualityGateError, UsageError
from .numbers import quoted

UNKNOWN_IN = ("billing", "interactions", "recharges")  # tables with an unknown-customers-<table> gate
SHARE_GATES = ("unknown-customers", *(f"unknown-customers-{t}" for t in UNKNOWN_IN), "unknown-service",
               "unknown-values", "duplicate-events", "outside-window", "onnet-peers")
COUNT_GATES = ("skipped-indicators", "implausible", "skipped-files", "dropped-missing", "skipped-brands",
               "skipped-analyses", "unscored")
GATES = SHARE_GATES + COUNT_GATES
ANY = "any"

# What each kind of command can measure.
FEATURE_GATES = frozenset((*SHARE_GATES, "skipped-indicators", "implausible", "skipped-files"))
SCREEN_GATES = frozenset(("dropped-missing",))
SEGMENT_GATES = frozenset(("dropped-missing", "skipped-brands"))
RUN_GATES = frozenset(GATES) - {"unscored"}
SCORE_GATES = frozenset(("unscored",))


@dataclass(frozen=True)
class Gate:
    """A gate: fail when the measure of ``name`` is above ``limit``; ``origin`` says who asked."""

    name: str
    limit: float
    origin: str = "--fail-on"

    def limit_text(self) -> str:
        return _pct(self.limit) if self.name in SHARE_GATES else f"{self.limit:g}"


@dataclass(frozen=True)
class Measure:
    """What a command measured for one gate: the value compared and a sentence for people."""

    value: float
    text: str


@dataclass(frozen=True)
class Failure:
    gate: Gate
    measure: Measure

    def message(self) -> str:
        return (f"{self.gate.name}: {self.measure.text}, above the limit {self.gate.limit_text()} "
                f"({self.gate.origin})")


def _pct(x: float) -> str:
    return f"{100 * x:.3g}%"


def parse(spec: str, origin: str = "--fail-on") -> list[Gate]:
    """``name`` or ``name=LIMIT`` -> gates (``any`` gives every gate at 0).

    Raises ValueError with a one-line reason for an unknown name or a bad limit.
    """
    name, sep, value = spec.strip().partition("=")
    name = name.strip()
    if name == ANY:
        if sep:
            raise ValueError("'any' takes no limit")
        return [Gate(g, 0.0, origin) for g in GATES]
    if name not in GATES:
        raise ValueError(f"unknown gate {name!r} (known: {', '.join((*GATES, ANY))})")
    if not sep:
        return [Gate(name, 0.0, origin)]
    value = value.strip()
    if name in SHARE_GATES:
        try:
            limit = float(value[:-1]) / 100 if value.endswith("%") else float(value)
        except ValueError:
            raise ValueError(f"{name}: the limit must be a share like 0.05 or 5%, got {value!r}") from None
        if not 0 <= limit <= 1:
            raise ValueError(f"{name}: the limit must be a share in [0, 1], got {value!r}")
        return [Gate(name, limit, origin)]
    if not value.isdigit():
        raise ValueError(f"{name}: the limit must be a whole number >= 0, got {value!r}")
    return [Gate(name, float(int(value)), origin)]


def resolve(cli: Sequence[str], config: Sequence[str], measured: Iterable[str],
            config_file: str = "config") -> tuple[Gate, ...]:
    """The gates a command applies: the config's ``quality.fail_on``, then ``--fail-on`` on top.

    A later gate of the same name replaces an earlier one (the command line wins).
    Gates the command does not measure are dropped when they come from the config or
    from ``any``; named on the command line they are a usage error (exit 2), so that a
    CI job never believes it is protected by a gate that cannot fire.
    Returns the gates in :data:`GATES` order.
    """
    measured = frozenset(measured)
    chosen: dict[str, Gate] = {}
    for spec in config:
        for gate in parse(spec, f"quality.fail_on in {config_file}"):  # validated when the config was loaded
            chosen[gate.name] = gate
    for spec in cli:
        try:
            gates = parse(spec, f"--fail-on {spec.strip()}")
        except ValueError as e:
            raise UsageError(f"--fail-on {spec}: {e}") from None
        if spec.strip() != ANY and gates[0].name not in measured:
            raise UsageError(f"--fail-on {spec}: this command does not measure {gates[0].name} "
                             f"(it measures: {', '.join(g for g in GATES if g in measured) or 'nothing'})")
        for gate in gates:
            chosen[gate.name] = gate
    return tuple(chosen[g] for g in GATES if g in chosen and g in measured)


def evaluate(gates: Sequence[Gate], measures: Mapping[str, Measure]) -> list[Failure]:
    """The gates whose measure is above their limit (gates without a measure pass)."""
    return [Failure(g, measures[g.name]) for g in gates if g.name in measures and measures[g.name].value > g.limit]


def check(gates: Sequence[Gate], measures: Mapping[str, Measure]) -> None:
    """Raise QualityGateError (exit 3) naming every failed gate; call it before writing outputs."""
    failures = evaluate(gates, measures)
    if failures:
        what = "quality gate failed" if len(failures) == 1 else f"{len(failures)} quality gates failed"
        raise QualityGateError(f"{what}: " + "; ".join(f.message() for f in failures) + "; nothing was written")


def _names(names: Sequence[str], k: int = 5) -> str:
    shown = ", ".join(names[:k])
    return shown + (f" and {len(names) - k} more" if len(names) > k else "")


def _count(n: int, what: str, names: Sequence[str]) -> Measure:
    return Measure(float(n), f"{n} {what}" + (f" ({_names(names)})" if names else ""))


def with_gates(cfg, gates: Sequence[Gate]):
    """The config a command runs with its gates: ``duplicate-events`` counts the duplicates
    whatever the size of the window (quality.duplicate_check_max_rows lifted), so that the
    gate can fire."""
    import sys

    if any(g.name == "duplicate-events" for g in gates) and cfg.quality.duplicate_check_max_rows < sys.maxsize:
        return cfg.replace(quality={"duplicate_check_max_rows": sys.maxsize})
    return cfg


def _share(n: int, of: int, what: str, where: str) -> Measure:
    s = n / of if of else 0.0
    return Measure(s, f"{_pct(s)} of {where} ({n} of {of}) {what}")


def _check_measures(found, window: int) -> dict[str, Measure]:
    """The measures of the input checks (:class:`segment.checks.Findings`)."""
    out = {}
    for table, t in found.unknown_customers.items():
        ex = f" (e.g. {', '.join(quoted(x) for x in t['examples'])})" if t["examples"] else ""
        out[f"unknown-customers-{table}"] = _share(t["rows_unknown"], t["rows"], f"belong to {t['unknown_customers']} "
                                                   f"customer(s) not in customers{ex}", f"the window's {table} rows")
    worst = max(found.values, key=lambda v: v["rows_unknown"] / v["rows"], default=None)
    out["unknown-values"] = (_share(0, 0, "hold a value outside its list", "a coded column's values") if worst is None
                             else _share(worst["rows_unknown"], worst["rows"], "are outside its list (e.g. "
                                         + ", ".join(quoted(x) for x in worst["examples"]) + ")",
                                         f"{worst['table']}.{worst['column']}'s values"))
    if found.duplicates["checked"]:
        ex = f" (e.g. {found.duplicates['example']})" if found.duplicates["example"] else ""
        out["duplicate-events"] = _share(found.duplicates["rows"], window, f"are exact copies of another row{ex}",
                                         "the window's CDR rows")
    o = found.onnet_peers
    ex = f" (e.g. {', '.join(quoted(x) for x in o['examples'])})" if o["examples"] else ""
    out["onnet-peers"] = _share(o["peers"] - o["customers"], o["peers"], f"are not customers{ex}",
                                "the window's distinct on-net peers")
    implausible = [f"{i['table']}.{i['column']} ({i['file']}): {i['problem']}" for i in found.implausible]
    out["implausible"] = _count(len(implausible), "implausible column(s)", implausible)
    files = [f for fs in found.skipped_files.values() for f in fs]
    out["skipped-files"] = _count(len(files), "file(s) of a table folder not read", files)
    return out


def measure_features(fs) -> dict[str, Measure]:
    """The measures of a :class:`segment.features.FeatureSet` (its ``cdr`` counts, ``skipped``
    and what the input checks found)."""
    c = fs.cdr
    total = c["rows_total"]
    window = total - c["rows_outside_window"]
    share = _share
    skipped = [s["name"] for s in fs.skipped]
    return {
        **_check_measures(fs.checks, window),
        "unknown-customers": share(c["rows_unknown_customer"], window,
                                   f"belong to {c['unknown_customers']} customer(s) not in customers",
                                   "the window's CDR rows"),
        "unknown-service": share(c["rows_unknown_service"], window, "have a service other than voice, sms or data",
                                 "the window's CDR rows"),
        "outside-window": share(c["rows_outside_window"], total, "fall outside the window", "the CDR rows"),
        "skipped-indicators": _count(len(skipped), "indicator(s) not computed for lack of an optional input",
                                     skipped),
    }


def measure_screening(report) -> dict[str, Measure]:
    """The measures of a :class:`segment.screening.ScreeningReport` (the whole table's screening)."""
    missing = [v["name"] for v in report.variables if v["status"] == "dropped" and v["reason"] == "missing"]
    return {"dropped-missing": _count(len(missing), "indicator(s) dropped by screening as mostly missing", missing)}


def measure_segmentation(seg) -> dict[str, Measure]:
    """The measures of a :class:`segment.pipeline.Segmentation`: its screening and failed brands."""
    failed = sorted(seg.failed)
    return {**measure_screening(seg.screening),
            "skipped-brands": _count(len(failed), "brand(s) could not be segmented", failed)}


def measure_score(unscored: dict[str, int]) -> dict[str, Measure]:
    """The measure of ``segment score``: customers not scored, by reason."""
    n = sum(unscored.values())
    return {"unscored": _count(n, "customer(s) not scored", [f"{k.replace('_', ' ')}: {v}"
                                                             for k, v in unscored.items() if v])}


def measure_run(result) -> dict[str, Measure]:
    """The measures of a :class:`segment.pipeline.RunResult`: features, segmentation, skipped analyses."""
    skipped = sorted(result.skipped)
    return {**result.measures, **measure_segmentation(result.segmentation),
            "skipped-analyses": _count(len(skipped), "analysis(es) skipped for lack of input", skipped)}
