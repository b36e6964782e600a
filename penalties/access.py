"""The only way views fetch penalties and their tasks: invisible → 404, visible but not allowed → 403."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from viewflow.workflow.models import Task

from casework.access import parse_id
from organisation.models import User
from penalties.models import Penalty

VIEW = "penalties.view_penalty"


def access_penalty_by_id(user: User, penalty_id, *, perm: str = VIEW) -> Penalty:
    """Return the penalty if the user may see it and holds perm on it."""
    penalty = (
        Penalty.objects.visible_to(user)
        .filter(pk=parse_id(penalty_id))
        .select_related("case__agency__region", "subject", "agency")
        .first()
    )
    if penalty is None:
        raise Http404
    if perm != VIEW and not user.has_perm(perm, penalty):
        raise PermissionDenied
    return penalty


def access_penalty_task_by_id(user: User, task_id) -> tuple[Task, Penalty]:
    """Return a task of a penalty flow and its penalty, if the user may see the penalty; 404 otherwise."""
    from workflows.penalty import HUMAN_NODES

    task = (
        Task.objects.filter(pk=parse_id(task_id), flow_task__in=HUMAN_NODES)
        .select_related("process__penaltyprocess")
        .first()
    )
    if task is None:
        raise Http404
    return task, access_penalty_by_id(user, task.process.penaltyprocess.penalty_id)
