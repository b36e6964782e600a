"""Recording a suspension or termination of a subject, from either outcome track."""

import datetime

from django.db import transaction
from django.utils.translation import gettext as _

from casework.audit import acting
from casework.errors import InvalidInput
from casework.models import Case, Subject, Suspension
from casework.penalty_rules import add_months
from organisation.models import User


def suspension_end(starts_on: datetime.date, months: int) -> datetime.date:
    """The last day of a suspension of `months` whole months: 6 months from 1 March end on 31 August."""
    return add_months(starts_on, months) - datetime.timedelta(days=1)


def suspension_record(
    *,
    subject: Subject,
    case: Case,
    scope: str,
    source: str,
    starts_on: datetime.date,
    basis: str,
    by: User,
    months: int | None = None,
    detail: str = "",
) -> Suspension:
    """Record the measure; the caller has checked the rule (months allowed) and its own permission."""
    errors = {}
    if scope not in Suspension.Scope.values:
        errors["scope"] = [_("Choose the measure.")]
    if scope != Suspension.Scope.TERMINATED and not (months and months > 0):
        errors["months"] = [_("Give the number of months of the suspension.")]
    if scope in (Suspension.Scope.DEPARTMENT, Suspension.Scope.PERSONS) and not (detail or "").strip():
        errors["detail"] = [_("Name the departments or persons concerned.")]
    if not case.subjects.filter(pk=subject.pk).exists():
        errors["subject"] = [_("The subject is not part of this case.")]
    if errors:
        raise InvalidInput(errors=errors)
    ends_on = None if scope == Suspension.Scope.TERMINATED else suspension_end(starts_on, months)
    with transaction.atomic(), acting(by):
        return Suspension.objects.create(
            subject=subject,
            case=case,
            scope=scope,
            source=source,
            detail=(detail or "").strip(),
            starts_on=starts_on,
            ends_on=ends_on,
            basis=basis.strip(),
            created_by=by,
        )
