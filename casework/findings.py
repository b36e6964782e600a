"""Findings of an investigation: the case's violations (违规行为) with their money, and their totals.

Callers check that `by` holds casework.change_case on the case (casework.access); the services check again.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from casework.audit import acting
from casework.errors import InvalidInput, InvalidTransition
from casework.models import Case, Subject, Violation, ViolationItem
from casework.money import parse_yuan
from organisation.models import User
from workflows.models import InvestigationProcess

ZERO = Decimal("0.00")
MONEY_FIELDS = ("amount", "fund_loss", "patient_money")


def _money(value, errors: dict, name: str) -> Decimal:
    """A yuan amount ≥ 0 (zero allowed: a violation may cost the fund nothing); empty means 0."""
    try:
        return parse_yuan(value if value is not None else "0", field=name, allow_zero=True)
    except InvalidInput as error:
        errors.update(error.errors)
        return ZERO


def _lock_investigating_case(case: Case) -> Case:
    """Lock the case row; findings change only while it is under investigation and not yet reported."""
    case = Case.objects.select_for_update().get(pk=case.pk)
    if case.status != Case.Status.INVESTIGATING:
        raise InvalidTransition(_("Findings can be changed only while the case is under investigation."))
    if InvestigationProcess.objects.filter(case=case, findings_done_at__isnull=False).exists():
        raise InvalidTransition(_("The findings have been submitted; they can no longer be changed."))
    return case


def violation_add(
    *,
    case: Case,
    by: User,
    subject: Subject,
    item: ViolationItem,
    period_from: datetime.date | None,
    period_to: datetime.date | None,
    amount,
    fund_loss,
    patient_money,
    description: str = "",
) -> Violation:
    """Record one violation of a subject of the case, with the money involved.

    Locks the case row.
    """
    if not by.has_perm("casework.change_case", case):
        raise PermissionDenied
    errors: dict[str, list] = {}
    if subject is None or not case.subjects.filter(pk=subject.pk).exists():
        errors["subject"] = [_("Choose one of the case's subjects.")]
    if item is None or not item.active:
        errors["item"] = [_("Choose an item of the violation taxonomy.")]
    elif subject is not None and "subject" not in errors and item.subject_kind != subject.kind:
        errors["item"] = [
            _("This item is for a %(item_kind)s; the subject is a %(subject_kind)s.")
            % {"item_kind": item.get_subject_kind_display(), "subject_kind": subject.get_kind_display()}
        ]
    values = (amount, fund_loss, patient_money)
    money = {name: _money(value, errors, name) for name, value in zip(MONEY_FIELDS, values, strict=True)}
    if "amount" not in errors and "fund_loss" not in errors and money["fund_loss"] > money["amount"]:
        errors["fund_loss"] = [_("The fund loss cannot exceed the amount involved.")]
    today = timezone.localdate()
    if period_from and period_to and period_from > period_to:
        errors["period_to"] = [_("The period ends before it starts.")]
    elif (period_to and period_to > today) or (period_from and period_from > today):
        errors["period_to" if period_to and period_to > today else "period_from"] = [
            _("The period cannot lie in the future.")
        ]
    if errors:
        raise InvalidInput(errors=errors)
    with transaction.atomic(), acting(by):
        case = _lock_investigating_case(case)
        return Violation.objects.create(
            case=case,
            subject=subject,
            item=item,
            period_from=period_from,
            period_to=period_to,
            description=(description or "").strip(),
            **money,
        )


def violation_remove(*, violation: Violation, by: User) -> None:
    """Delete a violation recorded by mistake; the audit log keeps what it was.

    Locks the case row.
    """
    if not by.has_perm("casework.change_case", violation.case):
        raise PermissionDenied
    with transaction.atomic(), acting(by):
        _lock_investigating_case(violation.case)
        Violation.objects.filter(pk=violation.pk).delete()


@dataclass
class Totals:
    amount: Decimal = ZERO
    fund_loss: Decimal = ZERO
    patient_money: Decimal = ZERO
    by_subject: list = field(default_factory=list)


def case_totals(case: Case) -> Totals:
    """Amount involved, fund loss and patients' money of the case, overall and per subject (one query)."""
    rows = (
        Violation.objects.filter(case=case)
        .values("subject_id", "subject__name")
        .annotate(amount=Sum("amount"), fund_loss=Sum("fund_loss"), patient_money=Sum("patient_money"))
        .order_by("subject__name", "subject_id")
    )
    totals = Totals()
    for row in rows:
        totals.by_subject.append(row)
        totals.amount += row["amount"]
        totals.fund_loss += row["fund_loss"]
        totals.patient_money += row["patient_money"]
    return totals
