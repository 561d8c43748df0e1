"""Synthetic mobile-operator extracts with planted, checkable structure.

``generate`` writes six tables (customers, cdr, billing, interactions, recharges,
truth) for ``customers`` subscribers over ``months`` calendar months ending at
``end_month``.  Everything is vectorized with numpy; the only Python loops run
over brands, groups, months and chunks of customers.  Output depends only on
(seed, customers, months, end_month, chunk_customers, fmt): the same call gives
byte-identical files.

How it works
------------
1. Customer attributes are drawn up front for everyone (cheap): brand,
   behavioural group, tenure, join/leave status, plan, enterprise group, usage
   rates (:mod:`.population`), contact list (:mod:`.peers`: social circles on a ring,
   an on-net contact being a generated customer whose customer_id is the peer_id),
   re-entrants and second phones (:mod:`.graph`).  The expected
   monthly bill of each customer is computed analytically from the same
   tariffs that later price the events, and the planted value tier
   (truth.planted_tier) is taken from it.  Customers whose expected bill sits
   within noise of a tier boundary get their activity level nudged just clear
   of it, so the realized tier reproduces the planted one (:mod:`.tiers`).
2. Per chunk of customers, all events of all months are drawn at once
   (:mod:`.cdr`): Poisson counts per customer x month x event type, expanded
   with ``np.repeat``; days from a per customer-month set of active days
   (Gumbel top-k with weekend weights); hours from group profiles (a day and a
   night profile, split where ``[features] night_start``/``night_end`` split
   them, mixed with a per-customer night share); peers by ``searchsorted`` on
   per-customer Zipf cumulative weights.  Events are sorted by (customer,
   time), priced against the plan allowance in time order (:mod:`.tariff`),
   written as one CDR part file, and aggregated into bills (:mod:`.billing`).
   Interactions (:mod:`.interactions`) and recharges follow from the same chunk.
3. Every on-net call and SMS appears in both parties' CDR: each chunk's events with
   other customers (and its second phones' events) are first drawn in a pass of their
   own and spilled per receiving chunk (``_Inbox``); the second pass draws each chunk's
   own events again from the same stream and merges what it received before pricing.

The planted parameters are in :mod:`.params`.

Files
-----
``customers``, ``billing``, ``interactions``, ``recharges``, ``truth`` as single
files and ``cdr/part-NNNNN`` (one per chunk of ``chunk_customers`` customers),
all ordered by customer_id (CDR then by start_time, stable).  Parquet: zstd,
no timestamps in the metadata; timestamps hold whole seconds but are typed
``timestamp[us]`` because Parquet has no second unit.  CSV: header, comma,
utf-8, unquoted values, dates 'YYYY-MM-DD', timestamps 'YYYY-MM-DD HH:MM:SS',
nulls empty, billing.bill_month as 'YYYY-MM' (:mod:`.writer`).

Measured at 200,000 customers x 4 months (seed 1): ~50M CDR rows, 2 min 16 s (two
passes) and 1.6 GiB peak RSS on 2 shared cores (before the call graph: ~50 s, 1.3 GiB); planted tier = realized tier for 99.9% of
customers; KMeans(k=4) on 12 log-standardized usage features per brand
recovers the groups with ARI ~0.95 (GoTone), ~0.95 (M-Zone), ~0.99 (Easyown).
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace
from typing import Callable

import numpy as np

from ..schema import TABLES
from . import billing, cdr, graph, interactions, peers, population, structures, tiers, writer
from .calendar import Window, window
from .structures import STRUCTURES

__all__ = ["GenerateSummary", "STRUCTURES", "TABLE_NAMES", "PLANTED", "draw_population", "generate", "planted_behaviours"]

# Every table of the input contract, and what was planted in them.
TABLE_NAMES = (*TABLES, "truth")


@dataclass(frozen=True)
class GenerateSummary:
    files: dict[str, list[Path]]  # table name -> files written (sorted)
    rows: dict[str, int]  # table name -> row count
    months: list[str]  # 'YYYY-MM' of the months generated, ascending


def generate(out_dir: Path, *, customers: int, months: int = 4, seed: int = 42,
             end_month: str = "2026-08", fmt: str = "parquet",
             chunk_customers: int = 20_000, structure: str = "default",
             progress: Callable[[int, int], None] | None = None) -> GenerateSummary:
    """Write customers, cdr, billing, interactions, recharges and truth into out_dir (an existing empty dir).

    ``structure`` names the planted groups (:data:`.structures.STRUCTURES`; ``default``
    is the generator's own).
    """
    _validate(customers, months, fmt, chunk_customers)
    out_dir = Path(out_dir)
    win = window(end_month, months)
    ext = fmt
    out = writer.Writer(fmt)

    pop, contacts = draw_population(customers, win, seed, structure)

    (out_dir / "cdr").mkdir(exist_ok=True)
    files: dict[str, list[Path]] = {t: [] for t in TABLE_NAMES}
    rows: dict[str, int] = {t: 0 for t in TABLE_NAMES}
    collected: dict[str, list[dict[str, np.ndarray]]] = {"billing": [], "interactions": [], "recharges": []}

    starts = list(range(0, customers, chunk_customers))
    with tempfile.TemporaryDirectory(prefix=".mirrors-", dir=out_dir) as spill:
        inbox = _Inbox(Path(spill), starts)
        if len(starts) > 1:  # the events others make with a chunk's customers, before any chunk is written
            for k, lo in enumerate(starts):
                hi = min(lo + chunk_customers, customers)
                own = cdr.draw(np.random.default_rng([seed, 2, k]), pop, contacts, win, lo, hi)
                inbox.post(k, _sent(seed, k, pop, contacts, win, lo, hi, own))
                del own
        for k, lo in enumerate(starts):
            hi = min(lo + chunk_customers, customers)
            rng = np.random.default_rng([seed, 2, k])
            own = cdr.draw(rng, pop, contacts, win, lo, hi)
            incoming = _sent(seed, k, pop, contacts, win, lo, hi, own) if len(starts) == 1 else inbox.take(k)
            events, bills, inter, rech = _chunk(rng, pop, win, lo, hi, own, incoming)
            path = out_dir / "cdr" / f"part-{k:05d}.{ext}"
            out.write(writer.cdr_table(events), path)
            files["cdr"].append(path)
            rows["cdr"] += len(events["cust"])
            collected["billing"].append(bills)
            collected["interactions"].append(inter)
            collected["recharges"].append(rech)
            del events, own, incoming
            if progress is not None:
                progress(k + 1, len(starts))

    tables = {
        "customers": writer.customers_table(pop),
        "billing": writer.billing_table(writer.concat(collected.pop("billing")), win, fmt),
        "interactions": writer.interactions_table(writer.concat(collected.pop("interactions"))),
        "recharges": writer.recharges_table(writer.concat(collected.pop("recharges"))),
        "truth": writer.truth_table(pop, contacts.phones),
    }
    for name, table in tables.items():
        path = out_dir / f"{name}.{ext}"
        out.write(table, path)
        files[name].append(path)
        rows[name] = table.num_rows
    return GenerateSummary(files={t: sorted(files[t]) for t in TABLE_NAMES}, rows=rows, months=list(win.labels))


def draw_population(customers: int, win: Window, seed: int, structure: str = "default"):
    """Everyone's attributes (tiers planted) and contact lists, before any event is drawn.

    ``bench/bench_validity.py`` reads the planted behaviours from here (:func:`planted_behaviours`).
    """
    pop = population.draw(np.random.default_rng([seed, 0]), customers, win, structures.get(structure))
    rng = np.random.default_rng([seed, 1])
    contacts = peers.draw(rng, pop, seed)
    graph.plant_reentry(rng, pop, contacts)
    contacts.phones = graph.second_phones(rng, pop, contacts, seed)
    tiers.plant(pop)
    return pop, contacts


# The planted behaviours: name -> (the Group field it comes from, index into rates or None).
PLANTED = {"calls_out": ("rates", 0), "calls_in": ("rates", 1), "sms_out": ("rates", 2), "sms_in": ("rates", 3),
           "sessions": ("rates", 4), "call_seconds": ("dur", None), "session_kb": ("kb", None),
           "night": ("night", None), "days": ("days", None), "contacts": ("contacts", None), "zipf": ("zipf", None),
           "onnet": ("onnet", None), "roaming": ("roam", None)}


def planted_behaviours(pop: SimpleNamespace, brand: int | None = None) -> dict[str, np.ndarray]:
    """Each customer's own usage parameters: the behaviours the groups were planted in,
    with the customer's noise (log rates times activity, log call length and session
    size, night share, log active days, log contacts, Zipf exponent, on-net and roaming
    shares).

    With ``brand`` (its index in :data:`.params.BRANDS`), only the behaviours whose
    group parameter differs between that brand's groups: what tells its groups apart.
    Group-level constants (weekend weight, hour shapes) are left out: they have no
    spread inside a group, so they would tell the groups apart without any noise.
    """
    rates = np.log(pop.rates * pop.s[:, None])
    values = {"call_seconds": np.log(pop.dur), "session_kb": np.log(pop.kb), "night": pop.night,
              "days": np.log(pop.days), "contacts": np.log(pop.n_contacts), "zipf": pop.zipf, "onnet": pop.onnet,
              "roaming": pop.roam}
    out = {}
    for name, (field, j) in PLANTED.items():
        if brand is not None:
            params = [getattr(g, field) if j is None else getattr(g, field)[j] for g in pop.groups if g.brand == brand]
            if max(params) - min(params) <= 1e-9 * max(abs(x) for x in params):
                continue
        out[name] = rates[:, j] if field == "rates" else values[name]
    return out


def _sent(seed: int, k: int, P: SimpleNamespace, C: SimpleNamespace, win: Window, lo: int, hi: int,
          own: dict) -> dict[str, np.ndarray]:
    """What chunk k's customers (and their second phones) send to other customers: the
    receivers' side of every on-net call and SMS, in a fixed order."""
    phones = graph.second_phone_events(np.random.default_rng([seed, 4, k]), P, C.phones, win, lo, hi)
    return writer.concat([cdr.mirrors(own, lo), phones])


class _Inbox:
    """The events sent to each chunk, spilled to ``folder`` per (receiving, sending) chunk so
    that memory holds one chunk's at a time; taken in sending-chunk order (deterministic)."""

    def __init__(self, folder: Path, starts: list[int]):
        self.folder, self.starts = folder, np.array(starts)

    def post(self, k: int, sent: dict[str, np.ndarray]) -> None:
        to = np.searchsorted(self.starts, sent["target"], side="right") - 1
        order = np.argsort(to, kind="stable")
        cuts = np.searchsorted(to[order], np.arange(len(self.starts) + 1))
        for j in range(len(self.starts)):
            part = order[cuts[j]:cuts[j + 1]]
            np.savez(self.folder / f"{j}-{k}.npz", **{key: v[part] for key, v in sent.items()})

    def take(self, j: int) -> dict[str, np.ndarray]:
        parts = []
        for k in range(len(self.starts)):
            path = self.folder / f"{j}-{k}.npz"
            with np.load(path) as f:
                parts.append({key: f[key] for key in f.files})
            path.unlink()
        return writer.concat(parts)


def _chunk(rng: np.random.Generator, P: SimpleNamespace, win: Window, lo: int, hi: int, own: dict, incoming: dict):
    """Events, bills, service contacts and top-ups of customers lo..hi-1, all from one random stream."""
    ids = np.arange(lo, hi)
    events, usage = cdr.assemble(rng, P, win, lo, hi, own, incoming)
    bills = billing.bills(rng, P, ids, win, usage)
    inter = interactions.draw(rng, P, ids, win)
    rech = billing.recharges(rng, P, ids, win, bills)
    return events, bills, inter, rech


def _validate(customers: int, months: int, fmt: str, chunk_customers: int) -> None:
    if not isinstance(customers, (int, np.integer)) or customers < 1:
        raise ValueError(f"customers must be a positive integer, got {customers!r}")
    if not isinstance(months, (int, np.integer)) or months < 1 or months > 120:
        raise ValueError(f"months must be an integer between 1 and 120, got {months!r}")
    if fmt not in writer.FORMATS:
        raise ValueError(f"fmt must be one of {', '.join(writer.FORMATS)}, got {fmt!r}")
    if not isinstance(chunk_customers, (int, np.integer)) or chunk_customers < 1:
        raise ValueError(f"chunk_customers must be a positive integer, got {chunk_customers!r}")
