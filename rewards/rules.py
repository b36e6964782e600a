"""The reward figures (domain.md §9) and the calculator that shows its working.

National defaults (医保办发〔2022〕22号 and common local practice): 5 % of the verified amount up to
¥100,000 and 3 % above; at least ¥200, at most ¥200,000; a fixed ¥200–1,000 where the report stopped a
violation but no amount could be determined; claims within 2 months of the notice. A region's
RewardRule overrides them (the nearest region up the tree that has one).
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _

CENT = Decimal("0.01")


@dataclass(frozen=True)
class Tier:
    up_to: Decimal | None  # None: no upper limit
    rate: Decimal


@dataclass(frozen=True)
class RuleSet:
    tiers: tuple[Tier, ...]
    minimum: Decimal
    maximum: Decimal
    fixed_minimum: Decimal
    fixed_maximum: Decimal
    collective_threshold: Decimal
    claim_months: int
    basis: str


NATIONAL = RuleSet(
    tiers=(Tier(Decimal("100000.00"), Decimal("0.05")), Tier(None, Decimal("0.03"))),
    minimum=Decimal("200.00"),
    maximum=Decimal("200000.00"),
    fixed_minimum=Decimal("200.00"),
    fixed_maximum=Decimal("1000.00"),
    # Rewards above this are decided collectively (集体研究); local rules set their own figure.
    collective_threshold=Decimal("50000.00"),
    claim_months=2,
    basis="《医疗保障基金使用监督管理举报处理暂行办法》；医保办发〔2022〕22号",
)


def rule_for(region) -> RuleSet:
    """The region's figures: its own RewardRule, else the nearest superior region's, else NATIONAL."""
    from rewards.models import RewardRule

    rules = {r.region_id: r for r in RewardRule.objects.filter(region__in=[n.pk for n in region.ancestors_and_self()])}
    for node in reversed(region.ancestors_and_self()):
        rule = rules.get(node.pk)
        if rule is not None:
            return RuleSet(
                tiers=tuple(
                    Tier(Decimal(t["up_to"]) if t.get("up_to") is not None else None, Decimal(t["rate"]))
                    for t in rule.tiers
                ),
                minimum=rule.minimum,
                maximum=rule.maximum,
                fixed_minimum=rule.fixed_minimum,
                fixed_maximum=rule.fixed_maximum,
                collective_threshold=rule.collective_threshold,
                claim_months=rule.claim_months,
                basis=rule.basis,
            )
    return NATIONAL


@dataclass(frozen=True)
class Calculation:
    amount: Decimal
    steps: list[str]
    low: Decimal  # the bounds a proposal may take without a reason
    high: Decimal


def _yuan(value: Decimal) -> str:
    return f"¥{value:,.2f}"


def calculate(rule: RuleSet, verified_amount: Decimal | None) -> Calculation:
    """The reward the rule gives for a verified amount (None or 0: the violation was stopped without a
    determinable amount, so a fixed sum), with each step written out."""
    if not verified_amount:
        return Calculation(
            amount=rule.fixed_minimum,
            steps=[
                _("No amount determinable: a fixed sum between %(low)s and %(high)s; the rule's minimum is proposed.")
                % {"low": _yuan(rule.fixed_minimum), "high": _yuan(rule.fixed_maximum)}
            ],
            low=rule.fixed_minimum,
            high=rule.fixed_maximum,
        )
    steps, total, lower = [], Decimal("0"), Decimal("0")
    for tier in rule.tiers:
        if verified_amount <= lower:
            break
        upper = verified_amount if tier.up_to is None else min(verified_amount, tier.up_to)
        part = ((upper - lower) * tier.rate).quantize(CENT, rounding=ROUND_HALF_UP)
        steps.append(
            _("%(from)s to %(to)s at %(rate)s%%: %(part)s")
            % {"from": _yuan(lower), "to": _yuan(upper), "rate": f"{tier.rate * 100:g}", "part": _yuan(part)}
        )
        total += part
        if tier.up_to is None:
            break
        lower = tier.up_to
    amount = total
    if amount < rule.minimum:
        steps.append(_("Raised to the minimum %(min)s.") % {"min": _yuan(rule.minimum)})
        amount = rule.minimum
    elif amount > rule.maximum:
        steps.append(_("Capped at the maximum %(max)s.") % {"max": _yuan(rule.maximum)})
        amount = rule.maximum
    steps.append(_("Reward: %(amount)s") % {"amount": _yuan(amount)})
    return Calculation(amount=amount, steps=steps, low=rule.minimum, high=rule.maximum)
