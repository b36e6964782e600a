"""The terms of a penalty (警告, 退回, 罚款, 没收, 暂停, 解除) checked against the article chosen.

Every refusal names its rule (casework.penalty_rules); errors of several fields are reported together.
"""

from dataclasses import dataclass, fields
from decimal import Decimal, InvalidOperation

from django.db.models import Sum
from django.utils.translation import gettext as _

from casework import penalty_rules as rules
from casework.errors import InvalidInput
from casework.models import Case, Subject
from casework.money import MAX_YUAN

ARTICLES = sorted(set(rules.FINE_RULES) | set(rules.SUSPENSION_RULES), key=int)
MONEY_FIELDS = ("refund", "fine", "confiscation")


@dataclass
class Terms:
    article: str
    warning: bool = False
    refund: Decimal | None = None
    fine: Decimal | None = None
    confiscation: Decimal | None = None
    suspension_months: int | None = None
    suspension_detail: str = ""
    terminates: bool = False

    @property
    def money_total(self) -> Decimal:
        return sum((getattr(self, name) or Decimal(0) for name in MONEY_FIELDS), Decimal(0))

    @property
    def is_empty(self) -> bool:
        return not (self.warning or self.money_total or self.suspension_months or self.terminates)

    def as_notified(self) -> dict:
        """The terms as strings (the frozen record of what the notice announced)."""
        return {
            f.name: ("" if getattr(self, f.name) is None else str(getattr(self, f.name)))
            for f in fields(self)
            if f.name not in ("warning", "terminates")
        } | {"warning": self.warning, "terminates": self.terminates}

    @classmethod
    def of(cls, penalty) -> "Terms":
        return cls(**{f.name: getattr(penalty, f.name) for f in fields(cls)})

    def apply_to(self, penalty) -> list[str]:
        for f in fields(self):
            setattr(penalty, f.name, getattr(self, f.name))
        return [f.name for f in fields(self)]


def amount(value, field: str) -> Decimal | None:
    """An optional amount in yuan: empty is None; otherwise positive, at most two decimals."""
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value))
    except (InvalidOperation, TypeError):
        raise InvalidInput(errors={field: [_("Enter an amount in yuan, e.g. 12345.60.")]}) from None
    if not number.is_finite() or number <= 0 or number > MAX_YUAN or number.as_tuple().exponent < -2:
        raise InvalidInput(errors={field: [_("Enter a positive amount in yuan with at most two decimals.")]})
    return number


def subject_fund_loss(*, case: Case, subject: Subject) -> Decimal:
    """The fund loss found for this subject in the case's violations."""
    total = case.violations.filter(subject=subject).aggregate(total=Sum("fund_loss"))["total"]
    return total or Decimal("0.00")


def check_terms(*, terms: Terms, subject: Subject, fund_loss: Decimal) -> None:
    """Refuse terms the article does not allow for this subject, naming the rule."""
    errors: dict[str, list] = {}

    def collect(check, *args, **kwargs):
        try:
            check(*args, **kwargs)
        except InvalidInput as error:
            for name, messages in error.errors.items():
                errors.setdefault(name, []).extend(messages)

    if terms.article not in ARTICLES:
        known = "、".join(f"第{a}条" for a in ARTICLES)
        raise InvalidInput(errors={"article": [_("Choose the article applied: %(known)s.") % {"known": known}]})
    if terms.is_empty:
        errors["__all__"] = [_("Choose at least one penalty: a warning, an amount, a suspension or a termination.")]
    if terms.fine is not None:
        collect(
            rules.check_fine, article=terms.article, amount=terms.fine, subject_kind=subject.kind, fund_loss=fund_loss
        )
    if terms.refund is not None:
        collect(rules.check_refund, article=terms.article, amount=terms.refund, fund_loss=fund_loss)
    if terms.suspension_months:
        collect(
            rules.check_suspension, article=terms.article, months=terms.suspension_months, subject_kind=subject.kind
        )
        rule = rules.SUSPENSION_RULES.get(terms.article)
        if rule is not None and rule.measure == "department" and not terms.suspension_detail.strip():
            errors.setdefault("suspension_detail", []).append(
                _("%(rule)s suspends the responsible departments: name them.") % {"rule": rule.citation}
            )
    if terms.terminates:
        collect(rules.check_termination, article=terms.article, subject_kind=subject.kind)
        if terms.suspension_months:
            errors.setdefault("terminates", []).append(
                _("A terminated agreement needs no suspension: choose one of them.")
            )
    if errors:
        raise InvalidInput(errors=errors)


def check_no_heavier(*, terms: Terms, notified: dict) -> None:
    """处罚法 Art.45(2): the decision may lighten what the notice announced, never make it heavier."""
    if terms.article != notified.get("article"):
        raise InvalidInput(
            errors={
                "article": [
                    _(
                        "%(rule)s: the decision applies the article the prior notice announced; another needs a new "
                        "prior notice."
                    )
                    % {"rule": rules.NO_HEAVIER_BASIS}
                ]
            }
        )
    heavier = []
    for name in (*MONEY_FIELDS, "suspension_months"):
        before = Decimal(notified[name]) if notified.get(name) else Decimal(0)
        now = Decimal(getattr(terms, name) or 0)
        if now > before:
            heavier.append(name)
    if terms.warning and not notified.get("warning"):
        heavier.append("warning")
    if terms.terminates and not notified.get("terminates"):
        heavier.append("terminates")
    if heavier:
        message = _(
            "%(rule)s: the decision may not be heavier than the prior notice announced; a heavier penalty needs a "
            "new prior notice."
        ) % {"rule": rules.NO_HEAVIER_BASIS}
        raise InvalidInput(errors={name: [message] for name in heavier})
