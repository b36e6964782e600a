"""The only way views fetch agreement actions: invisible → 404, visible but not allowed → 403."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from viewflow.workflow.models import Task

from agreements.models import AgreementAction, AgreementMeasure
from casework.access import parse_id
from organisation.models import User

VIEW = "agreements.view_agreementaction"
ACT = "agreements.change_agreementaction"


def access_action_by_id(user: User, action_id, *, perm: str = VIEW) -> AgreementAction:
    """Return the action if the user may see it and holds perm on it."""
    action = AgreementAction.objects.visible_to(user).with_related().filter(pk=parse_id(action_id)).first()
    if action is None:
        raise Http404
    if perm != VIEW and not user.has_perm(perm, action):
        raise PermissionDenied
    return action


def access_task_by_id(user: User, task_id) -> tuple[Task, AgreementAction]:
    """A task of the agreement flow whose action the user may see; 404 otherwise."""
    from workflows.agreement import TASK_NODES

    task = (
        Task.objects.filter(pk=parse_id(task_id), flow_task__in=TASK_NODES)
        .select_related("process__agreementprocess")
        .first()
    )
    if task is None:
        raise Http404
    return task, access_action_by_id(user, task.process.agreementprocess.action_id)


def access_measure_by_id(user: User, measure_id, *, action: AgreementAction) -> AgreementMeasure:
    measure = AgreementMeasure.objects.filter(pk=parse_id(measure_id), action=action).first()
    if measure is None:
        raise Http404
    measure.action = action
    return measure
