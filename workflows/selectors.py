from django.db.models import OuterRef, Subquery
from viewflow.workflow.models import Task

from casework.models import Lead
from organisation.models import User
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
