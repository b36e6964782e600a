"""延长办案期限: the agency head extends a case's 90-day penalty decision deadline once (Order 4)."""

import datetime

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from casework import rules as case_rules
from casework.audit import acting
from casework.errors import InvalidInput, InvalidTransition
from casework.models import Case, Deadline
from documents import kinds
from documents.services import document_issue
from organisation.models import User
from organisation.roles import Role
from penalties import conf, paperwork
from penalties.models import DecisionExtension, Penalty, PenaltyStep

EXTENSION_BASIS = "《医疗保障行政处罚程序暂行规定》（国家医保局令第4号）"


def may_extend(*, case: Case, user: User) -> bool:
    """Only the agency head (负责人) of the case's bureau approves the extension."""
    return (
        user.is_authenticated
        and user.agency_id == case.agency_id
        and Role.DIRECTOR in user.roles
        and user.has_perm("casework.decide_case", case)
    )


def decision_deadline(case: Case) -> Deadline | None:
    return Deadline.objects.filter(case=case, step="penalty_decision", ref="").first()


def decision_extension_approve(*, case: Case, by: User, reason: str, days: int | None = None) -> DecisionExtension:
    """Extend the open 90-day decision deadline before it passes, once, and issue the 延长办案期限审批表.

    Locks the case row; a second approval finds the extension already there.
    """
    if not may_extend(case=case, user=by):
        raise PermissionDenied
    limit = conf.extension_days()
    days = limit if days is None else days
    errors = {}
    if not (reason or "").strip():
        errors["reason"] = [_("Give the reason for the extension.")]
    if not isinstance(days, int) or not 1 <= days <= limit:
        errors["days"] = [
            _("%(rule)s: the head extends the deadline by at most %(limit)d days.")
            % {"rule": EXTENSION_BASIS, "limit": limit}
        ]
    if errors:
        raise InvalidInput(errors=errors)
    today = timezone.localdate()
    with transaction.atomic(), acting(by):
        Case.objects.select_for_update().filter(pk=case.pk).exists()
        if DecisionExtension.objects.filter(case=case).exists():
            raise InvalidTransition(
                _("%(rule)s: the decision deadline of a case is extended once; it already was.")
                % {"rule": EXTENSION_BASIS}
            )
        deadline = decision_deadline(case)
        if deadline is None or deadline.closed_on is not None:
            raise InvalidTransition(_("The case has no open penalty decision deadline to extend."))
        if deadline.due < today:
            raise InvalidTransition(
                _("%(rule)s: an extension is approved before the deadline passes; it passed on %(day)s.")
                % {"rule": EXTENSION_BASIS, "day": deadline.due}
            )
        extension = DecisionExtension.objects.create(
            case=case,
            days=days,
            reason=reason.strip(),
            previous_due=deadline.due,
            new_due=deadline.due + datetime.timedelta(days=days),
            approved_by=by,
        )
        penalties = list(Penalty.objects.filter(case=case).select_related("subject"))
        subjects = [p.subject.name for p in penalties] or [s.name for s in case.subjects.order_by("name")]
        extension.document = document_issue(
            kind=kinds.EXTENSION_APPROVAL,
            agency=case.agency,
            by=by,
            case=case,
            context=paperwork.extension_approval(case, extension, subjects=subjects, by=by),
        )
        extension.save(update_fields=["document"])
        deadline.due = extension.new_due
        deadline.basis = f"{case_rules.PENALTY_DECISION_BASIS}；延长{days}日（{extension.document.number}）"[:200]
        deadline.save(update_fields=["due", "basis"])
        note = _("Extended by %(days)d days to %(day)s") % {"days": days, "day": extension.new_due}
        PenaltyStep.objects.bulk_create(
            PenaltyStep(
                penalty=p, kind=PenaltyStep.Kind.EXTENSION, done_on=today, by=by, document=extension.document, note=note
            )
            for p in penalties
        )
    return extension
