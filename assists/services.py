"""协查 and 要情报送 as named operations.

Assist requests: one bureau sends, the requested bureau (of another region) answers with findings and
files or declines with a reason. Answer and decline lock the row; once one of them has happened any
later one gets AlreadyDecided (409).

Major-case reports: major_case_check(case) reports a case once to the bureau of the parent region
when its violation total exceeds settings.MAJOR_CASE_AMOUNT or it was referred to the police.
"""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from assists.access import STAFF_ROLES, grant_assist_access, grant_report_access, may_send_assist
from assists.models import AssistFile, AssistRequest, MajorCaseComment, MajorCaseReport
from casework.errors import AlreadyDecided, InvalidInput
from casework.models import Case
from casework.validation import required_text
from config.live import notify_users
from intake import attachments
from organisation.models import Agency, User
from organisation.roles import Role
from organisation.services import agency_user_ids

DEFAULT_MAJOR_CASE_AMOUNT = Decimal("500000")


def _notify(agency: Agency, roles, request_or_report, title: str, url_name: str) -> None:
    """A live "task.assigned" to the staff who now have to act on the request or report."""
    notify_users(
        agency_user_ids(agency.pk, tuple(roles)),
        event_type="task.assigned",
        id=request_or_report.pk,
        title=title,
        url=reverse(url_name, args=[request_or_report.pk]),
    )


def assist_targets(agency: Agency):
    """The bureaus an assist request may go to: those of every other region."""
    return Agency.objects.filter(kind=Agency.Kind.BUREAU).exclude(region_id=agency.region_id).select_related("region")


def assist_send(
    *,
    by: User,
    to_agency: Agency,
    subject_name: str,
    question: str,
    due_on,
    case: Case | None = None,
    subject_code: str = "",
    subject_kind: str = "",
    evidence_wanted: str = "",
) -> AssistRequest:
    """Send an assist request from the user's bureau to a bureau of another region."""
    if not may_send_assist(by):
        raise InvalidInput(_("Only the staff of a bureau send assist requests."))
    errors: dict[str, list] = {}
    if to_agency is None or to_agency.kind != Agency.Kind.BUREAU or to_agency.region_id == by.agency.region_id:
        errors["to_agency"] = [_("Choose the bureau of another region.")]
    if case is not None and (case.agency_id != by.agency_id or not by.has_perm("casework.view_case", case)):
        errors["case"] = [_("Choose one of your bureau's cases.")]
    if due_on is None or due_on <= timezone.localdate():
        errors["due_on"] = [_("The due date must be in the future.")]
    if not (subject_name or "").strip():
        errors["subject_name"] = [_("Name the subject to be checked.")]
    if not (question or "").strip():
        errors["question"] = [_("Say what is to be checked.")]
    if errors:
        raise InvalidInput(errors=errors)
    with transaction.atomic():
        request = AssistRequest.objects.create(
            from_agency=by.agency,
            to_agency=to_agency,
            case=case,
            subject_name=subject_name.strip(),
            subject_code=(subject_code or "").strip(),
            subject_kind=(subject_kind or "").strip(),
            question=question.strip(),
            evidence_wanted=(evidence_wanted or "").strip(),
            due_on=due_on,
            created_by=by,
        )
        grant_assist_access(request)
        _notify(
            to_agency,
            STAFF_ROLES,
            request,
            _("Assist request from %(agency)s: %(subject)s, answer by %(due)s")
            % {"agency": request.from_agency.name, "subject": request.subject_name, "due": due_on},
            "assist-detail",
        )
    return request


def _lock_open(request: AssistRequest, by: User) -> AssistRequest:
    locked = AssistRequest.objects.select_for_update().get(pk=request.pk)
    if not by.has_perm("assists.answer_assistrequest", locked):
        raise InvalidInput(_("Only the requested bureau answers an assist request."))
    if locked.status != AssistRequest.Status.SENT:
        raise AlreadyDecided()
    return locked


def assist_answer(*, request: AssistRequest, by: User, findings: str, checked_files=()) -> AssistRequest:
    """The requested bureau's findings, with files checked by intake.attachments.check_uploads."""
    findings = required_text(findings, "answer", _("Write down the findings."))
    with transaction.atomic():
        locked = _lock_open(request, by)
        rows = []
        for item in checked_files:
            attachments.store(item)
            rows.append(
                AssistFile(
                    request=locked,
                    filename=item.original_name,
                    sha256=item.sha256,
                    content_type=item.content_type,
                    size=item.size,
                    uploaded_by=by,
                )
            )
        AssistFile.objects.bulk_create(rows)
        locked.status = AssistRequest.Status.ANSWERED
        locked.answer = findings
        locked.decided_by, locked.decided_at = by, timezone.now()
        locked.save(update_fields=["status", "answer", "decided_by", "decided_at"])
        _notify_sender(locked, _("Assist request answered by %(agency)s: %(subject)s"))
    return locked


def assist_decline(*, request: AssistRequest, by: User, reason: str) -> AssistRequest:
    reason = required_text(reason, "decline_reason", _("Give the reason for declining."))
    with transaction.atomic():
        locked = _lock_open(request, by)
        locked.status = AssistRequest.Status.DECLINED
        locked.decline_reason = reason
        locked.decided_by, locked.decided_at = by, timezone.now()
        locked.save(update_fields=["status", "decline_reason", "decided_by", "decided_at"])
        _notify_sender(locked, _("Assist request declined by %(agency)s: %(subject)s"))
    return locked


def _notify_sender(request: AssistRequest, message: str) -> None:
    notify_users(
        [request.created_by_id],
        event_type="task.assigned",
        id=request.pk,
        title=message % {"agency": request.to_agency.name, "subject": request.subject_name},
        url=reverse("assist-detail", args=[request.pk]),
    )


# 要情报送


def major_case_amount() -> Decimal:
    return Decimal(str(getattr(settings, "MAJOR_CASE_AMOUNT", DEFAULT_MAJOR_CASE_AMOUNT)))


def superior_bureau(agency: Agency) -> Agency | None:
    """The bureau of the parent region of the agency's region, if there is one."""
    parent_id = agency.region.parent_id
    if parent_id is None:
        return None
    return Agency.objects.filter(region_id=parent_id, kind=Agency.Kind.BUREAU).order_by("pk").first()


def _criminal_referral(case: Case):
    from referrals.models import Referral

    return (
        Referral.objects.filter(case=case, kind=Referral.Kind.CRIMINAL, sent_at__isnull=False)
        .select_related("to_agency")
        .order_by("sent_at", "pk")
        .first()
    )


def major_case_check(case: Case) -> MajorCaseReport | None:
    """Report the case to the superior bureau once it is a major case; idempotent.

    A major case: its violations' amount involved exceeds settings.MAJOR_CASE_AMOUNT (default
    500,000 yuan), or it has been sent to the police (a criminal referral with sent_at set).
    Returns the report (the existing one if already reported), or None.
    """
    from casework.findings import case_totals

    with transaction.atomic():
        case = Case.objects.select_for_update().select_related("agency__region").get(pk=case.pk)
        existing = MajorCaseReport.objects.filter(case=case).first()
        if existing is not None:
            return existing
        superior = superior_bureau(case.agency)
        if superior is None:
            return None
        amount = case_totals(case).amount
        over_amount = amount > major_case_amount()
        referral = _criminal_referral(case)
        if not over_amount and referral is None:
            return None
        lines = [
            _("%(number)s %(title)s (%(agency)s).")
            % {"number": case.number, "title": case.title, "agency": case.agency.name},
            _("Amount involved: %(amount)s yuan.") % {"amount": f"{amount:,.2f}"},
        ]
        subjects = ", ".join(case.subjects.order_by("name").values_list("name", flat=True))
        if subjects:
            lines.append(_("Subjects: %(subjects)s.") % {"subjects": subjects})
        if referral is not None:
            lines.append(
                _("Referred to %(agency)s on %(date)s.")
                % {"agency": referral.to_agency.name, "date": timezone.localtime(referral.sent_at).date()}
            )
        report = MajorCaseReport.objects.create(
            case=case,
            from_agency=case.agency,
            to_agency=superior,
            over_amount=over_amount,
            criminal_referral=referral is not None,
            amount=amount,
            summary="\n".join(lines),
        )
        grant_report_access(report)
        _notify(
            superior,
            (Role.SECTION_HEAD, Role.DIRECTOR),
            report,
            _("Major case reported by %(agency)s: %(number)s") % {"agency": case.agency.name, "number": case.number},
            "major-case-detail",
        )
    return report


def major_case_comment(*, report: MajorCaseReport, by: User, text: str) -> MajorCaseComment:
    text = required_text(text, "text", _("Write the comment."))
    if not by.has_perm("assists.comment_majorcasereport", report):
        raise PermissionDenied
    return MajorCaseComment.objects.create(report=report, author=by, text=text)
