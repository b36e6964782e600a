from django.http import Http404
from viewflow.workflow.models import Task

from casework.access import access_case_by_id, access_lead_by_id, parse_id
from organisation.models import User
from workflows.triage import TriageFlow


def access_triage_task_by_id(user: User, task_id) -> Task:
    """Return a triage task whose lead the user may triage; 404 if the lead is not visible."""
    task = Task.objects.filter(pk=parse_id(task_id), flow_task=TriageFlow.triage).select_related("process").first()
    if task is None:
        raise Http404
    lead_id = task.process.triageprocess.lead_id
    access_lead_by_id(user, lead_id, perm="casework.triage_lead")
    return task


def task_lead_id(task: Task) -> int:
    return task.process.triageprocess.lead_id


def access_investigation_task_by_id(user: User, task_id) -> Task:
    """Return a task of an investigation whose case the user may see; 404 otherwise."""
    from workflows.investigation import InvestigationFlow

    task = (
        Task.objects.filter(pk=parse_id(task_id), flow_task__in=[InvestigationFlow.findings, InvestigationFlow.report])
        .select_related("process")
        .first()
    )
    if task is None:
        raise Http404
    access_case_by_id(user, task.process.investigationprocess.case_id)
    return task


def access_outcome_task_by_id(user: User, task_id) -> Task:
    """Return a human task of an outcome process whose case the user may see; 404 otherwise."""
    from workflows.outcome import HUMAN_NODES

    task = Task.objects.filter(pk=parse_id(task_id), flow_task__in=HUMAN_NODES).select_related("process").first()
    if task is None:
        raise Http404
    access_case_by_id(user, task.process.outcomeprocess.case_id)
    return task
