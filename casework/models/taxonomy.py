from django.db import models
from django.utils.translation import gettext_lazy as _


class ViolationItem(models.Model):
    """One item of the violation taxonomy (溧阳 附件3), per kind of subject; loaded as data."""

    class SubjectKind(models.TextChoices):
        INSTITUTION = "institution", _("Designated medical institution")
        PHARMACY = "pharmacy", _("Designated retail pharmacy")
        INSURED = "insured", _("Insured person")

    subject_kind = models.CharField(_("kind of subject"), max_length=16, choices=SubjectKind.choices)
    number = models.PositiveSmallIntegerField(_("item number"))
    name = models.CharField(_("name"), max_length=100)
    description = models.CharField(_("description"), max_length=300, blank=True)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["subject_kind", "number"]
        constraints = [models.UniqueConstraint(fields=["subject_kind", "number"], name="one_item_number_per_kind")]
        verbose_name = _("violation item")
        verbose_name_plural = _("violation taxonomy")

    def __str__(self) -> str:
        return f"{self.get_subject_kind_display()} {self.number}. {self.name}"
