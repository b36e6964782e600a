"""Penalty pages: the list, the detail page, one task page per human task, the deadline extension."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.decorators.http import require_GET, require_http_methods

from casework.access import access_case_by_id
from casework.errors import AlreadyDecided, DomainError
from casework.webutils import add_domain_errors, paginate
from organisation.models import User
from penalties import conf, execution, extension, forms, selectors, services
from penalties.access import access_penalty_by_id, access_penalty_task_by_id
from penalties.models import DecisionExtension, Penalty
from penalties.terms import subject_fund_loss
from workflows.triage import OPEN_TASK_STATUSES

# The permission on the penalty each task needs (the decision also needs discuss_penalty after a 集体讨论).
NODE_PERM = {name: f"penalties.{codename}" for codename, names in selectors.NODE_PERMS.items() for name in names}
SUCCESS = {
    "notice": gettext_lazy("The prior notice has been issued; the statement window is open."),
    "statement": gettext_lazy("The statement has been recorded."),
    "schedule_hearing": gettext_lazy("The hearing notice has been issued."),
    "hold_hearing": gettext_lazy("The hearing record has been issued."),
    "legal_review": gettext_lazy("The legal review opinion has been issued."),
    "revise": gettext_lazy("The revised penalty goes back to the legal review."),
    "discussion": gettext_lazy("The collective discussion record has been issued."),
    "decide": gettext_lazy("The penalty decision has been issued."),
    "serve": gettext_lazy("The service has been recorded."),
    "summary_decide": gettext_lazy("The on-the-spot decision has been issued."),
}


@login_required
@require_GET
def penalty_list(request):
    penalties = selectors.penalty_list(user=request.user)
    status = request.GET.get("status", "")
    if status in Penalty.Status.values:
        penalties = penalties.filter(status=status)
    if request.GET.get("overdue") == "true":
        penalties = penalties.overdue()
    context = {"page": paginate(request, penalties), "statuses": Penalty.Status.choices, "status": status}
    return render(request, "penalties/list.html", context)


def detail_context(penalty: Penalty, user: User) -> dict:
    penalty = selectors.penalty_detail(penalty)
    hearing = selectors.penalty_hearing(penalty)
    decision_extension = DecisionExtension.objects.filter(case_id=penalty.case_id).select_related("document").first()
    task = services.pending_task(penalty)
    return {
        "penalty": penalty,
        "case": penalty.case,
        "hearing": hearing,
        "steps": penalty.steps.all(),
        "deadlines": selectors.penalty_deadlines(penalty).order_by("due"),
        "documents": selectors.penalty_documents(penalty, hearing=hearing, extension=decision_extension),
        "obligations": execution.obligations(penalty),
        "task": task,
        "task_label": selectors.NODE_LABELS.get(task.flow_task.name, "") if task else "",
        "extension": decision_extension,
        "may_extend": extension.may_extend(case=penalty.case, user=user) and decision_extension is None,
        "measures": forms_measures(penalty),
    }


def forms_measures(penalty: Penalty) -> list[str]:
    from penalties.paperwork import measures
    from penalties.terms import Terms

    return measures(Terms.of(penalty)) if penalty.article else []


@login_required
@require_GET
def penalty_detail(request, pk):
    penalty = access_penalty_by_id(request.user, pk)
    return render(request, "penalties/detail.html", detail_context(penalty, request.user))


@login_required
@require_http_methods(["GET", "POST"])
def decision_extension(request, pk):
    """The agency head extends the case's 90-day decision deadline (延长办案期限审批表)."""
    case = access_case_by_id(request.user, pk)
    if not extension.may_extend(case=case, user=request.user):
        raise PermissionDenied
    deadline = extension.decision_deadline(case)
    form = forms.ExtensionForm(request.POST or None, initial={"days": conf.extension_days()})
    if request.method == "POST" and form.is_valid():
        try:
            extension.decision_extension_approve(
                case=case, by=request.user, reason=form.cleaned_data["reason"], days=form.cleaned_data["days"]
            )
        except DomainError as error:
            add_domain_errors(form, error)
        else:
            messages.success(request, _("The decision deadline has been extended."))
            return redirect("case-detail", pk=case.pk)
    context = {"case": case, "form": form, "deadline": deadline, "limit": conf.extension_days()}
    return render(request, "penalties/extension.html", context)


@method_decorator(login_required, name="dispatch")
class PenaltyTaskView(View):
    """One page per human task of the penalty flow; execution has several actions."""

    template_name = "penalties/task.html"

    def setup_task(self, request, task_id):
        self.task, self.penalty = access_penalty_task_by_id(request.user, task_id)
        self.node = self.task.flow_task.name
        self.done = self.task.status not in OPEN_TASK_STATUSES

    def may_act(self, user) -> bool:
        if self.node == "execution" and user.has_perm("ledgers.add_payment"):
            return user.has_perm("penalties.view_penalty", self.penalty)
        allowed = user.has_perm(NODE_PERM[self.node], self.penalty)
        if allowed and self.node == "decide" and self.penalty.discussion_required:
            allowed = user.has_perm("penalties.discuss_penalty", self.penalty)
        return allowed

    # Forms ------------------------------------------------------------------------------------

    def form(self, data=None):
        penalty, node = self.penalty, self.node
        if node == "notice":
            fund_loss = subject_fund_loss(case=penalty.case, subject=penalty.subject)
            return forms.NoticeForm(data, fund_loss=fund_loss)
        if node == "statement":
            return forms.StatementForm(data)
        if node == "schedule_hearing":
            chairs = User.objects.filter(agency_id=penalty.agency_id, is_active=True).order_by(
                "last_name", "first_name"
            )
            return forms.HearingScheduleForm(data, chairs=chairs)
        if node == "hold_hearing":
            return forms.HearingHoldForm(data)
        if node == "legal_review":
            return forms.LegalReviewForm(data)
        if node == "revise":
            return forms.RevisionForm(data, initial=forms.TermsFields.initial_of(penalty))
        if node == "discussion":
            return forms.DiscussionForm(data)
        if node == "decide":
            return forms.DecisionForm(data, initial=forms.TermsFields.initial_of(penalty))
        if node == "serve":
            return forms.ServiceForm(data, initial={"recipient": penalty.subject.name})
        if node == "summary_decide":
            return forms.SummaryDecisionForm(data)
        return None

    def execution_forms(self, data=None, action=None):
        ledgers = [
            (row.ledger, row.get_ledger_display()) for row in execution.obligations(self.penalty) if row.balance > 0
        ]
        return {
            "payment": forms.PaymentForm(data if action == "payment" else None, ledgers=ledgers),
            "reminder": forms.ReminderForm(data if action == "reminder" else None),
            "enforcement": forms.EnforcementForm(data if action == "enforcement" else None),
        }

    def submit(self, form, user):
        data, penalty, node = form.cleaned_data, self.penalty, self.node
        if node == "notice":
            services.penalty_notice_issue(
                penalty=penalty,
                by=user,
                terms=form.terms(data["article"]),
                facts=data["facts"],
                grounds=data["grounds"],
                complex_case=data["complex_case"],
                served_on=data["served_on"],
                method=data["method"],
            )
        elif node == "statement":
            services.penalty_statement_record(
                penalty=penalty,
                by=user,
                kind=data["kind"],
                statement=data["statement"],
                received_on=data["received_on"],
                hearing_requested=data["hearing_requested"],
            )
        elif node == "schedule_hearing":
            services.penalty_hearing_schedule(penalty=penalty, by=user, **data)
        elif node == "hold_hearing":
            services.penalty_hearing_hold(penalty=penalty, by=user, **data)
        elif node == "legal_review":
            services.penalty_legal_review(penalty=penalty, by=user, passed=data["passed"], opinion=data["opinion"])
        elif node == "revise":
            services.penalty_revise(penalty=penalty, by=user, terms=form.terms(penalty.article), note=data["note"])
        elif node == "discussion":
            services.penalty_discuss(penalty=penalty, by=user, **data)
        elif node == "decide":
            services.penalty_decide(
                penalty=penalty, by=user, terms=form.terms(penalty.article), decided_on=data["decided_on"]
            )
        elif node == "serve":
            services.penalty_serve(penalty=penalty, by=user, **data)
        elif node == "summary_decide":
            services.penalty_summary_decide(
                penalty=penalty,
                by=user,
                terms=form.terms(),
                facts=data["facts"],
                place=data["place"],
                statement=data["statement"],
                decided_on=data["decided_on"],
            )

    def submit_execution(self, action, form, user):
        penalty = self.penalty
        if action == "payment":
            execution.penalty_payment_record(penalty=penalty, by=user, **form.cleaned_data)
            return _("The payment has been recorded.")
        if action == "reminder":
            execution.penalty_reminder_issue(penalty=penalty, by=user, reminded_on=form.cleaned_data["reminded_on"])
            return _("The payment reminder has been issued.")
        execution.penalty_enforcement_apply(penalty=penalty, by=user, **form.cleaned_data)
        return _("The application for court enforcement has been issued.")

    # Pages ------------------------------------------------------------------------------------

    def render(self, request, form=None, execution_forms=None, status=200):
        context = detail_context(self.penalty, request.user)
        context.update(
            {
                "task": self.task,
                "node": self.node,
                "task_label": selectors.NODE_LABELS[self.node],
                "done": self.done,
                "may_act": self.may_act(request.user),
                "form": form,
                "execution_forms": execution_forms,
                "is_finance": request.user.has_perm("ledgers.add_payment"),
                "may_decide": request.user.has_perm("penalties.decide_penalty", self.penalty),
            }
        )
        return render(request, self.template_name, context, status=status)

    def get(self, request, task_id):
        self.setup_task(request, task_id)
        if self.node == "execution":
            return self.render(request, execution_forms=self.execution_forms())
        return self.render(request, form=self.form())

    def post(self, request, task_id):
        self.setup_task(request, task_id)
        if not self.may_act(request.user):
            raise PermissionDenied
        if self.node == "execution":
            return self.post_execution(request)
        form = self.form(request.POST)
        if form.is_valid():
            try:
                self.submit(form, request.user)
            except AlreadyDecided as error:
                messages.error(request, str(error.message))
                return redirect("penalty-detail", pk=self.penalty.pk)
            except DomainError as error:
                add_domain_errors(form, error)
            else:
                messages.success(request, SUCCESS[self.node])
                return redirect("penalty-detail", pk=self.penalty.pk)
        return self.render(request, form=form)

    def post_execution(self, request):
        action = request.POST.get("action", "")
        if action == "check":
            try:
                execution.penalty_execution_check(penalty=self.penalty, by=request.user)
            except DomainError as error:
                messages.error(request, str(error.message))
            return redirect("penalty-detail", pk=self.penalty.pk)
        if action not in ("payment", "reminder", "enforcement"):
            return self.render(request, execution_forms=self.execution_forms(), status=400)
        if action in ("reminder", "enforcement") and not request.user.has_perm(
            "penalties.decide_penalty", self.penalty
        ):
            raise PermissionDenied
        execution_forms = self.execution_forms(request.POST, action)
        form = execution_forms[action]
        if form.is_valid():
            try:
                message = self.submit_execution(action, form, request.user)
            except AlreadyDecided as error:
                messages.error(request, str(error.message))
                return redirect("penalty-detail", pk=self.penalty.pk)
            except DomainError as error:
                add_domain_errors(form, error)
            else:
                messages.success(request, message)
                return redirect("penalty-detail", pk=self.penalty.pk)
        return self.render(request, execution_forms=execution_forms)
