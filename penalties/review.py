"""法制审核 (处罚法 Art.58) and 集体讨论 (Art.57(2)): the reviews a serious penalty passes before its decision."""

import datetime

from django.utils.translation import gettext as _

from documents import kinds
from organisation.models import User
from penalties import paperwork
from penalties.models import Penalty, PenaltyStep
from penalties.procedure import (
    check_day,
    check_refund_remaining,
    issue,
    last_step_on,
    open_task,
    require,
    required_text,
    run_step,
    step,
)
from penalties.terms import Terms, check_no_heavier, check_terms, subject_fund_loss
from workflows.penalty import DECIDE, DISCUSS, REVIEW, PenaltyFlow


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
    check_refund_remaining(penalty=penalty, refund=terms.refund)
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
