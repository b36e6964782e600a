"""Investigation (调查取证): registering evidence, its chain of custody, 先行登记保存, and the records.

Each function validates, then acts inside one transaction, locking the row two people could act on.
Callers check that `by` holds casework.change_case on the case (casework.access).
"""

import datetime
from collections.abc import Sequence

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from casework import rules
from casework.audit import acting
from casework.deadlines import add_days
from casework.errors import AlreadyDecided, InvalidInput, InvalidTransition
from casework.models import Case, CustodyTransfer, Evidence, Preservation
from documents.formatting import chinese_datetime
from documents.kinds import INSPECTION_RECORD, INTERVIEW_RECORD, PRESERVATION_NOTICE
from documents.paperwork import preservation_notice_context
from documents.services import document_issue
from intake import attachments
from intake.attachments import CheckedFile
from organisation.models import User
from organisation.roles import Role

# Who may collect evidence and receive it: the agency's enforcement officers (执法人员).
ENFORCEMENT_ROLES = (Role.INVESTIGATOR, Role.SECTION_HEAD, Role.DIRECTOR)
RECORD_DOCUMENT_KINDS = {
    Evidence.Kind.INTERVIEW_RECORD: INTERVIEW_RECORD,
    Evidence.Kind.INSPECTION_RECORD: INSPECTION_RECORD,
}


def enforcement_officers(*, agency_id: int):
    """Active investigators, section heads and heads of the agency, by name."""
    return (
        User.objects.filter(
            agency_id=agency_id,
            is_active=True,
            groups__role_group__agency_id=agency_id,
            groups__role_group__role__in=ENFORCEMENT_ROLES,
        )
        .distinct()
        .order_by("last_name", "first_name", "username")
    )


def check_collectors(*, case: Case, collected_by: Sequence[User]) -> list[User]:
    """At least two distinct enforcement officers of the case's agency (行政处罚法 Arts.42, 55)."""
    collectors = list({user.pk: user for user in collected_by}.values())
    if len(collectors) < rules.MIN_EVIDENCE_COLLECTORS:
        raise InvalidInput(
            errors={
                "collected_by": [
                    _("At least %(count)d officers collect evidence together; name all of them.")
                    % {"count": rules.MIN_EVIDENCE_COLLECTORS}
                ]
            }
        )
    officers = set(
        enforcement_officers(agency_id=case.agency_id)
        .filter(pk__in=[user.pk for user in collectors])
        .values_list("pk", flat=True)
    )
    if len(officers) != len(collectors):
        raise InvalidInput(
            errors={"collected_by": [_("Only enforcement officers of the case's agency can collect its evidence.")]}
        )
    return collectors


def _check_when_and_where(*, collected_at: datetime.datetime, place: str, field: str = "collected_at") -> None:
    errors = {}
    if collected_at is None:
        errors[field] = [_("This field is required.")]
    elif collected_at > timezone.now():
        errors[field] = [_("The time cannot be in the future.")]
    if not (place or "").strip():
        errors["place"] = [_("This field is required.")]
    if errors:
        raise InvalidInput(errors=errors)


def _lock_open_case(case: Case) -> Case:
    case = Case.objects.select_for_update().get(pk=case.pk)
    if not case.is_open:
        raise InvalidTransition(_("The case is closed; nothing can be added to it."))
    return case


def evidence_register(
    *,
    case: Case,
    by: User,
    kind: str,
    title: str,
    description: str = "",
    collected_by: Sequence[User],
    collected_at: datetime.datetime,
    place: str,
    checked_file: CheckedFile | None = None,
    document=None,
) -> Evidence:
    """Register an item of evidence held by `by`; its custody chain starts with the collection.

    Locks the case row, so no evidence is added to a case being withdrawn.
    """
    if kind not in Evidence.Kind.values:
        raise InvalidInput(errors={"kind": [_("Unknown kind of evidence.")]})
    if not (title or "").strip():
        raise InvalidInput(errors={"title": [_("This field is required.")]})
    _check_when_and_where(collected_at=collected_at, place=place)
    collectors = check_collectors(case=case, collected_by=collected_by)
    with transaction.atomic(), acting(by):
        case = _lock_open_case(case)
        evidence = Evidence(
            case=case,
            kind=kind,
            title=title.strip(),
            description=(description or "").strip(),
            collected_at=collected_at,
            place=place.strip(),
            document=document,
            holder=by,
            created_by=by,
        )
        if checked_file is not None:
            evidence.sha256, evidence.size = checked_file.sha256, checked_file.size
            evidence.content_type, evidence.extension = checked_file.content_type, checked_file.extension
            evidence.original_name = checked_file.original_name
        evidence.save()
        evidence.collected_by.set(collectors)
        CustodyTransfer.objects.create(
            evidence=evidence,
            position=1,
            to_holder=by,
            handed_at=collected_at,
            place=evidence.place,
            recorded_by=by,
        )
        if checked_file is not None:
            # Content-addressed: a rolled-back registration leaves at most an unreferenced copy.
            attachments.store(checked_file)
    return evidence


def can_hand_over(*, evidence: Evidence, user: User) -> bool:
    """The current holder, or a section head of the case's agency, hands an item over."""
    if evidence.holder_id == user.pk:
        return True
    return user.agency_id == evidence.case.agency_id and user.has_role(Role.SECTION_HEAD)


def evidence_hand_over(
    *,
    evidence: Evidence,
    by: User,
    to: User,
    place: str = "",
    note: str = "",
    handed_at: datetime.datetime | None = None,
) -> Evidence:
    """Hand an item to another officer and append the hand-over to its custody chain.

    `evidence.holder_id` is the holder the caller saw; if the item changed hands since, this
    raises InvalidTransition. Locks the evidence row, so concurrent hand-overs form one chain.
    """
    handed_at = handed_at or timezone.now()
    if handed_at > timezone.now():
        raise InvalidInput(errors={"handed_at": [_("The time cannot be in the future.")]})
    seen_holder_id = evidence.holder_id
    with transaction.atomic(), acting(by):
        evidence = Evidence.objects.select_for_update(of=("self",)).select_related("case").get(pk=evidence.pk)
        if evidence.holder_id != seen_holder_id:
            raise InvalidTransition()
        if not can_hand_over(evidence=evidence, user=by):
            raise PermissionDenied
        if to.pk == evidence.holder_id:
            raise InvalidInput(errors={"to": [_("This officer already holds the item.")]})
        if not enforcement_officers(agency_id=evidence.case.agency_id).filter(pk=to.pk).exists():
            raise InvalidInput(errors={"to": [_("Hand evidence only to an enforcement officer of the case's agency.")]})
        last = evidence.custody.aggregate(last=Max("position"))["last"] or 0
        CustodyTransfer.objects.create(
            evidence=evidence,
            position=last + 1,
            from_holder_id=evidence.holder_id,
            to_holder=to,
            handed_at=handed_at,
            place=(place or "").strip(),
            note=(note or "").strip(),
            recorded_by=by,
        )
        evidence.holder = to
        evidence.save(update_fields=["holder"])
    return evidence


def preservation_register(
    *, case: Case, by: User, items: str, place: str = "", registered_on: datetime.date | None = None
) -> Preservation:
    """先行登记保存: register preserved items; the decision is due 7 days later (行政处罚法 Art.56).

    Issues the numbered 先行登记保存通知书 to the case's parties.
    """
    registered_on = registered_on or timezone.localdate()
    if not (items or "").strip():
        raise InvalidInput(errors={"items": [_("List the items preserved.")]})
    if registered_on > timezone.localdate():
        raise InvalidInput(errors={"registered_on": [_("The date cannot be in the future.")]})
    with transaction.atomic(), acting(by):
        case = _lock_open_case(case)
        preservation = Preservation.objects.create(
            case=case,
            items=items.strip(),
            place=(place or "").strip(),
            registered_on=registered_on,
            decision_due=add_days(registered_on, rules.PRESERVATION_DECISION_DAYS),
            registered_by=by,
        )
        # The 先行登记保存通知书 to the party; found from the record by its context's preservation_id.
        document_issue(
            kind=PRESERVATION_NOTICE,
            agency=case.agency,
            by=by,
            case=case,
            context=preservation_notice_context(preservation, subjects=list(case.subjects.all()), by=by),
        )
    return preservation


def preservation_decide(
    *, preservation: Preservation, by: User, decision: str, note: str = "", decided_on: datetime.date | None = None
) -> Preservation:
    """Record the decision on preserved items, once; a decision after the deadline is recorded as late.

    Locks the preservation row.
    """
    decided_on = decided_on or timezone.localdate()
    if decision not in Preservation.Decision.values:
        raise InvalidInput(errors={"decision": [_("Choose a decision.")]})
    if decision == Preservation.Decision.OTHER and not (note or "").strip():
        raise InvalidInput(errors={"note": [_("Describe the decision.")]})
    with transaction.atomic(), acting(by):
        preservation = Preservation.objects.select_for_update().get(pk=preservation.pk)
        if preservation.decided_on is not None:
            raise AlreadyDecided()
        if not preservation.registered_on <= decided_on <= timezone.localdate():
            raise InvalidInput(errors={"decided_on": [_("The decision date must lie between registration and today.")]})
        preservation.decision = decision
        preservation.decision_note = (note or "").strip()
        preservation.decided_on, preservation.decided_by = decided_on, by
        preservation.decided_late = decided_on > preservation.decision_due
        preservation.save(update_fields=["decision", "decision_note", "decided_on", "decided_by", "decided_late"])
    return preservation


def record_issue(
    *,
    case: Case,
    by: User,
    kind: str,
    collected_by: Sequence[User],
    started_at: datetime.datetime,
    ended_at: datetime.datetime | None = None,
    place: str,
    person: str,
    person_details: str = "",
    text: str,
) -> Evidence:
    """Issue a numbered 询问笔录 or 现场检查笔录 and register it as evidence of the case."""
    if kind not in RECORD_DOCUMENT_KINDS:
        raise InvalidInput(errors={"kind": [_("Unknown kind of record.")]})
    errors = {}
    if not (person or "").strip():
        errors["person"] = [_("This field is required.")]
    if not (text or "").strip():
        errors["text"] = [_("This field is required.")]
    if ended_at is not None and started_at is not None and ended_at < started_at:
        errors["ended_at"] = [_("The end cannot be before the start.")]
    if errors:
        raise InvalidInput(errors=errors)
    _check_when_and_where(collected_at=started_at, place=place, field="started_at")
    collectors = check_collectors(case=case, collected_by=collected_by)
    document_kind = RECORD_DOCUMENT_KINDS[kind]
    with transaction.atomic(), acting(by):
        case = _lock_open_case(case)
        document = document_issue(
            kind=document_kind,
            agency=case.agency,
            by=by,
            case=case,
            context={
                "case_number": case.number,
                "case_title": case.title,
                "subjects": "、".join(s.name for s in case.subjects.all()),
                "started_at": chinese_datetime(started_at),
                "ended_at": chinese_datetime(ended_at) if ended_at else "",
                "place": place.strip(),
                # No enforcement-ID field on users yet: the login name stands in for the 执法证号.
                "investigators": [{"name": user.display_name, "id": user.username} for user in collectors],
                "person": person.strip(),
                "person_details": (person_details or "").strip(),
                "text": text.strip(),
            },
        )
        evidence = evidence_register(
            case=case,
            by=by,
            kind=kind,
            title=f"{document_kind.title}（{person.strip()}）",
            collected_by=collectors,
            collected_at=started_at,
            place=place,
            document=document,
        )
    return evidence
