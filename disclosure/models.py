"""公开: results of random checks and typical cases (曝光典型案例) a bureau publishes, for anyone to read.

A disclosure is drafted by the bureau's section heads or head, published (its texts then stripped of ID and
mobile numbers) and possibly withdrawn. Only published disclosures reach the public page and API; the names of
insured persons and practitioners are shown there reduced to a surname and 某 (masking.public_subject_name).
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from casework.models import Subject
from disclosure.masking import PERSON_KINDS, mask_person


class DisclosureQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=Disclosure.Status.PUBLISHED, published_on__isnull=False)

    def of_agency(self, agency_id):
        return self.filter(agency_id=agency_id)

    def public_order(self):
        return self.order_by("-published_on", "-id")


class Disclosure(models.Model):
    class Kind(models.TextChoices):
        RANDOM_CHECK = "random_check", _("Random check result")
        TYPICAL_CASE = "typical_case", _("Typical case")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        WITHDRAWN = "withdrawn", _("Withdrawn from publication")

    agency = models.ForeignKey(
        "organisation.Agency", verbose_name=_("bureau"), on_delete=models.PROTECT, related_name="disclosures"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.DRAFT)
    title = models.CharField(_("title"), max_length=200)
    subject_name = models.CharField(_("subject name"), max_length=200, blank=True)
    subject_kind = models.CharField(_("kind of subject"), max_length=16, choices=Subject.Kind.choices, blank=True)
    outcome = models.TextField(_("outcome"), blank=True)
    summary = models.TextField(_("summary"), blank=True)
    case = models.ForeignKey(
        "casework.Case",
        verbose_name=_("case"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="disclosures",
    )
    # Where a random-check result comes from, e.g. "inspection-plan:12", and the draw it publishes.
    source_ref = models.CharField(_("source"), max_length=60, blank=True)
    draw_record = models.JSONField(_("draw record"), default=dict, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    published_on = models.DateField(_("published on"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    withdrawn_on = models.DateField(_("withdrawn on"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    withdrawal_reason = models.TextField(_("reason for withdrawal"), blank=True)

    objects = DisclosureQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["status", "-published_on"]),
            models.Index(fields=["agency", "status"]),
        ]
        verbose_name = _("disclosure")
        verbose_name_plural = _("disclosures")

    def __str__(self) -> str:
        return self.title

    @property
    def public_subject_name(self) -> str:
        """The subject's name as the public reads it: persons reduced to a surname and 某."""
        if self.subject_kind in PERSON_KINDS:
            return mask_person(self.subject_name)
        return self.subject_name
