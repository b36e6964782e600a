"""退赔 / 追缴 (domain.md §8): open a recovery when a judgment orders restitution, then follow each debtor —
instalment plans, payments, enforcement, 追缴会 and promises — until everything is paid and it is closed.

Who acts (object permissions on the recovery, granted by grant_recovery_access):
- the owning bureau's asset-recovery officers hold change_recovery (plans, meetings, closing) and
  record_recovery (payments, enforcement);
- the liaisons of the recovery's court hold record_recovery: they record payments, enforcement steps and
  the 追缴会 the court holds;
- the bureau's head, section heads and finance, and auditors of the region and above, only read.

A debtor's balance is always the amount ordered minus the payments recorded; a payment is locked against
its debtor's row, so two people recording at once never pay more than the balance together.
"""

import datetime
from collections.abc import Iterable, Sequence
from contextlib import contextmanager
from decimal import Decimal

from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from casework.audit import acting
from casework.errors import InvalidInput, InvalidTransition
from casework.models import Case, Subject
from casework.money import parse_yuan
from casework.validation import check_text
from organisation.models import Agency, User
from organisation.roles import Role
from organisation.services import grant_owner_access, role_group_ensure
from recoveries.models import (
    Debtor,
    EnforcementApplication,
    EnforcementStep,
    Instalment,
    Promise,
    Recovery,
    RecoveryGroupObjectPermission,
    RecoveryMeeting,
    RecoveryPayment,
)

VIEW = "recoveries.view_recovery"
ACT = "recoveries.change_recovery"
RECORD = "recoveries.record_recovery"
# What the liaisons of the recovery's court hold on it.
COURT_PERMS = ("view_recovery", "record_recovery")
ZERO = Decimal("0.00")


def _max(model, field: str) -> int:
    return model._meta.get_field(field).max_length


# ----------------------------------------------------------------------------------------------- open


def may_open_recovery(user: User, case: Case, court: Agency | None = None) -> bool:
    """The case's bureau's asset-recovery officers open recoveries by hand; a court's liaisons open the one
    their own judgment orders (when they report it as the outcome of a referral)."""
    if not user.is_authenticated or user.agency_id is None:
        return False
    if user.agency_id == case.agency_id and user.has_role(Role.RECOVERY_OFFICER):
        return True
    return court is not None and user.agency_id == court.pk and user.has_role(Role.LIAISON)


def recovery_open(
    *,
    case: Case,
    court: Agency,
    reference: str,
    judged_on: datetime.date,
    kind: str,
    debtors: Sequence[tuple[str, Subject | None, object]],
    by: User,
    note: str = "",
) -> Recovery:
    """Start following the restitution a judgment (or ruling, mediation, decision) orders in a case.

    debtors: (name, subject of the case or None, amount ordered in yuan) for each debtor. The recovery
    belongs to the case's bureau; its court's liaisons may record payments and enforcement on it.
    """
    if not may_open_recovery(by, case, court):
        raise PermissionDenied
    errors: dict[str, list] = {}
    reference = (reference or "").strip()
    if not reference:
        errors["reference"] = [_("Give the reference of the judgment or decision, e.g. (2026)苏0703刑初123号.")]
    elif len(reference) > _max(Recovery, "reference"):
        errors["reference"] = [_("At most %(count)d characters.") % {"count": _max(Recovery, "reference")}]
    if court is None or court.kind != Agency.Kind.COURT:
        errors["court"] = [_("Choose the people's court that gave the judgment.")]
    if kind not in Recovery.Kind.values:
        errors["kind"] = [_("Choose the kind of decision.")]
    _check_date(judged_on, "judged_on", errors)
    rows = _clean_debtors(case, debtors, errors)
    if errors:
        raise InvalidInput(errors=errors)
    with transaction.atomic(), acting(by):
        try:
            with transaction.atomic():
                recovery = Recovery.objects.create(
                    case=case,
                    agency_id=case.agency_id,
                    court=court,
                    reference=reference,
                    judged_on=judged_on,
                    kind=kind,
                    note=(note or "").strip(),
                    created_by=by,
                )
        except IntegrityError:
            raise InvalidInput(
                errors={"reference": [_("This judgment's restitution is already followed in this case.")]}
            ) from None
        Debtor.objects.bulk_create(
            Debtor(recovery=recovery, name=name, subject=subject, amount_ordered=amount)
            for name, subject, amount in rows
        )
        grant_recovery_access([recovery])
    return recovery


def _clean_debtors(case: Case, debtors, errors: dict) -> list[tuple[str, Subject | None, Decimal]]:
    rows = []
    case_subjects = set(case.subjects.values_list("pk", flat=True))
    name_max = _max(Debtor, "name")
    for name, subject, amount in debtors or ():
        name = (name or "").strip()
        if not name:
            errors.setdefault("debtors", []).append(_("Give each debtor's name."))
            continue
        if len(name) > name_max:
            errors.setdefault("debtors", []).append(
                _("%(name)s: at most %(count)d characters.") % {"name": name[:20], "count": name_max}
            )
            continue
        if subject is not None and subject.pk not in case_subjects:
            errors.setdefault("debtors", []).append(
                _("%(name)s: the subject linked is not part of this case.") % {"name": name}
            )
            continue
        try:
            rows.append((name, subject, parse_yuan(amount, field="debtors")))
        except InvalidInput:
            errors.setdefault("debtors", []).append(
                _("%(name)s: enter the amount ordered in yuan above 0 with at most two decimals.") % {"name": name}
            )
    if not rows and "debtors" not in errors:
        errors["debtors"] = [_("Name at least one debtor and the amount ordered.")]
    return rows


def grant_recovery_access(recoveries: Iterable[Recovery]) -> None:
    """The bureau's role groups and the auditors above (organisation.roles); the court's liaisons view the
    recovery and record payments and enforcement steps on it."""
    recoveries = list(recoveries)
    grant_owner_access(recoveries)
    perms = list(Permission.objects.filter(content_type__app_label="recoveries", codename__in=COURT_PERMS))
    rows = []
    liaisons: dict[int, int] = {}
    for recovery in recoveries:
        if recovery.court_id not in liaisons:
            liaisons[recovery.court_id] = role_group_ensure(agency=recovery.court, role=Role.LIAISON).group_id
        rows += [
            RecoveryGroupObjectPermission(
                group_id=liaisons[recovery.court_id], permission=perm, content_object=recovery
            )
            for perm in perms
        ]
    RecoveryGroupObjectPermission.objects.bulk_create(rows, ignore_conflicts=True)


# -------------------------------------------------------------------------------------------- balance


def debtor_balance(debtor: Debtor) -> Decimal:
    """Amount ordered minus the payments recorded (read as is; lock the debtor first to rely on it)."""
    paid = RecoveryPayment.objects.filter(debtor_id=debtor.pk).aggregate(total=Sum("amount"))["total"]
    # SQLite sums decimals as floats: back to cents.
    return (debtor.amount_ordered - (paid or ZERO)).quantize(Decimal("0.01"))


def _lock_debtor(debtor: Debtor) -> Debtor:
    return Debtor.objects.select_for_update(of=("self",)).select_related("recovery").get(pk=debtor.pk)


def _over_balance(balance: Decimal, name: str) -> str:
    return _("No more than the balance of %(name)s, ¥%(balance)s, can be paid.") % {
        "name": name,
        "balance": f"{balance:,.2f}",
    }


def _check_open(recovery: Recovery) -> None:
    if recovery.closed_on is not None:
        raise InvalidTransition(_("This recovery is closed."))


# ------------------------------------------------------------------------------------------- payments


def payment_record(
    *,
    debtor: Debtor,
    by: User,
    paid_on: datetime.date,
    amount,
    channel: str,
    receipt_no: str,
    meeting: RecoveryMeeting | None = None,
) -> RecoveryPayment:
    """Record a payment by a debtor; refuses nothing, a negative amount, or more than the debtor's balance.

    Locks the debtor row: of two payments recorded at once, the second sees the first.
    """
    if not by.has_perm(RECORD, debtor.recovery):
        raise PermissionDenied
    errors: dict[str, list] = {}
    try:
        amount = parse_yuan(amount, field="amount", allow_zero=False)
    except InvalidInput as error:
        errors.update(error.errors)
    _check_date(paid_on, "paid_on", errors)
    if channel not in RecoveryPayment.Channel.values:
        errors["channel"] = [_("Choose how it was paid.")]
    receipt_no = check_text(
        receipt_no, "receipt_no", _("This field is required."), errors, max_length=_max(RecoveryPayment, "receipt_no")
    )
    if errors:
        raise InvalidInput(errors=errors)
    with transaction.atomic(), acting(by):
        locked = _lock_debtor(debtor)
        _check_open(locked.recovery)
        balance = debtor_balance(locked)
        if amount > balance:
            raise InvalidInput(errors={"amount": [_over_balance(balance, locked.name)]})
        return RecoveryPayment.objects.create(
            debtor=locked,
            paid_on=paid_on,
            amount=amount,
            channel=channel,
            receipt_no=receipt_no,
            meeting=meeting,
            recorded_by=by,
        )


# ----------------------------------------------------------------------------------------- instalments


def instalments_add(*, debtor: Debtor, items: Sequence[tuple[datetime.date, object]], by: User) -> list[Instalment]:
    """Add instalments (due date, amount) to a debtor's payment plan; the plan never exceeds the amount
    ordered. Locks the debtor row."""
    if not by.has_perm(ACT, debtor.recovery):
        raise PermissionDenied
    errors: dict[str, list] = {}
    rows = []
    for due_on, amount in items:
        if not isinstance(due_on, datetime.date):
            errors["due_on"] = [_("Enter a date as YYYY-MM-DD.")]
            continue
        try:
            rows.append((due_on, parse_yuan(amount, field="amount")))
        except InvalidInput as error:
            errors.update(error.errors)
    if not rows and not errors:
        errors["due_on"] = [_("Give at least one due date and amount.")]
    if errors:
        raise InvalidInput(errors=errors)
    with transaction.atomic(), acting(by):
        locked = _lock_debtor(debtor)
        _check_open(locked.recovery)
        planned = Instalment.objects.filter(debtor=locked).aggregate(total=Sum("amount"))["total"] or ZERO
        if planned + sum(amount for _due, amount in rows) > locked.amount_ordered:
            raise InvalidInput(
                errors={
                    "amount": [
                        _("The plan of %(name)s would exceed the ¥%(ordered)s ordered (¥%(planned)s already planned).")
                        % {
                            "name": locked.name,
                            "ordered": f"{locked.amount_ordered:,.2f}",
                            "planned": f"{Decimal(planned).quantize(Decimal('0.01')):,.2f}",
                        }
                    ]
                }
            )
        return Instalment.objects.bulk_create(
            Instalment(debtor=locked, due_on=due_on, amount=amount, created_by=by) for due_on, amount in rows
        )


def instalment_remove(*, instalment: Instalment, by: User) -> None:
    """Take an instalment out of the plan (rescheduled); payments stay as they are."""
    if not by.has_perm(ACT, instalment.debtor.recovery):
        raise PermissionDenied
    with transaction.atomic(), acting(by):
        locked = _lock_debtor(instalment.debtor)
        _check_open(locked.recovery)
        Instalment.objects.filter(pk=instalment.pk, debtor=locked).delete()


# ------------------------------------------------------------------------------------------ promises


def promise_record(
    *,
    debtor: Debtor,
    by: User,
    amount,
    deadline: datetime.date,
    made_on: datetime.date,
    meeting: RecoveryMeeting | None = None,
    note: str = "",
) -> Promise:
    """Record a debtor's promise to pay amount by deadline (no more than the balance). Locks the debtor."""
    if not (by.has_perm(RECORD, debtor.recovery) or by.has_perm(ACT, debtor.recovery)):
        raise PermissionDenied
    errors: dict[str, list] = {}
    try:
        amount = parse_yuan(amount, field="promised", allow_zero=False)
    except InvalidInput as error:
        errors.update(error.errors)
    _check_date(made_on, "made_on", errors)
    if not isinstance(deadline, datetime.date):
        errors["deadline"] = [_("Enter a date as YYYY-MM-DD.")]
    elif isinstance(made_on, datetime.date) and deadline < made_on:
        errors["deadline"] = [_("The deadline cannot lie before the day of the promise.")]
    if errors:
        raise InvalidInput(errors=errors)
    with transaction.atomic(), acting(by):
        locked = _lock_debtor(debtor)
        _check_open(locked.recovery)
        balance = debtor_balance(locked)
        if amount > balance:
            raise InvalidInput(
                errors={
                    "promised": [
                        _("%(name)s owes ¥%(balance)s: no more can be promised.")
                        % {"name": locked.name, "balance": f"{balance:,.2f}"}
                    ]
                }
            )
        return Promise.objects.create(
            debtor=locked,
            meeting=meeting,
            made_on=made_on,
            amount=amount,
            deadline=deadline,
            note=(note or "").strip()[: _max(Promise, "note")],
            recorded_by=by,
        )


# ------------------------------------------------------------------------------------------- meetings


def meeting_record(
    *,
    recovery: Recovery,
    by: User,
    held_on: datetime.date,
    attending: Sequence[Debtor],
    place: str = "",
    note: str = "",
    payments: Sequence[tuple[Debtor, object, str]] = (),
    promises: Sequence[tuple[Debtor, object, datetime.date]] = (),
) -> RecoveryMeeting:
    """Record a 追缴会 held with the recovery's court: who attended, what they paid on the spot
    (debtor, amount, receipt number) and what they promised (debtor, amount, deadline).

    All or nothing: one refused payment or promise records none of it. Locks each debtor paying or promising.
    """
    if not (by.has_perm(RECORD, recovery) or by.has_perm(ACT, recovery)):
        raise PermissionDenied
    errors: dict[str, list] = {}
    _check_date(held_on, "held_on", errors)
    place = (place or "").strip()
    if len(place) > _max(RecoveryMeeting, "place"):
        errors["place"] = [_("At most %(count)d characters.") % {"count": _max(RecoveryMeeting, "place")}]
    attending = list(attending)
    if not attending:
        errors["attending"] = [_("Tick the debtors who attended.")]
    own = {debtor.pk for debtor in recovery.debtors.all()}
    attending_ids = {debtor.pk for debtor in attending}
    if not attending_ids <= own:
        errors["attending"] = [_("Only debtors of this recovery can attend its meeting.")]
    for debtor, *_rest in (*payments, *promises):
        if debtor.pk not in attending_ids:
            errors.setdefault("attending", []).append(
                _("%(name)s paid or promised at the meeting, so attended it.") % {"name": debtor.name}
            )
    if errors:
        raise InvalidInput(errors=errors)
    with transaction.atomic(), acting(by):
        locked = Recovery.objects.select_for_update().get(pk=recovery.pk)
        _check_open(locked)
        meeting = RecoveryMeeting.objects.create(
            recovery=locked,
            court_id=locked.court_id,
            held_on=held_on,
            place=place,
            note=(note or "").strip(),
            recorded_by=by,
        )
        meeting.attending.set(attending)
        for debtor, amount, receipt_no in sorted(payments, key=lambda row: row[0].pk):
            with _per_debtor_errors(debtor):
                payment_record(
                    debtor=debtor,
                    by=by,
                    paid_on=held_on,
                    amount=amount,
                    channel=RecoveryPayment.Channel.AT_MEETING,
                    receipt_no=receipt_no,
                    meeting=meeting,
                )
        for debtor, amount, deadline in sorted(promises, key=lambda row: row[0].pk):
            with _per_debtor_errors(debtor):
                promise_record(debtor=debtor, by=by, amount=amount, deadline=deadline, made_on=held_on, meeting=meeting)
    return meeting


# A meeting's field errors name the debtor's row: paid_<debtor id>, receipt_<id>, promised_<id>, deadline_<id>.
MEETING_FIELDS = {"amount": "paid", "receipt_no": "receipt", "promised": "promised", "deadline": "deadline"}


@contextmanager
def _per_debtor_errors(debtor: Debtor):
    try:
        yield
    except InvalidInput as error:
        raise InvalidInput(
            errors={
                f"{MEETING_FIELDS[field]}_{debtor.pk}" if field in MEETING_FIELDS else field: messages
                for field, messages in error.errors.items()
            }
        ) from None


# ---------------------------------------------------------------------------------------- enforcement


def enforcement_apply(
    *,
    recovery: Recovery,
    by: User,
    applied_on: datetime.date,
    court_reference: str = "",
    debtors: Sequence[Debtor] = (),
    note: str = "",
) -> EnforcementApplication:
    """Record an application to the court for enforcement (against some debtors, or all when none named)."""
    if not by.has_perm(RECORD, recovery):
        raise PermissionDenied
    errors: dict[str, list] = {}
    _check_date(applied_on, "applied_on", errors)
    court_reference = (court_reference or "").strip()
    if len(court_reference) > _max(EnforcementApplication, "court_reference"):
        errors["court_reference"] = [
            _("At most %(count)d characters.") % {"count": _max(EnforcementApplication, "court_reference")}
        ]
    own = set(recovery.debtors.values_list("pk", flat=True))
    if any(debtor.pk not in own for debtor in debtors):
        errors["debtors"] = [_("Only debtors of this recovery.")]
    if errors:
        raise InvalidInput(errors=errors)
    with transaction.atomic(), acting(by):
        locked = Recovery.objects.select_for_update().get(pk=recovery.pk)
        _check_open(locked)
        application = EnforcementApplication.objects.create(
            recovery=locked,
            applied_on=applied_on,
            court_reference=court_reference,
            note=(note or "").strip(),
            recorded_by=by,
        )
        application.debtors.set(debtors)
    return application


def enforcement_step_record(
    *,
    application: EnforcementApplication,
    by: User,
    kind: str,
    happened_on: datetime.date,
    note: str = "",
    court_reference: str = "",
) -> EnforcementStep:
    """Record a step of the enforcement (filed, notice, assets, detention…); a concluding step ends it.

    court_reference, when given, sets the enforcement case number the court filed it under.
    """
    if not by.has_perm(RECORD, application.recovery):
        raise PermissionDenied
    errors: dict[str, list] = {}
    if kind not in EnforcementStep.Kind.values:
        errors["kind"] = [_("Choose the step.")]
    _check_date(happened_on, "happened_on", errors)
    if isinstance(happened_on, datetime.date) and happened_on < application.applied_on:
        errors["happened_on"] = [_("A step cannot come before the application.")]
    note = (note or "").strip()
    if len(note) > _max(EnforcementStep, "note"):
        errors["note"] = [_("At most %(count)d characters.") % {"count": _max(EnforcementStep, "note")}]
    court_reference = (court_reference or "").strip()
    if len(court_reference) > _max(EnforcementApplication, "court_reference"):
        errors["court_reference"] = [
            _("At most %(count)d characters.") % {"count": _max(EnforcementApplication, "court_reference")}
        ]
    if errors:
        raise InvalidInput(errors=errors)
    with transaction.atomic(), acting(by):
        locked = EnforcementApplication.objects.select_for_update().get(pk=application.pk)
        if locked.steps.filter(kind__in=EnforcementStep.CONCLUDING).exists():
            raise InvalidTransition(_("This enforcement has ended; apply again to resume it."))
        if court_reference and court_reference != locked.court_reference:
            locked.court_reference = court_reference
            locked.save(update_fields=["court_reference"])
        return EnforcementStep.objects.create(
            application=locked, kind=kind, happened_on=happened_on, note=note, recorded_by=by
        )


# ------------------------------------------------------------------------------------------- closing


def recovery_close(*, recovery: Recovery, by: User, closed_on: datetime.date | None = None) -> Recovery:
    """Close a recovery once every debtor has paid what was ordered. Locks the recovery row."""
    if not by.has_perm(ACT, recovery):
        raise PermissionDenied
    closed_on = closed_on or timezone.localdate()
    with transaction.atomic(), acting(by):
        locked = Recovery.objects.select_for_update().get(pk=recovery.pk)
        _check_open(locked)
        owing = [debtor for debtor in Debtor.objects.filter(recovery=locked).with_balance() if debtor.balance > 0]
        if owing:
            raise InvalidTransition(
                _("Still owed: %(debtors)s. A recovery is closed once everything ordered is paid.")
                % {"debtors": "、".join(f"{d.name} ¥{d.balance:,.2f}" for d in owing)}
            )
        locked.closed_on, locked.closed_by = closed_on, by
        locked.save(update_fields=["closed_on", "closed_by"])
    return locked


# ------------------------------------------------------------------------------------------- helpers


def _check_date(value, field: str, errors: dict) -> None:
    if not isinstance(value, datetime.date):
        errors[field] = [_("Enter a date as YYYY-MM-DD.")]
    elif value > timezone.localdate():
        errors[field] = [_("The date cannot be in the future.")]
