"""Reminders of instalments and promises falling due: once per debtor and due date, to the asset-recovery
officers of the owning bureau, as "deadline.near" events (config.live.notify_users).

workflows.reminders.send_reminders takes recovery_due_items() into its list and sends them with the rest.
"""

import datetime
from collections import defaultdict
from decimal import Decimal

from django.urls import reverse
from django.utils.translation import gettext as _

from organisation.roles import Role
from recoveries.models import Instalment, Promise

# workflows.models.Reminder.kind of these reminders (its object_id is the debtor's id).
REMINDER_KIND = "recovery_due"  # workflows.models.Reminder.Kind.RECOVERY_DUE
# Near this many calendar days before the due date, as workflows.reminders.NEAR_DAYS; overdue items never
# reminded are reminded too.
NEAR_DAYS = 3
RECIPIENTS = (Role.RECOVERY_OFFICER,)


def recovery_due_items(today: datetime.date) -> list:
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
    from workflows.reminders import Due

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
