"""The generator's own parameters: brands, behavioural groups, tariffs, life cycle, noise.

These tables are the source of truth for what the generator plants (the package
docstring of :mod:`segment.synth` says how they are used).  Rules that the tool
itself defines are read from it, not copied: the competitor hotlines, the night
bounds and the ARPU tier bounds from :mod:`segment.config`, the channel and
service lists from :mod:`segment.schema`.

Brands: GoTone 15% (postpaid premium), M-Zone 30% (youth bundles; 35% prepaid),
Easyown 55% (prepaid pay-as-you-go).

Groups (``GROUPS``; four per brand, share within brand): population-mean
monthly rates for a full month (times ``EVENT_SCALE``) -- voice calls out/in,
mean call seconds, SMS out/in, data sessions and KB per session, night share,
contact-list size and Zipf exponent, onnet share, share of days in domestic
roaming, probability of an international traveller, active days per month,
weekend weight, hour profiles, plan mix.  Per-customer lognormal noise: a
shared activity factor (sigma ``SIGMA_ACTIVITY``) times an independent factor
per event type (``SIGMA_RATE``); call duration, session size, night share,
contact count and active days have their own factors.  Per customer-month
noise ``SIGMA_MONTH``.

Life cycle (``P_JOIN``, ``P_CHURN``, ``P_ABOUT_TO_LEAVE``): joiners activate
inside the window; churners leave inside it (no events or bills on or after
churn_date, usage already down in the churn month); about-to-leave customers
keep ``LEAVE_LAST_MONTH`` of their usage in the last month, call the
competitor hotlines (``[features] competitor_hotlines``) in their last two
months, run up arrears month on month and complain more.  Normal customers
call those numbers with probability ``P_HOTLINE_NORMAL``.

Tariffs (``PLANS``, ``RATES``): package fee with included outgoing minutes,
SMS and MB; overage per minute (offnet dearer), per SMS and per MB; domestic
roaming calls at a roaming rate outside the allowance; international events at
international rates.  Incoming domestic calls and SMS are free.  vas_fee is
5.00 on ``P_VAS_STANDARD`` of bills.  Enterprise-group lines get
``DISCOUNT_GROUP`` off the package, lines older than ``LOYALTY_YEARS`` get
``DISCOUNT_LOYALTY``.

Tier: the ARPU tier (``[value] tier_a_above``, ``tier_c_below``) of the
expected monthly total_fee.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from ..config import FeatureConfig, ValueConfig
from ..schema import CHANNELS, SERVICES


def _table(text: str) -> dict[str, dict[str, str | int | float]]:
    """A whitespace-aligned text table with a header line: first column -> column -> cell."""
    header, *lines = text.strip().splitlines()
    names = header.split()
    rows = [dict(zip(names, map(_cell, line.split()), strict=True)) for line in lines]
    return {row[names[0]]: row for row in rows}


def _cell(text: str) -> str | int | float:
    """A cell as the Python literal it spells (so 58 is an int and 0.25 a float), else as text."""
    for kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            pass
    return text


BRANDS = ("GoTone", "M-Zone", "Easyown")
BRAND_SHARE = (0.15, 0.30, 0.55)
BRAND_TENURE_YEARS = (7.0, 2.0, 4.0)  # median tenure; lognormal sigma below
TENURE_SIGMA = 0.7
TENURE_MIN_DAYS, TENURE_MAX_DAYS = 60, 15 * 365
BRAND_REGISTERED = (0.90, 0.45, 0.22)  # share with a known birth year
BRAND_PREPAID = (0.0, 0.35, 1.0)
BRAND_CREDIT_SHIFT = (0.4, 0.0, -0.2)
CREDIT_SHARES = (0.07, 0.10, 0.23, 0.30, 0.30)  # levels 1..5

P_JOIN, P_CHURN, P_ABOUT_TO_LEAVE = 0.015, 0.020, 0.030
LEAVE_LAST_MONTH = 0.20  # about-to-leave: usage factor in the window's last month
LEAVE_PREV_MONTH = 0.85  # ... and in the month before
CHURN_MONTH = 0.60  # churners: usage factor in the churn month
# The numbers the features count as competitor hotlines, as the integers the CDR's peer_id holds.
HOTLINES = tuple(int(h) for h in FeatureConfig().competitor_hotlines)
HOTLINE_CALLS_LEAVER = 1.5  # 1 + Poisson(this) per month, last two active months
P_HOTLINE_NORMAL = 0.0015  # share of other customers with one such call
HOTLINE_SECONDS = 200.0

EVENT_SCALE = 1.07  # scales every group's event rates (mean ~62 events per customer-month)
SIGMA_ACTIVITY = 0.25  # shared per-customer activity factor
SIGMA_RATE = 0.30  # independent factor per event type
SIGMA_DUR = 0.30  # customer mean call duration
SIGMA_KB = 0.35  # customer mean session size
SIGMA_NIGHT = 0.30
SIGMA_CONTACTS = 0.35
SIGMA_DAYS = 0.20
SIGMA_MONTH = 0.12  # customer x month usage noise
CALL_SIGMA = 0.80  # call-to-call duration spread (lognormal)
SESSION_SIGMA = 0.90  # session-to-session volume spread (lognormal)
MAX_CALL_S = 4 * 3600

# Hour profiles split the day where the features do (night_start, night_end), so a
# group's night share is what percent_nocturnal_* measures; each shape below has one
# weight per hour of its part of the day, in the order of DAY_HOURS and NIGHT_HOURS.
_DAY_FROM = int(FeatureConfig().night_start.split(":")[0])  # to the hour: minutes are drawn within it
_DAY_TO = int(FeatureConfig().night_end.split(":")[0])
DAY_HOURS = np.arange(_DAY_FROM, _DAY_TO)
NIGHT_HOURS = np.arange(_DAY_TO, _DAY_FROM + 24) % 24
DAY_SHAPES = {
    "office": (1, 4, 7, 7, 6, 3, 4, 6, 6, 5, 3, 2),
    "flat": (2, 3, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4),
    "morning": (4, 6, 7, 6, 5, 3, 3, 3, 3, 2, 2, 2),
    "afternoon": (1, 1, 2, 3, 3, 4, 5, 5, 5, 5, 5, 5),
}
NIGHT_SHAPES = {
    "evening": (8, 8, 6, 4, 2, 1, 0.5, 0.3, 0.2, 0.2, 0.5, 2),
    "late": (3, 4, 5, 6, 7, 6, 5, 3, 2, 1, 0.5, 1),
    "early": (6, 5, 3, 1, 0.5, 0.2, 0.1, 0.1, 0.1, 0.3, 1, 4),
}
# Other night bounds would misalign these shapes, and the profiles in cdr, which are all
# one length, silently: fail on import instead.
if len({len(DAY_HOURS), len(NIGHT_HOURS), *map(len, DAY_SHAPES.values()), *map(len, NIGHT_SHAPES.values())}) != 1:
    raise ValueError("hour shapes need one weight per hour of the day and of the night (night_start, night_end)")


class Group(NamedTuple):
    brand: int
    name: str
    share: float  # share of the brand's lines
    rates: tuple[float, float, float, float, float]  # calls out, calls in, sms out, sms in, data sessions / month
    dur: float  # mean call seconds
    kb: float  # mean KB per data session
    night: float  # share of events at night
    contacts: float  # contact-list size
    zipf: float  # contact weight exponent
    onnet: float  # share of contacts on the own network
    roam: float  # share of days in domestic roaming
    intl: float  # probability of being an international traveller
    days: float  # active days per month
    weekend: float  # weekend day weight (1 = like a weekday)
    day_shape: str  # a key of DAY_SHAPES
    night_shape: str  # a key of NIGHT_SHAPES
    enterprise: float  # probability of an enterprise (group) account line
    birth: float  # mean birth year of registered lines
    plans: tuple[tuple[str, float], ...]  # plan code, share of the group's lines


# The behavioural groups, four per brand, in two tables of Group's fields joined on
# the name: how much they use (rates before EVENT_SCALE: calls_out .. sessions) ...
_USAGE = _table("""
name              brand   share calls_out calls_in sms_out sms_in sessions dur    kb
business-voice    GoTone   0.35        50       40       5     10       15 150  2500
roaming-traveller GoTone   0.20        25       20       4      7       30 100  4000
family-steady     GoTone   0.25        13       16       3      5       15 200  3000
data-professional GoTone   0.20         9        6       2      4      100  60  9000
social-sms        M-Zone   0.30         5        5      50     40       12  45  1500
night-gamer       M-Zone   0.25         3        3       4      4       85  60  9000
campus-light      M-Zone   0.25         7        6       6      5       10  90  1500
streaming-heavy   M-Zone   0.20         4        4       3      3       28  75 80000
voice-basic       Easyown  0.35        20       20       3      3      0.5 100   800
migrant-longcall  Easyown  0.20        16       12       2      3        5 420  1500
youth-data-light  Easyown  0.25         5        4      11     11       22  45  1200
elderly-minimal   Easyown  0.20         4        6     0.3      2      0.1 130   500
""")
# ... and when, with whom and who they are.
_HABITS = _table("""
name              night days weekend day_shape night_shape contacts zipf onnet roam   intl enterprise birth
business-voice     0.05   23    0.45 office    evening           60  0.7  0.55 0.10   0.03       0.85  1978
roaming-traveller  0.15   22    1.00 flat      evening           35  0.9  0.45 0.45   0.08       0.60  1982
family-steady      0.12   17    1.30 morning   evening           10  1.4  0.50 0.03  0.005       0.20  1975
data-professional  0.28   28    0.90 office    late              18  1.0  0.45 0.10   0.02       0.50  1988
social-sms         0.30   25    1.30 afternoon evening           45  0.8  0.50 0.02  0.002       0.08  2003
night-gamer        0.68   26    1.20 afternoon late              10  1.3  0.45 0.02  0.001       0.03  2004
campus-light       0.18   12    0.80 afternoon evening           15  1.1  0.55 0.03  0.001       0.10  2005
streaming-heavy    0.30   22    1.50 afternoon evening           12  1.2  0.50 0.03  0.003       0.05  2000
voice-basic        0.08   18    1.00 flat      evening           20  1.1  0.50 0.02 0.0005       0.00  1972
migrant-longcall   0.38   20    1.10 flat      evening            8  1.6  0.15 0.08  0.002       0.00  1985
youth-data-light   0.30   20    1.30 afternoon late              25  1.0  0.50 0.02  0.001       0.00  2002
elderly-minimal    0.03    8    1.00 morning   early              5  1.5  0.55 0.01 0.0002       0.00  1950
""")
# ... and the plans their lines are on (plan code: share of the group's lines).
_PLAN_MIX = {
    "business-voice": {"GT-128": .15, "GT-168": .25, "GT-238": .3, "GT-298": .2, "GT-398": .1},
    "roaming-traveller": {"GT-128": .2, "GT-168": .3, "GT-238": .3, "GT-298": .2},
    "family-steady": {"GT-58": .2, "GT-88": .45, "GT-128": .35},
    "data-professional": {"GT-128": .3, "GT-168": .35, "GT-238": .25, "GT-298": .1},
    "social-sms": {"MZ-38": .35, "MZ-58": .4, "MZ-88": .25},
    "night-gamer": {"MZ-58": .3, "MZ-88": .4, "MZ-128": .3},
    "campus-light": {"MZ-18": .4, "MZ-38": .4, "MZ-58": .2},
    "streaming-heavy": {"MZ-88": .2, "MZ-128": .45, "MZ-158": .35},
    "voice-basic": {"EO-0": .3, "EO-8": .4, "EO-18": .3},
    "migrant-longcall": {"EO-8": .3, "EO-18": .4, "EO-28": .3},
    "youth-data-light": {"EO-0": .2, "EO-8": .3, "EO-18": .3, "EO-28": .2},
    "elderly-minimal": {"EO-0": .5, "EO-8": .5},
}
_RATES = ("calls_out", "calls_in", "sms_out", "sms_in", "sessions")


def _group(name: str) -> Group:
    row = {**_USAGE[name], **_HABITS[name]}
    fields = {f: row[f] for f in Group._fields if f in row}
    return Group(**fields | {"brand": BRANDS.index(row["brand"]), "rates": tuple(row[r] for r in _RATES),
                             "plans": tuple(_PLAN_MIX[name].items())})


GROUPS: tuple[Group, ...] = tuple(_group(name) for name in _USAGE)


class Plan(NamedTuple):
    code: str
    brand: int
    fee: float  # monthly package fee
    minutes: float  # included outgoing minutes (home network)
    sms: float  # included outgoing SMS
    mb: float  # included data MB


_PLANS = _table("""
code   brand   fee minutes sms    mb
GT-58  GoTone   58      50  30  2048
GT-88  GoTone   88     100  50  5120
GT-128 GoTone  128     200 100 10240
GT-168 GoTone  168     350 150 20480
GT-238 GoTone  238     600 200 30720
GT-298 GoTone  298     900 300 51200
GT-398 GoTone  398    1500 500 81920
MZ-18  M-Zone   18      10  50  1024
MZ-38  M-Zone   38      30 100  3072
MZ-58  M-Zone   58      50 150  6144
MZ-88  M-Zone   88      80 250 15360
MZ-128 M-Zone  128     120 400 30720
MZ-158 M-Zone  158     150 500 40960
EO-0   Easyown   0       0   0     0
EO-8   Easyown   8      30   0   100
EO-18  Easyown  18      80  20   500
EO-28  Easyown  28     150  50  1024
""")
PLANS: tuple[Plan, ...] = tuple(Plan(**row | {"brand": BRANDS.index(row["brand"])}) for row in _PLANS.values())
PLAN_INDEX = {p.code: i for i, p in enumerate(PLANS)}
PLAN_FEE, PLAN_MINUTES, PLAN_SMS, PLAN_MB = (np.array([getattr(p, f) for p in PLANS])
                                          for f in ("fee", "minutes", "sms", "mb"))

# Per-brand unit rates: onnet min, offnet min, SMS, MB (beyond allowance);
# domestic-roaming min; international min (both directions), SMS, MB.
RATES = np.array([
    [0.19, 0.25, 0.10, 0.03, 0.39, 2.99, 0.59, 0.05],  # GoTone
    [0.20, 0.25, 0.05, 0.02, 0.39, 2.99, 0.59, 0.05],  # M-Zone
    [0.15, 0.20, 0.10, 0.10, 0.29, 2.99, 0.59, 0.05],  # Easyown
])
R_ON, R_OFF, R_SMS, R_MB, R_ROAM, R_INTL_MIN, R_INTL_SMS, R_INTL_MB = range(8)
INTL_DAY_SHARE = 0.12  # share of days abroad for international travellers

P_VAS_STANDARD, VAS_STANDARD = 0.97, 5.00
VAS_OTHER = (0.0, 10.0, 15.0, 20.0)
DISCOUNT_GROUP, DISCOUNT_LOYALTY, LOYALTY_YEARS = 0.10, 0.05, 8

# Payment behaviour by credit level 1..5: probability a bill is paid late, and
# the range of overdue days.  Prepaid lines rarely owe anything.
OVERDUE_P = (0.45, 0.22, 0.08, 0.02, 0.005)
OVERDUE_DAYS = ((15, 90), (5, 45), (1, 20), (1, 10), (1, 5))
PREPAID_OVERDUE_FACTOR = 0.3

# Planted tiers use the value analysis' ARPU tiers: A > TIER_A, B TIER_C..TIER_A, C < TIER_C.
TIER_A, TIER_C = ValueConfig().tier_a_above, ValueConfig().tier_c_below

# Service contacts; the channels are the input contract's (segment.schema.CHANNELS).
PURPOSES = ("inquiry", "complaint", "transaction", "campaign")
PREFERRED_SHARE = (0.60, 0.80)  # uniform range of the preferred channel's share
CONTACTS_BASE, CONTACTS_PER_MONTH, CONTACTS_SIGMA = 4.0, 2.0, 0.3
LEAVER_EXTRA_CONTACTS = 3.0
PURPOSE_MIX = np.array([[0.45, 0.08, 0.32, 0.15], [0.25, 0.45, 0.20, 0.10]])  # normal, leaving
# Each brand's mix of contact channels (GoTone: hotline / hall; M-Zone: web / wap / sms;
# Easyown: hall / ivr / kiosk) and the hours each channel is open, [opens, closes).
_CHANNELS = _table('''
channel  GoTone  M-Zone  Easyown  opens  closes
hall       0.25    0.08     0.30      9      19
hotline    0.35    0.10     0.10      8      22
ivr        0.10    0.07     0.22      8      22
web        0.12    0.30     0.05      7      24
sms        0.06    0.15     0.08      7      24
wap        0.04    0.25     0.05      7      24
kiosk      0.08    0.05     0.20      9      19
''')
BRAND_CHANNEL_MIX = np.array([[_CHANNELS[c][b] for c in CHANNELS] for b in BRANDS])  # brand x channel
CHANNEL_HOURS = np.array([[_CHANNELS[c]["opens"], _CHANNELS[c]["closes"]] for c in CHANNELS])

FACE_VALUES = np.array([10, 20, 30, 50, 100, 200, 300], dtype=float)

# Enterprise accounts: heavy-tailed (Pareto) sizes.
ENT_PARETO_ALPHA, ENT_MIN_SIZE, ENT_MAX_SIZE = 1.0, 2, 2500
ENT_COLLEAGUE_SHARE = 0.35  # share of an enterprise line's contacts that are colleagues

CELL_HOME_RANGE = 50_000
CELL_DOMESTIC_ROAM, CELL_INTL = 100_000, 900_000
P_AT_WORK = 0.6  # daytime events at the work cell

# Event types inside a chunk; the hotline type is an outgoing voice call.
T_VOICE_OUT, T_VOICE_IN, T_SMS_OUT, T_SMS_IN, T_DATA, T_HOTLINE = range(6)
# Services are coded by their position in the input contract's list (segment.schema.SERVICES).
VOICE, SMS, DATA = (SERVICES.index(s) for s in ("voice", "sms", "data"))
TYPE_SERVICE = np.array([VOICE, VOICE, SMS, SMS, DATA, VOICE], dtype=np.int8)
TYPE_DIRECTION = np.array([0, 1, 0, 1, -1, 0], dtype=np.int8)  # out, in, null
DIRECTIONS = ("out", "in")
NETWORKS = ("onnet", "offnet")
ROAMING = ("none", "domestic", "international")

# Margin kept between the expected bill and a tier boundary: a fixed part for
# the VAS lottery plus a part proportional to the usage fee's month-to-month
# noise, which shrinks with the number of billed months.
TIER_MARGIN_ABS, TIER_MARGIN_REL = 1.0, 0.15
TIER_MAX_NUDGE = 0.7  # at most a factor e^0.7 (~2x) on activity

# Social circles (peers.py): customers sit on a ring beside customers of their own group;
# a contact lies 1 + exponential(CIRCLE_SCALE) places away on it, a few anywhere.
CIRCLE_SCALE = 12.0  # mean ring distance of a contact
P_SHORTCUT = 0.02  # share of contacts drawn anywhere on the ring
OFFNET_PER_CUSTOMER = 1.0  # people of the off-net world per customer, along the same ring
P_PERSONAL_OFFNET = 0.5  # share of off-net contacts nobody else of ours calls
# On-net calls and SMS appear in both parties' CDR: each side draws its on-net events at
# this rate and receives the other side's as mirrors, so the totals stay as planted.
ONNET_DRAW_SHARE = 0.5

# Second phones (graph.py): a share of leavers with a circle of at least SECOND_MIN_CONTACTS
# carry an off-net second number in their last two active months, which calls
# SECOND_CONTACT_SHARE of their contacts (their top ones first) and takes over the usage
# their own line loses (complementary time use).
SECOND_PHONE_SHARE = 0.5
SECOND_MIN_CONTACTS = 16
SECOND_CONTACT_SHARE = (0.7, 0.95)  # uniform range
SECOND_RATE = 1.0  # the second phone's talk events per month, as a share of the owner's own rate

# Re-entry (population.py, graph.py): a share of churners with at least REENTRY_MIN_CONTACTS
# contacts come back as a joiner activated 1..REENTRY_GAP_DAYS days after leaving, keeping
# REENTRY_KEEP of their contact list; a line sold by a dealer, for re-entrants mostly one of
# a few REENTRY_DEALERS.
REENTRY_SHARE = 0.4
REENTRY_MIN_CONTACTS = 8
REENTRY_GAP_DAYS = 10
REENTRY_KEEP = 0.85
DEALERS = 200  # dealers D0001..D0200 sell the lines
REENTRY_DEALERS = 3  # the few dealers behind most re-entries (D0001..D0003)
P_REENTRY_DEALER = 0.7
