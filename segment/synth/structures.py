"""Differently built populations: the same extracts, other planted segments.

The generator's own population (``default``, :data:`.params.GROUPS`) is the one the
tool was tuned on. The other structures break its assumptions one at a time, so that
a clustering design can be chosen on data not built like the data it was written for
(``bench/bench_validity.py``):

* ``sizes``: four segments per brand of 5% to 50% of the brand;
* ``counts``: 3, 5 and 7 segments in the three brands;
* ``subtle``: four segments that differ in only two behaviours (a 2 x 2 design), alike
  in everything else;
* ``noisy``: heavy-tailed activity (a tenth of the customers times a Pareto factor),
  noisier usage rates, and a social circle (contact-list size, Zipf exponent, on-net
  share) drawn alike in every segment of a brand: the social indicators are noise only;
* ``overlap``: four overlapping segments per brand that differ a little (a factor 1.5)
  in about ten behaviours, each seen through several indicators, with the social circle
  as noise.

A structure is groups (:class:`.params.Group`) and noise settings; new groups are the
brand's groups scaled in named behaviours (:data:`BEHAVIOURS`).
"""

from __future__ import annotations

from typing import NamedTuple

from .params import (
    GROUPS, SIGMA_ACTIVITY, SIGMA_CONTACTS, SIGMA_DAYS, SIGMA_DUR, SIGMA_KB, SIGMA_NIGHT, SIGMA_RATE, Group,
)


class Noise(NamedTuple):
    """Per-customer spread of the usage parameters (lognormal sigmas) and the heavy tail."""

    activity: float = SIGMA_ACTIVITY
    rate: float = SIGMA_RATE
    dur: float = SIGMA_DUR
    kb: float = SIGMA_KB
    night: float = SIGMA_NIGHT
    contacts: float = SIGMA_CONTACTS
    days: float = SIGMA_DAYS
    zipf: float = 0.1  # normal spread of the Zipf exponent
    onnet: float = 0.1  # normal spread of the on-net share
    heavy_share: float = 0.0  # share of customers whose activity is multiplied by 1 + Pareto(heavy_alpha)
    heavy_alpha: float = 1.5


class Structure(NamedTuple):
    name: str
    description: str
    groups: tuple[Group, ...]
    noise: Noise = Noise()


def _rates(g: Group, f: tuple[float, float, float, float, float]) -> Group:
    return g._replace(rates=tuple(r * x for r, x in zip(g.rates, f)))


# A behaviour -> how a factor f changes a group. Each one shows in several indicators
# (calls: calls, minutes, events, interactions per contact, inter-event time ...).
BEHAVIOURS = {
    "calls": lambda g, f: _rates(g, (f, f, 1, 1, 1)),
    "outgoing": lambda g, f: _rates(g, (f, 1 / f, 1, 1, 1)),
    "sms": lambda g, f: _rates(g, (1, 1, f, f, 1)),
    "data": lambda g, f: _rates(g, (1, 1, 1, 1, f)),
    "volume": lambda g, f: g._replace(kb=g.kb * f),
    "length": lambda g, f: g._replace(dur=g.dur * f),
    "night": lambda g, f: g._replace(night=min(0.9, g.night * f)),
    "days": lambda g, f: g._replace(days=min(29.0, g.days * f)),
    "weekend": lambda g, f: g._replace(weekend=g.weekend * f),
    "roaming": lambda g, f: g._replace(roam=min(0.7, g.roam * f), intl=min(0.5, g.intl * f)),
    "contacts": lambda g, f: g._replace(contacts=g.contacts * f),
}


def vary(g: Group, name: str, share: float, **factors: float) -> Group:
    """Group ``g`` renamed, with its share of the brand, scaled in the named behaviours."""
    out = g._replace(name=name, share=share)
    for behaviour, f in factors.items():
        out = BEHAVIOURS[behaviour](out, f)
    return out


def _by_name() -> dict[str, Group]:
    return {g.name: g for g in GROUPS}


def _social_alike(groups: list[Group]) -> list[Group]:
    """Every group of a brand with the brand's mean social circle: contacts, Zipf, on-net."""
    out = []
    for g in groups:
        same = [h for h in groups if h.brand == g.brand]
        mean = {f: sum(getattr(h, f) for h in same) / len(same) for f in ("contacts", "zipf", "onnet")}
        out.append(g._replace(**mean))
    return out


def _sizes() -> tuple[Group, ...]:
    shares = {"business-voice": .50, "roaming-traveller": .05, "family-steady": .30, "data-professional": .15,
              "social-sms": .45, "night-gamer": .05, "campus-light": .35, "streaming-heavy": .15,
              "voice-basic": .50, "migrant-longcall": .15, "youth-data-light": .30, "elderly-minimal": .05}
    return tuple(g._replace(share=shares[g.name]) for g in GROUPS)


def _counts() -> tuple[Group, ...]:
    g = _by_name()
    return (
        vary(g["business-voice"], "business-voice", 0.40),
        vary(g["roaming-traveller"], "roaming-traveller", 0.30),
        vary(g["data-professional"], "data-professional", 0.30),
        *(vary(g[n], n, 0.2) for n in ("social-sms", "night-gamer", "campus-light", "streaming-heavy")),
        vary(g["campus-light"], "video-caller", 0.2, calls=3.0, length=2.0, data=2.0),
        *(vary(g[n], n, 1 / 7) for n in ("voice-basic", "migrant-longcall", "youth-data-light", "elderly-minimal")),
        vary(g["youth-data-light"], "sms-chatter", 1 / 7, sms=4.0, data=0.3, contacts=1.5),
        vary(g["voice-basic"], "night-worker", 1 / 7, night=5.0, days=1.3),
        vary(g["voice-basic"], "domestic-roamer", 1 / 7, roaming=8.0, calls=1.5),
    )


def _subtle() -> tuple[Group, ...]:
    """Per brand, a 2 x 2 design on two behaviours (low / high: a factor 3 either way)."""
    g = _by_name()
    design = (("family-steady", "calls", "data"), ("campus-light", "data", "night"),
              ("voice-basic", "sms", "length"))
    out = []
    for base, a, b in design:
        for fa, fb in ((1 / 3, 1 / 3), (1 / 3, 3.0), (3.0, 1 / 3), (3.0, 3.0)):
            out.append(vary(g[base], f"{base}-{a}{'+' if fa > 1 else '-'}-{b}{'+' if fb > 1 else '-'}", 0.25,
                            **{a: fa, b: fb}))
    return tuple(_social_alike(out))


# Which way each of four groups leans (+1: a factor 1.5 more, -1: less) on ten behaviours.
_LEANS = {
    "calls":    (+1, -1, 0, -1),
    "outgoing": (+1, 0, -1, 0),
    "sms":      (-1, +1, 0, -1),
    "data":     (-1, +1, +1, -1),
    "volume":   (0, -1, +1, 0),
    "length":   (+1, 0, -1, +1),
    "night":    (-1, +1, 0, +1),
    "days":     (+1, 0, +1, -1),
    "weekend":  (0, +1, -1, +1),
    "roaming":  (+1, -1, 0, 0),
}


def _overlap() -> tuple[Group, ...]:
    g = _by_name()
    out = []
    for brand, base in (("gt", "family-steady"), ("mz", "campus-light"), ("eo", "voice-basic")):
        for i in range(4):
            out.append(vary(g[base], f"{brand}-lean-{i + 1}", 0.25,
                            **{b: 1.5 ** lean[i] for b, lean in _LEANS.items() if lean[i]}))
    return tuple(_social_alike(out))


STRUCTURES: dict[str, Structure] = {s.name: s for s in (
    Structure("default", "the generator's own: four groups per brand, 15-35% each", GROUPS),
    Structure("sizes", "four groups per brand of 5% to 50% of the brand", _sizes()),
    Structure("counts", "3, 5 and 7 groups in GoTone, M-Zone and Easyown", _counts()),
    Structure("subtle", "four groups per brand differing in only two behaviours", _subtle()),
    Structure("noisy", "heavy-tailed activity, noisier rates, social indicators noise only",
              tuple(_social_alike(list(GROUPS))), Noise(rate=0.45, contacts=0.7, zipf=0.25, heavy_share=0.1)),
    Structure("overlap", "four overlapping groups per brand, a little apart in ten behaviours", _overlap(),
              Noise(contacts=0.7, zipf=0.25)),
)}


def get(name: str) -> Structure:
    """The structure called ``name``; ValueError naming the known ones otherwise."""
    if name not in STRUCTURES:
        raise ValueError(f"unknown structure {name!r} (known: {', '.join(STRUCTURES)})")
    return STRUCTURES[name]
