"""Figures of the agreement track (协议处理, domain.md §5) as data, with their sources.

The handling agency acts under the service agreement it signed with the institution or pharmacy, within
《医疗机构医疗保障定点管理暂行办法》 (国家医疗保障局令第2号, 2020) and 《零售药店医疗保障定点管理暂行办法》
(令第3号, 2020), which list the measures (约谈, 不予支付或追回, 违约金, 中止相关责任人员或科室, 中止或解除
协议…) and leave the figures to the agreement. Those figures are the defaults below; a region (or its
province, for all its cities) replaces them in REGION_RULES, keyed by region code. Every refusal names
the clause it applies.
"""

import datetime
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _

from casework.deadlines import add_working_days
from casework.errors import InvalidInput

CENT = Decimal("0.01")

# Who may be sanctioned under a service agreement: the designated (定点) institutions and pharmacies.
AGREEMENT_SUBJECT_KINDS = ("institution", "pharmacy")

# The regulation and the agreement each kind of subject is bound by, as cited in the 违约处理通知书.
REGULATIONS = {
    "institution": "《医疗机构医疗保障定点管理暂行办法》（国家医疗保障局令第2号）",
    "pharmacy": "《零售药店医疗保障定点管理暂行办法》（国家医疗保障局令第3号）",
}
AGREEMENTS = {
    "institution": "《医疗保障定点医疗机构服务协议》",
    "pharmacy": "《医疗保障定点零售药店服务协议》",
}


@dataclass(frozen=True)
class LiquidatedDamagesRule:
    """违约金 as a range of multiples of the improper amount found (违规金额) for the subject."""

    clause: str
    low: Decimal
    high: Decimal


@dataclass(frozen=True)
class AgreementRules:
    # The subject may state its case (陈述申辩) within this many working days of receiving the notice.
    statement_working_days: int = 5
    statement_clause: str = "争议处理条款"
    # 违约金: 1 to 5 times the improper amount (a common clause of the agreements' 违约责任 chapter).
    liquidated_damages: LiquidatedDamagesRule = field(
        default_factory=lambda: LiquidatedDamagesRule("违约责任条款", Decimal(1), Decimal(5))
    )
    # 暂停医保服务 and 中止相关责任人员或科室: whole months, within this range.
    suspension_min_months: int = 1
    suspension_max_months: int = 12
    suspension_clause: str = "违约责任条款"
    # 追回 and 违约金 are paid within this many days of the final decision.
    payment_days: int = 15
    payment_clause: str = "违约责任条款"


DEFAULT_RULES = AgreementRules()

# Region code → the rules its agreements set, where they differ from the defaults. Looked up from the
# subject's region upwards, so a province's entry applies to each of its cities without one of its own.
REGION_RULES: dict[str, AgreementRules] = {}


def rules_for(region) -> AgreementRules:
    """The agreement rules of a region: its own, else its nearest ancestor's, else the defaults."""
    for node in region.ancestors_and_self():
        if node.code in REGION_RULES:
            return REGION_RULES[node.code]
    return DEFAULT_RULES


def agreement_name(subject_kind: str) -> str:
    return AGREEMENTS.get(subject_kind, AGREEMENTS["institution"])


def regulation_name(subject_kind: str) -> str:
    return REGULATIONS.get(subject_kind, REGULATIONS["institution"])


def money(value) -> Decimal:
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def liquidated_damages_citation(rules: AgreementRules, subject_kind: str) -> str:
    return f"{agreement_name(subject_kind)}{rules.liquidated_damages.clause}"


def liquidated_damages_range(rules: AgreementRules, improper_amount: Decimal) -> tuple[Decimal, Decimal]:
    rule = rules.liquidated_damages
    return money(rule.low * improper_amount), money(rule.high * improper_amount)


def check_liquidated_damages(
    *, rules: AgreementRules, subject_kind: str, amount: Decimal, improper_amount: Decimal
) -> str:
    """Refuse 违约金 outside the agreement's range, naming the clause; return the clause cited."""
    citation = liquidated_damages_citation(rules, subject_kind)
    rule = rules.liquidated_damages
    if improper_amount <= 0:
        raise InvalidInput(
            errors={
                "amount": [
                    _("%(rule)s sets liquidated damages as a multiple of the improper amount; none was found.")
                    % {"rule": citation}
                ]
            }
        )
    low, high = liquidated_damages_range(rules, improper_amount)
    if not low <= amount <= high:
        raise InvalidInput(
            errors={
                "amount": [
                    _(
                        "%(rule)s: liquidated damages are %(low_x)s to %(high_x)s times the improper amount of "
                        "¥%(base)s, that is ¥%(low)s to ¥%(high)s."
                    )
                    % {
                        "rule": citation,
                        "low_x": _multiple(rule.low),
                        "high_x": _multiple(rule.high),
                        "base": f"{improper_amount:,.2f}",
                        "low": f"{low:,.2f}",
                        "high": f"{high:,.2f}",
                    }
                ]
            }
        )
    return citation


def check_suspension_months(*, rules: AgreementRules, subject_kind: str, months: int | None) -> str:
    """Refuse a suspension shorter or longer than the agreement allows; return the clause cited."""
    citation = f"{agreement_name(subject_kind)}{rules.suspension_clause}"
    if months is None or not rules.suspension_min_months <= months <= rules.suspension_max_months:
        raise InvalidInput(
            errors={
                "months": [
                    _("%(rule)s: a suspension lasts %(low)d to %(high)d months.")
                    % {"rule": citation, "low": rules.suspension_min_months, "high": rules.suspension_max_months}
                ]
            }
        )
    return citation


def statement_due(rules: AgreementRules, notice_served_on: datetime.date) -> datetime.date:
    """The last day of the statement window: N working days after the notice was served."""
    return add_working_days(notice_served_on, rules.statement_working_days)


def statement_basis(rules: AgreementRules, subject_kind: str) -> str:
    days = rules.statement_working_days
    return f"{agreement_name(subject_kind)}{rules.statement_clause}：收到违约处理通知书之日起{days}个工作日内陈述、申辩"


def payment_due(rules: AgreementRules, decided_on: datetime.date) -> datetime.date:
    return decided_on + datetime.timedelta(days=rules.payment_days)


def _multiple(value: Decimal) -> str:
    return f"{value.normalize():f}"
