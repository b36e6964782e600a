"""Leads and cases: registration, triage decisions and case status changes.

Each function validates, then acts inside one transaction, locking the row two people
could act on; documents are numbered in the same transaction and rendered after commit.
"""

import datetime
from collections.abc import Sequence
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from casework import rules
from casework.audit import acting
from casework.deadlines import add_days, add_working_days
from casework.errors import AlreadyDecided, InvalidInput
from casework.models import Case, Deadline, Lead, Subject
from documents.formatting import chinese_date
from documents.kinds import CASE_OPENING_FORM, NON_OPENING_NOTICE, format_number
from documents.services import document_issue
from organisation.models import Agency, User
from organisation.services import grant_owner_access, number_allocate

CASE_NUMBER_ABBREVIATION = "立"
# Fund supervision under these rules starts with the 2018 bureau; earlier dates are typing errors.
EARLIEST_RECEIPT_YEAR = 2000


def lead_register(
    *,
    agency: Agency,
    source_kind: str,
    title: str,
    description: str,
    subjects: Sequence[Subject],
    received_at: datetime.datetime | None = None,
    amount_estimate: Decimal | None = None,
    by: User | None = None,
) -> Lead:
    """Register a lead with its decision deadline and grant its agency access."""
    errors = {}
    if source_kind not in Lead.SourceKind.values:
        errors["source_kind"] = [_("Unknown source.")]
    if not (title or "").strip():
        errors["title"] = [_("This field is required.")]
    if not (description or "").strip():
        errors["description"] = [_("This field is required.")]
    if not subjects:
        errors["subjects"] = [_("Name at least one subject.")]
    if amount_estimate is not None and amount_estimate < 0:
        errors["amount_estimate"] = [_("An amount cannot be negative.")]
    received_at = received_at or timezone.now()
    if received_at > timezone.now():
        errors["received_at"] = [_("The date of receipt cannot be in the future.")]
    elif received_at.year < EARLIEST_RECEIPT_YEAR:
        errors["received_at"] = [_("The date of receipt is too far in the past.")]
    if errors:
        raise InvalidInput(errors=errors)
    with transaction.atomic(), acting(by):
        lead = Lead.objects.create(
            agency=agency,
            source_kind=source_kind,
            title=title.strip(),
            description=description.strip(),
            amount_estimate=amount_estimate,
            received_at=received_at,
            deadline=add_working_days(timezone.localdate(received_at), rules.CASE_DECISION_WORKING_DAYS),
            registered_by=by,
        )
        lead.subjects.set(subjects)
        grant_owner_access([lead])
    return lead


def _lock_pending_lead(lead: Lead) -> Lead:
    lead = Lead.objects.select_for_update().get(pk=lead.pk)
    if lead.status != Lead.Status.PENDING:
        raise AlreadyDecided()
    return lead


def _decided(lead: Lead, status: str, by: User, at: datetime.datetime | None) -> None:
    lead.set_status(status)
    lead.decided_by, lead.decided_at = by, at or timezone.now()


def check_decision_time(*, lead: Lead, at: datetime.datetime | None) -> None:
    """A decision recorded after the fact (e.g. paper files entered later) lies between receipt and now."""
    if at is not None and not lead.received_at <= at <= timezone.now():
        raise InvalidInput(errors={"decided_at": [_("The decision date must lie between receipt and today.")]})


def check_dismissal(*, reason: str) -> None:
    if not (reason or "").strip():
        raise InvalidInput(errors={"reason": [_("Give the reason for not opening a case.")]})


def lead_dismiss(*, lead: Lead, by: User, reason: str, at: datetime.datetime | None = None) -> Lead:
    """不予立案: close the lead with a reason and issue the numbered 不予立案告知书."""
    check_dismissal(reason=reason)
    with transaction.atomic(), acting(by):
        lead = _lock_pending_lead(lead)
        check_decision_time(lead=lead, at=at)
        _decided(lead, Lead.Status.DISMISSED, by, at)
        lead.decision_reason = reason.strip()
        lead.save(update_fields=["status", "decided_by", "decided_at", "decision_reason"])
        subjects = list(lead.subjects.all())
        document_issue(
            kind=NON_OPENING_NOTICE,
            agency=lead.agency,
            by=by,
            lead=lead,
            context={
                "addressee": "、".join(s.name for s in subjects),
                "subject_names": "、".join(s.name for s in subjects),
                "received_on": chinese_date(timezone.localdate(lead.received_at)),
                "source": str(lead.get_source_kind_display()),
                "reason": lead.decision_reason,
            },
        )
    return lead


def check_merge_target(*, lead: Lead, case: Case | None = None, target: Lead | None = None) -> None:
    """A lead merges into an open case sharing a subject, or into another pending lead, of its own agency."""
    if (case is None) == (target is None):
        raise InvalidInput(errors={"case": [_("Choose the case or the lead to merge into.")]})
    if target is not None:
        if target.pk == lead.pk or target.agency_id != lead.agency_id or target.status != Lead.Status.PENDING:
            raise InvalidInput(errors={"lead": [_("Choose another lead of your agency that awaits triage.")]})
        return
    if case.agency_id != lead.agency_id or not case.is_open:
        raise InvalidInput(errors={"case": [_("Choose an open case of your agency.")]})
    if not case.subjects.filter(pk__in=lead.subjects.values("pk")).exists():
        raise InvalidInput(errors={"case": [_("The case has none of this lead's subjects.")]})


def merge_candidates(*, lead: Lead):
    """Open cases of the lead's agency that share one of its subjects."""
    return Case.objects.for_agency(lead.agency_id).open().sharing_subject_with(lead).order_by("-opened_at")


def merge_lead_candidates(*, lead: Lead):
    """Other pending leads of the lead's agency on one of its subjects (the same facts, reported twice)."""
    return (
        Lead.objects.filter(agency=lead.agency_id, status=Lead.Status.PENDING, subjects__in=lead.subjects.all())
        .exclude(pk=lead.pk)
        .distinct()
        .order_by("received_at", "pk")
    )


def lead_merge(*, lead: Lead, case: Case, by: User, at: datetime.datetime | None = None) -> Case:
    """并案: attach the lead and its subjects to an open case."""
    with transaction.atomic(), acting(by):
        lead = _lock_pending_lead(lead)
        case = Case.objects.select_for_update().get(pk=case.pk)
        check_merge_target(lead=lead, case=case)
        check_decision_time(lead=lead, at=at)
        _decided(lead, Lead.Status.MERGED, by, at)
        lead.case = case
        lead.save(update_fields=["status", "decided_by", "decided_at", "case"])
        case.subjects.add(*lead.subjects.all())
    return case


def lead_merge_into_lead(*, lead: Lead, target: Lead, by: User, at: datetime.datetime | None = None) -> Lead:
    """Merge a lead into another pending lead on the same facts; both stay on record.

    The target takes over the subjects and keeps the earlier receipt date for its deadline;
    locks both leads in primary-key order, so two opposite merges cannot both succeed.
    """
    with transaction.atomic(), acting(by):
        locked = {row.pk: row for row in Lead.objects.select_for_update().filter(pk__in=[lead.pk, target.pk])}
        lead, target = locked[lead.pk], locked[target.pk]
        if lead.status != Lead.Status.PENDING:
            raise AlreadyDecided()
        check_merge_target(lead=lead, target=target)
        check_decision_time(lead=lead, at=at)
        _decided(lead, Lead.Status.MERGED, by, at)
        lead.merged_into = target
        lead.save(update_fields=["status", "decided_by", "decided_at", "merged_into"])
        target.subjects.add(*lead.subjects.all())
        if lead.received_at < target.received_at:
            # The facts were known since the earlier receipt: the 15-working-day clock runs from there.
            target.received_at, target.deadline = lead.received_at, lead.deadline
            target.save(update_fields=["received_at", "deadline"])
    return target


def lead_open_case(
    *, lead: Lead, by: User, title: str = "", summary: str = "", at: datetime.datetime | None = None
) -> Case:
    """立案: open a numbered case from the lead and issue its 立案审批表."""
    with transaction.atomic(), acting(by):
        lead = _lock_pending_lead(lead)
        check_decision_time(lead=lead, at=at)
        opened_at = at or timezone.now()
        year = timezone.localdate(opened_at).year
        sequence = number_allocate(agency=lead.agency, series="case", year=year)
        case = Case.objects.create(
            agency=lead.agency,
            number=format_number(
                prefix=lead.agency.number_prefix, abbreviation=CASE_NUMBER_ABBREVIATION, year=year, sequence=sequence
            ),
            year=year,
            sequence=sequence,
            title=(title or lead.title).strip(),
            summary=(summary or lead.description).strip(),
            opened_at=opened_at,
            opened_by=by,
        )
        subjects = list(lead.subjects.all())
        case.subjects.set(subjects)
        grant_owner_access([case])
        Deadline.objects.create(
            case=case,
            step="penalty_decision",
            due=add_days(timezone.localdate(opened_at), rules.PENALTY_DECISION_DAYS),
            basis=rules.PENALTY_DECISION_BASIS,
        )
        _decided(lead, Lead.Status.OPENED, by, opened_at)
        lead.case = case
        lead.save(update_fields=["status", "decided_by", "decided_at", "case"])
        document_issue(
            kind=CASE_OPENING_FORM,
            agency=case.agency,
            by=by,
            case=case,
            lead=lead,
            context=_case_opening_context(case, lead, subjects, by),
        )
    return case


def _case_opening_context(case: Case, lead: Lead, subjects: list[Subject], by: User) -> dict:
    return {
        "case_title": case.title,
        "case_number": case.number,
        "source": str(lead.get_source_kind_display()),
        "received_on": chinese_date(timezone.localdate(lead.received_at)),
        "decision_due": chinese_date(lead.deadline),
        "subjects": [{**s.as_ref(), "kind_display": str(s.get_kind_display())} for s in subjects],
        "summary": case.summary,
        "legal_basis": "《医疗保障基金使用监督管理条例》；" + rules.CASE_DECISION_BASIS,
        "estimated_amount": f"{lead.amount_estimate:,.2f}" if lead.amount_estimate is not None else "",
        "approved_by": by.display_name,
        "approved_on": chinese_date(timezone.localdate(case.opened_at)),
    }


def case_start_investigation(*, case: Case, by: User) -> Case:
    """Move an opened case to 调查取证."""
    with transaction.atomic(), acting(by):
        case = Case.objects.select_for_update().get(pk=case.pk)
        case.set_status(Case.Status.INVESTIGATING)
        case.save(update_fields=["status"])
    return case


def case_withdraw(*, case: Case, by: User, reason: str) -> Case:
    """撤销立案 with a reason; the case stays on record."""
    if not (reason or "").strip():
        raise InvalidInput(errors={"reason": [_("Give the reason for withdrawing the case.")]})
    with transaction.atomic(), acting(by):
        case = Case.objects.select_for_update().get(pk=case.pk)
        case.set_status(Case.Status.WITHDRAWN)
        case.status_reason = reason.strip()
        case.save(update_fields=["status", "status_reason"])
        case.deadlines.open().update(closed_on=timezone.localdate())
    return case


def case_start_handling(*, case: Case, by: User, penalty: bool) -> Case:
    """The outcome decision chose tracks: the case runs them. Without a penalty track the 90-day
    penalty-decision deadline no longer applies and is closed."""
    with transaction.atomic(), acting(by):
        case = Case.objects.select_for_update().get(pk=case.pk)
        case.set_status(Case.Status.HANDLING)
        case.save(update_fields=["status"])
        if not penalty:
            case.deadlines.open().filter(step="penalty_decision").update(closed_on=timezone.localdate())
    return case


def case_close(*, case: Case, by: User) -> Case:
    """结案: closes the case and whatever deadlines are still open on it."""
    with transaction.atomic(), acting(by):
        case = Case.objects.select_for_update().get(pk=case.pk)
        case.set_status(Case.Status.CLOSED)
        case.closed_at = timezone.now()
        case.save(update_fields=["status", "closed_at"])
        case.deadlines.open().update(closed_on=timezone.localdate())
    return case
