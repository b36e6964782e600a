"""Public report pages (no account): submit a report, then follow it with the receipt code and secret.

The secret appears once, in the response to the submission (never in a URL, a redirect or the
session). After a look-up the session holds only the report's id, for this browser session.
"""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST

from casework.errors import DomainError
from casework.webutils import add_domain_errors
from intake import ratelimit
from intake.forms_public import LookupForm, PublicReportForm, ReporterMessageForm
from intake.models import Report
from intake.public import public_messages, public_reward, public_status, report_by_code_and_secret, reporter_write
from intake.submission import report_submit

SESSION_KEY = "public_report_id"


def _rate_limited(request):
    return render(request, "intake/public/rate_limited.html", {"message": ratelimit.RateLimited.message}, status=429)


def _form_errors(form, error: DomainError) -> None:
    """Service field names (reporter.phone) as the form's (reporter_phone)."""
    error.errors = {field.replace(".", "_"): msgs for field, msgs in error.errors.items()}
    add_domain_errors(form, error)


@sensitive_post_parameters()
@never_cache
@require_http_methods(["GET", "POST"])
def report_form(request):
    if request.method == "POST" and not ratelimit.submission_allowed(request):
        return _rate_limited(request)
    form = PublicReportForm(request.POST or None, request.FILES or None)
    error = None
    if request.method == "POST" and form.is_valid():
        try:
            received = report_submit(**form.submission())
        except DomainError as exc:
            error = exc
            _form_errors(form, exc)
        else:
            ratelimit.record_submission(request)
            context = {"report": received.report, "secret": received.secret}
            return render(request, "intake/public/received.html", context)
    status = 400 if form.errors else 200
    if error is not None:
        status = error.status
    return render(request, "intake/public/report_form.html", {"form": form}, status=status)


def _session_report(request) -> Report | None:
    report_id = request.session.get(SESSION_KEY)
    if report_id is None:
        return None
    report = Report.objects.select_related("lead").filter(pk=report_id).first()
    if report is None:
        request.session.pop(SESSION_KEY, None)
    return report


def _status_page(request, report: Report, message_form=None, status: int = 200):
    code, display = public_status(report)
    context = {
        "report": report,
        "status_code": code,
        "status_display": display,
        "messages_list": public_messages(report),
        "reward": public_reward(report),
        "message_form": message_form or ReporterMessageForm(),
    }
    return render(request, "intake/public/status.html", context, status=status)


@sensitive_post_parameters()
@never_cache
@require_http_methods(["GET", "POST"])
def report_status(request):
    if request.method == "GET":
        report = _session_report(request)
        if report is not None:
            return _status_page(request, report)
        return render(request, "intake/public/lookup.html", {"form": LookupForm()})
    if ratelimit.lookup_blocked(request):
        return _rate_limited(request)
    # Checked even when a field is empty or malformed, so every failure takes the same time.
    report = report_by_code_and_secret(
        receipt_code=request.POST.get("receipt_code", "")[:40], secret=request.POST.get("secret", "")[:60]
    )
    if report is None:
        ratelimit.record_failed_lookup(request)
        form = LookupForm(initial={"receipt_code": request.POST.get("receipt_code", "")[:40]})
        error = _("No report matches this receipt code and secret. Check both and try again.")
        return render(request, "intake/public/lookup.html", {"form": form, "error": error}, status=404)
    request.session.cycle_key()
    request.session[SESSION_KEY] = report.pk
    if not request.user.is_authenticated:
        request.session.set_expiry(0)  # ends when the browser closes
    return redirect("public-report-status")


@sensitive_post_parameters()
@never_cache
@require_POST
def report_message(request):
    report = _session_report(request)
    if report is None:
        return redirect("public-report-status")
    form = ReporterMessageForm(request.POST, request.FILES)
    status = 400
    if form.is_valid():
        try:
            reporter_write(report=report, body=form.cleaned_data["body"], files=form.cleaned_data["files"])
        except DomainError as error:
            status = error.status
            _form_errors(form, error)
        else:
            messages.success(request, _("Your message has been sent to the bureau."))
            return redirect("public-report-status")
    return _status_page(request, report, message_form=form, status=status)


@require_POST
def report_end(request):
    request.session.pop(SESSION_KEY, None)
    messages.info(request, _("The look-up has ended; to open the report again, enter its code and secret."))
    return redirect("public-report-status")
