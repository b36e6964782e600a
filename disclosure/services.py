"""Drafting, publishing and withdrawing disclosures; a typical case prefilled from a closed case."""

import datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from casework.errors import InvalidInput, InvalidTransition
from casework.findings import case_totals
from casework.models import Case, Subject, Violation
from disclosure.access import may_manage
from disclosure.masking import PERSON_KINDS, mask_person, redact_names, redact_structure
from disclosure.models import Disclosure
from organisation.models import Agency, User

EDITABLE_FIELDS = ("title", "subject_name", "subject_kind", "outcome", "summary", "source_ref", "draw_record")
REQUIRED_TO_PUBLISH = ("title", "summary", "outcome")


def _check_manager(by: User, agency: Agency) -> None:
    if not may_manage(by, agency):
        raise PermissionDenied


def _clean(fields: dict) -> dict:
    errors = {}
    cleaned = {}
    for name, value in fields.items():
        if name not in EDITABLE_FIELDS:
            raise TypeError(f"not an editable field: {name}")
        if name == "draw_record":
            value = value or {}
            if not isinstance(value, dict):
                errors[name] = [_("The draw record must be an object.")]
        elif isinstance(value, str):
            value = value.strip()
        if name == "subject_kind" and value and value not in Subject.Kind.values:
            errors[name] = [_("Choose a kind of subject.")]
        cleaned[name] = value
    if "title" in cleaned and not cleaned["title"]:
        errors["title"] = [_("This field is required.")]
    if errors:
        raise InvalidInput(errors=errors)
    return cleaned


def disclosure_create(*, agency: Agency, by: User, kind: str, title: str, case: Case | None = None, **fields):
    """A draft disclosure of agency (a bureau), by its section head or head."""
    _check_manager(by, agency)
    if kind not in Disclosure.Kind.values:
        raise InvalidInput(errors={"kind": [_("Choose a kind of disclosure.")]})
    if case is not None and case.agency_id != agency.pk:
        raise InvalidInput(errors={"case": [_("The case belongs to another agency.")]})
    cleaned = _clean({"title": title, **fields})
    return Disclosure.objects.create(agency=agency, kind=kind, case=case, created_by=by, **cleaned)


def _locked(disclosure: Disclosure) -> Disclosure:
    return Disclosure.objects.select_for_update().get(pk=disclosure.pk)


@transaction.atomic
def disclosure_update(*, disclosure: Disclosure, by: User, **fields) -> Disclosure:
    """Change a draft's texts."""
    _check_manager(by, disclosure.agency)
    locked = _locked(disclosure)
    if locked.status != Disclosure.Status.DRAFT:
        raise InvalidTransition(_("Only a draft can be changed."))
    for name, value in _clean(fields).items():
        setattr(locked, name, value)
    locked.save(update_fields=[*fields])
    return locked


def _public_draw_record(record: dict) -> dict:
    """The draw record as published: persons among the targets masked, numbers redacted."""
    record = dict(record or {})
    targets = record.get("targets")
    if isinstance(targets, list):
        public = []
        for target in targets:
            if isinstance(target, dict) and target.get("kind") in PERSON_KINDS:
                target = {key: value for key, value in target.items() if key != "code"}
                target["name"] = mask_person(str(target.get("name", "")))
            public.append(target)
        record["targets"] = public
    return redact_structure(record)


@transaction.atomic
def disclosure_publish(*, disclosure: Disclosure, by: User, today: datetime.date | None = None) -> Disclosure:
    """Publish a draft: its texts must be complete; ID and mobile numbers are removed from them."""
    _check_manager(by, disclosure.agency)
    locked = _locked(disclosure)
    if locked.status != Disclosure.Status.DRAFT:
        raise InvalidTransition(_("Only a draft can be published."))
    errors = {name: [_("This field is required.")] for name in REQUIRED_TO_PUBLISH if not getattr(locked, name).strip()}
    if errors:
        raise InvalidInput(errors=errors)
    names = {}
    if locked.subject_kind in PERSON_KINDS and locked.subject_name:
        names[locked.subject_name] = mask_person(locked.subject_name)
    locked.title = redact_names(locked.title, names)
    locked.summary = redact_names(locked.summary, names)
    locked.outcome = redact_names(locked.outcome, names)
    locked.draw_record = _public_draw_record(locked.draw_record)
    locked.status = Disclosure.Status.PUBLISHED
    locked.published_on = today or timezone.localdate()
    locked.published_by = by
    locked.save()
    return locked


@transaction.atomic
def disclosure_withdraw(
    *, disclosure: Disclosure, by: User, reason: str, today: datetime.date | None = None
) -> Disclosure:
    """Take a draft or a published disclosure off (it leaves the public page at once)."""
    _check_manager(by, disclosure.agency)
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput(errors={"reason": [_("Give the reason.")]})
    locked = _locked(disclosure)
    if locked.status == Disclosure.Status.WITHDRAWN:
        raise InvalidTransition(_("This disclosure has already been withdrawn."))
    locked.status = Disclosure.Status.WITHDRAWN
    locked.withdrawn_on = today or timezone.localdate()
    locked.withdrawn_by = by
    locked.withdrawal_reason = reason
    locked.save(update_fields=["status", "withdrawn_on", "withdrawn_by", "withdrawal_reason"])
    return locked


def _yuan(value: Decimal) -> str:
    return f"{value.quantize(Decimal('0.01')):,}"


# The texts below are published content, written in Chinese like the bureau's documents.
TRACK_NAMES = {"agreement": "协议处理", "penalty": "行政处罚", "referral": "移送", "credit": "信用记分"}


def disclosure_from_case(case: Case, by: User) -> Disclosure:
    """A draft typical case prefilled from a closed case of by's bureau, personal names already masked."""
    _check_manager(by, case.agency)
    if case.status != Case.Status.CLOSED:
        raise InvalidInput(errors={"case": [_("Only a closed case can be published as a typical case.")]})
    subjects = list(case.subjects.order_by("kind", "code"))
    if not subjects:
        raise InvalidInput(errors={"case": [_("The case has no subject.")]})
    totals = case_totals(case)
    amounts = {row["subject_id"]: row["fund_loss"] for row in totals.by_subject}
    main = max(subjects, key=lambda subject: (amounts.get(subject.pk, Decimal(0)), -subjects.index(subject)))
    names = {s.name: mask_person(s.name) for s in subjects if s.kind in PERSON_KINDS}

    def public(subject: Subject) -> str:
        return names.get(subject.name, subject.name)

    items = list(
        Violation.objects.filter(case=case).order_by("item__number").values_list("item__name", flat=True).distinct()
    )
    parties = "、".join(public(subject) for subject in subjects)
    lines = [f"经查，{parties}存在违法违规使用医保基金行为"]
    if items:
        lines[0] += f"，主要问题为：{'；'.join(items)}"
    lines[0] += "。"
    if totals.amount:
        lines.append(f"涉及金额{_yuan(totals.amount)}元，造成医保基金损失{_yuan(totals.fund_loss)}元。")
    if case.summary:
        lines.append(case.summary)
    tracks = [TRACK_NAMES[kind] for kind in case.tracks.order_by("kind").values_list("kind", flat=True)]
    outcome = "医疗保障部门已依法依规处理，案件已办结。"
    if tracks:
        outcome = f"医疗保障部门已依法依规作出处理（{'、'.join(tracks)}），案件已办结。"
    if case.status_reason:
        outcome += case.status_reason
    return disclosure_create(
        agency=case.agency,
        by=by,
        kind=Disclosure.Kind.TYPICAL_CASE,
        case=case,
        title=redact_names(f"{public(main)}{case.title}", names)[:200],
        subject_name=main.name,
        subject_kind=main.kind,
        summary=redact_names("".join(lines), names),
        outcome=redact_names(outcome, names),
        source_ref=f"case:{case.pk}",
    )
