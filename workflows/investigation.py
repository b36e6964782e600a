"""The investigation flow (BPMN): assign officers → collect evidence and record findings → 调查终结报告.

The flow only routes; the services below validate, and casework.services.case_start_investigation
stays the one place where a case becomes "investigating".
"""

from collections.abc import Sequence

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from viewflow import this
from viewflow.workflow import flow
from viewflow.workflow.lock import SelectForUpdateLock
from viewflow.workflow.models import Task

from casework import rules, services
from casework.audit import acting
from casework.errors import AlreadyDecided, InvalidInput, InvalidTransition
from casework.findings import case_totals
from casework.models import Case, Evidence
from documents.formatting import chinese_date, yuan
from documents.kinds import INVESTIGATION_REPORT
from documents.services import document_issue
from organisation.models import User
from organisation.roles import Role
from workflows.models import InvestigationProcess
from workflows.tasks import OPEN_TASK_STATUSES, complete_task

# Who may be assigned to investigate: the agency's investigators and section heads (执法人员).
ASSIGNABLE_ROLES = (Role.INVESTIGATOR, Role.SECTION_HEAD)
ARTICLE_42_MESSAGE = gettext_lazy(
    "At least %(count)d enforcement officers investigate a case (Administrative Penalty Law, Art. 42)."
)


def _task_view(request, *args, **kwargs):
    """The task pages live at /tasks/investigation/<id>/ (workflows.views); viewflow's own URLs are unused."""
    from workflows.views import InvestigationTaskView

    return InvestigationTaskView.as_view()(request, *args, **kwargs)


class InvestigationFlow(flow.Flow):
    """调查取证"""

    process_class = InvestigationProcess
    # Row lock on the process: two officers completing one task are serialised; the second finds it done.
    lock_impl = SelectForUpdateLock(nowait=False)

    start = flow.StartHandle(this.start_investigation).Next(this.findings)
    findings = (
        flow.View(_task_view).Permission("casework.change_case", obj=lambda process: process.case).Next(this.report)
    )
    report = flow.View(_task_view).Permission("casework.decide_case", obj=lambda process: process.case).Next(this.end)
    end = flow.End()

    def start_investigation(self, activation, case: Case, by: User):
        activation.process.case, activation.process.assigned_by = case, by
        return activation.process


def assignable_officers(*, agency_id: int):
    """Active investigators and section heads of the agency, by name."""
    return (
        User.objects.filter(
            agency_id=agency_id,
            is_active=True,
            groups__role_group__agency_id=agency_id,
            groups__role_group__role__in=ASSIGNABLE_ROLES,
        )
        .distinct()
        .order_by("last_name", "first_name", "username")
    )


def check_investigators(*, case: Case, investigators: Sequence[User]) -> list[User]:
    """At least two distinct officers of the case's agency (行政处罚法 Art.42)."""
    officers = list({user.pk: user for user in investigators}.values())
    if len(officers) < rules.MIN_INVESTIGATORS:
        raise InvalidInput(errors={"investigators": [ARTICLE_42_MESSAGE % {"count": rules.MIN_INVESTIGATORS}]})
    eligible = set(
        assignable_officers(agency_id=case.agency_id)
        .filter(pk__in=[u.pk for u in officers])
        .values_list("pk", flat=True)
    )
    if len(eligible) != len(officers):
        raise InvalidInput(
            errors={
                "investigators": [_("Only investigators and section heads of the case's agency can investigate it.")]
            }
        )
    return officers


def investigation_assign(*, case: Case, by: User, investigators: Sequence[User]) -> InvestigationProcess:
    """A section head assigns officers: the case goes under investigation and the flow starts.

    Locks the case row; a second assignment finds the case no longer opened.
    """
    if not by.has_perm("casework.decide_case", case):
        raise PermissionDenied
    officers = check_investigators(case=case, investigators=investigators)
    with transaction.atomic(), acting(by):
        locked = Case.objects.select_for_update().get(pk=case.pk)
        if locked.status != Case.Status.OPENED or InvestigationProcess.objects.filter(case=locked).exists():
            raise InvalidTransition(_("Only an opened case that is not yet under investigation can be assigned."))
        services.case_start_investigation(case=locked, by=by)
        process = InvestigationFlow.start.run(case=locked, by=by)
        # Investigators already hold change_case on their agency's cases through their role group;
        # the assignment is recorded here, not as per-user grants.
        process.investigators.set(officers)
    return process


def pending_task(case: Case, node) -> Task | None:
    return (
        Task.objects.filter(process__investigationprocess__case=case, flow_task=node, status__in=OPEN_TASK_STATUSES)
        .order_by("pk")
        .first()
    )


def may_record_findings(*, process: InvestigationProcess, user: User) -> bool:
    """An assigned investigator, or a section head of the case, submits the findings."""
    if not user.has_perm("casework.change_case", process.case):
        return False
    return user.has_perm("casework.decide_case", process.case) or process.investigators.filter(pk=user.pk).exists()


def investigation_findings_done(*, case: Case, by: User, summary: str = "") -> InvestigationProcess:
    """Finish "collect evidence and record findings"; the 调查终结报告 goes to the section head.

    Takes the flow's process lock, then the case row; a second completer gets AlreadyDecided.
    """
    process = InvestigationProcess.objects.filter(case=case).select_related("case").first()
    if process is None:
        raise InvalidTransition(_("The case has not been assigned for investigation."))
    if not may_record_findings(process=process, user=by):
        raise PermissionDenied
    task = pending_task(case, InvestigationFlow.findings)
    if task is None:
        raise AlreadyDecided()

    def act(process: InvestigationProcess) -> None:
        Case.objects.select_for_update().get(pk=case.pk)
        errors = []
        if not Evidence.objects.filter(case=case).exists():
            errors.append(_("Register at least one item of evidence first."))
        if not case.violations.exists():
            errors.append(_("Record at least one violation first."))
        if errors:
            raise InvalidInput(errors={"__all__": errors})
        process.report_summary = (summary or "").strip()
        process.findings_done_by, process.findings_done_at = by, timezone.now()
        process.save(update_fields=["report_summary", "findings_done_by", "findings_done_at"])

    with transaction.atomic(), acting(by):
        complete_task(task, by, act)
    return InvestigationProcess.objects.get(pk=process.pk)


def investigation_close(*, case: Case, by: User, conclusion: str) -> InvestigationProcess:
    """The section head approves the findings: issue the numbered 调查终结报告, end the flow and
    open the outcome decision (workflows.outcome).

    Takes the flow's process lock; the document number is allocated in the same transaction.
    """
    if not by.has_perm("casework.decide_case", case):
        raise PermissionDenied
    if not (conclusion or "").strip():
        raise InvalidInput(errors={"conclusion": [_("Give the conclusion of the investigation.")]})
    process = InvestigationProcess.objects.filter(case=case).first()
    if process is None or process.findings_done_at is None:
        raise InvalidTransition(_("The findings have not been submitted yet."))
    task = pending_task(case, InvestigationFlow.report)
    if task is None:
        raise AlreadyDecided()

    def act(process: InvestigationProcess) -> None:
        process.conclusion, process.closed_by, process.closed_at = conclusion.strip(), by, timezone.now()
        process.report = document_issue(
            kind=INVESTIGATION_REPORT,
            agency=case.agency,
            by=by,
            case=case,
            context=_report_context(process, by),
        )
        process.save(update_fields=["conclusion", "closed_by", "closed_at", "report"])

    from workflows.outcome import outcome_start

    with transaction.atomic(), acting(by):
        complete_task(task, by, act)
        # The section head's outcome decision is the next task on the case.
        outcome_start(case=case)
        # A major case (amount above the threshold) is reported to the superior bureau (要情报送).
        from assists.services import major_case_check

        major_case_check(case)
    return InvestigationProcess.objects.get(pk=process.pk)


def _report_context(process: InvestigationProcess, by: User) -> dict:
    """The frozen context of the 调查终结报告 (JSON: strings only)."""
    case = Case.objects.select_related("agency").get(pk=process.case_id)
    return {
        **case_facts_context(case),
        "investigators": [
            {"name": user.display_name, "id": user.username}
            for user in process.investigators.order_by("last_name", "first_name", "username")
        ],
        "evidence": evidence_rows(Evidence.objects.filter(case=case)),
        "summary": process.report_summary,
        "conclusion": process.conclusion,
        "approved_by": by.display_name,
        "approved_on": chinese_date(timezone.localdate(process.closed_at)),
    }


def case_facts_context(case: Case) -> dict:
    """The case, its subjects and the violations found, as document context (strings only); also
    what a referral's 调查报告 tells the receiving agency."""
    violations = case.violations.select_related("subject", "item").order_by("subject__name", "pk")
    totals = case_totals(case)
    return {
        "agency_name": case.agency.name,
        "case_title": case.title,
        "case_number": case.number,
        "opened_on": chinese_date(timezone.localdate(case.opened_at)),
        "subjects": [
            {"name": s.name, "kind_display": str(s.get_kind_display()), "code": s.code}
            for s in case.subjects.order_by("name")
        ],
        "violations": [
            {
                "subject": v.subject.name,
                "item": f"{v.item.number}. {v.item.name}",
                "period": _period(v),
                "amount": yuan(v.amount),
                "fund_loss": yuan(v.fund_loss),
                "patient_money": yuan(v.patient_money),
                "description": v.description,
            }
            for v in violations
        ],
        "totals": {
            "amount": yuan(totals.amount),
            "fund_loss": yuan(totals.fund_loss),
            "patient_money": yuan(totals.patient_money),
        },
    }


def evidence_rows(evidence) -> list[dict]:
    return [
        {
            "kind": str(item.get_kind_display()),
            "title": item.title,
            "collected_on": chinese_date(timezone.localdate(item.collected_at)),
            "collected_by": "、".join(user.display_name for user in item.collected_by.all()),
            "place": item.place,
            "sha256": item.sha256,
        }
        for item in evidence.prefetch_related("collected_by").order_by("collected_at", "pk")
    ]


def _period(violation) -> str:
    if not (violation.period_from or violation.period_to):
        return "—"
    start = chinese_date(violation.period_from) if violation.period_from else "…"
    end = chinese_date(violation.period_to) if violation.period_to else "…"
    return f"{start}至{end}"
