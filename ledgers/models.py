"""Money owed and paid because of a case, in separate ledgers that are never mixed (条例 Art.45).

An Obligation is one amount due (a fund refund, a fine, 违约金, money returned to patients…) of
one subject in one case; Payments settle it. The balance is always amount due minus payments,
computed, never stored.
"""

import datetime
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import ExpressionWrapper, F, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

ZERO = Value(Decimal("0.00"), output_field=models.DecimalField(max_digits=14, decimal_places=2))


class Ledger(models.TextChoices):
    """Where the money goes decides the ledger (条例 Art.45: refunds to the fund, fines to the treasury)."""

    FUND_REFUND = "fund_refund", _("Refund to the fund")
    FINE = "fine", _("Fine")
    CONFISCATION = "confiscation", _("Confiscated illegal gains")
    LATE_FEE = "late_fee", _("Late-payment fine")
    LIQUIDATED_DAMAGES = "liquidated_damages", _("Liquidated damages")
    PATIENT_REFUND = "patient_refund", _("Returned to patients")


# The account each ledger pays into.
DESTINATION = {
    Ledger.FUND_REFUND: _("Medical insurance fund account"),
    Ledger.FINE: _("State treasury"),
    Ledger.CONFISCATION: _("State treasury"),
    Ledger.LATE_FEE: _("State treasury"),
    Ledger.LIQUIDATED_DAMAGES: _("Medical insurance fund account (under the service agreement)"),
    Ledger.PATIENT_REFUND: _("The patients concerned"),
}


class Destination(models.TextChoices):
    """Where money ends up; totals are given per destination, never as one sum over all of them."""

    FUND = "fund", _("Medical insurance fund account")
    TREASURY = "treasury", _("State treasury")
    PATIENTS = "patients", _("The patients concerned")


DESTINATION_OF = {
    Ledger.FUND_REFUND: Destination.FUND,
    Ledger.LIQUIDATED_DAMAGES: Destination.FUND,
    Ledger.FINE: Destination.TREASURY,
    Ledger.CONFISCATION: Destination.TREASURY,
    Ledger.LATE_FEE: Destination.TREASURY,
    Ledger.PATIENT_REFUND: Destination.PATIENTS,
}

MONEY = models.DecimalField(max_digits=14, decimal_places=2)


def money_row(due: Decimal, paid: Decimal) -> dict[str, Decimal]:
    return {"due": due, "paid": paid, "balance": due - paid}


class ObligationQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Obligations of cases the user may view, and those their own agency imposed (e.g. 协议处理)."""
        from casework.models import Case

        if not user.is_authenticated:
            return self.none()
        if user.is_superuser:
            return self
        of_visible_cases = Q(case__in=Case.objects.visible_to(user).values("pk"))
        if user.agency_id is None:
            return self.filter(of_visible_cases)
        return self.filter(of_visible_cases | Q(agency_id=user.agency_id))

    def with_balance(self):
        """Annotate `paid` (sum of payments) and `balance` (amount due − paid), one subquery per row."""
        if "balance" in self.query.annotations:
            return self
        paid = (
            Payment.objects.filter(obligation=OuterRef("pk"))
            .order_by()
            .values("obligation")
            .annotate(total=Sum("amount"))
            .values("total")
        )
        return self.annotate(paid=Coalesce(Subquery(paid, output_field=MONEY), ZERO)).annotate(
            balance=ExpressionWrapper(F("amount_due") - F("paid"), output_field=MONEY)
        )

    def open(self):
        return self.with_balance().filter(balance__gt=0)

    def settled(self):
        return self.with_balance().filter(balance__lte=0)

    def overdue(self, today=None):
        """Open obligations whose due date has passed."""
        return self.open().filter(due_on__lt=today or timezone.localdate())

    def in_region(self, region):
        """Obligations of subjects in the region (统筹区) or a region below it: a city includes its counties."""
        return self.filter(subject__region_id__in=region.descendant_ids())

    def recorded_between(self, date_from=None, date_to=None):
        """Obligations recorded on or after date_from and on or before date_to (local dates)."""
        queryset = self
        if date_from is not None:
            queryset = queryset.filter(created_at__gte=_day_start(date_from))
        if date_to is not None:
            queryset = queryset.filter(created_at__lt=_day_start(date_to + datetime.timedelta(days=1)))
        return queryset

    def with_related(self):
        return self.select_related("case", "subject", "agency")

    def by_due_date(self):
        """Earliest due date first (undated last on every database), then the newest recorded."""
        return self.order_by(F("due_on").asc(nulls_last=True), "-created_at", "-pk")

    def totals_by_ledger(self) -> dict[str, dict[str, Decimal]]:
        """{ledger: {"due", "paid", "balance"}} over these obligations, every ledger present."""
        due = dict(self.order_by().values_list("ledger").annotate(total=Sum("amount_due")))
        paid = dict(
            Payment.objects.filter(obligation__in=self.values("pk"))
            .order_by()
            .values_list("obligation__ledger")
            .annotate(total=Sum("amount"))
        )
        return {
            ledger: money_row(due.get(ledger) or Decimal("0.00"), paid.get(ledger) or Decimal("0.00"))
            for ledger in Ledger.values
        }

    def grouped(self, *fields: str):
        """Rows of `fields` with ledger, due, paid and balance summed per group, largest balance first.

        Grouped by ledger as well, so no row adds up money of different ledgers.
        """
        return (
            self.with_balance()
            .order_by()
            .values(*fields, "ledger")
            .annotate(due=Sum("amount_due"), paid_total=Sum("paid"), balance_total=Sum("balance"))
            .order_by("-balance_total", "-due", *fields, "ledger")
        )


def destination_totals(by_ledger: dict[str, dict[str, Decimal]]) -> dict[str, dict[str, Decimal]]:
    """{destination: {"due", "paid", "balance"}}: the ledgers paying into one account added up."""
    result = {destination: money_row(Decimal("0.00"), Decimal("0.00")) for destination in Destination.values}
    for ledger, row in by_ledger.items():
        target = result[DESTINATION_OF[ledger]]
        target["due"] += row["due"]
        target["paid"] += row["paid"]
        target["balance"] += row["balance"]
    return result


def _day_start(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


class Obligation(models.Model):
    agency = models.ForeignKey(
        "organisation.Agency", verbose_name=_("agency"), on_delete=models.PROTECT, related_name="+"
    )
    case = models.ForeignKey(
        "casework.Case", verbose_name=_("case"), on_delete=models.PROTECT, related_name="obligations"
    )
    subject = models.ForeignKey(
        "casework.Subject", verbose_name=_("subject"), on_delete=models.PROTECT, related_name="obligations"
    )
    ledger = models.CharField(_("ledger"), max_length=24, choices=Ledger.choices)
    amount_due = models.DecimalField(_("amount due (yuan)"), max_digits=14, decimal_places=2)
    due_on = models.DateField(_("due on"), null=True, blank=True)
    # The decision or notice that imposed it (e.g. 连医保罚决〔2026〕3号, 《条例》第四十条).
    basis = models.CharField(_("basis"), max_length=200)
    created_at = models.DateTimeField(_("recorded at"), default=timezone.now)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    objects = ObligationQuerySet.as_manager()

    class Meta:
        ordering = ["case", "ledger", "pk"]
        constraints = [models.CheckConstraint(condition=Q(amount_due__gt=0), name="obligation_amount_positive")]
        indexes = [models.Index(fields=["subject", "ledger"]), models.Index(fields=["agency", "ledger"])]
        verbose_name = _("amount due")
        verbose_name_plural = _("amounts due")

    def __str__(self) -> str:
        return f"{self.get_ledger_display()} {self.amount_due}"

    @property
    def destination(self) -> str:
        return str(DESTINATION[self.ledger])

    @property
    def destination_kind(self) -> str:
        return DESTINATION_OF[self.ledger]

    @property
    def is_open(self) -> bool:
        """Something is still owed (needs with_balance())."""
        return self.balance > 0

    @property
    def overdue_days(self) -> int:
        """Days since the due date while something is still owed (needs with_balance()); 0 when not overdue."""
        if self.due_on is None or not self.is_open:
            return 0
        return max((timezone.localdate() - self.due_on).days, 0)


class Payment(models.Model):
    obligation = models.ForeignKey(
        Obligation, verbose_name=_("amount due"), on_delete=models.PROTECT, related_name="payments"
    )
    paid_on = models.DateField(_("paid on"))
    amount = models.DecimalField(_("amount (yuan)"), max_digits=14, decimal_places=2)
    voucher = models.CharField(_("voucher"), max_length=60)
    channel = models.CharField(_("paid by"), max_length=60, blank=True)
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["paid_on", "pk"]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="payment_amount_positive")]
        verbose_name = _("payment")
        verbose_name_plural = _("payments")

    def __str__(self) -> str:
        return f"{self.paid_on} {self.amount}"
