"""行政处罚, general procedure and 简易程序: each step validates its rules, then completes its flow task.

Every step runs under the penalty process's row lock (penalties.procedure.run_step); a second officer
completing the same task gets AlreadyDecided. A step asked for out of order is refused with the rule
that orders it. Money goes to the ledgers (ledgers.services), measures
on the subject to casework.suspensions, deadlines to casework.Deadline rows with ref "penalty:<id>".
"""

import datetime

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from casework import penalty_rules as rules
from casework.audit import acting
from casework.errors import AlreadyDecided, InvalidInput, InvalidTransition
from casework.models import Case, Subject
from documents import kinds
from organisation.models import User
from organisation.services import grant_owner_access
from penalties import conf, paperwork
from penalties.hearing import penalty_hearing_hold, penalty_hearing_schedule
from penalties.models import Hearing, Penalty, PenaltyStep, ServiceMethod
from penalties.procedure import (
    ARTICLE_44,
    ARTICLE_61,
    check_day,
    check_refund_remaining,
    close_decision_deadline,
    deadline_close,
    deadline_set,
    issue,
    last_step_on,
    open_payment,
    open_task,
    record_consequences,
    require,
    required_text,
    run_step,
    step,
)
from penalties.review import penalty_discuss, penalty_legal_review, penalty_revise
from penalties.summary import penalty_summary_decide
from penalties.terms import Terms, check_no_heavier, check_terms, subject_fund_loss
from workflows.penalty import CHANGE, DECIDE, DISCUSS, PenaltyFlow, pending_task

# The steps of the hearing, the reviews and the 简易程序 live in their own modules; this is the one import
# for callers (pages, the API, the outcome flow, demo data).
__all__ = [
    "penalty_decide",
    "penalty_discuss",
    "penalty_hearing_hold",
    "penalty_hearing_schedule",
    "penalty_legal_review",
    "penalty_mark_finished",
    "penalty_notice_issue",
    "penalty_revise",
    "penalty_serve",
    "penalty_start",
    "penalty_statement_record",
    "penalty_summary_decide",
    "pending_task",
]


# Start ---------------------------------------------------------------------------------------------


def penalty_start(*, case: Case, subject: Subject, by: User, procedure: str = Penalty.Procedure.GENERAL) -> Penalty:
    """Open the penalty track for one subject of the case and start its flow.

    Called by the outcome decision inside its transaction (one call per subject chosen), or for a
    简易程序 on its own. Grants the bureau's roles and the auditors above their object permissions.
    """
    if not by.has_perm("casework.decide_case", case):
        raise PermissionDenied
    if procedure not in Penalty.Procedure.values:
        raise InvalidInput(errors={"procedure": [_("Choose the general or the summary procedure.")]})
    if not case.is_open:
        raise InvalidTransition(_("Only an open case can lead to a penalty."))
    if not case.subjects.filter(pk=subject.pk).exists():
        raise InvalidInput(errors={"subject": [_("The subject is not part of this case.")]})
    with transaction.atomic(), acting(by):
        Case.objects.select_for_update().filter(pk=case.pk).exists()
        if Penalty.objects.filter(case=case, subject=subject).exists():
            raise InvalidTransition(_("This subject already has a penalty in this case."))
        summary = procedure == Penalty.Procedure.SUMMARY
        penalty = Penalty.objects.create(
            agency_id=case.agency_id,
            case=case,
            subject=subject,
            procedure=procedure,
            status=Penalty.Status.ON_THE_SPOT if summary else Penalty.Status.DRAFTING,
            created_by=by,
        )
        grant_owner_access([penalty])
        PenaltyFlow.start.run(penalty=penalty)
        step(penalty, PenaltyStep.Kind.STARTED, timezone.localdate(), by, note=str(penalty.get_procedure_display()))
    return penalty


def penalty_mark_finished(*, penalty: Penalty) -> None:
    """The flow's last node: the penalty is done (its outcome was set by the step that finished it)."""
    penalty.set_status(Penalty.Status.FINISHED)
    penalty.outcome = penalty.outcome or Penalty.Outcome.NO_MONEY
    penalty.finished_at = timezone.now()
    penalty.save(update_fields=["status", "outcome", "finished_at"])
    step(penalty, PenaltyStep.Kind.FINISHED, timezone.localdate(), None, note=str(penalty.get_outcome_display()))


# 事先告知 ------------------------------------------------------------------------------------------


def assess(penalty: Penalty, terms: Terms, *, complex_case: bool) -> None:
    """Which procedure the intended terms call for: hearing (Art.63), 法制审核 (Art.58), 集体讨论 (Art.57)."""
    thresholds, review = conf.hearing_thresholds(), conf.review_thresholds()
    person = penalty.is_person
    penalty.hearing_offered = any(
        rules.hearing_required(fine=amount, is_person=person, thresholds=thresholds)
        for amount in (terms.fine, terms.confiscation)
        if amount
    ) or rules.hearing_required(
        fine=None, is_person=person, suspends=bool(terms.suspension_months), terminates=terms.terminates
    )
    penalty.legal_review_required = rules.legal_review_required(
        money_total=terms.money_total,
        is_person=person,
        hearing_offered=penalty.hearing_offered,
        complex_case=complex_case,
        thresholds=review,
    )
    penalty.discussion_required = rules.collective_discussion_required(
        money_total=terms.money_total,
        is_person=person,
        suspends=bool(terms.suspension_months),
        terminates=terms.terminates,
        complex_case=complex_case,
        thresholds=review,
    )


def penalty_notice_issue(
    *,
    penalty: Penalty,
    by: User,
    terms: Terms,
    facts: str,
    grounds: str,
    complex_case: bool = False,
    served_on: datetime.date | None = None,
    method: str = ServiceMethod.DIRECT,
) -> Penalty:
    """Issue the 行政处罚事先告知书 with the intended penalty and the rights; the statement window opens."""
    require(by, CHANGE, penalty)
    required_text(facts=facts, grounds=grounds)
    check_terms(
        terms=terms, subject=penalty.subject, fund_loss=subject_fund_loss(case=penalty.case, subject=penalty.subject)
    )
    check_refund_remaining(penalty=penalty, refund=terms.refund)
    if method not in ServiceMethod.values:
        raise InvalidInput(errors={"method": [_("Choose how the notice was served.")]})
    served_on = check_day(served_on, "served_on", not_before=timezone.localdate(penalty.case.opened_at))
    task = open_task(penalty, PenaltyFlow.notice, done=penalty.notice_id is not None)

    def act(p: Penalty) -> None:
        terms.apply_to(p)
        p.facts, p.grounds, p.complex_case = facts.strip(), grounds.strip(), complex_case
        assess(p, terms, complex_case=complex_case)
        p.notified = terms.as_notified()
        p.notice_method, p.notice_served_on = method, served_on
        p.notice = issue(kinds.PENALTY_PRIOR_NOTICE, p, by, paperwork.prior_notice(p, by=by))
        p.save()
        deadline_set(p, "statement", rules.statement_due(served_on), rules.STATEMENT_BASIS)
        if p.hearing_offered:
            deadline_set(p, "hearing_request", rules.hearing_request_due(served_on), rules.HEARING_NOTICE_BASIS)
        step(p, PenaltyStep.Kind.NOTICE, served_on, by, p.notice)

    return run_step(task, penalty, by, act)


# 陈述申辩 ------------------------------------------------------------------------------------------


def penalty_statement_record(
    *,
    penalty: Penalty,
    by: User,
    kind: str,
    statement: str = "",
    received_on: datetime.date | None = None,
    hearing_requested: bool = False,
) -> Penalty:
    """Record the subject's statement, written waiver, or that the window passed without one; and
    whether a hearing was requested in time."""
    require(by, CHANGE, penalty)
    if penalty.notice_id is None:
        raise InvalidTransition(_("%(rule)s: the prior notice comes before the statement.") % {"rule": ARTICLE_44})
    if kind not in Penalty.StatementKind.values:
        raise InvalidInput(errors={"kind": [_("Choose what the subject did.")]})
    today = timezone.localdate()
    window_ends = rules.statement_due(penalty.notice_served_on)
    if kind == Penalty.StatementKind.STATEMENT:
        required_text(statement=statement)
    if kind == Penalty.StatementKind.NONE and today <= window_ends:
        raise InvalidInput(
            errors={
                "kind": [
                    _("%(rule)s: the statement window ends on %(day)s; record that no statement came only after it.")
                    % {"rule": rules.STATEMENT_BASIS, "day": window_ends}
                ]
            }
        )
    if kind != Penalty.StatementKind.NONE or hearing_requested:
        if received_on is None:
            raise InvalidInput(errors={"received_on": [_("Give the date it was received.")]})
        received_on = check_day(received_on, "received_on", not_before=penalty.notice_served_on)
    if hearing_requested:
        if not penalty.hearing_offered:
            raise InvalidInput(
                errors={
                    "hearing_requested": [
                        _("%(rule)s: this penalty carries no right to a hearing.") % {"rule": rules.HEARING_BASIS}
                    ]
                }
            )
        if kind == Penalty.StatementKind.WAIVED:
            raise InvalidInput(
                errors={"hearing_requested": [_("A subject who waived the statement asked for no hearing.")]}
            )
        request_due = rules.hearing_request_due(penalty.notice_served_on)
        if received_on > request_due:
            raise InvalidInput(
                errors={
                    "hearing_requested": [
                        _("%(rule)s: a hearing is asked for within %(days)d days of the notice, by %(day)s.")
                        % {"rule": rules.HEARING_NOTICE_BASIS, "days": rules.HEARING_REQUEST_DAYS, "day": request_due}
                    ]
                }
            )
    task = open_task(penalty, PenaltyFlow.statement, done=bool(penalty.statement_kind))
    # "No statement" is known once the window closed: that is the day the step was done.
    on = received_on or window_ends

    def act(p: Penalty) -> None:
        p.statement_kind, p.statement, p.statement_on = kind, (statement or "").strip(), on
        p.hearing_requested = hearing_requested
        p.save(update_fields=["statement_kind", "statement", "statement_on", "hearing_requested"])
        if hearing_requested:
            Hearing.objects.create(penalty=p, requested_on=received_on)
        deadline_close(p, "statement", on)
        deadline_close(p, "hearing_request", on)
        note = str(Penalty.StatementKind(kind).label) + (_("; hearing requested") if hearing_requested else "")
        step(p, PenaltyStep.Kind.STATEMENT, on, by, note=note)

    return run_step(task, penalty, by, act)


# 决定, 送达 ----------------------------------------------------------------------------------------


def check_ready_to_decide(penalty: Penalty) -> None:
    """Refuse a decision a mandatory step has not preceded, naming the rule."""
    if penalty.decision_id is not None:
        raise AlreadyDecided()
    if penalty.notice_id is None:
        raise InvalidTransition(
            _("%(rule)s: no penalty decision before the prior notice (事先告知书) has been issued and served.")
            % {"rule": ARTICLE_44}
        )
    if not penalty.statement_kind:
        window_ends = rules.statement_due(penalty.notice_served_on)
        raise InvalidTransition(
            _(
                "%(rule)s: the subject may make a statement until %(day)s; decide after that, or once the statement "
                "or a written waiver is recorded."
            )
            % {"rule": rules.STATEMENT_BASIS, "day": window_ends}
        )
    hearing = Hearing.objects.filter(penalty=penalty).first()
    if penalty.hearing_offered and penalty.hearing_requested and (hearing is None or hearing.held_on is None):
        raise InvalidTransition(
            _("%(rule)s: the subject asked for a hearing; no decision before it has been held.")
            % {"rule": "《中华人民共和国行政处罚法》第六十三条、第六十四条"}
        )
    if penalty.legal_review_required and penalty.review_passed is not True:
        raise InvalidTransition(
            _("%(rule)s: no decision without a legal review that passed (法制审核).")
            % {"rule": rules.LEGAL_REVIEW_BASIS}
        )
    if penalty.discussion_required and penalty.discussed_on is None:
        raise InvalidTransition(
            _("%(rule)s: this penalty is decided by the heads collectively (集体讨论) first.")
            % {"rule": rules.COLLECTIVE_DISCUSSION_BASIS}
        )


def penalty_decide(
    *, penalty: Penalty, by: User, terms: Terms | None = None, decided_on: datetime.date | None = None
) -> Penalty:
    """Issue the 行政处罚决定书: the notified terms, or lighter ones; money and measures are recorded."""
    require(by, DECIDE, penalty)
    check_ready_to_decide(penalty)
    if penalty.discussion_required:
        require(by, DISCUSS, penalty)
    terms = terms or Terms.of(penalty)
    check_terms(
        terms=terms, subject=penalty.subject, fund_loss=subject_fund_loss(case=penalty.case, subject=penalty.subject)
    )
    check_no_heavier(terms=terms, notified=penalty.notified)
    check_refund_remaining(penalty=penalty, refund=terms.refund)
    decided_on = check_day(decided_on, "decided_on", not_before=last_step_on(penalty))
    task = open_task(penalty, PenaltyFlow.decide, done=False)

    def act(p: Penalty) -> None:
        terms.apply_to(p)
        p.decided_on, p.decided_by = decided_on, by
        p.decision = issue(kinds.PENALTY_DECISION, p, by, paperwork.penalty_decision(p, by=by))
        record_consequences(p, by, due_on=None)
        p.save()
        close_decision_deadline(p, decided_on)
        deadline_set(p, "penalty_service", rules.service_due(decided_on), ARTICLE_61)
        step(p, PenaltyStep.Kind.DECISION, decided_on, by, p.decision)

    return run_step(task, penalty, by, act)


def penalty_serve(
    *, penalty: Penalty, by: User, method: str, recipient: str, served_on: datetime.date | None = None
) -> Penalty:
    """Record how and when the decision reached the subject (送达回证); payment falls due from then."""
    require(by, CHANGE, penalty)
    if penalty.decision_id is None:
        raise InvalidTransition(_("%(rule)s: only a decision can be served.") % {"rule": ARTICLE_61})
    if method not in ServiceMethod.values:
        raise InvalidInput(errors={"method": [_("Choose how the decision was served.")]})
    required_text(recipient=recipient)
    served_on = check_day(served_on, "served_on", not_before=penalty.decided_on)
    task = open_task(penalty, PenaltyFlow.serve, done=penalty.served_on is not None)

    def act(p: Penalty) -> None:
        p.service_method, p.service_recipient, p.served_on = method, recipient.strip(), served_on
        p.service_receipt = issue(
            kinds.SERVICE_RECEIPT, p, by, paperwork.service_receipt(p, document=p.decision, by=by)
        )
        if not p.has_money:
            p.outcome = Penalty.Outcome.NO_MONEY
        p.save()
        deadline_close(p, "penalty_service", served_on)
        if p.has_money:
            open_payment(p, served_on)
        step(p, PenaltyStep.Kind.SERVICE, served_on, by, p.service_receipt, note=p.get_service_method_display())

    return run_step(task, penalty, by, act)
