"""Investigation pages: assignment, findings (violations), and the two task pages."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.http import require_POST

from casework import findings
from casework.access import access_case_by_id, parse_id
from casework.errors import AlreadyDecided, DomainError
from casework.models import Violation
from casework.webutils import add_domain_errors
from workflows.access import access_investigation_task_by_id
from workflows.forms import AssignForm, CloseForm, FindingsDoneForm, ViolationForm
from workflows.investigation import (
    InvestigationFlow,
    assignable_officers,
    investigation_assign,
    investigation_close,
    investigation_findings_done,
    may_record_findings,
)
from workflows.triage import OPEN_TASK_STATUSES

CHANGE_CASE, DECIDE_CASE = "casework.change_case", "casework.decide_case"


def _flash_errors(request, error: DomainError, form=None) -> None:
    labels = {name: field.label for name, field in form.fields.items()} if form is not None else {}
    if not error.errors:
        messages.error(request, str(error.message))
    for name, field_messages in error.errors.items():
        for message in field_messages:
            label = labels.get(name)
            messages.error(request, f"{label}：{message}" if label else str(message))


@login_required
@require_POST
def assign(request, pk):
    case = access_case_by_id(request.user, pk, perm=DECIDE_CASE)
    form = AssignForm(request.POST, officers=assignable_officers(agency_id=case.agency_id))
    if not form.is_valid():
        messages.error(request, _("Choose the investigators among the officers listed."))
        return redirect("case-detail", pk=case.pk)
    try:
        investigation_assign(case=case, by=request.user, investigators=list(form.cleaned_data["investigators"]))
    except DomainError as error:
        _flash_errors(request, error)
    else:
        messages.success(request, _("Investigators assigned; the case is now under investigation."))
    return redirect("case-detail", pk=case.pk)


@login_required
@require_POST
def violation_add(request, pk):
    case = access_case_by_id(request.user, pk, perm=CHANGE_CASE)
    form = ViolationForm(request.POST, subjects=case.subjects.all())
    if not form.is_valid():
        for name, errors in form.errors.items():
            label = form.fields[name].label if name in form.fields else ""
            for message in errors:
                messages.error(request, f"{label}：{message}" if label else message)
        return redirect("case-detail", pk=case.pk)
    data = form.cleaned_data
    try:
        findings.violation_add(
            case=case,
            by=request.user,
            subject=data["subject"],
            item=data["item"],
            period_from=data["period_from"],
            period_to=data["period_to"],
            amount=data["amount"],
            fund_loss=data["fund_loss"],
            patient_money=data["patient_money"] or 0,
            description=data["description"],
        )
    except DomainError as error:
        _flash_errors(request, error, form)
    else:
        messages.success(request, _("Violation recorded."))
    return redirect("case-detail", pk=case.pk)


@login_required
@require_POST
def violation_remove(request, pk):
    violation = Violation.objects.filter(pk=parse_id(pk)).only("pk", "case_id").first()
    if violation is None:
        raise Http404
    case = access_case_by_id(request.user, violation.case_id, perm=CHANGE_CASE)
    violation.case = case
    try:
        findings.violation_remove(violation=violation, by=request.user)
    except DomainError as error:
        _flash_errors(request, error)
    else:
        messages.success(request, _("Violation removed; the audit log keeps it."))
    return redirect("case-detail", pk=case.pk)


@method_decorator(login_required, name="dispatch")
class InvestigationTaskView(View):
    """Submit the findings (investigators) or approve the 调查终结报告 (section head)."""

    template_name = "workflows/investigation_task.html"

    def setup_task(self, request, task_id):
        self.task = access_investigation_task_by_id(request.user, task_id)
        self.process = self.task.process.investigationprocess
        self.case = self.process.case
        self.is_findings = self.task.flow_task == InvestigationFlow.findings

    def may_act(self, user) -> bool:
        if self.is_findings:
            return may_record_findings(process=self.process, user=user)
        return user.has_perm(DECIDE_CASE, self.case)

    def form(self, data=None):
        return FindingsDoneForm(data) if self.is_findings else CloseForm(data)

    def render(self, request, form):
        context = {
            "task": self.task,
            "process": self.process,
            "case": self.case,
            "investigators": self.process.investigators.all(),
            "violations": self.case.violations.select_related("subject", "item"),
            "totals": findings.case_totals(self.case),
            "evidence_count": self.case.evidence.count(),
            "is_findings": self.is_findings,
            "done": self.task.status not in OPEN_TASK_STATUSES,
            "may_act": self.may_act(request.user),
            "form": form,
        }
        return render(request, self.template_name, context)

    def get(self, request, task_id):
        self.setup_task(request, task_id)
        return self.render(request, self.form())

    def post(self, request, task_id):
        self.setup_task(request, task_id)
        if not self.may_act(request.user):
            raise PermissionDenied
        form = self.form(request.POST)
        if form.is_valid():
            try:
                if self.is_findings:
                    investigation_findings_done(case=self.case, by=request.user, summary=form.cleaned_data["summary"])
                    messages.success(request, _("Findings submitted; the investigation report awaits approval."))
                else:
                    investigation_close(case=self.case, by=request.user, conclusion=form.cleaned_data["conclusion"])
                    messages.success(request, _("The investigation report has been issued."))
            except AlreadyDecided as error:
                messages.error(request, str(error.message))
            except DomainError as error:
                add_domain_errors(form, error)
                return self.render(request, form)
            return redirect("case-detail", pk=self.case.pk)
        return self.render(request, form)
