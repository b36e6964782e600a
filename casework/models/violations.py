from django.db import models
from django.utils.translation import gettext_lazy as _


class Violation(models.Model):
    """One finding (违规行为) of a case: a taxonomy item for one subject, with its money."""

    case = models.ForeignKey("casework.Case", on_delete=models.CASCADE, related_name="violations")
    subject = models.ForeignKey("casework.Subject", verbose_name=_("subject"), on_delete=models.PROTECT)
    item = models.ForeignKey("casework.ViolationItem", verbose_name=_("violation item"), on_delete=models.PROTECT)
    period_from = models.DateField(_("from"), null=True, blank=True)
    period_to = models.DateField(_("to"), null=True, blank=True)
    amount = models.DecimalField(_("amount involved (yuan)"), max_digits=14, decimal_places=2, default=0)
    fund_loss = models.DecimalField(_("fund loss (yuan)"), max_digits=14, decimal_places=2, default=0)
    patient_money = models.DecimalField(_("patients' money (yuan)"), max_digits=14, decimal_places=2, default=0)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("violation")
        verbose_name_plural = _("violations")

    def __str__(self) -> str:
        return f"{self.item} {self.amount}"
