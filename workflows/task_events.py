"""Live "task.assigned" events (shared/api.md "Live updates") for the human tasks of every flow.

A View node declared `.Permission("app.codename", obj=callable)` has viewflow store that permission and
its object on each task it creates (ViewActivation.create: `owner_permission`,
`owner_permission_content_type`, `owner_permission_obj_pk`). Object permissions go to role groups only
(organisation.services.grant_owner_access), so the users who may act on a new task are the active
members of the groups holding that permission on that object — read in one query. A task with an
owner (assigned to someone) goes to the owner alone. Nodes whose task is meant for fewer users than the
permission allows register an audience (the investigation's findings: its assigned investigators).

Nothing is read or sent while the transaction runs: a post_save receiver only notes the task, and after
commit one query finds the recipients — only if the task is still waiting as it was (a task created
and completed in one transaction, or a rolled-back one, announces nothing) — and one more reads the
object that names the task. A flow needs no code here: its task page is the URL named
`<process model name without "process">-task` (TriageProcess → triage-task).
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Exists, ForeignKey, OuterRef, Q
from django.db.models.signals import post_save
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from guardian.utils import get_group_obj_perms_model
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from organisation.models import User

logger = logging.getLogger(__name__)
EVENT_TYPE = "task.assigned"


@dataclass(frozen=True)
class TaskSnapshot:
    """What a saved task says about its audience: enough to find the recipients after commit."""

    task_id: int
    process_id: int
    node: object
    permission: str
    content_type_id: int | None
    object_pk: str | None
    owner_id: int | None

    @classmethod
    def of(cls, task: Task) -> "TaskSnapshot":
        return cls(
            task_id=task.pk,
            process_id=task.process_id,
            node=task.flow_task,
            permission=task.owner_permission or "",
            content_type_id=task.owner_permission_content_type_id,
            object_pk=task.owner_permission_obj_pk,
            owner_id=task.owner_id,
        )


# Narrower audiences: node → fn(snapshot) -> Q on User, ANDed with the permission holders.
_audiences: dict[object, Callable[[TaskSnapshot], Q]] = {}


def register_audience(node, audience: Callable[[TaskSnapshot], Q]) -> None:
    """Announce node's tasks only to the permission holders that audience(snapshot) also matches."""
    _audiences[node] = audience


def _assigned_investigators(snapshot: TaskSnapshot) -> Q:
    # workflows.selectors.investigation_inbox: the findings task is listed for the assigned investigators.
    return Q(investigations=snapshot.process_id)


@cache
def _builtin_audiences() -> dict:
    from workflows.investigation import InvestigationFlow

    return {InvestigationFlow.findings: _assigned_investigators}


def _audience(node) -> Callable[[TaskSnapshot], Q] | None:
    return _audiences.get(node) or _builtin_audiences().get(node)


def recipients(snapshot: TaskSnapshot) -> list[int]:
    """Ids of the active users who may act on the task, if it still waits as the snapshot saw it; one query."""
    users = User.objects.filter(is_active=True)
    task = Task.objects.filter(pk=snapshot.task_id)
    if snapshot.owner_id is not None:
        waiting = task.filter(status=STATUS.ASSIGNED, owner_id=snapshot.owner_id)
        return list(users.filter(Exists(waiting), pk=snapshot.owner_id).values_list("pk", flat=True))
    if "." not in snapshot.permission:
        return []  # open to anyone: nobody in particular is told
    users = users.filter(Exists(task.filter(status=STATUS.NEW, owner__isnull=True)))
    app_label, codename = snapshot.permission.split(".", 1)
    groups = _groups_holding(app_label, codename, snapshot.content_type_id, snapshot.object_pk)
    memberships = User.groups.through.objects.filter(user_id=OuterRef("pk"), group_id__in=groups)
    users = users.filter(Exists(memberships))
    audience = _audience(snapshot.node)
    if audience is not None:
        users = users.filter(audience(snapshot))
    return list(users.order_by("pk").values_list("pk", flat=True))


def _groups_holding(app_label: str, codename: str, content_type_id: int | None, object_pk: str | None):
    """Group ids holding the permission on the object (guardian's direct or generic table), or model-wide."""
    if content_type_id is None or object_pk is None:
        return Group.permissions.through.objects.filter(
            permission__codename=codename, permission__content_type__app_label=app_label
        ).values("group_id")
    model = ContentType.objects.get_for_id(content_type_id).model_class()
    grants = get_group_obj_perms_model(model).objects.filter(
        permission__codename=codename, permission__content_type_id=content_type_id
    )
    if isinstance(grants.model._meta.get_field("content_object"), ForeignKey):
        grants = grants.filter(content_object_id=object_pk)
    else:
        grants = grants.filter(content_type_id=content_type_id, object_pk=str(object_pk))
    return grants.values("group_id")


# Titles ---------------------------------------------------------------------------------------


@cache
def _step_labels() -> dict:
    """What each known human task is called in My tasks (the same msgids as the inbox sections)."""
    from agreements.selectors import STEP_LABELS
    from penalties.selectors import NODE_LABELS
    from workflows.agreement import AgreementFlow
    from workflows.investigation import InvestigationFlow
    from workflows.outcome import OutcomeFlow
    from workflows.penalty import PenaltyFlow
    from workflows.triage import TriageFlow

    labels = {
        TriageFlow.triage: gettext_lazy("Triage"),
        InvestigationFlow.findings: gettext_lazy("Collect evidence and record findings"),
        InvestigationFlow.report: gettext_lazy("Approve the investigation report"),
        OutcomeFlow.decide: gettext_lazy("Decide the outcome"),
        OutcomeFlow.close: gettext_lazy("Close the case"),
    }
    labels.update({getattr(PenaltyFlow, name): label for name, label in NODE_LABELS.items()})
    labels.update({getattr(AgreementFlow, name): label for name, label in STEP_LABELS.items()})
    return labels


def step_label(node) -> str:
    """The node's own title when the flow gave one (.Annotation(title=...)), else the inbox's, else the flow's."""
    default_title = node.name.replace("_", " ").title()
    if node.task_title and str(node.task_title) != default_title:
        return str(node.task_title)
    label = _step_labels().get(node)
    return str(label) if label is not None else str(node.flow_class.process_title)


def _permission_object(snapshot: TaskSnapshot):
    """The object the task's permission is on (lead, case, penalty, action, referral), with what names it."""
    if snapshot.content_type_id is None or snapshot.object_pk is None:
        return None
    model = ContentType.objects.get_for_id(snapshot.content_type_id).model_class()
    related = [f.name for f in model._meta.concrete_fields if f.many_to_one and f.name in ("case", "subject", "letter")]
    return model._default_manager.select_related(*related).filter(pk=snapshot.object_pk).first()


def task_title(node, obj=None) -> str:
    """E.g. "Decide the outcome: 连医保立〔2026〕3号" — the step, and the lead, case or action it is about."""
    label = step_label(node)
    if obj is None:
        return label
    return _("%(step)s: %(object)s") % {"step": label, "object": obj}


def task_url(task) -> str:
    """The task's page: each flow's own task view, named `<process model name without "process">-task`."""
    node = task.flow_task
    name = node.flow_class.process_class._meta.model_name.removesuffix("process")
    try:
        return reverse(f"{name}-task", args=[task.pk])
    except NoReverseMatch:
        logger.warning("no task page named %s-task for %s", name, node)
        return reverse("task-list")


# Sending --------------------------------------------------------------------------------------


def announce(snapshot: TaskSnapshot) -> int:
    """Send task.assigned to the task's recipients now; returns how many users were told."""
    from config.live import notify_users

    user_ids = recipients(snapshot)
    if not user_ids:
        return 0
    obj = _permission_object(snapshot)
    url = task_url(Task(pk=snapshot.task_id, flow_task=snapshot.node))
    notify_users(user_ids, event_type=EVENT_TYPE, id=snapshot.task_id, title=task_title(snapshot.node, obj), url=url)
    return len(user_ids)


def _announce_after_commit(snapshot: TaskSnapshot) -> None:
    def send():
        try:
            announce(snapshot)
        except Exception:  # a notification must never break what already committed
            logger.exception("task.assigned for task %s failed", snapshot.task_id)

    transaction.on_commit(send)


def task_saved(sender, instance: Task, created: bool, raw: bool = False, **kwargs) -> None:
    """post_save of viewflow's Task: note a human task created, or assigned to a user; no query."""
    if raw or instance.flow_task_type != "HUMAN" or instance.flow_task is None:
        return
    if created and instance.status == STATUS.NEW:
        key = (STATUS.NEW, None)
    elif instance.status == STATUS.ASSIGNED and instance.owner_id is not None:
        key = (STATUS.ASSIGNED, instance.owner_id)
    else:
        return
    # One announcement per task instance and state: viewflow saves a task more than once per transition.
    noted = instance.__dict__.setdefault("_live_noted", set())
    if key in noted:
        return
    noted.add(key)
    _announce_after_commit(TaskSnapshot.of(instance))


def connect() -> None:
    """Called from WorkflowsConfig.ready()."""
    post_save.connect(task_saved, sender=Task, dispatch_uid="workflows.task_events.task_saved")
