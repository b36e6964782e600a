"""{% outcome_panel case %} on the case page and {% outcome_tasks %} in My tasks."""

from django import template
from django.db.models import F, OuterRef, Subquery
from viewflow.workflow.models import Task

from casework.models import Case, Deadline
from organisation.visibility import with_group_grant
from workflows.models import OutcomeProcess
from workflows.triage import OPEN_TASK_STATUSES

register = template.Library()


@register.inclusion_tag("workflows/outcome_panel.html", takes_context=True)
def outcome_panel(context, case):
    from workflows.outcome import HUMAN_NODES

    user = context["request"].user
    process = (
        OutcomeProcess.objects.filter(case=case).select_related("decided_by", "closed_by", "closing_report").first()
    )
    task = None
    if process is not None:
        task = (
            Task.objects.filter(process=process, status__in=OPEN_TASK_STATUSES)
            .filter(flow_task__in=HUMAN_NODES)
            .order_by("pk")
            .first()
        )
    return {
        "case": case,
        "process": process,
        "task": task,
        "step": task.flow_task.name if task else "",
        "tracks": list(case.tracks.order_by("pk")),
        "credit_points": list(case.credit_points.select_related("subject")) if process and process.credit else [],
        "may_decide": user.has_perm("casework.decide_case", case),
    }


@register.inclusion_tag("workflows/outcome_tasks.html", takes_context=True)
def outcome_tasks(context):
    """Open outcome tasks (decide, referral conclusion, closing) of cases the user decides on."""
    from workflows.outcome import HUMAN_NODES

    user = context["request"].user
    decidable = with_group_grant(Case.objects.all(), user, "decide_case").values("pk")
    # The case's soonest open deadline (e.g. the 90-day penalty decision) is the task's.
    soonest = (
        Deadline.objects.open().filter(case=OuterRef("process__outcomeprocess__case")).order_by("due").values("due")[:1]
    )
    tasks = list(
        Task.objects.filter(
            status__in=OPEN_TASK_STATUSES,
            flow_task__in=HUMAN_NODES,
            process__outcomeprocess__case__in=decidable,
        )
        .annotate(due=Subquery(soonest))
        .select_related("process__outcomeprocess__case")
        .order_by(F("due").asc(nulls_last=True), "created", "pk")
    )
    return {"tasks": tasks}
