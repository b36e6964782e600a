"""My tasks, and the triage task page."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views import View

from casework import selectors as case_selectors
from casework.errors import AlreadyDecided, DomainError
from casework.forms import TriageForm
from casework.models import Lead
from casework.services import merge_candidates, merge_lead_candidates
from casework.webutils import add_domain_errors, paginate
from workflows.access import access_triage_task_by_id, task_lead_id
from workflows.selectors import investigation_inbox, triage_inbox
from workflows.triage import OPEN_TASK_STATUSES, triage_decide


@login_required
def task_list(request):
    inbox = triage_inbox(user=request.user)
    context = {"page": paginate(request, inbox), "investigation_tasks": investigation_inbox(user=request.user)}
    return render(request, "workflows/task_list.html", context)


@method_decorator(login_required, name="dispatch")
class TriageTaskView(View):
    """Decide on a lead: 立案, 并案 or 不予立案."""

    template_name = "workflows/triage_task.html"

    def setup_task(self, request, task_id):
        self.task = access_triage_task_by_id(request.user, task_id)
        self.lead = case_selectors.lead_detail(Lead(pk=task_lead_id(self.task)), user=request.user)

    def form(self, data=None):
        return TriageForm(
            data, merge_cases=merge_candidates(lead=self.lead), merge_leads=merge_lead_candidates(lead=self.lead)
        )

    def render(self, request, form):
        done = self.task.status not in OPEN_TASK_STATUSES
        return render(request, self.template_name, {"task": self.task, "lead": self.lead, "form": form, "done": done})

    def get(self, request, task_id):
        self.setup_task(request, task_id)
        return self.render(request, self.form())

    def post(self, request, task_id):
        self.setup_task(request, task_id)
        form = self.form(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                lead = triage_decide(
                    lead=self.lead,
                    by=request.user,
                    decision=data["decision"],
                    reason=data["reason"],
                    case=data["case"],
                    target=data["target"],
                )
            except AlreadyDecided as error:
                messages.error(request, str(error.message))
                return redirect("lead-detail", pk=self.lead.pk)
            except DomainError as error:
                add_domain_errors(form, error)
            else:
                messages.success(request, _decision_message(lead))
                if lead.case_id:
                    return redirect("case-detail", pk=lead.case_id)
                return redirect("lead-detail", pk=lead.merged_into_id or lead.pk)
        return self.render(request, form)


def _decision_message(lead: Lead) -> str:
    if lead.status == Lead.Status.OPENED:
        return _("Case %(number)s opened; the case-opening form has been issued.") % {"number": lead.case.number}
    if lead.status == Lead.Status.MERGED and lead.merged_into_id:
        return _("Lead merged into lead #%(number)s.") % {"number": lead.merged_into_id}
    if lead.status == Lead.Status.MERGED:
        return _("Lead merged into case %(number)s.") % {"number": lead.case.number}
    return _("Not opened; the notice has been issued.")
