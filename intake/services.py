"""Reports after registration: the reporter's messages, agency replies, internal notes, reporter
identity reads (audit-logged), and the notices a named reporter is owed (Order 5).

Starting a report's lead happens in intake.submission, which also drives the triage flow.
"""

from auditlog.signals import accessed
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from casework import rules
from casework.audit import acting
from casework.deadlines import add_working_days
from casework.errors import AlreadyDecided, InvalidInput, InvalidTransition
from casework.models import Lead
from config.live import notify_users
from documents.formatting import chinese_date
from documents.kinds import REPORT_ACCEPTANCE_NOTICE, REPORT_RESULT_NOTICE
from documents.services import document_issue
from intake import attachments
from intake.crypto import decrypt_identity
from intake.models import Attachment, Report, ReportMessage, ReportNote
from organisation.models import User
from organisation.roles import Role

MESSAGE_MAX_CHARS = 5000


def check_message_body(body: str) -> str:
    body = (body or "").strip()
    if not body:
        raise InvalidInput(errors={"body": [_("Write a message.")]})
    if len(body) > MESSAGE_MAX_CHARS:
        raise InvalidInput(errors={"body": [_("At most %(count)d characters.") % {"count": MESSAGE_MAX_CHARS}]})
    return body


def report_attach_files(*, report: Report, checked: list, message: ReportMessage | None = None, by: User | None = None):
    """Store checked files (intake.attachments.check_uploads) and record them on the report."""
    rows = []
    for item in checked:
        attachments.store(item)
        rows.append(
            Attachment(
                report=report,
                message=message,
                sha256=item.sha256,
                size=item.size,
                content_type=item.content_type,
                extension=item.extension,
                original_name=item.original_name,
                from_reporter=by is None,
                uploaded_by=by,
            )
        )
    return Attachment.objects.bulk_create(rows)


def report_message_from_reporter(*, report: Report, body: str, checked_files=()) -> ReportMessage:
    """The reporter writes to the agency from the status page; its intake clerks are told at once."""
    body = check_message_body(body)
    with transaction.atomic():
        report = Report.objects.select_for_update().select_related("lead").get(pk=report.pk)
        message = ReportMessage.objects.create(report=report, sender=ReportMessage.Sender.REPORTER, body=body)
        report_attach_files(report=report, checked=list(checked_files), message=message)
        report.last_reporter_message_at = message.sent_at
        report.save(update_fields=["last_reporter_message_at"])
        clerks = User.objects.filter(
            agency=report.lead.agency_id, is_active=True, groups__role_group__role=Role.CLERK
        ).values_list("pk", flat=True)
        notify_users(
            clerks,
            event_type="report.message",
            id=report.pk,
            title=_("New message from the reporter of %(code)s") % {"code": report.receipt_code},
            url=reverse("intake-report", args=[report.pk]),
        )
    return message


def _require(user: User, perm: str, report: Report) -> None:
    if not user.has_perm(perm, report.lead):
        raise PermissionDenied


def report_reply(*, report: Report, by: User, body: str) -> ReportMessage:
    """An agency reply, shown to the reporter on the status page (without the author's name)."""
    _require(by, "casework.change_lead", report)
    body = check_message_body(body)
    with transaction.atomic(), acting(by):
        message = ReportMessage.objects.create(report=report, sender=ReportMessage.Sender.AGENCY, body=body, author=by)
        report_mark_read(report=report, by=by)
    return message


def report_mark_read(*, report: Report, by: User) -> int:
    """Mark the reporter's messages as read by the agency."""
    return report.messages.filter(sender=ReportMessage.Sender.REPORTER, read_at__isnull=True).update(
        read_at=timezone.now()
    )


def report_note_add(*, report: Report, by: User, body: str) -> ReportNote:
    """An internal note: staff of the owning agency only, never shown to the reporter."""
    _require(by, "casework.change_lead", report)
    body = (body or "").strip()
    if not body:
        raise InvalidInput(errors={"body": [_("Write the note.")]})
    if len(body) > MESSAGE_MAX_CHARS:
        raise InvalidInput(errors={"body": [_("At most %(count)d characters.") % {"count": MESSAGE_MAX_CHARS}]})
    return ReportNote.objects.create(report=report, author=by, body=body)


def can_read_identity(user: User, report: Report) -> bool:
    return not report.anonymous and user.has_perm("casework.view_reporter_identity", report.lead)


def report_identity_read(*, report: Report, by: User) -> dict:
    """Decrypt a named reporter's identity for an allowed user; every read is written to the audit log."""
    if not can_read_identity(by, report):
        raise PermissionDenied
    identity = decrypt_identity(report.identity_token)
    with acting(by):
        accessed.send(sender=Report, instance=report)
    return identity


def reporter_label(report: Report) -> str:
    """How a report's reporter is shown to staff who may not see the identity."""
    # Translated as 实名举报人（已保密）: investigators learn that a named reporter exists, not who.
    return _("Anonymous reporter") if report.anonymous else _("Named reporter (confidential)")


def _named_report_locked(*, report: Report, by: User) -> tuple[Report, dict]:
    """Lock a named report for a notice to its reporter and read (and log reading) the identity it is addressed to."""
    _require(by, "casework.view_reporter_identity", report)
    if report.anonymous:
        raise InvalidInput(_("An anonymous reporter receives no notice; they follow the report with the code."))
    report = Report.objects.select_for_update().select_related("lead__agency").get(pk=report.pk)
    identity = decrypt_identity(report.identity_token)
    accessed.send(sender=Report, instance=report)
    return report, identity


def report_acknowledge(*, report: Report, by: User) -> Report:
    """Issue the numbered 举报受理告知书 to a named reporter (once)."""
    with transaction.atomic(), acting(by):
        report, identity = _named_report_locked(report=report, by=by)
        if report.acknowledged_on is not None:
            raise AlreadyDecided(_("The acceptance notice has already been issued."))
        report.acknowledged_on = timezone.localdate()
        report.save(update_fields=["acknowledged_on"])
        _notice_issue(
            REPORT_ACCEPTANCE_NOTICE,
            report=report,
            identity=identity,
            by=by,
            channel=str(report.get_channel_display()),
            decision_due=chinese_date(report.lead.deadline),
        )
    return report


def _notice_issue(kind, *, report: Report, identity: dict, by: User, **context) -> None:
    """Number a notice addressed to the named reporter, with what every such notice states."""
    document_issue(
        kind=kind,
        agency=report.lead.agency,
        by=by,
        lead=report.lead,
        context={
            "addressee": identity.get("name", ""),
            "received_on": chinese_date(timezone.localdate(report.lead.received_at)),
            "subject_name": report.subject_name,
            "receipt_code": report.receipt_code,
            **context,
        },
    )


def reports_lead_decided(*, lead: Lead) -> None:
    """After a 立案 decision, start each named reporter's 5-working-day clock (Order 5).

    Covers reports on the lead and on leads merged into it; a lead merged into another lead
    is not decided yet, its reporters wait for the target's decision.
    """
    lead = Lead.objects.get(pk=lead.pk)
    if lead.status == Lead.Status.PENDING or (lead.status == Lead.Status.MERGED and lead.merged_into_id):
        return
    decided_on = timezone.localdate(lead.decided_at)
    due = add_working_days(decided_on, rules.REPORTER_NOTICE_WORKING_DAYS)
    Report.objects.named().filter(lead__in=fact_lead_ids(lead), result_notice_due__isnull=True).update(
        result_notice_due=due
    )


def fact_lead_ids(lead: Lead) -> list[int]:
    """The lead and every lead merged into it, directly or through others."""
    ids, frontier = [lead.pk], [lead.pk]
    while frontier:
        frontier = list(Lead.objects.filter(merged_into__in=frontier).values_list("pk", flat=True))
        ids.extend(frontier)
    return ids


def decided_lead(lead: Lead) -> Lead:
    """Follow lead-into-lead merges to the lead whose decision counts for these facts."""
    seen = set()
    while lead.merged_into_id and lead.pk not in seen:
        seen.add(lead.pk)
        lead = Lead.objects.select_related("case").get(pk=lead.merged_into_id)
    return lead


def result_wording(lead: Lead) -> str:
    lead = decided_lead(lead)
    if lead.status == Lead.Status.DISMISSED:
        return _("After checking, the bureau decided not to open a case: %(reason)s") % {"reason": lead.decision_reason}
    if lead.status in (Lead.Status.OPENED, Lead.Status.MERGED) and lead.case_id:
        return _("The bureau has opened a case (%(number)s) and is investigating.") % {"number": lead.case.number}
    raise InvalidTransition(_("No decision has been taken on this report yet."))


def report_result_notice_issue(*, report: Report, by: User) -> Report:
    """Issue the 举报处理结果告知书 and tell the reporter on the status page as well."""
    with transaction.atomic(), acting(by):
        report, identity = _named_report_locked(report=report, by=by)
        if report.result_notified_on is not None:
            raise AlreadyDecided(_("The result notice has already been issued."))
        wording = result_wording(report.lead)
        report.result_notified_on = timezone.localdate()
        if report.result_notice_due is None:
            report.result_notice_due = report.result_notified_on
        report.save(update_fields=["result_notified_on", "result_notice_due"])
        _notice_issue(REPORT_RESULT_NOTICE, report=report, identity=identity, by=by, result=wording)
        ReportMessage.objects.create(report=report, sender=ReportMessage.Sender.AGENCY, body=wording, author=by)
    return report
