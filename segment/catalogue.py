"""The indicator catalogue: every column ``segment features`` can produce.

Each indicator has an angle (the business view it belongs to), the canonical input
columns it needs (when one is absent the indicator is skipped and the summary says
why) and a one-line definition. The order here is the column order of the output.

Conventions: volumes (counts, minutes, MB, fees, active days) are monthly averages
(window total / months of the window); shares, means, dispersions and entropies are
computed over all events of the window. A trend's slope is the least-squares slope of the
monthly totals against the month number (0, 1, ...; a month without any counts 0), per
month; its ``last_first`` is the last month's total / the first month's.

A definition that depends on a setting of ``[features]`` names it as a ``{field}`` of
:class:`segment.config.FeatureConfig`; :func:`catalogue` fills them in from a config, so
``segment features --list --config x.toml`` describes what x.toml computes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from .schema import CHANNELS, FEES

if TYPE_CHECKING:
    from .config import Config, FeatureConfig

ANGLES = {
    "revenue": "revenue and bill composition",
    "voice": "voice usage",
    "sms": "SMS usage",
    "data": "data usage",
    "roaming": "roaming",
    "time_of_day": "time of day",
    "social": "social circle",
    "network": "on-net / off-net mix (exposure to competitors)",
    "mobility": "mobility (serving cells)",
    "activity": "activity",
    "tenure": "tenure and profile",
    "payment": "payment and credit",
    "contacts": "service contacts",
    "recharge": "prepaid recharges",
    "churn_signal": "churn signals",
    "trend": "trends over the window (early-warning signals)",
}


@dataclass(frozen=True)
class Indicator:
    name: str
    angle: str
    requires: tuple[str, ...]  # "table.column" beyond the required columns
    definition: str  # a template: {night_start}, {night_end}, {pareto_share}, {long_call_s} from [features]

    def describe(self, features: FeatureConfig) -> str:
        """The definition with the settings of ``features`` filled in."""
        return self.definition.format(night_start=features.night_start, night_end=features.night_end,
                                      pareto_share=f"{features.pareto_share:g}", long_call_s=features.long_call_s)


def _i(name, angle, requires, definition):
    return Indicator(name, angle, tuple(requires.split()) if requires else (), definition)


_NIGHT = "outside {night_start} < t < {night_end}"  # features.night_start, night_end
_FEE_NAMES = {"sms_fee": "SMS fee", "vas_fee": "value-added services fee"}  # others: package_fee -> package fee


def _toolbox(service: str) -> list[Indicator]:
    """The reference-toolbox indicators for one service (voice or sms)."""
    s = service
    out = [
        _i(f"number_of_interactions_{s}", s, "", f"{s} events (monthly average)"),
        _i(f"percent_initiated_{s}", s, "cdr.direction", f"outgoing {s} events / all {s} events"),
        _i(f"number_of_contacts_{s}", "social", "cdr.peer_id", f"distinct peers of {s} over the window / months"),
        _i(f"entropy_of_contacts_{s}", "social", "cdr.peer_id", f"Shannon entropy (natural log) of {s} events over peers"),
        _i(f"percent_pareto_interactions_{s}", "social", "cdr.peer_id",
           f"fewest top peers whose {s} events reach ceil({{pareto_share}} x events), / distinct peers"),
        _i(f"interactions_per_contact_mean_{s}", "social", "cdr.peer_id", f"{s} events with a peer / distinct peers"),
        _i(f"balance_of_contacts_mean_{s}", "social", "cdr.peer_id cdr.direction",
           f"mean over peers of out / (out + in) {s} events"),
        _i(f"offnet_contact_share_{s}", "network", "cdr.peer_id cdr.peer_network", f"share of {s} peers on other networks"),
        _i(f"percent_nocturnal_{s}", "time_of_day", "", f"share of {s} events {_NIGHT}"),
        _i(f"interevent_time_mean_{s}", "activity", "", f"mean seconds between consecutive {s} events"),
    ]
    return out


_PARTS = (("00_06", "00:00", "06:00"), ("06_12", "06:00", "12:00"), ("12_18", "12:00", "18:00"),
          ("18_24", "18:00", "24:00"))
_EVENTS = {"voice": "voice calls", "sms": "SMS", "data": "data sessions"}


def _time_profile(service: str) -> list[Indicator]:
    """Events of one service in the four day-parts and on weekdays / weekend days."""
    what = _EVENTS[service]
    return [
        *(_i(f"{service}_{part}", "time_of_day", "", f"{what} from {a} to before {b} (monthly average)")
          for part, a, b in _PARTS),
        _i(f"{service}_weekday", "time_of_day", "", f"{what} Monday to Friday (monthly average)"),
        _i(f"{service}_weekend", "time_of_day", "", f"{what} on Saturday or Sunday (monthly average)"),
        _i(f"{service}_weekend_share", "time_of_day", "", f"share of {what} on Saturday or Sunday"),
    ]


def _trend(name: str, requires: str, what: str) -> list[Indicator]:
    """The slope and the last/first ratio of one monthly total."""
    return [
        _i(f"{name}_slope", "trend", requires, f"least-squares slope of monthly {what} per month"),
        _i(f"{name}_last_first", "trend", requires, f"{what} of the window's last month / of its first month"),
    ]


def _social(service: str) -> list[Indicator]:
    """The social-circle measures beyond the toolbox for one service (voice or sms)."""
    s = service
    return [
        _i(f"reciprocity_{s}", "social", "cdr.peer_id cdr.direction", f"share of {s} peers with events both ways"),
        _i(f"top_contact_share_{s}", "social", "cdr.peer_id", f"share of {s} events with a peer that are with the top peer"),
        _i(f"customer_contact_share_{s}", "social", "cdr.peer_id",
           f"share of {s} peers who are our customers (a customer_id, not off-net)"),
        _i(f"churned_contact_share_{s}", "churn_signal", "cdr.peer_id customers.churn_date",
           f"share of the customers among {s} peers who churned (churn_date before the window's end)"),
    ]


INDICATORS: tuple[Indicator, ...] = (
    _i("total_fee", "revenue", "", "billed amount, i.e. ARPU (monthly average)"),
    _i("package_fee", "revenue", "billing.package_fee", "plan fee (monthly average)"),
    _i("voice_fee", "revenue", "billing.voice_fee", "voice fee (monthly average)"),
    _i("data_fee", "revenue", "billing.data_fee", "data fee (monthly average)"),
    # each component's share of the bill; the first one says what the gross bill is
    *(_i(f"{fee}_share", "revenue", f"billing.{fee}", _FEE_NAMES.get(fee, fee.replace("_", " ")) + " / gross bill"
         + (" (total + discount)" if k == 0 else "")) for k, fee in enumerate(FEES)),
    _i("discount_rate", "revenue", "billing.discount", "discount / gross bill"),
    _i("total_fee_cv", "revenue", "", "coefficient of variation of the monthly bills (population std / mean)"),
    _i("usage_charge", "revenue", "cdr.charge", "sum of tariffed event charges (monthly average)"),
    _i("sms_fee", "revenue", "billing.sms_fee", "SMS fee (monthly average)"),
    _i("vas_fee", "revenue", "billing.vas_fee", "value-added services fee (monthly average)"),
    _i("roaming_fee", "revenue", "billing.roaming_fee", "roaming fee (monthly average)"),
    _i("discount", "revenue", "billing.discount", "discount granted (monthly average)"),
    _i("max_total_fee", "revenue", "", "highest monthly bill of the window"),
    _i("min_total_fee", "revenue", "", "lowest monthly bill of the window (months billed)"),
    *(_i(f"usage_charge_{s}", "revenue", "cdr.charge", f"tariffed charges of {_EVENTS[s]} (monthly average)")
      for s in ("voice", "sms", "data")),
    _i("charge_per_minute", "revenue", "cdr.charge cdr.duration_s", "voice charges / voice minutes"),
    *_toolbox("voice"),
    _i("calls_out", "voice", "cdr.direction", "outgoing calls (monthly average)"),
    _i("calls_in", "voice", "cdr.direction", "incoming calls (monthly average)"),
    _i("minutes_out", "voice", "cdr.direction cdr.duration_s", "outgoing call minutes (monthly average)"),
    _i("minutes_in", "voice", "cdr.direction cdr.duration_s", "incoming call minutes (monthly average)"),
    _i("call_duration_mean_voice", "voice", "cdr.duration_s", "mean call duration in seconds"),
    _i("call_duration_std_voice", "voice", "cdr.duration_s", "population std (ddof=0) of call duration in seconds"),
    _i("long_calls", "voice", "cdr.duration_s", "calls of at least {long_call_s} seconds (monthly average)"),
    _i("onnet_call_share", "network", "cdr.peer_network", "share of calls with on-net peers"),
    _i("minutes_total", "voice", "cdr.duration_s", "call minutes (monthly average)"),
    _i("call_duration_mean_out", "voice", "cdr.direction cdr.duration_s", "outgoing call seconds / outgoing calls"),
    _i("call_duration_mean_in", "voice", "cdr.direction cdr.duration_s", "incoming call seconds / incoming calls"),
    _i("minutes_onnet", "network", "cdr.peer_network cdr.duration_s", "minutes of calls with on-net peers (monthly average)"),
    _i("minutes_offnet", "network", "cdr.peer_network cdr.duration_s",
       "minutes of calls with off-net peers (monthly average)"),
    _i("onnet_minutes_share", "network", "cdr.peer_network cdr.duration_s", "on-net call minutes / call minutes"),
    *_toolbox("sms"),
    _i("sms_out", "sms", "cdr.direction", "SMS sent (monthly average)"),
    _i("sms_in", "sms", "cdr.direction", "SMS received (monthly average)"),
    _i("onnet_sms_share", "network", "cdr.peer_network", "share of SMS with on-net peers"),
    *_social("voice"),
    *_social("sms"),
    _i("churned_contact_event_share", "churn_signal", "cdr.peer_id customers.churn_date",
       "voice and SMS events with churned customers / those with our customers"),
    _i("data_mb", "data", "cdr.volume_kb", "data volume in MB (monthly average)"),
    _i("data_sessions", "data", "", "data sessions (monthly average)"),
    _i("data_mb_per_session", "data", "cdr.volume_kb", "MB per data session"),
    _i("data_mb_per_active_day", "data", "cdr.volume_kb", "MB per day with data use"),
    _i("data_active_days", "data", "", "days with data use (monthly average)"),
    _i("data_day_share", "data", "", "days with data use / days with any event"),
    _i("roaming_domestic_events", "roaming", "cdr.roaming", "events in domestic roaming (monthly average)"),
    _i("roaming_international_events", "roaming", "cdr.roaming", "events in international roaming (monthly average)"),
    _i("roaming_event_share", "roaming", "cdr.roaming", "share of events in roaming"),
    *(_i(f"roaming_{s}", "roaming", "cdr.roaming", f"{_EVENTS[s]} in domestic or international roaming (monthly average)")
      for s in ("voice", "sms", "data")),
    _i("international_roaming_share", "roaming", "cdr.roaming", "international roaming events / roaming events"),
    _i("night_share", "time_of_day", "", "share of all events " + _NIGHT),
    _i("weekend_share", "time_of_day", "", "share of all events on Saturday or Sunday"),
    _i("percent_nocturnal_data", "time_of_day", "", "share of data sessions " + _NIGHT),
    *_time_profile("voice"),
    *_time_profile("sms"),
    *_time_profile("data"),
    # mobility: bandicoot's number_of_antennas, entropy_of_antennas, percent_at_home, frequent_antennas
    _i("number_of_antennas", "mobility", "cdr.cell_id", "distinct cells over the window / months"),
    _i("entropy_of_antennas", "mobility", "cdr.cell_id", "Shannon entropy (natural log) of events over cells"),
    _i("percent_top_antenna", "mobility", "cdr.cell_id", "share of events at the most frequent cell"),
    _i("percent_at_home", "mobility", "cdr.cell_id",
       "share of events at home: the cell with the most events " + _NIGHT
       + " (among ties the most events, then the least cell_id as text)"),
    _i("home_night_share", "mobility", "cdr.cell_id", "share of the events " + _NIGHT + " at home"),
    _i("home_days_share", "mobility", "cdr.cell_id", "days with an event at home / days with an event at a cell"),
    _i("antennas_per_active_day", "mobility", "cdr.cell_id",
       "mean distinct cells per day with an event at a cell ((day, cell) pairs / days)"),
    _i("frequent_antennas", "mobility", "cdr.cell_id",
       "fewest top cells whose events reach ceil({pareto_share} x events) (a count)"),
    _i("night_antennas", "mobility", "cdr.cell_id", "distinct cells with an event " + _NIGHT + " / months"),
    _i("events_per_antenna_mean", "mobility", "cdr.cell_id", "events at a cell / distinct cells"),
    _i("active_days", "activity", "", "days with any event (monthly average)"),
    _i("events_total", "activity", "", "events of every service (monthly average)"),
    _i("active_months", "activity", "", "months of the window with an event (a count)"),
    _i("active_day_share", "activity", "", "days with any event / days of the window"),
    _i("days_since_last_event", "activity", "", "days from the last event to the window's end"),
    _i("tenure_months", "tenure", "", "whole months from activation to the end of the window"),
    _i("age", "tenure", "customers.birth_year", "years at the end of the window"),
    _i("group_member", "tenure", "customers.group_id", "1 if the line belongs to an enterprise account"),
    _i("joined_in_window", "tenure", "", "1 if the line was activated in the window"),
    _i("credit_level", "payment", "customers.credit_level", "credit level, 1 (worst) .. 5 (best)"),
    _i("overdue_days", "payment", "billing.overdue_days", "days paid late (monthly average)"),
    _i("max_overdue_days", "payment", "billing.overdue_days", "most days paid late in one month"),
    _i("months_with_arrears", "payment", "billing.arrears", "months of the window ending with arrears (a count)"),
    _i("arrears", "payment", "billing.arrears", "arrears at month end (monthly average)"),
    _i("months_overdue", "payment", "billing.overdue_days", "months of the window paid late (a count)"),
    _i("max_arrears", "payment", "billing.arrears", "highest month-end arrears of the window"),
    _i("arrears_to_bill", "payment", "billing.arrears", "arrears / billed amount, over the window"),
    _i("contacts_total", "contacts", "interactions.customer_id", "service contacts (monthly average)"),
    *(_i(f"contacts_{c}", "contacts", "interactions.customer_id", f"contacts through {c} (monthly average)") for c in CHANNELS),
    _i("complaints", "contacts", "interactions.purpose", "complaint contacts (monthly average)"),
    _i("complaint_share", "contacts", "interactions.purpose", "complaints / contacts"),
    _i("inquiries", "contacts", "interactions.purpose", "inquiry contacts (monthly average)"),
    _i("transactions", "contacts", "interactions.purpose", "transaction contacts (monthly average)"),
    _i("campaign_contacts", "contacts", "interactions.purpose", "campaign contacts (monthly average)"),
    _i("complaints_last_month", "contacts", "interactions.purpose", "complaints in the window's last month"),
    _i("contact_channels", "contacts", "interactions.customer_id", "distinct channels of the window's contacts"),
    _i("days_since_last_contact", "contacts", "interactions.customer_id",
       "days from the last service contact to the window's end"),
    _i("recharge_count", "recharge", "recharges.customer_id", "prepaid top-ups (monthly average)"),
    _i("recharge_amount", "recharge", "recharges.customer_id", "amount topped up (monthly average)"),
    _i("recharge_amount_mean", "recharge", "recharges.customer_id", "mean top-up amount"),
    _i("recharge_amount_max", "recharge", "recharges.customer_id", "largest top-up"),
    _i("recharge_interval_mean", "recharge", "recharges.customer_id", "mean days between consecutive top-ups"),
    _i("recharge_interval_std", "recharge", "recharges.customer_id",
       "population std (ddof=0) of the days between consecutive top-ups"),
    _i("recharge_interval_cv", "recharge", "recharges.customer_id",
       "coefficient of variation of the days between consecutive top-ups (std / mean)"),
    _i("recharge_interval_max", "recharge", "recharges.customer_id", "most days between consecutive top-ups"),
    _i("days_since_last_recharge", "recharge", "recharges.customer_id", "days from the last top-up to the window's end"),
    _i("competitor_hotline_calls", "churn_signal", "cdr.peer_id",
       "voice and SMS events with a competitor's service hotline (monthly average)"),
    _i("last_month_usage_ratio", "churn_signal", "",
       "events in the window's last month / mean events of its earlier months"),
    _i("multisim", "churn_signal", "cdr.peer_id",
       "1 when segment multisim finds a second number of the customer's (a number whose contacts are largely "
       "theirs, used as theirs wanes: [multisim]), else 0"),
    _i("multisim_score", "churn_signal", "cdr.peer_id",
       "largest Jaccard similarity of the customer's contacts with another number's that is no direct contact "
       "(0: none shares [multisim] min_shared contacts)"),
    *_trend("total_fee", "", "billed amount"),
    *_trend("minutes", "cdr.duration_s", "call minutes"),
    *_trend("calls", "", "voice calls"),
    *_trend("sms", "", "SMS"),
    *_trend("data_mb", "cdr.volume_kb", "data MB"),
    *_trend("active_days", "", "days with an event"),
    *_trend("contacts_voice", "cdr.peer_id", "distinct voice peers"),
    *_trend("contacts_sms", "cdr.peer_id", "distinct SMS peers"),
)
GRAPH = ("multisim", "multisim_score")  # computed on the call graph (segment/callgraph.py)

NAMES = tuple(i.name for i in INDICATORS)
BY_NAME = {i.name: i for i in INDICATORS}


def catalogue(cfg: Config) -> list[dict]:
    """Every indicator as a row (name, angle, requires, definition), its definition
    filled in from ``cfg.features``, in output column order (``segment features --list``)."""
    return [{"name": i.name, "angle": i.angle, "requires": list(i.requires), "definition": i.describe(cfg.features)}
            for i in INDICATORS]


def missing_requirements(ind: Indicator, present: dict[str, frozenset[str]]) -> list[str]:
    """The ``table.column`` inputs an indicator needs that are not available."""
    out = []
    for req in ind.requires:
        table, col = req.split(".")
        if col not in present.get(table, frozenset()):
            out.append(req)
    return out
