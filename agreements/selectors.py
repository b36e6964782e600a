"""Reads of the agreement track: the managers' inbox, lists, the action page and the case panel."""

from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _
from viewflow.workflow.models import Task

from agreements.models import NOTICE_BYTES, AgreementAction, AgreementMeasure
from casework.models import Deadline, Subject, Suspension, Violation
from documents.models import Document
from ledgers.models import Obligation
from organisation.models import User
from workflows.triage import OPEN_TASK_STATUSES

STEP_LABELS = {
    "draft": _("Draft the measures and issue the breach notice"),
    "statement": _("Statement and final decision"),
    "check": _("Rectification check"),
}


def current_measures():
    return AgreementMeasure.objects.filter(withdrawn_at__isnull=True).order_by("pk")


def agreement_inbox(*, user: User) -> list[Task]:
    """Open tasks of the actions this user acts on, the soonest due first, each with `action`, `due`
    (statement window end or rectify-by date; none while drafting) and `step_label`."""
    from workflows.agreement import TASK_NODES

    if not user.is_authenticated:
        return []
    actionable = AgreementAction.objects.actionable_by(user).values("pk")
    tasks = list(
        Task.objects.filter(
            status__in=OPEN_TASK_STATUSES, flow_task__in=TASK_NODES, process__agreementprocess__action__in=actionable
        )
        .select_related(
            "process__agreementprocess__action__case",
            "process__agreementprocess__action__subject",
        )
        .order_by("created", "pk")
    )
    for task in tasks:
        action = task.process.agreementprocess.action
        name = task.flow_task.name
        task.action = action
        task.step_label = STEP_LABELS[name]
        task.due = {"statement": action.statement_due, "check": action.check_due}.get(name)
        # Working days for the statement window (服务协议), calendar days for the rectify-by date.
        task.due_unit = "working" if name == "statement" else "calendar"
    tasks.sort(key=lambda t: (t.due is None, t.due or t.created.date(), t.pk))
    return tasks


def action_list(*, user: User):
    return AgreementAction.objects.visible_to(user).with_related().with_overdue().order_by("-started_at", "-pk")


def case_panel_actions(*, case, user: User) -> list[AgreementAction]:
    """The case's agreement actions the user may read, with their current measures and notices."""
    return list(
        AgreementAction.objects.visible_to(user)
        .filter(case=case)
        .select_related("subject", "agency", "notice", "final_notice")
        .defer(*NOTICE_BYTES)
        .prefetch_related(Prefetch("measures", queryset=current_measures(), to_attr="current"))
        .with_overdue()
        .order_by("pk")
    )


def action_detail(action: AgreementAction) -> dict:
    """Everything the action page shows: the subject's findings (never the rest of the case), the
    measures, deadlines, documents, amounts due and suspensions in force."""
    from agreements.services import pending_task

    violations = list(
        Violation.objects.filter(case_id=action.case_id, subject_id=action.subject_id)
        .select_related("item")
        .order_by("pk")
    )
    document_ids = [pk for pk in (action.notice_id, action.final_notice_id) if pk]
    return {
        "subject": Subject.objects.with_suspension().select_related("region").get(pk=action.subject_id),
        "violations": violations,
        "totals": {
            "amount": sum((v.amount for v in violations), 0),
            "fund_loss": sum((v.fund_loss for v in violations), 0),
        },
        "measures": list(action.measures.order_by("pk")),
        "deadlines": list(Deadline.objects.filter(case_id=action.case_id, ref=action.deadline_ref).order_by("due")),
        "documents": list(
            Document.objects.filter(pk__in=document_ids).select_related("supersedes").defer("pdf", "context")
        ),
        "obligations": list(
            Obligation.objects.filter(case_id=action.case_id, subject_id=action.subject_id, agency_id=action.agency_id)
            .with_balance()
            .order_by("ledger", "pk")
        ),
        "suspensions": list(
            Suspension.objects.filter(
                case_id=action.case_id, subject_id=action.subject_id, source=Suspension.Source.AGREEMENT
            )
        ),
        "task": pending_task(action),
    }
