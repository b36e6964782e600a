"""The statutory rules of the penalty track (行政处罚, domain.md §6 and §4), as data with their sources.

条例 = 《医疗保障基金使用监督管理条例》 (State Council Order 735); 处罚法 = 《中华人民共和国行政处罚法》
(2021); 强制法 = 《中华人民共和国行政强制法》. Figures a province sets (hearing thresholds) are
defaults here and arguments to the functions, never literals at the call site. Every refusal
names the rule it applies, so a user sees why an amount or a step is not allowed.
"""

import calendar
import datetime
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _

from casework.errors import InvalidInput

CENT = Decimal("0.01")


@dataclass(frozen=True)
class FineRule:
    """The fine an article allows: a multiple of the fund loss, or a fixed range in yuan."""

    article: str
    citation: str
    applies_to: tuple[str, ...]  # subject kinds (casework.Subject.Kind values)
    low: Decimal
    high: Decimal
    of_fund_loss: bool  # True: low/high are multiples of the fund loss; False: yuan


@dataclass(frozen=True)
class SuspensionRule:
    """A suspension an article allows, in whole months."""

    article: str
    citation: str
    measure: str
    applies_to: tuple[str, ...]
    min_months: int
    max_months: int


INSTITUTIONS = ("institution", "pharmacy")
PERSONS = ("insured",)

FINE_RULES: dict[str, FineRule] = {
    # 条例 Art.38: improper use causing a fund loss — 退回 and a fine of 1–2 times the loss.
    "38": FineRule("38", "《条例》第三十八条", INSTITUTIONS, Decimal(1), Decimal(2), of_fund_loss=True),
    # 条例 Art.39: management failures, refusing to correct — a fine of ¥10,000–50,000.
    "39": FineRule("39", "《条例》第三十九条", INSTITUTIONS, Decimal(10_000), Decimal(50_000), of_fund_loss=False),
    # 条例 Art.40: fraud (fake patients, fake records, 串换) — 退回 and a fine of 2–5 times the loss.
    "40": FineRule("40", "《条例》第四十条", INSTITUTIONS, Decimal(2), Decimal(5), of_fund_loss=True),
    # 条例 Art.41: an insured person's fraud — 退回 and a fine of 2–5 times the loss.
    "41": FineRule("41", "《条例》第四十一条", PERSONS, Decimal(2), Decimal(5), of_fund_loss=True),
}

SUSPENSION_RULES: dict[str, SuspensionRule] = {
    # 条例 Art.38: refusing to correct or serious — suspend the responsible department 6–12 months.
    "38": SuspensionRule("38", "《条例》第三十八条", "department", INSTITUTIONS, 6, 12),
    # 条例 Art.40: suspend the medical-insurance services concerned 6–12 months.
    "40": SuspensionRule("40", "《条例》第四十条", "services", INSTITUTIONS, 6, 12),
    # 条例 Art.41: suspend the insured person's direct settlement 3–12 months.
    "41": SuspensionRule("41", "《条例》第四十一条", "direct_settlement", PERSONS, 3, 12),
}


@dataclass(frozen=True)
class HearingThresholds:
    """较大数额罚款 (处罚法 Art.63): set by each province; at or above it a hearing must be offered."""

    person: Decimal = Decimal(10_000)
    organisation: Decimal = Decimal(100_000)


DEFAULT_HEARING_THRESHOLDS = HearingThresholds()
HEARING_BASIS = "《中华人民共和国行政处罚法》第六十三条"

# 处罚法 Art.51: 简易程序 (on the spot) only for a warning or a fine of at most ¥200 (person) / ¥3,000
# (organisation).
SUMMARY_LIMIT_PERSON = Decimal(200)
SUMMARY_LIMIT_ORGANISATION = Decimal(3_000)
SUMMARY_BASIS = "《中华人民共和国行政处罚法》第五十一条"

# 处罚法 Art.64(1): a hearing is asked for within 5 days of the notice.
HEARING_REQUEST_DAYS = 5
# 处罚法 Art.64(2): the subject is told of the hearing at least 7 days before it.
HEARING_NOTICE_DAYS = 7
HEARING_NOTICE_BASIS = "《中华人民共和国行政处罚法》第六十四条"
# 处罚法 Art.61: the decision is served within 7 days.
SERVICE_DAYS = 7
# 处罚法 Art.67: the fine is paid within 15 days of service.
PAYMENT_DAYS = 15
# 处罚法 Art.72(1): 3 % of the fine for each day late, never more than the fine.
LATE_FEE_RATE_PER_DAY = Decimal("0.03")
LATE_FEE_BASIS = "《中华人民共和国行政处罚法》第七十二条"
# 行政诉讼法 Art.46: six months to sue (the longer of that and 行政复议法's 60 days ends the review period);
# 强制法 Art.53: then three months to apply to the court for enforcement.
REVIEW_PERIOD_MONTHS = 6
ENFORCEMENT_APPLICATION_MONTHS = 3
# 处罚法 Art.36: two years from the act; five where it endangers the safety of (fund) money.
LIMITATION_YEARS = 2
LIMITATION_YEARS_FUND_SAFETY = 5
# Order 4 / 处罚法 Art.60: 90 days from 立案; an approved extension, by default 30 days.
DEFAULT_DECISION_EXTENSION_DAYS = 30


def money(value) -> Decimal:
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def fine_rule(article: str) -> FineRule:
    rule = FINE_RULES.get(str(article))
    if rule is None:
        known = "、".join(f"第{a}条" for a in FINE_RULES)
        raise InvalidInput(
            errors={"article": [_("No fine rule for this article; choose one of %(known)s.") % {"known": known}]}
        )
    return rule


def fine_range(article: str, *, fund_loss: Decimal | None = None) -> tuple[Decimal, Decimal]:
    """The lowest and highest fine the article allows, in yuan."""
    rule = fine_rule(article)
    if not rule.of_fund_loss:
        return money(rule.low), money(rule.high)
    if fund_loss is None or fund_loss <= 0:
        raise InvalidInput(
            errors={
                "fund_loss": [
                    _("%(rule)s sets the fine as a multiple of the fund loss; give the fund loss.")
                    % {"rule": rule.citation}
                ]
            }
        )
    return money(rule.low * fund_loss), money(rule.high * fund_loss)


def check_fine(*, article: str, amount: Decimal, subject_kind: str, fund_loss: Decimal | None = None) -> None:
    """Refuse a fine outside what the article allows for this kind of subject, naming the rule."""
    rule = fine_rule(article)
    if subject_kind not in rule.applies_to:
        raise InvalidInput(
            errors={"article": [_("%(rule)s does not apply to this kind of subject.") % {"rule": rule.citation}]}
        )
    low, high = fine_range(article, fund_loss=fund_loss)
    if not low <= amount <= high:
        if rule.of_fund_loss:
            message = _(
                "%(rule)s: the fine must be %(low_x)s to %(high_x)s times the fund loss, ¥%(low)s to ¥%(high)s."
            ) % {"rule": rule.citation, "low_x": rule.low, "high_x": rule.high, "low": f"{low:,}", "high": f"{high:,}"}
        else:
            message = _("%(rule)s: the fine must lie between ¥%(low)s and ¥%(high)s.") % {
                "rule": rule.citation,
                "low": f"{low:,}",
                "high": f"{high:,}",
            }
        raise InvalidInput(errors={"fine": [message]})


def check_suspension(*, article: str, months: int, subject_kind: str) -> None:
    rule = SUSPENSION_RULES.get(str(article))
    if rule is None or subject_kind not in rule.applies_to:
        raise InvalidInput(errors={"article": [_("This article provides no suspension for this kind of subject.")]})
    if not rule.min_months <= months <= rule.max_months:
        raise InvalidInput(
            errors={
                "months": [
                    _("%(rule)s: a suspension lasts %(low)d to %(high)d months.")
                    % {"rule": rule.citation, "low": rule.min_months, "high": rule.max_months}
                ]
            }
        )


def hearing_required(
    *,
    fine: Decimal | None,
    is_person: bool,
    suspends: bool = False,
    terminates: bool = False,
    thresholds: HearingThresholds = DEFAULT_HEARING_THRESHOLDS,
) -> bool:
    """处罚法 Art.63: a large fine (at or above the province's threshold), a suspension or a
    termination must be offered a hearing."""
    if suspends or terminates:
        return True
    if fine is None:
        return False
    return fine >= (thresholds.person if is_person else thresholds.organisation)


def summary_procedure_allowed(*, fine: Decimal | None, is_person: bool, other_measures: bool = False) -> bool:
    """处罚法 Art.51: on-the-spot decisions only for a warning or a small fine, and nothing else."""
    if other_measures:
        return False
    if fine is None:
        return True
    return fine <= (SUMMARY_LIMIT_PERSON if is_person else SUMMARY_LIMIT_ORGANISATION)


def late_fee(*, fine: Decimal, payment_due: datetime.date, paid_on: datetime.date) -> Decimal:
    """加处罚款: 3 % of the fine for every day after the payment deadline, capped at the fine."""
    days_late = (paid_on - payment_due).days
    if days_late <= 0:
        return Decimal("0.00")
    return min(money(fine * LATE_FEE_RATE_PER_DAY * days_late), money(fine))


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day of the month `months` later; the month's last day when it has no such day."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def hearing_request_due(notice_served_on: datetime.date) -> datetime.date:
    return notice_served_on + datetime.timedelta(days=HEARING_REQUEST_DAYS)


def check_hearing_date(*, notice_sent_on: datetime.date, hearing_on: datetime.date) -> None:
    earliest = notice_sent_on + datetime.timedelta(days=HEARING_NOTICE_DAYS)
    if hearing_on < earliest:
        raise InvalidInput(
            errors={
                "hearing_on": [
                    _(
                        "%(rule)s: the hearing notice must reach the subject at least %(days)d days before the "
                        "hearing; the earliest date is %(day)s."
                    )
                    % {"rule": HEARING_NOTICE_BASIS, "days": HEARING_NOTICE_DAYS, "day": earliest.isoformat()}
                ]
            }
        )


def service_due(decided_on: datetime.date) -> datetime.date:
    return decided_on + datetime.timedelta(days=SERVICE_DAYS)


def payment_due(served_on: datetime.date) -> datetime.date:
    return served_on + datetime.timedelta(days=PAYMENT_DAYS)


def enforcement_window(served_on: datetime.date) -> tuple[datetime.date, datetime.date]:
    """When the bureau may apply to the court: after the review period, for three months."""
    opens = add_months(served_on, REVIEW_PERIOD_MONTHS)
    return opens, add_months(opens, ENFORCEMENT_APPLICATION_MONTHS)


def limitation_ends(act_ended_on: datetime.date, *, fund_safety: bool) -> datetime.date:
    """处罚法 Art.36: after this date the act is no longer punished."""
    years = LIMITATION_YEARS_FUND_SAFETY if fund_safety else LIMITATION_YEARS
    return add_months(act_ended_on, 12 * years)


def penalty_decision_due(opened_on: datetime.date, *, extension_days: int = 0) -> datetime.date:
    from casework.rules import PENALTY_DECISION_DAYS

    return opened_on + datetime.timedelta(days=PENALTY_DECISION_DAYS + extension_days)


# 处罚法 Arts.44–45: the notice states how long the subject has to make a statement (陈述申辩); the bureau
# sets the same 5 days it gives for a hearing request (Art.64), and decides only after the window.
STATEMENT_DAYS = 5
STATEMENT_BASIS = "《中华人民共和国行政处罚法》第四十四条、第四十五条"


def statement_due(notice_served_on: datetime.date) -> datetime.date:
    return notice_served_on + datetime.timedelta(days=STATEMENT_DAYS)


# 处罚法 Art.45(2): the penalty may not be made heavier because the subject made a statement.
NO_HEAVIER_BASIS = "《中华人民共和国行政处罚法》第四十五条第二款"


@dataclass(frozen=True)
class ReviewThresholds:
    """Money (退回 + fine + confiscation) at or above which a penalty counts as serious: 法制审核
    (处罚法 Art.58) and 集体讨论 (Art.57(2)). Set by the province; these are defaults."""

    review_person: Decimal = Decimal(5_000)
    review_organisation: Decimal = Decimal(100_000)
    discussion_person: Decimal = Decimal(50_000)
    discussion_organisation: Decimal = Decimal(500_000)


DEFAULT_REVIEW_THRESHOLDS = ReviewThresholds()
LEGAL_REVIEW_BASIS = "《中华人民共和国行政处罚法》第五十八条"
COLLECTIVE_DISCUSSION_BASIS = "《中华人民共和国行政处罚法》第五十七条第二款"


def legal_review_required(
    *,
    money_total: Decimal,
    is_person: bool,
    hearing_offered: bool,
    complex_case: bool = False,
    thresholds: ReviewThresholds = DEFAULT_REVIEW_THRESHOLDS,
) -> bool:
    """处罚法 Art.58: serious decisions — those that must be offered a hearing, large sums, complex cases —
    are reviewed by the legal reviewer before the decision; unreviewed or rejected, no decision."""
    if hearing_offered or complex_case:
        return True
    return money_total >= (thresholds.review_person if is_person else thresholds.review_organisation)


def collective_discussion_required(
    *,
    money_total: Decimal,
    is_person: bool,
    suspends: bool = False,
    terminates: bool = False,
    complex_case: bool = False,
    thresholds: ReviewThresholds = DEFAULT_REVIEW_THRESHOLDS,
) -> bool:
    """处罚法 Art.57(2): complex cases and serious violations are decided by the agency's heads together."""
    if suspends or terminates or complex_case:
        return True
    return money_total >= (thresholds.discussion_person if is_person else thresholds.discussion_organisation)


# 条例 Art.40: in serious fraud cases the service agreement is terminated (解除服务协议).
TERMINATION_RULES = {"40": "《条例》第四十条"}


def check_termination(*, article: str, subject_kind: str) -> None:
    citation = TERMINATION_RULES.get(str(article))
    if citation is None or subject_kind not in INSTITUTIONS:
        known = "、".join(TERMINATION_RULES.values())
        raise InvalidInput(
            errors={
                "terminates": [
                    _("Only %(rules)s provides terminating a designated institution's service agreement.")
                    % {"rules": known}
                ]
            }
        )


# 条例 Arts.38, 40, 41: 责令退回 — the subject returns what the fund lost, never more.
REFUND_ARTICLES = ("38", "40", "41")


def check_refund(*, article: str, amount: Decimal, fund_loss: Decimal) -> None:
    if str(article) not in REFUND_ARTICLES:
        rule = fine_rule(article)
        raise InvalidInput(errors={"refund": [_("%(rule)s provides no refund to the fund.") % {"rule": rule.citation}]})
    if not Decimal(0) < amount <= fund_loss:
        raise InvalidInput(
            errors={
                "refund": [
                    _("%(rule)s: the refund returns the fund loss found, at most ¥%(loss)s.")
                    % {"rule": FINE_RULES[str(article)].citation, "loss": f"{money(fund_loss):,}"}
                ]
            }
        )


# 强制法 Art.54: before applying to the court the bureau serves a written reminder (催告书) and waits
# 10 days after it.
REMINDER_WAIT_DAYS = 10
REMINDER_BASIS = "《中华人民共和国行政强制法》第五十四条"
ENFORCEMENT_BASIS = "《中华人民共和国行政强制法》第五十三条"


def enforcement_earliest_after_reminder(reminder_served_on: datetime.date) -> datetime.date:
    return reminder_served_on + datetime.timedelta(days=REMINDER_WAIT_DAYS)
