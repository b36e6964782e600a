"""Agreement pages: the list, the action page, the task pages with their forms, and the notice PDF."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views import View

from agreements import rules
from agreements.access import ACT, access_action_by_id, access_measure_by_id, access_task_by_id
from agreements.forms import (
    CheckForm,
    DecisionForm,
    ListFilterForm,
    MeasureForm,
    NoticeForm,
    StatementForm,
    measure_forms,
)
from agreements.models import AgreementAction, AgreementMeasure
from agreements.notice import subject_totals
from agreements.selectors import STEP_LABELS, action_detail, action_list
from agreements.services import measure_add, measure_remove
from agreements.steps import (
    agreement_check_record,
    agreement_decide,
    agreement_issue_notice,
    agreement_statement_record,
)
from casework.access import parse_id
from casework.errors import AlreadyDecided, DomainError
from casework.webutils import add_domain_errors, paginate
from documents.api import pdf_response
from documents.models import Document
from workflows.triage import OPEN_TASK_STATUSES


@login_required
def action_list_view(request):
    form = ListFilterForm(request.GET or None)
    actions = action_list(user=request.user)
    if form.is_valid():
        if form.cleaned_data["status"]:
            actions = actions.filter(status=form.cleaned_data["status"])
        if form.cleaned_data["overdue"]:
            actions = actions.filter(overdue=True)
    return render(request, "agreements/action_list.html", {"page": paginate(request, actions), "form": form})


@login_required
def action_detail_view(request, pk):
    action = access_action_by_id(request.user, pk)
    context = {"action": action, "may_act": request.user.has_perm(ACT, action), **action_detail(action)}
    return render(request, "agreements/action_detail.html", context)


@login_required
def notice_pdf(request, pk, document_id):
    """The action's notices, for whoever may read the action (the agreement managers cannot see the case)."""
    action = access_action_by_id(request.user, pk)
    document_id = parse_id(document_id)
    if document_id not in (action.notice_id, action.final_notice_id):
        raise Http404
    return pdf_response(Document.objects.get(pk=document_id))


# The operations each step's page accepts (the hidden "op" field of its forms).
STEP_OPS = {
    "draft": {"add_measure", "remove_measure", "issue"},
    "statement": {"add_measure", "remove_measure", "statement", "decide"},
    "check": {"check"},
}
DONE_MESSAGES = {
    "issue": _("The breach notice has been issued; the statement window is open."),
    "statement": _("The subject's statement has been recorded."),
    "decide": _("The decision is final."),
    "check": _("The rectification check has been recorded."),
    "add_measure": _("Measure added."),
    "remove_measure": _("Measure removed."),
}
# Operations that finish the task: afterwards the action page is shown.
FINISHING = {"issue", "decide", "check"}


@method_decorator(login_required, name="dispatch")
class AgreementTaskView(View):
    """One task of the agreement flow with its forms: drafting and the notice, the statement and the
    decision, or the rectification check."""

    template_name = "agreements/task.html"

    def setup_task(self, request, task_id):
        self.task, self.action = access_task_by_id(request.user, task_id)
        self.step = self.task.flow_task.name
        self.open = self.task.status in OPEN_TASK_STATUSES
        self.may_act = request.user.has_perm(ACT, self.action)
        self.failed_form = None

    def get(self, request, task_id):
        self.setup_task(request, task_id)
        return self.render(request)

    def post(self, request, task_id):
        self.setup_task(request, task_id)
        if not self.may_act:
            raise PermissionDenied
        op = request.POST.get("op", "")
        if op not in STEP_OPS[self.step]:
            messages.error(request, _("This step does not take that action; reload the page."))
            return redirect("agreement-task", task_id=self.task.pk)
        if not self.open:
            messages.error(request, str(AlreadyDecided.message))
            return redirect("agreement-detail", pk=self.action.pk)
        try:
            form, done = getattr(self, f"do_{op}")(request)
        except AlreadyDecided as error:
            messages.error(request, str(error.message))
            return redirect("agreement-detail", pk=self.action.pk)
        except DomainError as error:
            form, done = self.failed_form, False
            if form is None:
                messages.error(request, str(error.message))
                return redirect("agreement-task", task_id=self.task.pk)
            add_domain_errors(form, error)
        if done:
            messages.success(request, DONE_MESSAGES[op])
            if op in FINISHING:
                return redirect("agreement-detail", pk=self.action.pk)
            return redirect("agreement-task", task_id=self.task.pk)
        return self.render(request, bound={form.bound_name: form} if form is not None else {})

    # Each do_<op> returns (form, done); it keeps the bound form in self.failed_form for error display.

    def _bind(self, form_class, name, request, **kwargs):
        form = form_class(request.POST, **kwargs)
        form.bound_name = name
        self.failed_form = form
        return form

    def do_add_measure(self, request):
        kind = request.POST.get("kind", "")
        if kind not in AgreementMeasure.Kind.values:
            raise Http404
        form = self._bind(MeasureForm, f"measure_{kind}", request, kind=kind)
        if not form.is_valid():
            return form, False
        measure_add(action=self.action, by=request.user, kind=kind, **form.cleaned_data)
        return form, True

    def do_remove_measure(self, request):
        measure = access_measure_by_id(request.user, request.POST.get("measure"), action=self.action)
        measure_remove(measure=measure, by=request.user)
        return None, True

    def do_issue(self, request):
        form = self._bind(NoticeForm, "notice_form", request)
        if not form.is_valid():
            return form, False
        data = form.cleaned_data
        agreement_issue_notice(
            action=self.action, by=request.user, clauses=data["clauses"], issued_on=data["issued_on"]
        )
        return form, True

    def do_statement(self, request):
        form = self._bind(StatementForm, "statement_form", request)
        if not form.is_valid():
            return form, False
        data = form.cleaned_data
        agreement_statement_record(
            action=self.action, by=request.user, received_on=data["received_on"], text=data["text"]
        )
        return form, True

    def do_decide(self, request):
        form = self._bind(DecisionForm, "decision_form", request)
        if not form.is_valid():
            return form, False
        data = form.cleaned_data
        agreement_decide(
            action=self.action,
            by=request.user,
            decision=data["decision"],
            reason=data["reason"],
            decided_on=data["decided_on"],
        )
        return form, True

    def do_check(self, request):
        form = self._bind(CheckForm, "check_form", request)
        if not form.is_valid():
            return form, False
        data = form.cleaned_data
        agreement_check_record(
            action=self.action, by=request.user, result=data["result"], note=data["note"], checked_on=data["checked_on"]
        )
        return form, True

    def render(self, request, bound=None):
        bound = bound or {}
        action = AgreementAction.objects.with_related().get(pk=self.action.pk)
        bound_kind = next((name[len("measure_") :] for name in bound if name.startswith("measure_")), None)
        forms = measure_forms(None)
        if bound_kind:
            forms = [bound[f"measure_{bound_kind}"] if f.kind == bound_kind else f for f in forms]
        agreement_rules = rules.rules_for(action.subject.region)
        improper_amount, fund_loss = subject_totals(action)
        low, high = rules.liquidated_damages_range(agreement_rules, improper_amount)
        context = {
            "task": self.task,
            "action": action,
            "step": self.step,
            "step_label": STEP_LABELS[self.step],
            "done": not self.open,
            "may_act": self.may_act,
            "measure_forms": forms,
            "open_kind": bound_kind,
            "notice_form": bound.get("notice_form") or NoticeForm(),
            "statement_form": bound.get("statement_form") or StatementForm(),
            "decision_form": bound.get("decision_form") or DecisionForm(),
            "check_form": bound.get("check_form") or CheckForm(),
            "editable": self.open and self.may_act and self.step in ("draft", "statement"),
            "rules": agreement_rules,
            "damages_range": (low, high),
            "fund_loss": fund_loss,
            "may_record_amounts": request.user.agency_id == action.agency_id
            and request.user.has_perm("ledgers.add_obligation"),
            **action_detail(action),
        }
        return render(request, self.template_name, context)
