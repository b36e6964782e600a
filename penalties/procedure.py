"""What every step of the penalty track shares: permission and date checks, finding the open task, running
it under the process lock, the step record, deadlines, documents, and the decision's consequences.

Every step runs under the penalty process's row lock (PenaltyFlow.lock_impl) with the penalty row locked
too; a second officer completing the same task gets AlreadyDecided.
"""

import datetime

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from casework import penalty_rules as rules
from casework.audit import acting
from casework.errors import AlreadyDecided, InvalidInput, InvalidTransition
from casework.models import Case, Deadline, Suspension
from casework.suspensions import suspension_record
from documents.services import document_issue
from ledgers.models import Ledger
from ledgers.services import check_fund_refund, obligation_record
from organisation.models import User
from penalties import paperwork
from penalties.models import Penalty, PenaltyStep
from workflows.penalty import pending_task
from workflows.tasks import complete_task

ARTICLE_44 = "《中华人民共和国行政处罚法》第四十四条"
ARTICLE_61 = "《中华人民共和国行政处罚法》第六十一条"
ARTICLE_67 = "《中华人民共和国行政处罚法》第六十七条"


def require(by: User, perm: str, penalty: Penalty) -> None:
    if not by.has_perm(perm, penalty):
        raise PermissionDenied


def check_day(day: datetime.date | None, field: str, *, not_before: datetime.date | None = None) -> datetime.date:
    """A date a step happened: today by default, never in the future, never before the step it follows."""
    today = timezone.localdate()
    day = day or today
    if day > today:
        raise InvalidInput(errors={field: [_("The date cannot be in the future.")]})
    if not_before is not None and day < not_before:
        raise InvalidInput(
            errors={
                field: [_("The date cannot be before %(day)s, when the previous step was done.") % {"day": not_before}]
            }
        )
    return day


def required_text(**values: str) -> None:
    missing = {name: [_("This field is required.")] for name, value in values.items() if not (value or "").strip()}
    if missing:
        raise InvalidInput(errors=missing)


def open_task(penalty: Penalty, node, *, done: bool):
    """The node's open task; AlreadyDecided when the step was done, InvalidTransition when it is not due."""
    task = pending_task(penalty, node)
    if task is not None:
        return task
    if done:
        raise AlreadyDecided()
    penalty.refresh_from_db(fields=["status"])
    raise InvalidTransition(
        _("This step is not open: the penalty is at “%(status)s”.") % {"status": penalty.get_status_display()}
    )


def lock(penalty: Penalty) -> Penalty:
    return (
        Penalty.objects.select_for_update()
        .select_related("case__agency__region", "subject", "agency")
        .get(pk=penalty.pk)
    )


def run_step(task, penalty: Penalty, by: User, act) -> Penalty:
    """Complete task as by: act(locked penalty) under the process lock, then let the flow route."""

    def wrapped(process) -> None:
        locked = lock(penalty)
        process.penalty = locked
        act(locked)

    with transaction.atomic(), acting(by):
        complete_task(task, by, wrapped)
        after_step(penalty=penalty, by=by)
    return Penalty.objects.select_related("case", "subject").get(pk=penalty.pk)


def after_step(*, penalty: Penalty, by: User) -> None:
    """When the last penalty of the case has finished, tell the outcome flow (its Handle waits for it)."""
    from workflows.outcome import track_done

    finished = Penalty.objects.filter(pk=penalty.pk, status=Penalty.Status.FINISHED).exists()
    if finished and not Penalty.objects.filter(case_id=penalty.case_id).open().exists():
        track_done(case=Case.objects.get(pk=penalty.case_id), kind="penalty", by=by)


def step(penalty: Penalty, kind: str, on: datetime.date, by: User | None, document=None, note: str = "") -> None:
    PenaltyStep.objects.create(penalty=penalty, kind=kind, done_on=on, by=by, document=document, note=note[:300])


def deadline_set(penalty: Penalty, step_key: str, due: datetime.date, basis: str) -> None:
    Deadline.objects.update_or_create(
        case_id=penalty.case_id,
        step=step_key,
        ref=penalty.ref,
        defaults={"due": due, "basis": basis, "closed_on": None},
    )


def deadline_close(penalty: Penalty, step_key: str, on: datetime.date, *, ref: str | None = None) -> None:
    Deadline.objects.filter(
        case_id=penalty.case_id, step=step_key, ref=penalty.ref if ref is None else ref, closed_on__isnull=True
    ).update(closed_on=on)


def issue(kind, penalty: Penalty, by: User, context: dict):
    return document_issue(kind=kind, agency=penalty.case.agency, by=by, case=penalty.case, context=context)


def last_step_on(penalty: Penalty) -> datetime.date | None:
    """The date of the procedure's latest step (starting the track and extensions are not steps of it)."""
    steps = penalty.steps.exclude(kind__in=[PenaltyStep.Kind.STARTED, PenaltyStep.Kind.EXTENSION])
    return steps.order_by("-done_on").values_list("done_on", flat=True).first()


def record_consequences(p: Penalty, by: User, *, due_on: datetime.date | None) -> None:
    """The decision's money in the ledgers (basis: the decision number) and its measures on the subject."""
    basis = p.decision.number
    for ledger, field, amount in (
        (Ledger.FINE, "fine_obligation", p.fine),
        (Ledger.FUND_REFUND, "refund_obligation", p.refund),
        (Ledger.CONFISCATION, "confiscation_obligation", p.confiscation),
    ):
        if amount:
            obligation = obligation_record(
                case=p.case, subject=p.subject, ledger=ledger, amount_due=amount, basis=basis, by=by, due_on=due_on
            )
            setattr(p, field, obligation)
    citation = paperwork.citation(p.article)
    if p.terminates:
        suspension_record(
            subject=p.subject,
            case=p.case,
            scope=Suspension.Scope.TERMINATED,
            source=Suspension.Source.PENALTY,
            starts_on=p.decided_on,
            basis=f"{basis}（{citation}）",
            by=by,
        )
    elif p.suspension_months:
        suspension_record(
            subject=p.subject,
            case=p.case,
            scope=rules.SUSPENSION_RULES[p.article].measure,
            source=Suspension.Source.PENALTY,
            starts_on=p.decided_on,
            basis=f"{basis}（{citation}）",
            by=by,
            months=p.suspension_months,
            detail=p.suspension_detail,
        )


def close_decision_deadline(p: Penalty, on: datetime.date) -> None:
    """The case's 90-day decision deadline is met once no penalty of the case is left undecided."""
    if not Penalty.objects.filter(case_id=p.case_id, decided_on__isnull=True).exclude(pk=p.pk).exists():
        deadline_close(p, "penalty_decision", on, ref="")


def open_payment(p: Penalty, served_on: datetime.date) -> None:
    """Money penalties: pay within 15 days of service; the court may be asked within the window after."""
    from ledgers.models import Obligation

    due = rules.payment_due(served_on)
    obligations = [p.fine_obligation_id, p.refund_obligation_id, p.confiscation_obligation_id]
    Obligation.objects.filter(pk__in=[pk for pk in obligations if pk]).update(due_on=due)
    deadline_set(p, "fine_payment", due, ARTICLE_67)
    deadline_set(p, "enforcement_application", rules.enforcement_window(served_on)[1], rules.ENFORCEMENT_BASIS)


def check_refund_remaining(*, penalty: Penalty, refund) -> None:
    """What the fund lost is ordered back once (条例 Art.45): not again what the agreement track or another
    decision already ordered."""
    if not refund:
        return
    try:
        check_fund_refund(case=penalty.case, subject=penalty.subject, amount=refund)
    except InvalidInput as error:
        raise InvalidInput(errors={"refund": error.errors.get("amount_due", [error.message])}) from None
