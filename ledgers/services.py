"""Recording amounts due and payments; each ledger keeps its own balance."""

import datetime
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from casework.audit import acting
from casework.errors import InvalidInput
from casework.models import Case, Subject
from casework.money import MAX_YUAN
from ledgers.models import Ledger, Obligation, Payment
from organisation.models import Agency, User


def _amount(value, field: str) -> Decimal:
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, TypeError):
        raise InvalidInput(errors={field: [_("Enter an amount in yuan, e.g. 12345.60.")]}) from None
    if not amount.is_finite() or amount <= 0 or amount > MAX_YUAN or amount.as_tuple().exponent < -2:
        raise InvalidInput(errors={field: [_("Enter a positive amount in yuan with at most two decimals.")]})
    return amount


def obligation_record(
    *,
    case: Case,
    subject: Subject,
    ledger: str,
    amount_due,
    basis: str,
    by: User,
    due_on: datetime.date | None = None,
    agency: Agency | None = None,
) -> Obligation:
    """Record an amount a subject of the case owes, in one ledger.

    `agency` is who imposed it and collects it: the case's bureau by default (needs decide_case on the
    case), or the handling agency for 协议处理 (追回, 违约金), whose agreement managers hold
    ledgers.add_obligation for their own agency only.
    """
    agency = agency or case.agency
    if agency.pk == case.agency_id:
        allowed = by.has_perm("casework.decide_case", case)
    else:
        allowed = by.agency_id == agency.pk and by.has_perm("ledgers.add_obligation")
    if not allowed:
        raise PermissionDenied
    errors = {}
    if ledger not in Ledger.values:
        errors["ledger"] = [_("Choose the ledger.")]
    if not case.subjects.filter(pk=subject.pk).exists():
        errors["subject"] = [_("The subject is not part of this case.")]
    if not (basis or "").strip():
        errors["basis"] = [_("Name the decision or notice that imposes the amount.")]
    if errors:
        raise InvalidInput(errors=errors)
    amount = _amount(amount_due, "amount_due")
    with transaction.atomic(), acting(by):
        return Obligation.objects.create(
            agency=agency,
            case=case,
            subject=subject,
            ledger=ledger,
            amount_due=amount,
            due_on=due_on,
            basis=basis.strip(),
            created_by=by,
        )


def payment_record(
    *, obligation: Obligation, by: User, paid_on: datetime.date, amount, voucher: str, channel: str = ""
) -> Payment:
    """Record a payment against an amount due; refuses more than the balance.

    Locks the obligation, so two officers recording at once cannot overpay it together.
    """
    if not (by.has_perm("ledgers.add_payment") and by.has_perm("casework.view_case", obligation.case)):
        raise PermissionDenied
    amount = _amount(amount, "amount")
    if paid_on > timezone.localdate():
        raise InvalidInput(errors={"paid_on": [_("The payment date cannot be in the future.")]})
    if not (voucher or "").strip():
        raise InvalidInput(errors={"voucher": [_("Give the voucher or receipt number.")]})
    with transaction.atomic(), acting(by):
        obligation = Obligation.objects.select_for_update().get(pk=obligation.pk)
        paid = obligation.payments.aggregate(total=Sum("amount"))["total"] or Decimal("0.00")
        balance = obligation.amount_due - paid
        if amount > balance:
            raise InvalidInput(
                errors={
                    "amount": [_("Only ¥%(balance)s is still due in this ledger.") % {"balance": f"{balance:,.2f}"}]
                }
            )
        return Payment.objects.create(
            obligation=obligation,
            paid_on=paid_on,
            amount=amount,
            voucher=voucher.strip(),
            channel=(channel or "").strip(),
            recorded_by=by,
        )
