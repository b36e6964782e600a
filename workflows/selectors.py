from django.db.models import OuterRef, Q, Subquery
from viewflow.workflow.models import Task

from casework.models import Case, Lead
from organisation.models import User
from organisation.visibility import with_group_grant
from workflows.triage import OPEN_TASK_STATUSES, TriageFlow


def triage_inbox(*, user: User):
    """Leads waiting for this user's triage decision, soonest deadline first, with their task id."""
    open_task = Task.objects.filter(
        process__triageprocess__lead=OuterRef("pk"), flow_task=TriageFlow.triage, status__in=OPEN_TASK_STATUSES
    ).values("pk")[:1]
    return (
        Lead.objects.triageable_by(user)
        .pending()
        .annotate(task_id=Subquery(open_task))
        .with_related()
        .order_by("deadline", "received_at", "id")
    )


def investigation_inbox(*, user: User) -> list[Task]:
    """Open investigation tasks for this user: findings of cases they investigate, reports they approve."""
    from workflows.investigation import InvestigationFlow
    from workflows.models import InvestigationProcess

    if not user.is_authenticated:
        return []
    changeable = with_group_grant(Case.objects.all(), user, "change_case").values("pk")
    decidable = with_group_grant(Case.objects.all(), user, "decide_case").values("pk")
    mine = InvestigationProcess.objects.filter(investigators=user, case__in=changeable).values("pk")
    return list(
        Task.objects.filter(status__in=OPEN_TASK_STATUSES)
        .filter(
            Q(flow_task=InvestigationFlow.findings, process__in=mine)
            | Q(flow_task=InvestigationFlow.report, process__investigationprocess__case__in=decidable)
        )
        .select_related("process__investigationprocess__case")
        .order_by("created", "pk")
    )


def investigation_panel(*, case: Case, user: User) -> dict:
    """What the case page shows of the investigation: process, investigators, the open task."""
    from workflows.investigation import InvestigationFlow
    from workflows.models import InvestigationProcess

    process = (
        InvestigationProcess.objects.filter(case=case)
        .select_related("report")
        .prefetch_related("investigators")
        .first()
    )
    task = None
    if process is not None:
        task = (
            Task.objects.filter(process=process, status__in=OPEN_TASK_STATUSES)
            .filter(flow_task__in=[InvestigationFlow.findings, InvestigationFlow.report])
            .order_by("pk")
            .first()
        )
    return {
        "process": process,
        "task": task,
        "findings_open": bool(task and task.flow_task == InvestigationFlow.findings),
    }
