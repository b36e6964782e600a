"""The triage flow (BPMN): lead registered → triage by a section head → dismiss | merge | open case.

The flow only routes; each node calls a service in casework.services, which holds the rules.
"""

import datetime

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest
from viewflow import this
from viewflow.fsm import TransitionNotAllowed
from viewflow.workflow import flow
from viewflow.workflow.exceptions import FlowLockFailed
from viewflow.workflow.lock import SelectForUpdateLock
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from casework import services
from casework.errors import AlreadyDecided, InvalidInput
from casework.models import Case, Lead
from intake.services import reports_lead_decided
from organisation.models import User
from workflows.models import TriageProcess

OPEN_TASK_STATUSES = (STATUS.NEW, STATUS.ASSIGNED, STATUS.STARTED)


def _triage_view(request, *args, **kwargs):
    """The task page lives at /tasks/<id>/ (workflows.views.TriageTaskView); viewflow's own URLs are unused."""
    from workflows.views import TriageTaskView

    return TriageTaskView.as_view()(request, *args, **kwargs)


class TriageFlow(flow.Flow):
    """线索研判"""

    process_class = TriageProcess
    # Row lock on the process: two heads completing one task are serialised; the second finds it done.
    lock_impl = SelectForUpdateLock(nowait=False)

    start = flow.StartHandle(this.register_lead).Next(this.triage)
    triage = (
        flow.View(_triage_view).Permission("casework.triage_lead", obj=lambda process: process.lead).Next(this.route)
    )
    route = (
        flow.Switch()
        .Case(this.dismiss, lambda activation: activation.process.decision == TriageProcess.Decision.DISMISS)
        .Case(this.merge, lambda activation: activation.process.decision == TriageProcess.Decision.MERGE)
        .Case(this.open_case, lambda activation: activation.process.decision == TriageProcess.Decision.OPEN)
    )
    dismiss = flow.Function(this.dismiss_lead).Next(this.end)
    merge = flow.Function(this.merge_into_target).Next(this.end)
    open_case = flow.Function(this.open_case_from_lead).Next(this.end)
    end = flow.End()

    def register_lead(self, activation, lead: Lead | None = None, **fields):
        """Register a lead from fields, or queue one already registered in bulk (screening hits)."""
        lead = lead or services.lead_register(**fields)
        activation.process.lead = lead
        return lead

    def dismiss_lead(self, activation):
        process = activation.process
        services.lead_dismiss(
            lead=process.lead, by=process.decided_by, reason=process.decision_reason, at=process.decided_at
        )
        reports_lead_decided(lead=process.lead)

    def merge_into_target(self, activation):
        process = activation.process
        if process.merge_lead_id:
            services.lead_merge_into_lead(
                lead=process.lead, target=process.merge_lead, by=process.decided_by, at=process.decided_at
            )
        else:
            services.lead_merge(
                lead=process.lead, case=process.merge_case, by=process.decided_by, at=process.decided_at
            )
            reports_lead_decided(lead=process.lead)

    def open_case_from_lead(self, activation):
        process = activation.process
        services.lead_open_case(lead=process.lead, by=process.decided_by, at=process.decided_at)
        reports_lead_decided(lead=process.lead)


def triage_start(**fields) -> Lead:
    """Register a lead and put it in its agency's triage queue."""
    with transaction.atomic():
        return TriageFlow.start.run(**fields)


def triage_queue(leads: list[Lead]) -> None:
    """Put leads registered in bulk into their agency's triage queue (call inside their transaction)."""
    for lead in leads:
        TriageFlow.start.run(lead=lead)


def pending_triage_task(lead: Lead) -> Task | None:
    return (
        Task.objects.filter(
            process__triageprocess__lead=lead, flow_task=TriageFlow.triage, status__in=OPEN_TASK_STATUSES
        )
        .order_by("pk")
        .first()
    )


def check_decision(
    *,
    lead: Lead,
    decision: str,
    reason: str = "",
    case: Case | None = None,
    target: Lead | None = None,
    at: datetime.datetime | None = None,
) -> None:
    """Validate a triage decision before any state changes."""
    if decision not in TriageProcess.Decision.values:
        raise InvalidInput(errors={"decision": ["dismiss / merge / open"]})
    services.check_decision_time(lead=lead, at=at)
    if decision == TriageProcess.Decision.DISMISS:
        services.check_dismissal(reason=reason)
    elif decision == TriageProcess.Decision.MERGE:
        services.check_merge_target(lead=lead, case=case, target=target)


def triage_decide(
    *,
    lead: Lead,
    by: User,
    decision: str,
    reason: str = "",
    case: Case | None = None,
    target: Lead | None = None,
    at: datetime.datetime | None = None,
) -> Lead:
    """Complete the lead's triage task with a decision; the flow then runs the matching service.

    `at` records a decision taken earlier on paper. Takes the flow's process lock; a second
    decider gets AlreadyDecided, and nothing is written when any step fails.
    """
    if not by.has_perm("casework.triage_lead", lead):
        raise PermissionDenied
    check_decision(lead=lead, decision=decision, reason=reason, case=case, target=target, at=at)
    task = pending_triage_task(lead)
    if task is None:
        raise AlreadyDecided()
    try:
        with task.activation() as activation:
            if activation.task.status not in OPEN_TASK_STATUSES:
                raise AlreadyDecided()
            process = activation.process
            process.decision, process.decision_reason = decision, reason.strip()
            process.merge_case, process.merge_lead, process.decided_by, process.decided_at = case, target, by, at
            process.save(
                update_fields=["decision", "decision_reason", "merge_case", "merge_lead", "decided_by", "decided_at"]
            )
            if activation.task.status == STATUS.NEW:
                activation.assign(by)
            elif activation.task.owner_id != by.pk:
                activation.reassign(by)
            if activation.task.status == STATUS.ASSIGNED:
                activation.start(_no_request(by))
            activation.execute()
    except (TransitionNotAllowed, FlowLockFailed) as exc:
        raise AlreadyDecided() from exc
    lead.refresh_from_db()
    return lead


def _no_request(user: User) -> HttpRequest:
    request = HttpRequest()
    request.user = user
    return request
