"""Intake pages for staff: the inbox, registering a report received off-line, and a report's page."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from casework import selectors as case_selectors
from casework.errors import DomainError
from casework.webutils import add_domain_errors, flash_domain_error, paginate
from intake import attachments, selectors, services
from intake.access import access_attachment_by_id, access_report_by_id
from intake.crypto import IdentityUnreadable
from intake.forms_staff import InboxFilterForm, MessageForm, NoteForm, ReportRegisterForm
from intake.submission import report_submit


def _is_intake_staff(user) -> bool:
    return user.agency_id is not None and user.has_perm("casework.add_lead")


@login_required
def inbox(request):
    form = InboxFilterForm(request.GET or None)
    view = form.cleaned_data["view"] if form.is_valid() and form.cleaned_data["view"] else "attention"
    reports = selectors.report_inbox(user=request.user, view=view)
    context = {
        "form": form,
        "view": view,
        "page": paginate(request, reports),
        "counts": selectors.inbox_counts(user=request.user),
        "can_register": _is_intake_staff(request.user),
    }
    return render(request, "intake/staff/inbox.html", context)


@login_required
def report_register(request):
    user = request.user
    if not _is_intake_staff(user):
        raise PermissionDenied
    subjects = case_selectors.subjects_for(user=user).order_by("kind", "name")
    form = ReportRegisterForm(request.POST or None, request.FILES or None, subjects=subjects)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        subject = data["subject"]
        try:
            received = report_submit(
                agency=user.agency,
                channel=data["channel"],
                received_at=data["received_at"],
                origin=data["origin"],
                subject_kind=subject.kind if subject else data["subject_kind"],
                subject_name=subject.name if subject else data["subject_name"],
                subject_code=subject.code if subject else data["subject_code"],
                description=data["description"],
                occurred_from=data["occurred_from"],
                occurred_to=data["occurred_to"],
                amount_estimate=data["amount_estimate"],
                anonymous=data["anonymous"],
                reporter=form.reporter(),
                files=data["files"],
                by=user,
            )
            if not received.report.anonymous:
                services.report_acknowledge(report=received.report, by=user)
        except DomainError as error:
            add_domain_errors(form, _prefixed(error))
        else:
            request.session["intake_new_secret"] = {"report": received.report.pk, "secret": received.secret}
            messages.success(request, _("Report registered; it is waiting for triage."))
            return redirect("intake-report", pk=received.report.pk)
    return render(request, "intake/staff/report_form.html", {"form": form})


def _prefixed(error: DomainError) -> DomainError:
    """Map service field names (reporter.phone) to the form's (reporter_phone)."""
    error.errors = {field.replace(".", "_"): msgs for field, msgs in error.errors.items()}
    return error


@login_required
def report_detail(request, pk):
    report = selectors.report_detail(access_report_by_id(request.user, pk))
    user = request.user
    can_reply = user.has_perm("casework.change_lead", report.lead)
    identity, identity_error = None, None
    if request.GET.get("identity") == "1":
        if not services.can_read_identity(user, report):
            raise PermissionDenied
        try:
            identity = services.report_identity_read(report=report, by=user)
        except IdentityUnreadable:
            identity_error = _("The identity cannot be decrypted with the configured keys.")
    if can_reply:
        services.report_mark_read(report=report, by=user)
    new_secret = request.session.pop("intake_new_secret", None)
    lead = report.lead
    context = {
        "report": report,
        "lead": lead,
        "timeline": selectors.report_timeline(report),
        "notes": selectors.report_notes(report) if can_reply else [],
        "documents": case_selectors.lead_detail(lead, user=user).documents.all(),
        "fact_reports": selectors.fact_reports(lead),
        "same_subject": selectors.same_subject_leads(lead=lead, user=user)[:20],
        "can_reply": can_reply,
        "can_see_identity": services.can_read_identity(user, report),
        "identity": identity,
        "identity_error": identity_error,
        "reporter_label": services.reporter_label(report),
        "new_secret": new_secret["secret"] if new_secret and new_secret.get("report") == report.pk else None,
        "message_form": MessageForm(),
        "note_form": NoteForm(),
    }
    return render(request, "intake/staff/report_detail.html", context)


def _post_action(request, pk, perm, action, done_message, *, form=None, invalid_message=""):
    """Fetch the report with perm (404/403 first), then check the form if any, then act."""
    report = access_report_by_id(request.user, pk, perm=perm)
    if form is not None and not form.is_valid():
        messages.error(request, invalid_message)
        return redirect("intake-report", pk=report.pk)
    try:
        action(report)
    except DomainError as error:
        flash_domain_error(request, error)
    else:
        messages.success(request, done_message)
    return redirect("intake-report", pk=report.pk)


@login_required
@require_POST
def report_reply(request, pk):
    form = MessageForm(request.POST)
    return _post_action(
        request,
        pk,
        "casework.change_lead",
        lambda report: services.report_reply(report=report, by=request.user, body=form.cleaned_data["body"]),
        _("Reply sent; the reporter sees it on the status page."),
        form=form,
        invalid_message=_("Write a message."),
    )


@login_required
@require_POST
def report_note(request, pk):
    form = NoteForm(request.POST)
    return _post_action(
        request,
        pk,
        "casework.change_lead",
        lambda report: services.report_note_add(report=report, by=request.user, body=form.cleaned_data["body"]),
        _("Note saved."),
        form=form,
        invalid_message=_("Write the note."),
    )


@login_required
@require_POST
def report_acknowledge(request, pk):
    return _post_action(
        request,
        pk,
        "casework.view_reporter_identity",
        lambda report: services.report_acknowledge(report=report, by=request.user),
        _("The acceptance notice has been issued."),
    )


@login_required
@require_POST
def report_result_notice(request, pk):
    return _post_action(
        request,
        pk,
        "casework.view_reporter_identity",
        lambda report: services.report_result_notice_issue(report=report, by=request.user),
        _("The result notice has been issued."),
    )


@login_required
def attachment_download(request, pk):
    attachment = access_attachment_by_id(request.user, pk)
    return attachments.download_response(
        sha256=attachment.sha256, filename=attachment.download_name, content_type=attachment.content_type
    )
