"""Money owed and paid because of a case, in separate ledgers that are never mixed (条例 Art.45).

An Obligation is one amount due (a fund refund, a fine, 违约金, money returned to patients…) of
one subject in one case; Payments settle it. The balance is always amount due minus payments,
computed, never stored.
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q, Sum, Value
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


class ObligationQuerySet(models.QuerySet):
    def with_balance(self):
        return self.annotate(
            paid=Coalesce(Sum("payments__amount"), ZERO),
        ).annotate(balance=models.F("amount_due") - models.F("paid"))

    def open(self):
        return self.with_balance().filter(balance__gt=0)

    def totals_by_ledger(self) -> dict[str, dict[str, Decimal]]:
        """{ledger: {"due", "paid", "balance"}} over these obligations, every ledger present."""
        due = dict(self.order_by().values_list("ledger").annotate(total=Sum("amount_due")))
        paid = dict(
            Payment.objects.filter(obligation__in=self.values("pk"))
            .order_by()
            .values_list("obligation__ledger")
            .annotate(total=Sum("amount"))
        )
        result = {}
        for ledger in Ledger.values:
            owed, settled = due.get(ledger) or Decimal("0.00"), paid.get(ledger) or Decimal("0.00")
            result[ledger] = {"due": owed, "paid": settled, "balance": owed - settled}
        return result


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
