"""The outcome flow's task pages: decide the tracks, close the case."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views import View

from casework.errors import AlreadyDecided, DomainError
from casework.findings import case_totals
from casework.webutils import add_domain_errors
from workflows.access import access_outcome_task_by_id
from workflows.forms_outcome import CloseCaseForm, OutcomeDecisionForm
from workflows.outcome import case_close, outcome_decide, referral_agencies
from workflows.triage import OPEN_TASK_STATUSES


@method_decorator(login_required, name="dispatch")
class OutcomeTaskView(View):
    template_name = "workflows/outcome_task.html"

    def setup_task(self, request, task_id):
        self.task = access_outcome_task_by_id(request.user, task_id)
        self.process = self.task.process.outcomeprocess
        self.case = self.process.case
        self.step = self.task.flow_task.name

    def form(self, data=None):
        if self.step == "decide":
            return OutcomeDecisionForm(data, case=self.case, referral_agencies=referral_agencies(self.case))
        return CloseCaseForm(data)

    def render(self, request, form):
        context = {
            "task": self.task,
            "process": self.process,
            "case": self.case,
            "step": self.step,
            "violations": self.case.violations.select_related("subject", "item"),
            "totals": case_totals(self.case),
            "tracks": self.case.tracks.all(),
            "done": self.task.status not in OPEN_TASK_STATUSES,
            "may_act": request.user.has_perm("casework.decide_case", self.case),
            "form": form,
        }
        return render(request, self.template_name, context)

    def get(self, request, task_id):
        self.setup_task(request, task_id)
        return self.render(request, self.form())

    def post(self, request, task_id):
        self.setup_task(request, task_id)
        if not request.user.has_perm("casework.decide_case", self.case):
            raise PermissionDenied
        form = self.form(request.POST)
        if not form.is_valid():
            return self.render(request, form)
        try:
            message = self.act(request.user, form)
        except AlreadyDecided as error:
            messages.error(request, str(error.message))
        except DomainError as error:
            add_domain_errors(form, error)
            return self.render(request, form)
        else:
            messages.success(request, message)
        return redirect("case-detail", pk=self.case.pk)

    def act(self, user, form) -> str:
        data = form.cleaned_data
        if self.step == "decide":
            process = outcome_decide(case=self.case, by=user, choice=form.choice())
            if process.has_tracks:
                return _("Decision recorded; the chosen tracks have started.")
            return _("Decision recorded; the case awaits closing.")
        case_close(case=self.case, by=user, summary=data["summary"])
        return _("The case is closed; the closing report has been issued.")
