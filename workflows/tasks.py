"""Finishing a human task from a service, as the user who acts — one way for every flow.

Services drive flows without a request (viewflow-notes.md): the task is assigned to (or taken over
by) the acting user, started and executed under the flow's process lock, and a task already done —
or a lock lost to a concurrent completer — reads as AlreadyDecided.
"""

from django.http import HttpRequest
from viewflow.fsm import TransitionNotAllowed
from viewflow.workflow.exceptions import FlowLockFailed
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from casework.errors import AlreadyDecided
from organisation.models import User

OPEN_TASK_STATUSES = (STATUS.NEW, STATUS.ASSIGNED, STATUS.STARTED)


def complete_task(task: Task, by: User, act) -> None:
    """Run act(process) and finish the human task as `by`, under the flow's process lock."""
    try:
        with task.activation() as activation:
            if activation.task.status not in OPEN_TASK_STATUSES:
                raise AlreadyDecided()
            act(activation.process)
            if activation.task.status == STATUS.NEW:
                activation.assign(by)
            elif activation.task.owner_id != by.pk:
                activation.reassign(by)
            if activation.task.status == STATUS.ASSIGNED:
                activation.start(_no_request(by))
            activation.execute()
    except (TransitionNotAllowed, FlowLockFailed) as exc:
        raise AlreadyDecided() from exc


def _no_request(user: User) -> HttpRequest:
    request = HttpRequest()
    request.user = user
    return request
