"""Precision and recall of `segment multisim` and `segment reentry` on variants of the
generator's planting that break the assumptions the rules were tuned on: a second phone that
calls people outside its owner's circle, calls fewer of the owner's contacts, is used less,
or is in use from the window's start; a re-entrant who keeps fewer of the old contacts or
comes back later; looser social circles. Each variant is generated (cached in bench/out/),
then both commands run as the user would.

    python bench/bench_callgraph_variants.py [--customers 20000] [--only NAME,...] [--config TOML]

What it changes is the generator's own planting (segment/synth/graph.py, population.py,
peers.py), patched in this process before it draws: the second phone's share of the owner's
contacts (SECOND_CONTACT_SHARE) and rate (SECOND_RATE), `extra` own contacts (random
customers, as a share of the contacts it takes from the owner), `start = window` (in use in
every month of the window, at the owner's full rate), the re-entrant's kept share of contacts
(REENTRY_KEEP) and gap (REENTRY_GAP_DAYS), the circles' scale (CIRCLE_SCALE).
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import polars as pl

from bench_callgraph import _pr

HERE = Path(__file__).resolve().parent

VARIANTS = {
    "default": {},
    "seed 7": {"seed": 7},
    "calls 40-70% of the owner's contacts": {"share": (0.4, 0.7)},
    "half the rate": {"rate": 0.5},
    "own contacts: half as many again": {"extra": 0.5},
    "own contacts: as many again": {"extra": 1.0},
    "40-70%, own contacts +50%, rate 0.6": {"share": (0.4, 0.7), "extra": 0.5, "rate": 0.6},
    "in use from the window's start": {"start": "window"},
    "circles 5x looser": {"scale": 5.0},
    "re-entrant keeps 50% of contacts": {"keep": 0.5},
    "re-entrant keeps 30% of contacts": {"keep": 0.3},
    "re-entrant back within 25 days": {"gap": 25},
}


def _plant(v: dict) -> None:
    """Patch the generator's planting for variant ``v`` (this process only)."""
    from segment.synth import graph, peers, population

    graph.SECOND_CONTACT_SHARE = v.get("share", graph.SECOND_CONTACT_SHARE)
    graph.SECOND_RATE = v.get("rate", graph.SECOND_RATE)
    graph.REENTRY_KEEP = v.get("keep", graph.REENTRY_KEEP)
    population.REENTRY_GAP_DAYS = v.get("gap", population.REENTRY_GAP_DAYS)
    peers.CIRCLE_SCALE = peers.CIRCLE_SCALE * v.get("scale", 1.0)
    extra, start = v.get("extra", 0.0), v.get("start", "late")
    phones, events = graph.second_phones, graph.second_phone_events

    def second_phones(rng, P, C, seed):
        S = phones(rng, P, C, seed)
        if extra <= 0 or not len(S.owners):
            return S
        owners = S.owners
        L = S.offsets[owners + 1] - S.offsets[owners]
        E = np.ceil(L * extra).astype(np.int64)
        size = np.zeros(P.n, np.int64)
        size[owners] = L + E
        offsets = np.concatenate([[0], np.cumsum(size)])
        target = np.empty(offsets[-1], np.int64)
        draw = np.random.default_rng([seed, 99])
        for o, n_extra in zip(owners, E):
            a, b, c = S.offsets[o], S.offsets[o + 1], offsets[o]
            target[c:c + b - a] = S.target[a:b]
            target[c + b - a:offsets[o + 1]] = draw.integers(0, P.n, n_extra)
        own = np.repeat(np.arange(len(owners)), size[owners])
        cw = np.arange(1, len(target) + 1, dtype=float)
        before = np.concatenate([[0.0], cw])[offsets[owners]]
        total = size[owners].astype(float)
        S.offsets, S.target = offsets, target
        S.cum = (cw - before[own]) / total[own]  # even over the enlarged list
        S.cum[offsets[owners + 1] - 1] = 1.0
        S.key = own + S.cum
        return S

    def second_phone_events(rng, P, S, win, lo, hi):
        if start != "window":
            return events(rng, P, S, win, lo, hi)
        saved = P.last_active.copy(), P.leave_f.copy()
        owners = lo + np.flatnonzero(P.second[lo:hi])
        P.last_active[owners] = 1  # the phone starts the month before: the window's first
        P.leave_f[owners] = 0.0  # at the owner's full rate in every month
        try:
            return events(rng, P, S, win, lo, hi)
        finally:
            P.last_active[:], P.leave_f[:] = saved

    graph.second_phones, graph.second_phone_events = second_phones, second_phone_events


def _generate(folder: Path, customers: int, v: dict) -> None:
    """Generate the variant in a child process (the patches stay out of this one)."""
    code = ("import sys, json; sys.path.insert(0, sys.argv[1]); import bench_callgraph_variants as b; "
            "from segment.synth import generate; from pathlib import Path; v = json.loads(sys.argv[2]); "
            "b._plant(v); generate(Path(sys.argv[3]), customers=int(sys.argv[4]), months=4, seed=v.get('seed', 5))")
    import json

    tmp = folder.with_name(folder.name + ".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    subprocess.run([sys.executable, "-c", code, str(HERE), json.dumps(v), str(tmp), str(customers)], check=True)
    tmp.rename(folder)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--customers", type=int, default=20_000)
    ap.add_argument("--only", default="", help="comma-separated variant names (default: all)")
    ap.add_argument("--config", type=Path, help="a config file for both commands (thresholds to compare)")
    args = ap.parse_args()
    segment = shutil.which("segment") or sys.exit("segment is not installed")
    names = [n for n in VARIANTS if not args.only or n in args.only.split(",")]
    print(f"{'variant':42s} {'multisim P':>10s} {'R':>6s} {'n':>5s}   {'reentry P':>9s} {'R':>6s} {'n':>5s}")
    for name in names:
        v = VARIANTS[name]
        folder = HERE / "out" / "variants" / f"{args.customers}_{name.replace(' ', '_').replace('%', 'pc')}"
        if not (folder / "truth.parquet").exists():
            _generate(folder, args.customers, v)
        truth = pl.read_parquet(folder / "truth.parquet")
        with tempfile.TemporaryDirectory() as tmp:
            found = {}
            for cmd in ("multisim", "reentry"):
                out = Path(tmp) / f"{cmd}.parquet"
                subprocess.run([segment, "-q", cmd, "--data", str(folder), "--months", "4", "--out", str(out),
                                "--format", "json", *(["--config", str(args.config)] if args.config else [])], check=True, stdout=subprocess.DEVNULL)
                found[cmd] = pl.read_parquet(out)
        second = truth.filter(pl.col("second_phone").is_not_null()).select("customer_id", candidate_id="second_phone")
        back = truth.filter(pl.col("reentry_of").is_not_null()).select("customer_id", old_customer_id="reentry_of")
        pm, rm = _pr(found["multisim"], second, ["customer_id", "candidate_id"])
        pr, rr = _pr(found["reentry"], back, ["customer_id", "old_customer_id"])
        print(f"{name:42s} {pm:10.3f} {rm:6.3f} {second.height:5d}   {pr:9.3f} {rr:6.3f} {back.height:5d}", flush=True)


if __name__ == "__main__":
    main()
