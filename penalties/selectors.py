"""Reads of the penalty track: lists, the detail page, the inbox section and the case panel."""

from dataclasses import dataclass

from django.contrib.auth.models import Group
from django.db.models import Exists, Prefetch, Q
from django.utils.translation import gettext_lazy as _
from viewflow.workflow.models import Task

from casework.models import Case, Deadline
from casework.selectors import document_refs
from organisation.models import User
from organisation.roles import Role
from penalties.models import DecisionExtension, Hearing, Penalty, PenaltyGroupObjectPermission, PenaltyStep
from workflows.triage import OPEN_TASK_STATUSES

NODE_LABELS = {
    "notice": _("Draft and issue the prior notice"),
    "statement": _("Record the statement and defence"),
    "schedule_hearing": _("Schedule the hearing"),
    "hold_hearing": _("Record the hearing"),
    "legal_review": _("Legal review"),
    "revise": _("Revise after the legal review"),
    "discussion": _("Collective discussion"),
    "decide": _("Decide and issue the decision"),
    "summary_decide": _("Decide on the spot"),
    "serve": _("Serve the decision"),
    "execution": _("Collect the money"),
}
# The deadline each task works towards: (step, own) — own deadlines carry the penalty's ref, the 90-day
# decision deadline is the case's.
NODE_DEADLINES = {
    "notice": [("penalty_decision", False)],
    "statement": [("statement", True)],
    "schedule_hearing": [("penalty_decision", False)],
    "hold_hearing": [("hearing", True)],
    "legal_review": [("penalty_decision", False)],
    "revise": [("penalty_decision", False)],
    "discussion": [("penalty_decision", False)],
    "decide": [("penalty_decision", False)],
    "summary_decide": [("penalty_decision", False)],
    "serve": [("penalty_service", True)],
    "execution": [("fine_payment", True), ("enforcement_application", True)],
}
# Which permission on the penalty lets a user do each task.
NODE_PERMS = {
    "change_penalty": ("notice", "statement", "schedule_hearing", "hold_hearing", "serve"),
    "review_penalty": ("legal_review",),
    "decide_penalty": ("revise", "decide", "summary_decide", "execution"),
    "discuss_penalty": ("discussion",),
}


@dataclass
class TaskRow:
    task: Task
    penalty: Penalty
    label: str
    deadline: Deadline | None


def _nodes(names):
    from workflows.penalty import PenaltyFlow

    return [getattr(PenaltyFlow, name) for name in names]


def penalty_list(*, user: User):
    return Penalty.objects.visible_to(user).with_related().order_by("-created_at", "-id")


def task_deadline(penalty: Penalty, node_name: str, deadlines: dict) -> Deadline | None:
    """The open deadline the task works towards, from {(case_id, step, ref): Deadline}."""
    for step, own in NODE_DEADLINES.get(node_name, []):
        deadline = deadlines.get((penalty.case_id, step, penalty.ref if own else ""))
        if deadline is not None:
            return deadline
    return None


def _open_deadlines(case_ids) -> dict:
    rows = Deadline.objects.open().filter(case_id__in=set(case_ids))
    return {(d.case_id, d.step, d.ref): d for d in rows}


def _granted(user: User, codename: str):
    """Penalties on which one of the user's groups holds codename (joined by codename: no id look-ups)."""
    if user.is_superuser:
        return Penalty.objects.values("pk")
    grants = PenaltyGroupObjectPermission.objects.filter(group_id__in=user.group_ids, permission__codename=codename)
    return grants.values("content_object_id")


def _records_payments(user: User) -> Exists:
    """Finance and recovery officers record payments: one of their groups holds ledgers.add_payment
    (a condition inside the task query, not a query of its own)."""
    group_permissions = Group.permissions.through.objects.filter(
        group_id__in=user.group_ids,
        permission__codename="add_payment",
        permission__content_type__app_label="ledgers",
    )
    return Exists(group_permissions)


def penalty_inbox(*, user: User) -> list[TaskRow]:
    """Open penalty tasks the user may do, soonest deadline first; finance sees the payments to collect.

    One query for the tasks, one for their deadlines.
    """
    if not user.is_authenticated:
        return []
    match = Q()
    for codename, names in NODE_PERMS.items():
        match |= Q(flow_task__in=_nodes(names), process__penaltyprocess__penalty__in=_granted(user, codename))
    visible = _granted(user, "view_penalty")
    payments = Q(flow_task__in=_nodes(["execution"]), process__penaltyprocess__penalty__in=visible)
    match |= Q(_records_payments(user)) & payments
    tasks = list(
        Task.objects.filter(status__in=OPEN_TASK_STATUSES)
        .filter(match)
        .select_related("process__penaltyprocess__penalty__case", "process__penaltyprocess__penalty__subject")
        .order_by("created", "pk")
    )
    if not tasks:
        return []
    deadlines = _open_deadlines(task.process.penaltyprocess.penalty.case_id for task in tasks)
    rows = []
    for task in tasks:
        penalty = task.process.penaltyprocess.penalty
        name = task.flow_task.name
        rows.append(TaskRow(task, penalty, str(NODE_LABELS[name]), task_deadline(penalty, name, deadlines)))
    return sorted(rows, key=lambda row: (row.deadline is None, row.deadline.due if row.deadline else None))


@dataclass
class PanelRow:
    penalty: Penalty
    task: Task | None
    label: str
    deadline: Deadline | None


def case_penalty_panel(*, case: Case, user: User, may_decide: bool = True) -> dict:
    """The case page's penalty panel: each visible penalty with its step and deadline; the extension.

    One query when the case has no penalty and the user cannot decide on it (two for a decider: is it the
    agency head, who may extend the deadline?);
    otherwise four: penalties, their open tasks, the case's deadlines, the extension.
    """
    empty = {"rows": [], "decision_deadline": None, "extension": None}
    if not user.is_authenticated:
        return empty
    visible = Penalty.objects.filter(case=case, pk__in=_granted(user, "view_penalty"))
    penalties = list(visible.select_related("subject").order_by("pk"))
    if not penalties and not (may_decide and Role.DIRECTOR in user.roles):
        return empty
    tasks = {}
    if penalties:
        open_tasks = Task.objects.filter(
            status__in=OPEN_TASK_STATUSES, process__penaltyprocess__penalty__in=[p.pk for p in penalties]
        ).select_related("process__penaltyprocess")
        tasks = {task.process.penaltyprocess.penalty_id: task for task in open_tasks.order_by("pk")}
    case_deadlines = list(Deadline.objects.filter(case=case))
    deadlines = {(d.case_id, d.step, d.ref): d for d in case_deadlines if d.is_open}
    rows = []
    for penalty in penalties:
        task = tasks.get(penalty.pk)
        name = task.flow_task.name if task else ""
        label = str(NODE_LABELS.get(name, "")) if task else ""
        rows.append(PanelRow(penalty, task, label, task_deadline(penalty, name, deadlines) if task else None))
    decision = next((d for d in case_deadlines if d.step == "penalty_decision" and d.ref == ""), None)
    extension = DecisionExtension.objects.filter(case=case).select_related("document", "approved_by").first()
    return {"rows": rows, "decision_deadline": decision, "extension": extension}


def penalty_deadlines(penalty: Penalty):
    """The penalty's own deadlines and the case's 90-day decision deadline."""
    return Deadline.objects.filter(case_id=penalty.case_id).filter(
        Q(ref=penalty.ref) | Q(step="penalty_decision", ref="")
    )


def penalty_detail(penalty: Penalty) -> Penalty:
    return (
        Penalty.objects.filter(pk=penalty.pk)
        .select_related(
            "case__agency",
            "subject",
            "decided_by",
            "reviewed_by",
            "fine_obligation",
            "refund_obligation",
            "confiscation_obligation",
            "late_fee_obligation",
        )
        .prefetch_related(
            Prefetch(
                "steps",
                queryset=PenaltyStep.objects.select_related("by", "document").defer(
                    "document__pdf", "document__context"
                ),
            )
        )
        .get()
    )


def penalty_hearing(penalty: Penalty) -> Hearing | None:
    return Hearing.objects.filter(penalty=penalty).select_related("chair", "notice", "record").first()


def penalty_documents(penalty: Penalty, *, hearing: Hearing | None = None, extension: DecisionExtension | None = None):
    """Every document the penalty's steps issued, in the order issued."""
    ids = [
        penalty.notice_id,
        penalty.review_document_id,
        penalty.discussion_document_id,
        penalty.decision_id,
        penalty.service_receipt_id,
        penalty.reminder_id,
        penalty.enforcement_id,
    ]
    if hearing is not None:
        ids += [hearing.notice_id, hearing.record_id]
    ids += list(penalty.steps.exclude(document__isnull=True).values_list("document_id", flat=True))
    if extension is not None:
        ids.append(extension.document_id)
    return document_refs().filter(pk__in=[pk for pk in ids if pk]).order_by("issued_at", "pk")
