"""协查 and 要情报送 pages: thin views over assists.services; records fetched only through assists.access."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from assists import forms, services
from assists.access import (
    ANSWER_ASSIST,
    COMMENT_REPORT,
    access_assist_by_id,
    access_report_by_id,
    is_receiver,
    is_sender,
    may_send_assist,
)
from assists.models import AssistRequest, MajorCaseReport
from casework.access import parse_id
from casework.errors import DomainError
from casework.webutils import add_domain_errors, paginate
from intake import attachments


@login_required
def assist_list(request):
    user = request.user
    tab = "sent" if request.GET.get("tab") == "sent" else "received"
    if tab == "sent":
        requests = AssistRequest.objects.sent_by_agency_of(user)
    else:
        requests = AssistRequest.objects.received_by_agency_of(user)
    context = {
        "tab": tab,
        "page": paginate(request, requests.with_related()),
        "may_send": may_send_assist(user),
    }
    return render(request, "assists/assist_list.html", context)


@login_required
def assist_new(request):
    if not may_send_assist(request.user):
        raise PermissionDenied
    form = forms.SendForm(request.POST or None, user=request.user)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                assist = services.assist_send(by=request.user, **form.cleaned_data)
            except DomainError as error:
                add_domain_errors(form, error)
            else:
                messages.success(request, _("The assist request has been sent."))
                return redirect("assist-detail", assist.pk)
        status = 400
    return render(request, "assists/assist_new.html", {"form": form}, status=status)


def _render_detail(request, assist: AssistRequest, *, answer_form=None, decline_form=None, status=200):
    receiver = is_receiver(request.user, assist)
    context = {
        "assist": assist,
        "is_sender": is_sender(request.user, assist),
        "may_answer": receiver and assist.is_open,
        "answer_form": answer_form or forms.AnswerForm(),
        "decline_form": decline_form or forms.DeclineForm(),
        "files": list(assist.files.all()),
    }
    return render(request, "assists/assist_detail.html", context, status=status)


@login_required
def assist_detail(request, pk):
    return _render_detail(request, access_assist_by_id(request.user, pk))


@login_required
@require_POST
def assist_answer(request, pk):
    assist = access_assist_by_id(request.user, pk, perm=ANSWER_ASSIST)
    form = forms.AnswerForm(request.POST, request.FILES)
    if form.is_valid():
        checked = []
        try:
            checked = attachments.check_uploads(form.cleaned_data["files"])
            services.assist_answer(
                request=assist, by=request.user, findings=form.cleaned_data["answer"], checked_files=checked
            )
        except DomainError as error:
            attachments.discard(checked)
            add_domain_errors(form, error)
            return _render_detail(request, assist, answer_form=form, status=error.status)
        messages.success(request, _("Your findings have been sent."))
        return redirect("assist-detail", assist.pk)
    return _render_detail(request, assist, answer_form=form, status=400)


@login_required
@require_POST
def assist_decline(request, pk):
    assist = access_assist_by_id(request.user, pk, perm=ANSWER_ASSIST)
    form = forms.DeclineForm(request.POST)
    if form.is_valid():
        try:
            services.assist_decline(request=assist, by=request.user, reason=form.cleaned_data["decline_reason"])
        except DomainError as error:
            add_domain_errors(form, error)
            return _render_detail(request, assist, decline_form=form, status=error.status)
        messages.success(request, _("The assist request has been declined."))
        return redirect("assist-detail", assist.pk)
    return _render_detail(request, assist, decline_form=form, status=400)


@login_required
def assist_file(request, pk, file_id):
    assist = access_assist_by_id(request.user, pk)
    item = assist.files.filter(pk=parse_id(file_id)).first()
    if item is None:
        raise Http404
    return attachments.download_response(sha256=item.sha256, filename=item.filename, content_type=item.content_type)


@login_required
def major_list(request):
    reports = MajorCaseReport.objects.visible_to(request.user).with_related()
    return render(request, "assists/major_list.html", {"page": paginate(request, reports)})


def _render_report(request, report: MajorCaseReport, form=None, status=200):
    context = {
        "report": report,
        "comments": list(report.comments.select_related("author", "author__agency")),
        "may_comment": request.user.has_perm(COMMENT_REPORT, report),
        "form": form or forms.CommentForm(),
    }
    return render(request, "assists/major_detail.html", context, status=status)


@login_required
def major_detail(request, pk):
    return _render_report(request, access_report_by_id(request.user, pk))


@login_required
@require_POST
def major_comment(request, pk):
    report = access_report_by_id(request.user, pk, perm=COMMENT_REPORT)
    form = forms.CommentForm(request.POST)
    if form.is_valid():
        try:
            services.major_case_comment(report=report, by=request.user, text=form.cleaned_data["text"])
        except DomainError as error:
            add_domain_errors(form, error)
            return _render_report(request, report, form, status=error.status)
        return redirect("major-case-detail", report.pk)
    return _render_report(request, report, form, status=400)
