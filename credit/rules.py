"""Credit rules (domain.md §10) as data: defaults in code, a region's CreditRule overrides them.

Insured persons — 《连云港市医疗保险参保人员信用评价管理暂行办法》 (Lianyungang seed): points per violation
in a scoring period (default: the calendar year); the 医保信用"黑名单" at 15 points in one period, at
10 points or more in each of two consecutive periods, or when a fund loss is not refunded as required;
the permanent list on a judicial judgment for defrauding the fund.

Practitioners — 国家医保局《关于建立定点医药机构相关人员医保支付资格管理制度的指导意见》(2024): 12 points a
calendar year; per violation 1–3, 4–6, 7–9 or 10–12 points by severity; 9 points ⇒ payment qualification
suspended 1–6 months; 12 ⇒ terminated, re-registration barred 1 year (points accumulated) or 3 years
(12 points in one event).
"""

import dataclasses
import datetime
from dataclasses import dataclass

from django.utils.translation import gettext as _

INSURED = "insured"
PRACTITIONER = "practitioner"
SCORED_KINDS = (INSURED, PRACTITIONER)


@dataclass(frozen=True)
class InsuredRules:
    # Months in a scoring period (a divisor of 12), periods from 1 January; 12: the calendar year. *(default)*
    period_months: int = 12
    one_period_points: int = 15
    two_periods_points: int = 10
    # A listing for points or an unrefunded loss may be lifted this many months after it began. *(default)*
    listing_min_months: int = 12
    # Points one violation may carry. *(default)*
    max_points_per_violation: int = 15
    basis: str = "《连云港市医疗保险参保人员信用评价管理暂行办法》"


@dataclass(frozen=True)
class PractitionerRules:
    annual_points: int = 12
    suspend_at: int = 9
    terminate_at: int = 12
    # Months of suspension by the year's points (9, 10, 11), within the national 1–6. *(default)*
    suspension_months: tuple[tuple[int, int], ...] = ((9, 1), (10, 3), (11, 6))
    # Per-violation bands by severity.
    bands: tuple[tuple[int, int], ...] = ((1, 3), (4, 6), (7, 9), (10, 12))
    rebar_cumulative_years: int = 1
    rebar_single_event_years: int = 3
    basis: str = "国家医保局《关于建立定点医药机构相关人员医保支付资格管理制度的指导意见》（2024）"

    def months_for(self, points: int) -> int:
        """Months of suspension for a year's points at or above suspend_at (and below terminate_at)."""
        months = 0
        for threshold, value in sorted(self.suspension_months):
            if points >= threshold:
                months = value
        return months


DEFAULTS = {INSURED: InsuredRules(), PRACTITIONER: PractitionerRules()}
_TUPLE_FIELDS = {"suspension_months", "bands"}


def build(kind: str, params: dict):
    """The default rules of kind with params (a CreditRule's JSON) over them; unknown keys refused."""
    default = DEFAULTS[kind]
    names = {f.name for f in dataclasses.fields(default)}
    unknown = set(params) - names
    if unknown:
        raise ValueError(_("Unknown rule settings: %(names)s") % {"names": ", ".join(sorted(unknown))})
    values = {
        key: tuple(tuple(int(x) for x in pair) for pair in value) if key in _TUPLE_FIELDS else value
        for key, value in params.items()
    }
    return dataclasses.replace(default, **values)


def rule_for(region, kind: str):
    """The region's rules for kind: its own CreditRule, else the nearest superior region's, else DEFAULTS."""
    from credit.models import CreditRule

    chain = region.ancestors_and_self()
    rules = {r.region_id: r for r in CreditRule.objects.filter(region__in=[n.pk for n in chain], subject_kind=kind)}
    for node in chain:
        rule = rules.get(node.pk)
        if rule is not None:
            return build(kind, rule.params)
    return DEFAULTS[kind]


@dataclass(frozen=True)
class Period:
    start: datetime.date
    end: datetime.date  # inclusive

    @property
    def label(self) -> str:
        if self.start.month == 1 and self.end.month == 12:
            return str(self.start.year)
        return f"{self.start:%Y-%m}–{self.end:%Y-%m}"

    def previous(self) -> "Period":
        return period_of(self.start - datetime.timedelta(days=1), months_between(self))


def months_between(period: Period) -> int:
    return (period.end.year - period.start.year) * 12 + period.end.month - period.start.month + 1


def period_of(day: datetime.date, months: int = 12) -> Period:
    """The scoring period containing day: periods of `months` months (a divisor of 12) from 1 January."""
    from casework.penalty_rules import add_months

    start = datetime.date(day.year, (day.month - 1) // months * months + 1, 1)
    return Period(start, add_months(start, months) - datetime.timedelta(days=1))


def band_of(points: int, rules: PractitionerRules) -> tuple[int, int] | None:
    for low, high in rules.bands:
        if low <= points <= high:
            return (low, high)
    return None
