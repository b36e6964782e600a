"""Reminders of instalments and promises falling due: once per debtor and due date, to the asset-recovery
officers of the owning bureau, as "deadline.near" events (config.live.notify_users).

Call recovery_reminders() from the scheduled reminder run (workflows.reminders.send_reminders), or take
recovery_due_items() into its list: each item has the fields of workflows.reminders.Due.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from config.live import notify_users
from organisation.models import User
from organisation.roles import Role
from recoveries.models import Instalment, Promise

# workflows.models.Reminder.kind of these reminders (its object_id is the debtor's id).
REMINDER_KIND = "recovery_due"
# Near this many calendar days before the due date, as workflows.reminders.NEAR_DAYS; overdue items never
# reminded are reminded too.
NEAR_DAYS = 3
RECIPIENTS = (Role.RECOVERY_OFFICER,)


@dataclass(frozen=True)
class Due:
    kind: str
    object_id: int
    due: datetime.date
    agency_id: int
    roles: tuple[str, ...]
    title: str
    url: str


def recovery_due_items(today: datetime.date) -> list[Due]:
    """Unpaid instalments and unkept promises of open recoveries due by today + NEAR_DAYS, one item per
    debtor and due date with the amount outstanding."""
    horizon = today + datetime.timedelta(days=NEAR_DAYS)
    amounts: dict[tuple[int, datetime.date], Decimal] = defaultdict(Decimal)
    debtors = {}
    for instalment in (
        Instalment.objects.unpaid()
        .filter(due_on__lte=horizon, debtor__recovery__closed_on__isnull=True)
        .select_related("debtor__recovery")
    ):
        amounts[(instalment.debtor_id, instalment.due_on)] += instalment.outstanding
        debtors[instalment.debtor_id] = instalment.debtor
    for promise in (
        Promise.objects.pending()
        .filter(deadline__lte=horizon, debtor__recovery__closed_on__isnull=True)
        .select_related("debtor__recovery")
    ):
        amounts[(promise.debtor_id, promise.deadline)] += max(promise.amount - promise.paid_towards, Decimal("0"))
        debtors[promise.debtor_id] = promise.debtor
    items = []
    for (debtor_id, due), amount in sorted(amounts.items(), key=lambda kv: (kv[0][1], kv[0][0])):
        debtor = debtors[debtor_id]
        items.append(
            Due(
                REMINDER_KIND,
                debtor_id,
                due,
                debtor.recovery.agency_id,
                RECIPIENTS,
                _("%(debtor)s (%(reference)s): ¥%(amount)s due by %(due)s")
                % {
                    "debtor": debtor.name,
                    "reference": debtor.recovery.reference,
                    "amount": f"{amount.quantize(Decimal('0.01')):,.2f}",
                    "due": due,
                },
                reverse("recovery-detail", args=[debtor.recovery_id]),
            )
        )
    return items


def recovery_reminders(*, today: datetime.date | None = None) -> int:
    """Send each item's reminder to each asset-recovery officer of the owning bureau once; returns how many
    were sent. The unique Reminder row is written first, so two runners never send twice."""
    from workflows.models import Reminder

    today = today or timezone.localdate()
    sent = 0
    recipients: dict[int, list[int]] = {}
    for item in recovery_due_items(today):
        if item.agency_id not in recipients:
            recipients[item.agency_id] = list(
                User.objects.filter(agency=item.agency_id, is_active=True, groups__role_group__role__in=item.roles)
                .distinct()
                .values_list("pk", flat=True)
            )
        for user_id in recipients[item.agency_id]:
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
