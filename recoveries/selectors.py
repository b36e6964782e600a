"""Reads of asset recovery: the follow-up list, the recovery page, and totals for statistics."""

import datetime
from collections import defaultdict
from decimal import Decimal

from django.db.models import Count, Prefetch, Q, Sum
from django.utils import timezone

from organisation.models import Agency, Region, User
from recoveries.models import (
    Debtor,
    EnforcementApplication,
    EnforcementStep,
    Instalment,
    Promise,
    Recovery,
    RecoveryMeeting,
    RecoveryPayment,
    RecoveryQuerySet,
)

CENT = Decimal("0.01")


def _yuan(value) -> Decimal:
    # SQLite sums decimals as floats: back to cents.
    return Decimal(str(value or 0)).quantize(CENT)


def recovery_list(
    *,
    user: User,
    court: Agency | None = None,
    debtor: str = "",
    status: str = "",
    overdue: bool | None = None,
    today: datetime.date | None = None,
) -> RecoveryQuerySet:
    """The recoveries the user may see, with money, status, overdue flag and debtors (one query for the page,
    one for its debtors), narrowed by court, debtor name, status and overdue; newest judgments first."""
    queryset = (
        Recovery.objects.visible_to(user)
        .with_related()
        .with_money()
        .with_status()
        .with_overdue(today)
        .prefetch_related(Prefetch("debtors", queryset=Debtor.objects.order_by("pk")))
    )
    if court is not None:
        queryset = queryset.filter(court=court)
    if debtor:
        queryset = queryset.with_debtor_named(debtor)
    if status:
        queryset = queryset.filter(status=status)
    if overdue is not None:
        queryset = queryset.filter(overdue=overdue)
    return queryset.order_by("-judged_on", "-pk")


def courts_for(user: User):
    """The courts of the recoveries the user may see (for the list filter)."""
    return Agency.objects.filter(pk__in=Recovery.objects.visible_to(user).values("court_id")).order_by("code")


def recovery_detail(recovery: Recovery, *, today: datetime.date | None = None) -> dict:
    """Everything the recovery page and the API detail show, in a fixed number of queries: debtors with
    ordered, paid and balance, each with its plan (overdue flagged), promises and payments; enforcement
    applications with their steps; meetings with who attended, what was paid and promised there."""
    today = today or timezone.localdate()
    debtors = list(Debtor.objects.filter(recovery=recovery).with_balance().select_related("subject").order_by("pk"))
    by_id = {debtor.pk: debtor for debtor in debtors}
    instalments = defaultdict(list)
    for instalment in Instalment.objects.filter(debtor__recovery=recovery).with_cover().order_by("due_on", "pk"):
        instalment.debtor = by_id[instalment.debtor_id]
        instalment.overdue = instalment.is_overdue(today) and recovery.closed_on is None
        instalments[instalment.debtor_id].append(instalment)
    promises = defaultdict(list)
    for promise in Promise.objects.filter(debtor__recovery=recovery).with_progress().order_by("deadline", "pk"):
        promise.debtor = by_id[promise.debtor_id]
        promise.overdue = promise.is_overdue(today) and recovery.closed_on is None
        promises[promise.debtor_id].append(promise)
    payments = list(
        RecoveryPayment.objects.filter(debtor__recovery=recovery)
        .select_related("recorded_by", "meeting")
        .order_by("paid_on", "pk")
    )
    for payment in payments:
        payment.debtor = by_id[payment.debtor_id]
    for debtor in debtors:
        debtor.plan = instalments[debtor.pk]
        debtor.promise_list = promises[debtor.pk]
        debtor.payment_list = [payment for payment in payments if payment.debtor_id == debtor.pk]
        debtor.overdue = any(i.overdue for i in debtor.plan) or any(p.overdue for p in debtor.promise_list)
    applications = list(
        EnforcementApplication.objects.filter(recovery=recovery)
        .select_related("recorded_by")
        .prefetch_related(
            Prefetch(
                "steps", queryset=EnforcementStep.objects.select_related("recorded_by").order_by("happened_on", "pk")
            ),
            Prefetch("debtors", queryset=Debtor.objects.order_by("pk")),
        )
        .order_by("applied_on", "pk")
    )
    for application in applications:
        steps = list(application.steps.all())
        application.concluded = any(step.kind in EnforcementStep.CONCLUDING for step in steps)
        application.last_step = steps[-1] if steps else None
    meetings = list(
        RecoveryMeeting.objects.filter(recovery=recovery)
        .select_related("court", "recorded_by")
        .prefetch_related(Prefetch("attending", queryset=Debtor.objects.order_by("pk")))
        .order_by("held_on", "pk")
    )
    for meeting in meetings:
        meeting.payment_list = [payment for payment in payments if payment.meeting_id == meeting.pk]
        meeting.promise_list = [p for d in debtors for p in d.promise_list if p.meeting_id == meeting.pk]
        meeting.paid_total = sum((payment.amount for payment in meeting.payment_list), Decimal("0.00"))
        meeting.promised_total = sum((p.amount for p in meeting.promise_list), Decimal("0.00"))
    ordered = sum((debtor.amount_ordered for debtor in debtors), Decimal("0.00"))
    paid = sum((payment.amount for payment in payments), Decimal("0.00"))
    return {
        "debtors": debtors,
        "payments": payments,
        "applications": applications,
        "meetings": meetings,
        "totals": {"ordered": ordered, "paid": paid, "balance": ordered - paid},
        "overdue": any(debtor.overdue for debtor in debtors),
    }


def recovery_totals(
    region: Region | None = None,
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
    *,
    recoveries: RecoveryQuerySet | None = None,
    today: datetime.date | None = None,
) -> dict:
    """Totals over the recoveries judged in the period (owned in the region or below): yuan ordered, paid and
    balance (= ordered − paid), the yuan paid within the period on any recovery of the region, and counts.

    recoveries: the set to start from (e.g. what one user may see); all recoveries by default.
    """
    today = today or timezone.localdate()
    base = recoveries if recoveries is not None else Recovery.objects.all()
    if region is not None:
        base = base.in_region(region)
    selected = base.judged_between(date_from, date_to)
    ids = selected.values("pk")
    counts = Recovery.objects.filter(pk__in=ids).aggregate(
        recoveries=Count("pk"), closed=Count("pk", filter=Q(closed_on__isnull=False))
    )
    debtors = Debtor.objects.filter(recovery__in=ids).aggregate(ordered=Sum("amount_ordered"), debtors=Count("pk"))
    paid = _yuan(RecoveryPayment.objects.filter(debtor__recovery__in=ids).aggregate(total=Sum("amount"))["total"])
    if date_from is None and date_to is None:
        paid_in_period = paid
    else:
        in_period = RecoveryPayment.objects.filter(debtor__recovery__in=base.values("pk"))
        if date_from is not None:
            in_period = in_period.filter(paid_on__gte=date_from)
        if date_to is not None:
            in_period = in_period.filter(paid_on__lte=date_to)
        paid_in_period = _yuan(in_period.aggregate(total=Sum("amount"))["total"])
    ordered = _yuan(debtors["ordered"])
    return {
        "ordered": ordered,
        "paid": paid,
        "balance": ordered - paid,
        "paid_in_period": paid_in_period,
        "recoveries": counts["recoveries"],
        "open": counts["recoveries"] - counts["closed"],
        "closed": counts["closed"],
        "debtors": debtors["debtors"],
        "overdue_instalments": Instalment.objects.overdue(today).filter(debtor__recovery__in=ids).count(),
        "overdue_promises": Promise.objects.overdue(today).filter(debtor__recovery__in=ids).count(),
    }
