"""Deadline reminders: once, when a deadline comes near, to the people who must act — sent by a
scheduled command (`manage.py send_reminders`, looping under `make demo`, from cron or a timer in
production), not by anyone clicking.
"""

import datetime
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from agreements.models import DEADLINE_REF_PREFIX as AGREEMENT_REF
from agreements.models import AgreementAction
from assists.models import AssistRequest
from casework.models import Deadline, Lead
from config.live import notify_users
from intake.models import Report
from organisation.roles import Role
from organisation.services import agency_user_ids
from recoveries.reminders import recovery_due_items
from referrals import rules as referral_rules
from referrals.models import DEADLINE_REF_PREFIX as REFERRAL_REF
from referrals.models import Referral
from workflows.models import Reminder

# A deadline is "near" this many calendar days before it falls due (and stays near once passed).
NEAR_DAYS = 3
DECIDERS = (Role.SECTION_HEAD, Role.DIRECTOR)


@dataclass(frozen=True)
class Due:
    kind: str
    object_id: int
    due: datetime.date
    agency_id: int
    roles: tuple[str, ...]
    title: str
    url: str


def due_soon(today: datetime.date) -> list[Due]:
    """Open deadlines falling due by today + NEAR_DAYS (including overdue ones never reminded)."""
    horizon = today + datetime.timedelta(days=NEAR_DAYS)
    items = [
        Due(
            Reminder.Kind.LEAD_DECISION,
            lead.pk,
            lead.deadline,
            lead.agency_id,
            DECIDERS,
            _("Decide on lead #%(id)s by %(due)s: %(title)s")
            % {"id": lead.pk, "due": lead.deadline, "title": lead.title},
            reverse("lead-detail", args=[lead.pk]),
        )
        for lead in Lead.objects.pending().filter(deadline__lte=horizon).only("pk", "deadline", "agency_id", "title")
    ]
    items += [
        Due(
            Reminder.Kind.REPORTER_NOTICE,
            report.pk,
            report.result_notice_due,
            report.lead.agency_id,
            (Role.CLERK,),
            _("Tell the reporter of %(code)s the result by %(due)s")
            % {"code": report.receipt_code, "due": report.result_notice_due},
            reverse("intake-report", args=[report.pk]),
        )
        for report in Report.objects.result_notice_open().filter(result_notice_due__lte=horizon).select_related("lead")
    ]
    items += [
        Due(
            Reminder.Kind.CASE_DEADLINE,
            deadline.pk,
            deadline.due,
            deadline.case.agency_id,
            DECIDERS,
            _("%(case)s: %(step)s by %(due)s")
            % {"case": deadline.case.number, "step": deadline.get_step_display(), "due": deadline.due},
            reverse("case-detail", args=[deadline.case_id]),
        )
        for deadline in Deadline.objects.open()
        .filter(due__lte=horizon)
        .exclude(ref__startswith=AGREEMENT_REF)
        .exclude(ref__startswith=REFERRAL_REF)
        .select_related("case")
    ]
    items += _referral_dues(horizon)
    items += _assist_dues(horizon)
    items += recovery_due_items(today)
    # Agreement sanctions (agreements app): the handling agency acts, so its agreement managers are reminded.
    agreement_deadlines = list(Deadline.objects.open().filter(due__lte=horizon, ref__startswith=AGREEMENT_REF))
    actions = AgreementAction.objects.select_related("subject").in_bulk(
        [int(deadline.ref.removeprefix(AGREEMENT_REF)) for deadline in agreement_deadlines]
    )
    items += [
        Due(
            Reminder.Kind.CASE_DEADLINE,
            deadline.pk,
            deadline.due,
            action.agency_id,
            (Role.AGREEMENT_MANAGER,),
            _("%(subject)s: %(step)s by %(due)s")
            % {"subject": action.subject.name, "step": deadline.get_step_display(), "due": deadline.due},
            reverse("agreement-detail", args=[action.pk]),
        )
        for deadline in agreement_deadlines
        if (action := actions.get(int(deadline.ref.removeprefix(AGREEMENT_REF)))) is not None
    ]
    return items


def _assist_dues(horizon: datetime.date) -> list[Due]:
    """Open assist requests (协查) due soon: the requested bureau's section heads and head."""
    requests = AssistRequest.objects.open().filter(due_on__lte=horizon).select_related("from_agency")
    return [
        Due(
            Reminder.Kind.ASSIST_DUE,
            request.pk,
            request.due_on,
            request.to_agency_id,
            DECIDERS,
            _("Assist request from %(agency)s: answer by %(due)s (%(subject)s)")
            % {"agency": request.from_agency.name, "due": request.due_on, "subject": request.subject_name},
            reverse("assist-detail", args=[request.pk]),
        )
        for request in requests
    ]


def _referral_dues(horizon: datetime.date) -> list[Due]:
    """Referral deadlines: the receiving agency's liaisons for its steps, the procuratorate's for
    supervision, the bureau's section heads and head for the rest."""
    deadlines = list(Deadline.objects.open().filter(due__lte=horizon, ref__startswith=REFERRAL_REF))
    referrals = Referral.objects.select_related("case").in_bulk(
        [int(deadline.ref.removeprefix(REFERRAL_REF)) for deadline in deadlines]
    )
    items = []
    for deadline in deadlines:
        referral = referrals.get(int(deadline.ref.removeprefix(REFERRAL_REF)))
        if referral is None:
            continue
        if deadline.step in referral_rules.RECEIVER_STEPS:
            agency_id, roles = referral.to_agency_id, (Role.LIAISON,)
        elif deadline.step == "referral_supervision":
            agency_id, roles = referral.procuratorate_id, (Role.LIAISON,)
        else:
            agency_id, roles = referral.agency_id, DECIDERS
        items.append(
            Due(
                Reminder.Kind.CASE_DEADLINE,
                deadline.pk,
                deadline.due,
                agency_id,
                roles,
                _("Referral %(number)s: %(step)s by %(due)s")
                % {
                    "number": referral.number or referral.case.number,
                    "step": deadline.get_step_display(),
                    "due": deadline.due,
                },
                reverse("referral-detail", args=[referral.pk]),
            )
        )
    return items


def send_reminders(*, today: datetime.date | None = None) -> int:
    """Send each near deadline's reminder to each responsible user once; returns how many were sent.

    The unique (kind, object, due, user) row is written first; only its writer sends, so two
    runners at once never send twice.
    """
    today = today or timezone.localdate()
    # The same scheduled run is the timer that forfeits rewards not claimed in their window.
    from rewards.services import rewards_forfeit_expired

    rewards_forfeit_expired(today=today)
    # And lists insured persons whose fund refund fell overdue (credit rules).
    from credit.services import daily_run

    daily_run(today)
    sent = 0
    recipients_by_agency: dict[tuple[int, tuple[str, ...]], list[int]] = {}
    for item in due_soon(today):
        key = (item.agency_id, item.roles)
        if key not in recipients_by_agency:
            recipients_by_agency[key] = agency_user_ids(item.agency_id, item.roles)
        for user_id in recipients_by_agency[key]:
            try:
                with transaction.atomic():
                    Reminder.objects.create(kind=item.kind, object_id=item.object_id, due=item.due, user_id=user_id)
                    notify_users(
                        [user_id], event_type="deadline.near", id=item.object_id, title=item.title, url=item.url
                    )
            except IntegrityError:
                continue  # already reminded
            sent += 1
    return sent
