"""听证 (处罚法 Arts.63–65): the hearing a subject asked for — its notice at least 7 days ahead, a chair who
did not investigate the case, and the 听证笔录."""

import datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from casework import penalty_rules as rules
from casework.errors import InvalidInput, InvalidTransition
from documents import kinds
from organisation.models import User
from penalties import paperwork
from penalties.models import Hearing, Penalty, PenaltyStep
from penalties.procedure import (
    check_day,
    deadline_close,
    deadline_set,
    issue,
    open_task,
    require,
    required_text,
    run_step,
    step,
)
from workflows.penalty import CHANGE, PenaltyFlow

HEARING_CHAIR_BASIS = "《中华人民共和国行政处罚法》第六十四条第（四）项"


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
