"""简易程序 (处罚法 Arts.51–52): a warning or a small fine decided and served on the spot."""

import datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from casework import penalty_rules as rules
from casework.errors import InvalidInput, InvalidTransition
from documents import kinds
from organisation.models import User
from penalties import paperwork
from penalties.models import Penalty, PenaltyStep, ServiceMethod
from penalties.procedure import (
    check_day,
    close_decision_deadline,
    issue,
    open_payment,
    open_task,
    record_consequences,
    require,
    required_text,
    run_step,
    step,
)
from penalties.terms import Terms, check_terms, subject_fund_loss
from workflows.penalty import DECIDE, PenaltyFlow


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
