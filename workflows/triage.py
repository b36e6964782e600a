"""The triage flow (BPMN): lead registered → triage by a section head → dismiss | merge | open case.

The flow only routes; each node calls a service in casework.services, which holds the rules.
"""

import datetime

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.utils import timezone
from viewflow import this
from viewflow.workflow import flow
from viewflow.workflow.lock import SelectForUpdateLock
from viewflow.workflow.models import Process, Task
from viewflow.workflow.status import PROCESS, STATUS
from viewflow.workflow.token import Token

from casework import services
from casework.errors import AlreadyDecided, InvalidInput
from casework.models import Case, Lead
from config import pgcopy
from intake.services import reports_lead_decided
from organisation.models import User
from workflows.models import TriageProcess
from workflows.tasks import OPEN_TASK_STATUSES, complete_task


def _triage_view(request, *args, **kwargs):
    """The task page lives at /tasks/<id>/ (workflows.views.TriageTaskView); viewflow's own URLs are unused."""
    from workflows.views import TriageTaskView

    return TriageTaskView.as_view()(request, *args, **kwargs)


class TriageFlow(flow.Flow):
    """线索研判"""

    process_class = TriageProcess
    # Row lock on the process: two heads completing one task are serialised; the second finds it done.
    lock_impl = SelectForUpdateLock(nowait=False)

    start = flow.StartHandle(this.register_lead).Next(this.triage)
    triage = (
        flow.View(_triage_view).Permission("casework.triage_lead", obj=lambda process: process.lead).Next(this.route)
    )
    route = (
        flow.Switch()
        .Case(this.dismiss, lambda activation: activation.process.decision == TriageProcess.Decision.DISMISS)
        .Case(this.merge, lambda activation: activation.process.decision == TriageProcess.Decision.MERGE)
        .Case(this.open_case, lambda activation: activation.process.decision == TriageProcess.Decision.OPEN)
    )
    dismiss = flow.Function(this.dismiss_lead).Next(this.end)
    merge = flow.Function(this.merge_into_target).Next(this.end)
    open_case = flow.Function(this.open_case_from_lead).Next(this.end)
    end = flow.End()

    def register_lead(self, activation, lead: Lead | None = None, **fields):
        """Register a lead from fields, or queue one already registered in bulk (screening hits)."""
        lead = lead or services.lead_register(**fields)
        activation.process.lead = lead
        return lead

    def dismiss_lead(self, activation):
        process = activation.process
        services.lead_dismiss(
            lead=process.lead, by=process.decided_by, reason=process.decision_reason, at=process.decided_at
        )
        reports_lead_decided(lead=process.lead)

    def merge_into_target(self, activation):
        process = activation.process
        if process.merge_lead_id:
            services.lead_merge_into_lead(
                lead=process.lead, target=process.merge_lead, by=process.decided_by, at=process.decided_at
            )
        else:
            services.lead_merge(
                lead=process.lead, case=process.merge_case, by=process.decided_by, at=process.decided_at
            )
            reports_lead_decided(lead=process.lead)

    def open_case_from_lead(self, activation):
        process = activation.process
        services.lead_open_case(lead=process.lead, by=process.decided_by, at=process.decided_at)
        reports_lead_decided(lead=process.lead)


def triage_start(**fields) -> Lead:
    """Register a lead and put it in its agency's triage queue."""
    with transaction.atomic():
        return TriageFlow.start.run(**fields)


def triage_queue(leads: list[Lead]) -> None:
    """Put leads registered in bulk (screening hits) into their agency's triage queue.

    Writes in a handful of statements the rows TriageFlow.start.run(lead=...) writes per lead
    (process, done start task, new triage task, the link between them); a test compares both.
    On PostgreSQL the ids come from the sequences and the rows go in with COPY, without model
    instances. Call inside the transaction that created the leads.
    """
    if not leads:
        return
    assert transaction.get_connection().in_atomic_block, "queue leads inside the transaction that created them"
    now = timezone.now()
    lead_type = ContentType.objects.get_for_model(Lead)
    process = {"flow_class": TriageFlow, "status": PROCESS.NEW, "created": now}
    start = {
        "flow_task": TriageFlow.start,
        "flow_task_type": "START",
        "status": STATUS.DONE,
        "created": now,
        "started": now,
        "finished": now,
        "token": Token("start"),
    }
    triage = {
        "flow_task": TriageFlow.triage,
        "flow_task_type": "HUMAN",
        "status": STATUS.NEW,
        "created": now,
        "token": Token("start"),
        "owner_permission": "casework.triage_lead",
        "owner_permission_content_type": lead_type,
    }
    through = Task.previous.through
    if connection.vendor == "postgresql":
        count = len(leads)
        process_ids, task_ids = pgcopy.next_ids(Process, count), pgcopy.next_ids(Task, 2 * count)
        start_ids, triage_ids = task_ids[:count], task_ids[count:]
        pgcopy.copy_like(Process, common=process, fields=("id",), rows=((pk,) for pk in process_ids))
        _insert_triage_rows([(pk, lead.pk) for pk, lead in zip(process_ids, leads, strict=True)])
        pgcopy.copy_like(Task, common=start, fields=("id", "process_id"), rows=zip(start_ids, process_ids, strict=True))
        pgcopy.copy_like(
            Task,
            common=triage,
            fields=("id", "process_id", "owner_permission_obj_pk"),
            rows=(
                (pk, process_pk, str(lead.pk))
                for pk, process_pk, lead in zip(triage_ids, process_ids, leads, strict=True)
            ),
        )
        links = zip(triage_ids, start_ids, strict=True)
        pgcopy.copy_like(through, common={}, fields=("from_task_id", "to_task_id"), rows=links)
        return
    processes = Process.objects.bulk_create([Process(**process) for _ in leads])
    _insert_triage_rows([(process.pk, lead.pk) for process, lead in zip(processes, leads, strict=True)])
    starts = Task.objects.bulk_create([Task(process_id=process.pk, **start) for process in processes])
    triages = Task.objects.bulk_create(
        [
            Task(process_id=process.pk, owner_permission_obj_pk=str(lead.pk), **triage)
            for process, lead in zip(processes, leads, strict=True)
        ]
    )
    through.objects.bulk_create(
        [through(from_task_id=triage.pk, to_task_id=start.pk) for triage, start in zip(triages, starts, strict=True)]
    )


def _insert_triage_rows(pairs: list[tuple[int, int]]) -> None:
    """TriageProcess child rows for existing Process rows (bulk_create refuses multi-table models)."""
    meta = TriageProcess._meta
    columns = [meta.get_field(name).column for name in ("process_ptr", "lead", "decision", "decision_reason")]
    if connection.vendor == "postgresql":
        pgcopy.copy_rows(TriageProcess, columns, ((process_pk, lead_pk, "", "") for process_pk, lead_pk in pairs))
        return
    sql = "INSERT INTO {} ({}) VALUES (%s, %s, '', '')".format(
        connection.ops.quote_name(meta.db_table), ", ".join(connection.ops.quote_name(c) for c in columns)
    )
    with connection.cursor() as cursor:
        cursor.executemany(sql, pairs)


def pending_triage_task(lead: Lead) -> Task | None:
    return (
        Task.objects.filter(
            process__triageprocess__lead=lead, flow_task=TriageFlow.triage, status__in=OPEN_TASK_STATUSES
        )
        .order_by("pk")
        .first()
    )


def check_decision(
    *,
    lead: Lead,
    decision: str,
    reason: str = "",
    case: Case | None = None,
    target: Lead | None = None,
    at: datetime.datetime | None = None,
) -> None:
    """Validate a triage decision before any state changes."""
    if decision not in TriageProcess.Decision.values:
        raise InvalidInput(errors={"decision": ["dismiss / merge / open"]})
    services.check_decision_time(lead=lead, at=at)
    if decision == TriageProcess.Decision.DISMISS:
        services.check_dismissal(reason=reason)
    elif decision == TriageProcess.Decision.MERGE:
        services.check_merge_target(lead=lead, case=case, target=target)


def triage_decide(
    *,
    lead: Lead,
    by: User,
    decision: str,
    reason: str = "",
    case: Case | None = None,
    target: Lead | None = None,
    at: datetime.datetime | None = None,
) -> Lead:
    """Complete the lead's triage task with a decision; the flow then runs the matching service.

    `at` records a decision taken earlier on paper. Takes the flow's process lock; a second
    decider gets AlreadyDecided, and nothing is written when any step fails.
    """
    if not by.has_perm("casework.triage_lead", lead):
        raise PermissionDenied
    check_decision(lead=lead, decision=decision, reason=reason, case=case, target=target, at=at)
    task = pending_triage_task(lead)
    if task is None:
        raise AlreadyDecided()

    def act(process: TriageProcess) -> None:
        process.decision, process.decision_reason = decision, reason.strip()
        process.merge_case, process.merge_lead, process.decided_by, process.decided_at = case, target, by, at
        process.save(
            update_fields=["decision", "decision_reason", "merge_case", "merge_lead", "decided_by", "decided_at"]
        )

    complete_task(task, by, act)
    lead.refresh_from_db()
    return lead
