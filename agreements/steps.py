"""The steps of 协议处理 that finish a task of AgreementFlow: the 违约处理通知书, the subject's statement and
the final decision, the rectification check.

Each runs under the flow's process lock (workflows.tasks.complete_task) and locks the action row,
so of two managers completing one task one wins and the other gets AlreadyDecided; a step taken
before its turn is refused naming what is missing.
"""

import datetime

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from viewflow.workflow.models import Task

from agreements import rules
from agreements.models import AgreementAction, AgreementMeasure
from agreements.notice import notice_context
from agreements.services import check_may_act, lock_action, pending_task
from casework.audit import acting
from casework.errors import AlreadyDecided, InvalidInput, InvalidTransition
from casework.models import Case, Deadline, Suspension
from casework.suspensions import suspension_record
from documents.kinds import BREACH_NOTICE
from documents.services import document_issue
from ledgers.models import Ledger
from ledgers.services import obligation_record
from organisation.models import User
from workflows.agreement import AgreementFlow
from workflows.tasks import complete_task

Kind = AgreementMeasure.Kind
# The measures that take effect on a date, and the ledger each amount due goes to (条例 Art.45).
DATED_KINDS = (Kind.SUSPENSION, Kind.PARTIAL_SUSPENSION, Kind.TERMINATION)
LEDGERS = {Kind.RECOVERY: Ledger.FUND_REFUND, Kind.LIQUIDATED_DAMAGES: Ledger.LIQUIDATED_DAMAGES}
SUSPENSION_SCOPES = {
    Kind.SUSPENSION: Suspension.Scope.SERVICES,
    Kind.TERMINATION: Suspension.Scope.TERMINATED,
}


# -------------------------------------------------------------------------------------------- notice


def agreement_issue_notice(
    *, action: AgreementAction, by: User, clauses: str, issued_on: datetime.date | None = None
) -> AgreementAction:
    """Issue the numbered 违约处理通知书 with the drafted measures; the statement window opens.

    `issued_on` is the date the notice was served (today unless one served earlier is recorded now).
    Under the flow's process lock; the document number is allocated in the same transaction.
    """
    check_may_act(by, action)
    today = timezone.localdate()
    issued_on = issued_on or today
    errors = {}
    if not (clauses or "").strip():
        errors["clauses"] = [_("Name the clauses of the service agreement that were breached.")]
    if issued_on > today:
        errors["issued_on"] = [_("The date cannot be in the future.")]
    elif issued_on < timezone.localdate(action.started_at):
        errors["issued_on"] = [_("The notice cannot be served before the agreement sanctions were started.")]
    if errors:
        raise InvalidInput(errors=errors)
    task = _open_task(action, AgreementFlow.draft, status=AgreementAction.Status.DRAFTING, too_early="")

    def act(process) -> None:
        locked = lock_action(action)
        if locked.status != AgreementAction.Status.DRAFTING:
            raise AlreadyDecided()
        measures = list(locked.measures.filter(withdrawn_at__isnull=True).order_by("pk"))
        if not measures:
            raise InvalidInput(errors={"__all__": [_("Add at least one measure before issuing the notice.")]})
        agreement_rules = rules.rules_for(locked.subject.region)
        locked.statement_due = rules.statement_due(agreement_rules, issued_on)
        _check_measure_dates(
            measures,
            not_before=locked.statement_due + datetime.timedelta(days=1),
            message=_(
                "%(measure)s takes effect on %(day)s, within the statement window, which ends on %(end)s: choose a "
                "later date."
            ),
            end=locked.statement_due,
        )
        locked.clauses = clauses.strip()
        locked.notice_issued_on, locked.notice_issued_by = issued_on, by
        locked.notice = document_issue(
            kind=BREACH_NOTICE,
            agency=locked.agency,
            by=by,
            case=locked.case,
            context=notice_context(locked, measures=measures, issued_on=issued_on, handler=by.display_name),
        )
        locked.set_status(AgreementAction.Status.STATEMENT)
        locked.save(
            update_fields=["clauses", "notice_issued_on", "notice_issued_by", "statement_due", "notice", "status"]
        )
        AgreementMeasure.objects.filter(pk__in=[m.pk for m in measures]).update(notified=True)
        Deadline.objects.create(
            case=locked.case,
            step="agreement_statement",
            ref=locked.deadline_ref,
            due=locked.statement_due,
            basis=rules.statement_basis(agreement_rules, locked.subject.kind)[:200],
        )

    with transaction.atomic(), acting(by):
        complete_task(task, by, act)
    return AgreementAction.objects.get(pk=action.pk)


def _check_measure_dates(
    measures: list[AgreementMeasure], *, not_before: datetime.date, message: str, end: datetime.date
) -> None:
    """Dated measures (限期整改, suspensions, termination) take effect only once the decision is final."""
    problems = []
    for measure in measures:
        if measure.kind not in (*DATED_KINDS, Kind.RECTIFICATION):
            continue
        day = measure.due_on if measure.kind == Kind.RECTIFICATION else measure.starts_on
        if day < not_before:
            problems.append(
                message % {"measure": measure.get_kind_display(), "day": day.isoformat(), "end": end.isoformat()}
            )
    if problems:
        raise InvalidInput(errors={"__all__": problems})


# ------------------------------------------------------------------------------ statement and decision


def agreement_statement_record(
    *, action: AgreementAction, by: User, received_on: datetime.date | None, text: str
) -> AgreementAction:
    """Record the subject's written 陈述申辩, received within the window. Locks the action row."""
    check_may_act(by, action)
    errors = {}
    if not (text or "").strip():
        errors["text"] = [_("Record what the subject stated.")]
    if received_on is None:
        errors["received_on"] = [_("Give the date the statement was received.")]
    if errors:
        raise InvalidInput(errors=errors)
    with transaction.atomic(), acting(by):
        locked = lock_action(action)
        if locked.status == AgreementAction.Status.DRAFTING:
            raise InvalidTransition(_("The breach notice has not been issued yet."))
        if locked.status != AgreementAction.Status.STATEMENT:
            raise InvalidTransition(_("The decision is final: the statement window is closed."))
        if locked.statement_recorded:
            raise AlreadyDecided(_("The subject's statement has already been recorded."))
        if received_on > timezone.localdate():
            raise InvalidInput(errors={"received_on": [_("The date cannot be in the future.")]})
        if received_on < locked.notice_issued_on:
            raise InvalidInput(errors={"received_on": [_("The statement cannot precede the notice.")]})
        if received_on > locked.statement_due:
            raise InvalidInput(
                errors={
                    "received_on": [
                        _("%(rule)s: the statement window ended on %(day)s; a later statement is not considered.")
                        % {"rule": _statement_rule(locked), "day": locked.statement_due.isoformat()}
                    ]
                }
            )
        locked.statement_received_on, locked.statement_text = received_on, text.strip()
        locked.save(update_fields=["statement_received_on", "statement_text"])
        _close_deadline(locked, "agreement_statement", received_on)
    return locked


def agreement_decide(
    *,
    action: AgreementAction,
    by: User,
    decision: str,
    reason: str = "",
    decided_on: datetime.date | None = None,
) -> AgreementAction:
    """The final decision after the statement window: confirm the measures notified, or revise them
    (the reasons are recorded and a new 违约处理通知书 supersedes the first). Amounts due go to their
    ledgers under the handling agency, suspensions onto the subject; a 限期整改 leaves a check task.

    Under the flow's process lock, then the action row and the case row (when the track finishes).
    """
    check_may_act(by, action)
    today = timezone.localdate()
    decided_on = decided_on or today
    if decision not in AgreementAction.Decision.values:
        raise InvalidInput(errors={"decision": [_("Confirm or revise the measures.")]})
    if decision == AgreementAction.Decision.REVISE and not (reason or "").strip():
        raise InvalidInput(errors={"reason": [_("Give the reasons for revising the measures.")]})
    if decided_on > today:
        raise InvalidInput(errors={"decided_on": [_("The date cannot be in the future.")]})
    task = _open_task(
        action,
        AgreementFlow.statement,
        status=AgreementAction.Status.STATEMENT,
        too_early=_("The breach notice has not been issued yet: the subject is heard before the decision."),
    )

    def act(process) -> None:
        locked = lock_action(action)
        if locked.status != AgreementAction.Status.STATEMENT:
            raise AlreadyDecided()
        if decided_on < locked.notice_issued_on:
            raise InvalidInput(errors={"decided_on": [_("The decision cannot precede the notice.")]})
        if not locked.statement_recorded and decided_on <= locked.statement_due:
            raise InvalidTransition(
                _(
                    "%(rule)s: the subject may state its case until %(day)s. Record its statement, or decide once "
                    "the window has passed."
                )
                % {"rule": _statement_rule(locked), "day": locked.statement_due.isoformat()}
            )
        measures = list(locked.measures.order_by("pk"))
        current = [m for m in measures if m.withdrawn_at is None]
        revised = any(m.withdrawn_at is not None or not m.notified for m in measures)
        if not current:
            raise InvalidInput(errors={"__all__": [_("Keep at least one measure.")]})
        if decision == AgreementAction.Decision.CONFIRM and revised:
            raise InvalidInput(
                errors={"decision": [_("The measures were changed after the notice: revise, and give the reasons.")]}
            )
        if decision == AgreementAction.Decision.REVISE and not revised:
            raise InvalidInput(
                errors={"decision": [_("Nothing was changed: add or remove measures to revise them, or confirm.")]}
            )
        _check_measure_dates(
            current,
            not_before=decided_on,
            message=_("%(measure)s takes effect on %(day)s, before this decision of %(end)s: revise it."),
            end=decided_on,
        )
        if any(m.kind in LEDGERS for m in current) and not _may_record_amounts(by, locked):
            raise PermissionDenied(_("Only an agreement manager of the handling agency records amounts due."))
        locked.decision, locked.decision_reason = decision, (reason or "").strip()
        locked.decided_on, locked.decided_by = decided_on, by
        if decision == AgreementAction.Decision.REVISE:
            locked.final_notice = document_issue(
                kind=BREACH_NOTICE,
                agency=locked.agency,
                by=by,
                case=locked.case,
                context=notice_context(
                    locked, measures=current, issued_on=decided_on, handler=by.display_name, final=True
                ),
                supersedes=locked.notice,
            )
        _carry_out(locked, current, by)
        _close_deadline(locked, "agreement_statement", decided_on)
        rectification = next((m for m in current if m.kind == Kind.RECTIFICATION), None)
        if rectification is not None:
            locked.check_due = rectification.due_on
            locked.set_status(AgreementAction.Status.RECTIFYING)
            Deadline.objects.create(
                case=locked.case,
                step="rectification",
                ref=locked.deadline_ref,
                due=rectification.due_on,
                basis=f"违约处理通知书 {locked.current_notice.number}（限期整改）",
            )
        else:
            locked.set_status(AgreementAction.Status.DONE)
            locked.done_at = timezone.now()
        locked.save()

    with transaction.atomic(), acting(by):
        complete_task(task, by, act)
        action = AgreementAction.objects.get(pk=action.pk)
        if action.status == AgreementAction.Status.DONE:
            _finish_track(action, by)
    return action


def _carry_out(action: AgreementAction, measures: list[AgreementMeasure], by: User) -> None:
    """Amounts due into their ledgers under the handling agency; suspensions onto the subject."""
    notice = action.current_notice
    agreement_rules = rules.rules_for(action.subject.region)
    for measure in measures:
        if measure.kind in LEDGERS:
            obligation_record(
                case=action.case,
                subject=action.subject,
                ledger=LEDGERS[measure.kind],
                amount_due=measure.amount,
                basis=f"违约处理通知书 {notice.number}",
                by=by,
                due_on=rules.payment_due(agreement_rules, action.decided_on),
                agency=action.agency,
            )
        elif measure.kind in DATED_KINDS:
            scope = SUSPENSION_SCOPES.get(measure.kind) or measure.scope
            suspension_record(
                subject=action.subject,
                case=action.case,
                scope=scope,
                source=Suspension.Source.AGREEMENT,
                starts_on=measure.starts_on,
                basis=f"违约处理通知书 {notice.number}；{measure.basis}"[:200],
                by=by,
                months=measure.months,
                detail=measure.detail,
            )


# ------------------------------------------------------------------------------------ rectification


def agreement_check_record(
    *,
    action: AgreementAction,
    by: User,
    result: str,
    note: str,
    checked_on: datetime.date | None = None,
) -> AgreementAction:
    """Record the follow-up check of a 限期整改: rectified or not. Under the flow's process lock."""
    check_may_act(by, action)
    today = timezone.localdate()
    checked_on = checked_on or today
    errors = {}
    if result not in AgreementAction.CheckResult.values:
        errors["result"] = [_("Say whether the subject rectified.")]
    if not (note or "").strip():
        errors["note"] = [_("Record what the check found.")]
    if checked_on > today:
        errors["checked_on"] = [_("The date cannot be in the future.")]
    if errors:
        raise InvalidInput(errors=errors)
    if AgreementAction.objects.filter(
        pk=action.pk, status=AgreementAction.Status.DONE, check_due__isnull=True
    ).exists():
        raise InvalidTransition(_("No rectification by a date was imposed: there is nothing to check."))
    task = _open_task(
        action,
        AgreementFlow.check,
        status=AgreementAction.Status.RECTIFYING,
        too_early=_("No rectification check is due: the decision is not final yet."),
    )

    def act(process) -> None:
        locked = lock_action(action)
        if locked.status != AgreementAction.Status.RECTIFYING:
            raise AlreadyDecided()
        if checked_on < locked.decided_on:
            raise InvalidInput(errors={"checked_on": [_("The check cannot precede the decision.")]})
        if result == AgreementAction.CheckResult.FAILED and checked_on < locked.check_due:
            raise InvalidInput(
                errors={
                    "result": [
                        _("The subject has until %(day)s to rectify: it cannot be found not rectified before then.")
                        % {"day": locked.check_due.isoformat()}
                    ]
                }
            )
        locked.check_result, locked.check_note = result, note.strip()
        locked.checked_on, locked.checked_by = checked_on, by
        locked.set_status(AgreementAction.Status.DONE)
        locked.done_at = timezone.now()
        locked.save()
        _close_deadline(locked, "rectification", checked_on)

    with transaction.atomic(), acting(by):
        complete_task(task, by, act)
        action = AgreementAction.objects.get(pk=action.pk)
        _finish_track(action, by)
    return action


# ------------------------------------------------------------------------------------------ helpers


def _finish_track(action: AgreementAction, by: User) -> None:
    """When every agreement action of the case is done, the case's agreement track is done.

    Locks the case row first, so two managers finishing the last two actions at once both see each other's.
    """
    from workflows.outcome import track_done

    case = Case.objects.select_for_update().get(pk=action.case_id)
    if not AgreementAction.objects.filter(case=case).exclude(status=AgreementAction.Status.DONE).exists():
        track_done(case=case, kind="agreement", by=by)


def _may_record_amounts(user: User, action: AgreementAction) -> bool:
    return user.agency_id == action.agency_id and user.has_perm("ledgers.add_obligation")


STEP_ORDER = [
    AgreementAction.Status.DRAFTING,
    AgreementAction.Status.STATEMENT,
    AgreementAction.Status.RECTIFYING,
    AgreementAction.Status.DONE,
]


def _open_task(action: AgreementAction, node, *, status: str, too_early: str) -> Task:
    """The node's open task; a step taken before its turn is refused (too_early), one taken twice is
    AlreadyDecided."""
    task = pending_task(action, node)
    if task is not None:
        return task
    current = AgreementAction.objects.values_list("status", flat=True).get(pk=action.pk)
    if STEP_ORDER.index(current) < STEP_ORDER.index(status):
        raise InvalidTransition(too_early)
    raise AlreadyDecided()


def _close_deadline(action: AgreementAction, step: str, day: datetime.date) -> None:
    Deadline.objects.filter(case_id=action.case_id, step=step, ref=action.deadline_ref, closed_on__isnull=True).update(
        closed_on=day
    )


def _statement_rule(action: AgreementAction) -> str:
    return rules.statement_basis(rules.rules_for(action.subject.region), action.subject.kind)
