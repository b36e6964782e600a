"""行政处罚, general procedure and 简易程序: each step validates its rules, then completes its flow task.

Every step runs under the penalty process's row lock (PenaltyFlow.lock_impl) with the penalty row
locked too; a second officer completing the same task gets AlreadyDecided. A step asked for out of
order is refused with the rule that orders it. Money goes to the ledgers (ledgers.services), measures
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
from casework.models import Case, Deadline, Subject, Suspension
from casework.suspensions import suspension_record
from documents import kinds
from documents.services import document_issue
from ledgers.models import Ledger
from ledgers.services import obligation_record
from organisation.models import User
from organisation.services import grant_owner_access
from penalties import conf, paperwork
from penalties.models import Hearing, Penalty, PenaltyStep, ServiceMethod
from penalties.terms import Terms, check_no_heavier, check_terms, subject_fund_loss
from workflows.investigation import _complete
from workflows.penalty import CHANGE, DECIDE, DISCUSS, REVIEW, PenaltyFlow, pending_task

ARTICLE_44 = "《中华人民共和国行政处罚法》第四十四条"
ARTICLE_61 = "《中华人民共和国行政处罚法》第六十一条"
ARTICLE_67 = "《中华人民共和国行政处罚法》第六十七条"
HEARING_CHAIR_BASIS = "《中华人民共和国行政处罚法》第六十四条第（四）项"


# Helpers -------------------------------------------------------------------------------------------


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
        _complete(task, by, wrapped)
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


# 听证 ----------------------------------------------------------------------------------------------


def check_chair(*, penalty: Penalty, chair: User) -> None:
    """处罚法 Art.64(4): the hearing is chaired by someone of the bureau who did not investigate the case."""
    from workflows.models import InvestigationProcess

    if chair is None or chair.agency_id != penalty.agency_id or not chair.is_active:
        raise InvalidInput(errors={"chair": [_("Choose an officer of the bureau to chair the hearing.")]})
    investigators = InvestigationProcess.objects.filter(case_id=penalty.case_id, investigators=chair)
    if investigators.exists():
        raise InvalidInput(
            errors={
                "chair": [
                    _("%(rule)s: the hearing is chaired by someone who did not investigate the case.")
                    % {"rule": HEARING_CHAIR_BASIS}
                ]
            }
        )


def penalty_hearing_schedule(
    *,
    penalty: Penalty,
    by: User,
    scheduled_at: datetime.datetime,
    place: str,
    chair: User,
    public: bool = True,
    notice_sent_on: datetime.date | None = None,
) -> Penalty:
    """Fix the hearing at least 7 days after the 听证通知书 is sent, and issue it."""
    require(by, CHANGE, penalty)
    hearing = Hearing.objects.filter(penalty=penalty).first()
    if hearing is None:
        raise InvalidTransition(_("No hearing was requested."))
    required_text(place=place)
    if scheduled_at is None:
        raise InvalidInput(errors={"scheduled_at": [_("Give the date and time of the hearing.")]})
    notice_sent_on = check_day(notice_sent_on, "notice_sent_on", not_before=hearing.requested_on)
    try:
        rules.check_hearing_date(notice_sent_on=notice_sent_on, hearing_on=timezone.localdate(scheduled_at))
    except InvalidInput as error:
        raise InvalidInput(errors={"scheduled_at": error.errors["hearing_on"]}) from None
    check_chair(penalty=penalty, chair=chair)
    task = open_task(penalty, PenaltyFlow.schedule_hearing, done=hearing.notice_id is not None)

    def act(p: Penalty) -> None:
        h = Hearing.objects.select_for_update().get(pk=hearing.pk)
        h.scheduled_at, h.place, h.chair, h.public, h.notice_sent_on = (
            scheduled_at,
            place.strip(),
            chair,
            public,
            notice_sent_on,
        )
        h.notice = issue(kinds.HEARING_NOTICE, p, by, paperwork.hearing_notice(p, h, by=by))
        h.save()
        deadline_set(p, "hearing", timezone.localdate(scheduled_at), rules.HEARING_NOTICE_BASIS)
        step(p, PenaltyStep.Kind.HEARING_NOTICE, notice_sent_on, by, h.notice)

    return run_step(task, penalty, by, act)


def penalty_hearing_hold(
    *,
    penalty: Penalty,
    by: User,
    participants: str,
    investigators_case: str,
    subject_statement: str,
    held_on: datetime.date | None = None,
) -> Penalty:
    """Record the hearing held (听证笔录): who took part, the investigators' case, the subject's answer."""
    require(by, CHANGE, penalty)
    hearing = Hearing.objects.filter(penalty=penalty).first()
    if hearing is None or hearing.scheduled_at is None:
        raise InvalidTransition(
            _("%(rule)s: the hearing is held only after its notice.") % {"rule": rules.HEARING_NOTICE_BASIS}
        )
    required_text(participants=participants, investigators_case=investigators_case, subject_statement=subject_statement)
    held_on = check_day(held_on, "held_on", not_before=timezone.localdate(hearing.scheduled_at))
    task = open_task(penalty, PenaltyFlow.hold_hearing, done=hearing.held_on is not None)

    def act(p: Penalty) -> None:
        h = Hearing.objects.select_for_update(of=("self",)).select_related("chair").get(pk=hearing.pk)
        h.held_on, h.participants = held_on, participants.strip()
        h.investigators_case, h.subject_statement = investigators_case.strip(), subject_statement.strip()
        h.record = issue(kinds.HEARING_RECORD, p, by, paperwork.hearing_record(p, h, by=by))
        h.save()
        deadline_close(p, "hearing", held_on)
        step(p, PenaltyStep.Kind.HEARING, held_on, by, h.record)

    return run_step(task, penalty, by, act)


# 法制审核, 集体讨论 ---------------------------------------------------------------------------------


def penalty_legal_review(
    *, penalty: Penalty, by: User, passed: bool, opinion: str, reviewed_on: datetime.date | None = None
) -> Penalty:
    """The legal reviewer's opinion (法制审核意见书); not passed, the section head revises and it comes back."""
    require(by, REVIEW, penalty)
    required_text(opinion=opinion)
    today = check_day(reviewed_on, "reviewed_on", not_before=last_step_on(penalty))
    task = open_task(penalty, PenaltyFlow.legal_review, done=penalty.review_passed is True)

    def act(p: Penalty) -> None:
        p.review_passed, p.review_opinion, p.reviewed_by = bool(passed), opinion.strip(), by
        p.review_document = issue(kinds.LEGAL_REVIEW_OPINION, p, by, paperwork.legal_review(p, by=by, today=today))
        p.save(update_fields=["review_passed", "review_opinion", "reviewed_by", "review_document"])
        note = _("Passed") if passed else _("Not passed: returned for revision")
        step(p, PenaltyStep.Kind.LEGAL_REVIEW, today, by, p.review_document, note=str(note))

    return run_step(task, penalty, by, act)


def penalty_revise(
    *, penalty: Penalty, by: User, terms: Terms, note: str, revised_on: datetime.date | None = None
) -> Penalty:
    """After a review that did not pass: lighten or correct the terms (never heavier) and send it back."""
    require(by, DECIDE, penalty)
    required_text(note=note)
    revised_on = check_day(revised_on, "revised_on", not_before=last_step_on(penalty))
    check_terms(
        terms=terms, subject=penalty.subject, fund_loss=subject_fund_loss(case=penalty.case, subject=penalty.subject)
    )
    check_no_heavier(terms=terms, notified=penalty.notified)
    task = open_task(penalty, PenaltyFlow.revise, done=False)

    def act(p: Penalty) -> None:
        changed = terms.apply_to(p)
        p.revision_note, p.review_passed = note.strip(), None
        p.save(update_fields=[*changed, "revision_note", "review_passed"])
        step(p, PenaltyStep.Kind.REVISION, revised_on, by, note=note.strip())

    return run_step(task, penalty, by, act)


def penalty_discuss(
    *,
    penalty: Penalty,
    by: User,
    participants: str,
    opinions: str,
    conclusion: str,
    discussed_on: datetime.date | None = None,
) -> Penalty:
    """The heads' collective discussion (集体讨论记录), chaired by the agency head."""
    require(by, DISCUSS, penalty)
    required_text(participants=participants, opinions=opinions, conclusion=conclusion)
    discussed_on = check_day(discussed_on, "discussed_on", not_before=last_step_on(penalty))
    task = open_task(penalty, PenaltyFlow.discussion, done=penalty.discussed_on is not None)

    def act(p: Penalty) -> None:
        p.discussed_on, p.discussion_participants = discussed_on, participants.strip()
        p.discussion_opinions, p.discussion_conclusion = opinions.strip(), conclusion.strip()
        p.discussion_document = issue(
            kinds.COLLECTIVE_DISCUSSION_RECORD, p, by, paperwork.collective_discussion(p, by=by)
        )
        p.save()
        step(p, PenaltyStep.Kind.DISCUSSION, discussed_on, by, p.discussion_document)

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


def open_payment(p: Penalty, served_on: datetime.date) -> None:
    """Money penalties: pay within 15 days of service; the court may be asked within the window after."""
    from ledgers.models import Obligation

    due = rules.payment_due(served_on)
    obligations = [p.fine_obligation_id, p.refund_obligation_id, p.confiscation_obligation_id]
    Obligation.objects.filter(pk__in=[pk for pk in obligations if pk]).update(due_on=due)
    deadline_set(p, "fine_payment", due, ARTICLE_67)
    deadline_set(p, "enforcement_application", rules.enforcement_window(served_on)[1], rules.ENFORCEMENT_BASIS)


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


# 简易程序 ------------------------------------------------------------------------------------------


def penalty_summary_decide(
    *,
    penalty: Penalty,
    by: User,
    terms: Terms,
    facts: str,
    place: str,
    statement: str = "",
    decided_on: datetime.date | None = None,
) -> Penalty:
    """当场处罚 (处罚法 Arts.51–52): a warning or a small fine only, decided and served on the spot."""
    require(by, DECIDE, penalty)
    if penalty.procedure != Penalty.Procedure.SUMMARY:
        raise InvalidTransition(_("This penalty follows the general procedure."))
    required_text(facts=facts, place=place)
    others = bool(terms.refund or terms.confiscation or terms.suspension_months or terms.terminates)
    if not rules.summary_procedure_allowed(fine=terms.fine, is_person=penalty.is_person, other_measures=others):
        limit = rules.SUMMARY_LIMIT_PERSON if penalty.is_person else rules.SUMMARY_LIMIT_ORGANISATION
        raise InvalidInput(
            errors={
                "fine": [
                    _(
                        "%(rule)s: on the spot only a warning or a fine of at most ¥%(limit)s, and nothing else; "
                        "use the general procedure."
                    )
                    % {"rule": rules.SUMMARY_BASIS, "limit": f"{limit:,}"}
                ]
            }
        )
    check_terms(
        terms=terms, subject=penalty.subject, fund_loss=subject_fund_loss(case=penalty.case, subject=penalty.subject)
    )
    decided_on = check_day(decided_on, "decided_on", not_before=timezone.localdate(penalty.case.opened_at))
    task = open_task(penalty, PenaltyFlow.summary_decide, done=penalty.decision_id is not None)

    def act(p: Penalty) -> None:
        terms.apply_to(p)
        p.facts, p.grounds, p.statement = facts.strip(), "", (statement or "").strip()
        p.notified = terms.as_notified()
        p.decided_on, p.decided_by = decided_on, by
        p.served_on, p.service_method, p.service_recipient = decided_on, ServiceMethod.DIRECT, p.subject.name
        p.decision = issue(kinds.SUMMARY_PENALTY_DECISION, p, by, paperwork.summary_decision(p, by=by, place=place))
        record_consequences(p, by, due_on=None)
        if not p.has_money:
            p.outcome = Penalty.Outcome.NO_MONEY
        p.save()
        close_decision_deadline(p, decided_on)
        if p.has_money:
            open_payment(p, decided_on)
        step(p, PenaltyStep.Kind.DECISION, decided_on, by, p.decision, note=place.strip())
        step(p, PenaltyStep.Kind.SERVICE, decided_on, by, note=str(ServiceMethod.DIRECT.label))

    return run_step(task, penalty, by, act)
