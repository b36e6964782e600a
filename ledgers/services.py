"""Recording amounts due and payments; each ledger keeps its own balance."""

import datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from casework.audit import acting
from casework.errors import InvalidInput
from casework.models import Case, Subject
from casework.money import parse_yuan
from ledgers.models import Ledger, Obligation, Payment
from organisation.models import Agency, User

BASIS_MAX = Obligation._meta.get_field("basis").max_length
VOUCHER_MAX = Payment._meta.get_field("voucher").max_length
CHANNEL_MAX = Payment._meta.get_field("channel").max_length


def may_record_payment(user: User, obligation: Obligation) -> bool:
    """Finance and asset-recovery officers (ledgers.add_payment) of the agency that imposed the amount, or of
    the agency owning the case (a bureau also collects what its handling agency imposed in its cases)."""
    if not user.is_authenticated or user.agency_id is None or not user.has_perm("ledgers.add_payment"):
        return False
    return user.agency_id in (obligation.agency_id, obligation.case.agency_id)


def fund_refund_remaining(*, case: Case, subject: Subject) -> Decimal:
    """The part of the subject's fund loss found in the case not yet ordered back to the fund by either track."""
    from casework.models import Violation

    loss = Violation.objects.filter(case=case, subject=subject).aggregate(total=Sum("fund_loss"))["total"]
    ordered = Obligation.objects.filter(case=case, subject=subject, ledger=Ledger.FUND_REFUND).aggregate(
        total=Sum("amount_due")
    )["total"]
    remaining = (loss or Decimal("0.00")) - (ordered or Decimal("0.00"))
    # SQLite sums decimals as floats: back to cents.
    return max(remaining, Decimal("0.00")).quantize(Decimal("0.01"))


def check_fund_refund(*, case: Case, subject: Subject, amount: Decimal) -> None:
    """条例 Arts.38, 40, 41 and 45: what the fund lost is returned to it once, under the agreement (追回) or by
    the penalty decision (责令退回), never twice."""
    remaining = fund_refund_remaining(case=case, subject=subject)
    if amount > remaining:
        ordered = Obligation.objects.filter(case=case, subject=subject, ledger=Ledger.FUND_REFUND)
        bases = "、".join(ordered.values_list("basis", flat=True)) or "—"
        raise InvalidInput(
            errors={
                "amount_due": [
                    _(
                        "The fund loss found is returned to the fund once (Regulation Art. 45); already ordered: "
                        "%(bases)s. At most ¥%(remaining)s remains to be ordered back."
                    )
                    % {"bases": bases, "remaining": f"{remaining:,.2f}"}
                ]
            }
        )


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
    elif len(basis.strip()) > BASIS_MAX:
        errors["basis"] = [_("At most %(count)d characters.") % {"count": BASIS_MAX}]
    try:
        amount = parse_yuan(amount_due, field="amount_due", allow_zero=False)
    except InvalidInput as error:
        errors.update(error.errors)
    if errors:
        raise InvalidInput(errors=errors)
    with transaction.atomic(), acting(by):
        if ledger == Ledger.FUND_REFUND:
            # The case row serialises the two tracks: the fund loss is returned once, whoever orders it.
            Case.objects.select_for_update().filter(pk=case.pk).first()
            check_fund_refund(case=case, subject=subject, amount=amount)
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


def payment_problems(*, obligation: Obligation, paid_on, amount, voucher, channel="") -> dict[str, list]:
    """The field errors payment_record() would refuse with, without recording (the balance read unlocked)."""
    errors: dict[str, list] = {}
    try:
        amount = parse_yuan(amount, field="amount", allow_zero=False)
    except InvalidInput as error:
        errors.update(error.errors)
    else:
        balance = _balance(obligation)
        if amount > balance:
            errors["amount"] = [_overpaid(balance)]
    if not isinstance(paid_on, datetime.date):
        errors["paid_on"] = [_("Enter a date as YYYY-MM-DD.")]
    elif paid_on > timezone.localdate():
        errors["paid_on"] = [_("The payment date cannot be in the future.")]
    voucher, channel = (voucher or "").strip(), (channel or "").strip()
    if not voucher:
        errors["voucher"] = [_("Give the voucher or receipt number.")]
    elif len(voucher) > VOUCHER_MAX:
        errors["voucher"] = [_("At most %(count)d characters.") % {"count": VOUCHER_MAX}]
    if len(channel) > CHANNEL_MAX:
        errors["channel"] = [_("At most %(count)d characters.") % {"count": CHANNEL_MAX}]
    return errors


def payment_record(
    *, obligation: Obligation, by: User, paid_on: datetime.date, amount, voucher: str, channel: str = ""
) -> Payment:
    """Record a payment against an amount due; refuses more than the balance.

    Locks the obligation, so two officers recording at once cannot overpay it together.
    """
    if not may_record_payment(by, obligation):
        raise PermissionDenied
    errors = payment_problems(obligation=obligation, paid_on=paid_on, amount=amount, voucher=voucher, channel=channel)
    if errors:
        raise InvalidInput(errors=errors)
    amount = parse_yuan(amount, field="amount")
    with transaction.atomic(), acting(by):
        obligation = Obligation.objects.select_for_update().get(pk=obligation.pk)
        balance = _balance(obligation)
        if amount > balance:
            raise InvalidInput(errors={"amount": [_overpaid(balance)]})
        return Payment.objects.create(
            obligation=obligation,
            paid_on=paid_on,
            amount=amount,
            voucher=voucher.strip(),
            channel=(channel or "").strip(),
            recorded_by=by,
        )


def _balance(obligation: Obligation) -> Decimal:
    paid = Payment.objects.filter(obligation_id=obligation.pk).aggregate(total=Sum("amount"))["total"]
    return obligation.amount_due - (paid or Decimal("0.00"))


def _overpaid(balance: Decimal) -> str:
    return _("Only ¥%(balance)s is still due in this ledger.") % {"balance": f"{balance:,.2f}"}
