"""执行: payment of the decision's money, the late-payment fine, 催告书 and the application to the court.

The execution task stays open while money is owed; payments, the reminder and the late fee are recorded
under the penalty process's lock without finishing it. It finishes when every amount of the penalty is
paid, or when the court is asked to enforce (强制执行申请书).
"""

import datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from viewflow.fsm import TransitionNotAllowed
from viewflow.workflow.exceptions import FlowLockFailed

from casework import penalty_rules as rules
from casework.audit import acting
from casework.errors import AlreadyDecided, InvalidInput, InvalidTransition
from documents import kinds
from documents.formatting import yuan
from ledgers.models import Ledger, Obligation
from ledgers.services import obligation_record, payment_record
from organisation.models import User
from penalties import paperwork
from penalties.models import Penalty, PenaltyStep
from penalties.procedure import (
    ARTICLE_67,
    after_step,
    check_day,
    deadline_close,
    issue,
    lock,
    open_task,
    require,
    required_text,
    step,
)
from workflows.penalty import DECIDE, PenaltyFlow
from workflows.tasks import complete_task
from workflows.triage import OPEN_TASK_STATUSES

LEDGER_NAMES = {
    Ledger.FINE: "罚款",
    Ledger.FUND_REFUND: "退回医保基金",
    Ledger.CONFISCATION: "没收违法所得",
    Ledger.LATE_FEE: "加处罚款",
}
OBLIGATION_FIELDS = {
    Ledger.FINE: "fine_obligation",
    Ledger.FUND_REFUND: "refund_obligation",
    Ledger.CONFISCATION: "confiscation_obligation",
    Ledger.LATE_FEE: "late_fee_obligation",
}


def obligations(penalty: Penalty) -> list[Obligation]:
    """The penalty's amounts due with paid and balance, fine first."""
    ids = [getattr(penalty, f"{field}_id") for field in OBLIGATION_FIELDS.values()]
    order = {ledger: index for index, ledger in enumerate(OBLIGATION_FIELDS)}
    rows = Obligation.objects.filter(pk__in=[pk for pk in ids if pk]).with_balance()
    return sorted(rows, key=lambda row: order[row.ledger])


def payment_due(penalty: Penalty) -> datetime.date:
    return rules.payment_due(penalty.served_on)


def late_fee_until(penalty: Penalty, day: datetime.date) -> Decimal:
    """加处罚款 on the fine for each day after the payment deadline up to day (处罚法 Art.72), capped."""
    if not penalty.fine:
        return Decimal("0.00")
    return rules.late_fee(fine=penalty.fine, payment_due=payment_due(penalty), paid_on=day)


def owed_lines(rows: list[Obligation]) -> list[dict]:
    return [
        {
            "ledger": LEDGER_NAMES.get(row.ledger, row.ledger),
            "due": yuan(row.amount_due),
            "paid": yuan(row.paid),
            "balance": yuan(row.balance),
        }
        for row in rows
    ]


def _imposer(penalty: Penalty, by: User) -> User:
    """Who records the late fee in the ledger: the acting officer if they may decide, else the decider."""
    return by if by.has_perm("casework.decide_case", penalty.case) else penalty.decided_by


def record_late_fee(p: Penalty, by: User, *, fee: Decimal, until: datetime.date) -> None:
    if fee <= 0 or p.late_fee_obligation_id is not None:
        return
    p.late_fee_obligation = obligation_record(
        case=p.case,
        subject=p.subject,
        ledger=Ledger.LATE_FEE,
        amount_due=fee,
        basis=f"{p.decision.number}（{rules.LATE_FEE_BASIS}）",
        by=_imposer(p, by),
        due_on=rules.payment_due(until),
    )
    p.save(update_fields=["late_fee_obligation"])
    days = (until - payment_due(p)).days
    note = _("%(days)d days late: ¥%(fee)s") % {"days": days, "fee": yuan(fee)}
    step(p, PenaltyStep.Kind.LATE_FEE, until, by, note=note)


def settle(p: Penalty, by: User) -> bool:
    """After a payment: a fine paid late owes its late fee; True when nothing is owed any more."""
    fine = next((row for row in obligations(p) if row.ledger == Ledger.FINE), None)
    if fine is not None and fine.balance <= 0 and p.late_fee_obligation_id is None:
        last_paid = fine.payments.aggregate(last=Max("paid_on"))["last"]
        record_late_fee(p, by, fee=late_fee_until(p, last_paid), until=last_paid)
    return all(row.balance <= 0 for row in obligations(p))


def finish_paid(p: Penalty, on: datetime.date) -> None:
    p.outcome = Penalty.Outcome.PAID
    p.save(update_fields=["outcome"])
    deadline_close(p, "fine_payment", on)
    deadline_close(p, "enforcement_application", on)


def on_execution(penalty: Penalty, by: User, act) -> Penalty:
    """Run act(locked penalty) under the process lock while execution is open; finish the task when it
    returns True."""
    task = open_task(penalty, PenaltyFlow.execution, done=penalty.is_finished)
    try:
        with transaction.atomic(), acting(by):
            with PenaltyFlow.lock(task.process_id):
                task.refresh_from_db()
                if task.status not in OPEN_TASK_STATUSES:
                    raise AlreadyDecided()
                locked = lock(penalty)
                if act(locked):
                    complete_task(task, by, lambda process: setattr(process, "penalty", locked))
            after_step(penalty=penalty, by=by)
    except (TransitionNotAllowed, FlowLockFailed) as exc:
        raise AlreadyDecided() from exc
    return Penalty.objects.select_related("case", "subject").get(pk=penalty.pk)


def penalty_payment_record(
    *,
    penalty: Penalty,
    by: User,
    ledger: str,
    amount,
    voucher: str,
    paid_on: datetime.date | None = None,
    channel: str = "",
) -> Penalty:
    """Record a payment of one of the penalty's amounts (finance); the task finishes when all is paid."""
    if not by.has_perm("penalties.view_penalty", penalty):
        raise PermissionDenied
    obligation_id = getattr(penalty, f"{OBLIGATION_FIELDS[ledger]}_id", None) if ledger in OBLIGATION_FIELDS else None
    if obligation_id is None:
        raise InvalidInput(errors={"ledger": [_("This penalty owes nothing in that ledger.")]})
    paid_on = check_day(paid_on, "paid_on", not_before=penalty.served_on)

    def act(p: Penalty) -> bool:
        payment_record(
            obligation=Obligation.objects.select_related("case").get(pk=obligation_id),
            by=by,
            paid_on=paid_on,
            amount=amount,
            voucher=voucher,
            channel=channel,
        )
        note = f"{LEDGER_NAMES.get(ledger, ledger)} ¥{yuan(Decimal(str(amount)))}"
        step(p, PenaltyStep.Kind.PAYMENT, paid_on, by, note=note)
        if settle(p, by):
            finish_paid(p, paid_on)
            return True
        return False

    return on_execution(penalty, by, act)


def penalty_execution_check(*, penalty: Penalty, by: User) -> Penalty:
    """Look again at the ledgers (payments recorded there directly) and finish if all is paid."""
    if not (by.has_perm("penalties.decide_penalty", penalty) or by.has_perm("ledgers.add_payment")):
        raise PermissionDenied
    require(by, "penalties.view_penalty", penalty)

    def act(p: Penalty) -> bool:
        if settle(p, by):
            finish_paid(p, timezone.localdate())
            return True
        return False

    return on_execution(penalty, by, act)


def penalty_reminder_issue(*, penalty: Penalty, by: User, reminded_on: datetime.date | None = None) -> Penalty:
    """催告书 (强制法 Arts.35, 54): once the payment deadline has passed with money still owed."""
    require(by, DECIDE, penalty)
    if penalty.reminder_id is not None:
        raise InvalidTransition(_("A payment reminder was already issued on %(day)s.") % {"day": penalty.reminded_on})
    due = payment_due(penalty) if penalty.served_on else None
    reminded_on = check_day(reminded_on, "reminded_on", not_before=penalty.served_on)
    if due is None or reminded_on <= due:
        raise InvalidInput(
            errors={
                "reminded_on": [
                    _("%(rule)s: the money is due by %(day)s; a reminder comes only after that.")
                    % {"rule": ARTICLE_67, "day": due}
                ]
            }
        )

    def act(p: Penalty) -> bool:
        rows = obligations(p)
        if all(row.balance <= 0 for row in rows):
            raise InvalidTransition(_("Everything has been paid; no reminder is needed."))
        fine = next((row for row in rows if row.ledger == Ledger.FINE), None)
        fee = late_fee_until(p, reminded_on) if fine is not None and fine.balance > 0 else Decimal("0.00")
        p.reminded_on = reminded_on
        p.reminder = issue(
            kinds.PAYMENT_REMINDER,
            p,
            by,
            paperwork.payment_reminder(
                p, owed=owed_lines(rows), late_fee=fee, payment_due=due, reminded_on=reminded_on, by=by
            ),
        )
        p.save(update_fields=["reminded_on", "reminder"])
        step(p, PenaltyStep.Kind.REMINDER, reminded_on, by, p.reminder)
        return False

    return on_execution(penalty, by, act)


def penalty_enforcement_apply(
    *, penalty: Penalty, by: User, court: str, applied_on: datetime.date | None = None
) -> Penalty:
    """强制执行申请书: after the 催告书 and 10 days, inside the three months after the review period."""
    require(by, DECIDE, penalty)
    required_text(court=court)
    if penalty.reminder_id is None:
        raise InvalidTransition(
            _("%(rule)s: the court is asked to enforce only after a written reminder (催告书).")
            % {"rule": rules.REMINDER_BASIS}
        )
    applied_on = check_day(applied_on, "applied_on", not_before=penalty.reminded_on)
    earliest = rules.enforcement_earliest_after_reminder(penalty.reminded_on)
    if applied_on < earliest:
        raise InvalidInput(
            errors={
                "applied_on": [
                    _("%(rule)s: wait %(days)d days after the reminder, until %(day)s.")
                    % {"rule": rules.REMINDER_BASIS, "days": rules.REMINDER_WAIT_DAYS, "day": earliest}
                ]
            }
        )
    opens, closes = rules.enforcement_window(penalty.served_on)
    if not opens <= applied_on <= closes:
        raise InvalidInput(
            errors={
                "applied_on": [
                    _(
                        "%(rule)s: the court is asked within three months after the period for review and "
                        "appeal ends, from %(opens)s to %(closes)s."
                    )
                    % {"rule": rules.ENFORCEMENT_BASIS, "opens": opens, "closes": closes}
                ]
            }
        )

    def act(p: Penalty) -> bool:
        rows = obligations(p)
        if all(row.balance <= 0 for row in rows):
            raise InvalidTransition(_("Everything has been paid; there is nothing to enforce."))
        fine = next((row for row in rows if row.ledger == Ledger.FINE), None)
        if fine is not None and fine.balance > 0:
            record_late_fee(p, by, fee=late_fee_until(p, applied_on), until=applied_on)
            rows = obligations(p)
        fee = next((row.amount_due for row in rows if row.ledger == Ledger.LATE_FEE), Decimal("0.00"))
        p.court, p.enforcement_applied_on = court.strip(), applied_on
        p.enforcement = issue(
            kinds.ENFORCEMENT_APPLICATION,
            p,
            by,
            paperwork.enforcement_application(
                p,
                court=court.strip(),
                owed=owed_lines(rows),
                late_fee=fee,
                window_opens=opens,
                applied_on=applied_on,
                by=by,
            ),
        )
        p.outcome = Penalty.Outcome.ENFORCEMENT
        p.save(update_fields=["court", "enforcement_applied_on", "enforcement", "outcome"])
        deadline_close(p, "fine_payment", applied_on)
        deadline_close(p, "enforcement_application", applied_on)
        step(p, PenaltyStep.Kind.ENFORCEMENT, applied_on, by, p.enforcement, note=court.strip())
        return True

    return on_execution(penalty, by, act)
