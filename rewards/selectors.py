"""Reads of rewards: the list (with what waits for this user), the nav counter and the statistics."""

import datetime
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from organisation.models import Region, User
from organisation.visibility import with_group_grant
from rewards.models import Reward

Status = Reward.Status
# The steps each permission takes (workflows.reward: review, propose, notify and claim are the handler's).
WAITING = {
    "change_reward": (Status.REVIEWING, Status.PROPOSING, Status.NOTIFYING, Status.CLAIMING),
    "approve_reward": (Status.APPROVING,),
    "decide_reward_collectively": (Status.COLLECTIVE,),
    "pay_reward": (Status.PAYING,),
}


def reward_list(user: User) -> QuerySet:
    """Every reward the user may read, newest first, with what the list shows (no identity)."""
    return (
        Reward.objects.visible_to(user)
        .select_related("case", "report__lead", "agency")
        .only(
            "pk",
            "status",
            "created_at",
            "proposed_amount",
            "approved_amount",
            "notified_on",
            "claim_deadline",
            "paid_on",
            "case__number",
            "agency__name",
            "report__anonymous",
            "report__subject_name",
            "report__lead__received_at",
        )
        .order_by("-created_at", "-pk")
    )


def waiting_for(queryset: QuerySet, user: User) -> QuerySet:
    """The rewards at a step this user may take."""
    match = Q(pk__in=[])
    for codename, statuses in WAITING.items():
        match |= Q(pk__in=with_group_grant(Reward.objects.filter(status__in=statuses), user, codename).values("pk"))
    return queryset.filter(match)


def waiting_count(user: User) -> int:
    """The nav badge (data-live-count="rewards")."""
    if not user.is_authenticated:
        return 0
    return waiting_for(Reward.objects.all(), user).count()


def regions_for(user: User) -> QuerySet:
    """The regions a user may see statistics of: their agency's region and those below it."""
    if not user.is_authenticated or user.agency_id is None:
        return Region.objects.none()
    return Region.objects.filter(pk__in=user.agency.region.descendant_ids()).order_by("code")


@dataclass
class RegionRow:
    region: Region | None
    paid_count: int = 0
    paid_total: Decimal = field(default_factory=lambda: Decimal("0.00"))
    days_total: int = 0
    by_status: dict = field(default_factory=dict)

    @property
    def average_days(self) -> Decimal | None:
        """Average days from the report's receipt to the payment, one decimal."""
        if not self.paid_count:
            return None
        return (Decimal(self.days_total) / self.paid_count).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)

    @property
    def started(self) -> int:
        return sum(self.by_status.values())


@dataclass
class RewardStatistics:
    rows: list[RegionRow]
    total: RegionRow
    statuses: list[tuple[str, str]]

    @property
    def by_status(self) -> list[tuple[str, list[int], int]]:
        """(status label, count per region row, total) for each status, in the pipeline's order."""
        return [
            (label, [row.by_status.get(value, 0) for row in self.rows], self.total.by_status.get(value, 0))
            for value, label in self.statuses
        ]


def reward_statistics(
    *,
    rewards: QuerySet,
    regions: QuerySet,
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
) -> RewardStatistics:
    """Rewards by region (the case's agency's region) and period, over the rewards given (the user's visible ones).

    Paid in the period (paid_on): count, total, average days from the report's receipt to the payment.
    Started in the period (created_at, local date): how many stand at each status now. Two queries.
    """
    region_list = list(regions)
    rows = {region.pk: RegionRow(region) for region in region_list}
    rewards = rewards.filter(agency__region__in=[r.pk for r in region_list]).order_by()
    paid = rewards.filter(status=Status.PAID)
    if date_from:
        paid = paid.filter(paid_on__gte=date_from)
    if date_to:
        paid = paid.filter(paid_on__lte=date_to)
    for region_id, amount, paid_on, received_at in paid.values_list(
        "agency__region_id", "approved_amount", "paid_on", "report__lead__received_at"
    ):
        row = rows[region_id]
        row.paid_count += 1
        row.paid_total += amount or Decimal("0.00")
        row.days_total += (paid_on - timezone.localdate(received_at)).days
    started = rewards
    if date_from:
        started = started.filter(created_at__gte=_start_of(date_from))
    if date_to:
        started = started.filter(created_at__lt=_start_of(date_to + datetime.timedelta(days=1)))
    for region_id, status, count in started.values_list("agency__region_id", "status").annotate(n=Count("pk")):
        rows[region_id].by_status[status] = count
    shown = [row for row in rows.values() if row.paid_count or row.by_status]
    total = RegionRow(region=None)
    for row in shown:
        total.paid_count += row.paid_count
        total.paid_total += row.paid_total
        total.days_total += row.days_total
        for status, count in row.by_status.items():
            total.by_status[status] = total.by_status.get(status, 0) + count
    return RewardStatistics(rows=shown, total=total, statuses=list(Status.choices))


def _start_of(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))
