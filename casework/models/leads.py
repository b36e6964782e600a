from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from casework.models.pipeline import PipelineMixin
from organisation.visibility import with_group_grant


class LeadQuerySet(models.QuerySet):
    def visible_to(self, user):
        return with_group_grant(self, user, "view_lead")

    def triageable_by(self, user):
        return with_group_grant(self, user, "triage_lead")

    def identity_readable_by(self, user):
        return with_group_grant(self, user, "view_reporter_identity")

    def pending(self):
        return self.filter(status=Lead.Status.PENDING)

    def overdue(self, today=None):
        return self.pending().filter(deadline__lt=today or timezone.localdate())

    def with_related(self):
        return self.select_related("agency").prefetch_related("subjects")


class Lead(PipelineMixin, models.Model):
    """A lead (线索): anything that may show a violation, waiting to be triaged."""

    class SourceKind(models.TextChoices):
        REPORT = "report", _("Whistleblower report")
        SCREEN_HIT = "screen_hit", _("Screening hit")
        INSPECTION = "inspection", _("Inspection finding")
        ASSIST_REQUEST = "assist_request", _("Assist request")
        SUPERIOR = "superior", _("Assigned by superior")
        REFERRAL = "referral", _("Referred by a partner agency")

    class Status(models.TextChoices):
        PENDING = "pending", _("Awaiting triage")
        DISMISSED = "dismissed", _("Not opened")
        MERGED = "merged", _("Merged")
        OPENED = "opened", _("Case opened")

    PIPELINE = {
        Status.PENDING: {Status.DISMISSED, Status.MERGED, Status.OPENED},
    }

    agency = models.ForeignKey(
        "organisation.Agency", verbose_name=_("owning agency"), on_delete=models.PROTECT, related_name="leads"
    )
    source_kind = models.CharField(_("source"), max_length=20, choices=SourceKind.choices)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.PENDING)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"))
    subjects = models.ManyToManyField("casework.Subject", verbose_name=_("subjects"), related_name="leads")
    amount_estimate = models.DecimalField(
        _("estimated amount (yuan)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    received_at = models.DateTimeField(_("received at"), default=timezone.now)
    # 15 working days from receipt to decide on 立案 (Order 4); computed at registration.
    deadline = models.DateField(_("decision due"))
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("registered by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    case = models.ForeignKey(
        "casework.Case",
        verbose_name=_("case"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="leads",
    )
    # Set when this lead was merged into another lead (same facts); its history stays with it.
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("merged into"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="merged_leads",
    )
    decision_reason = models.TextField(_("reason"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    objects = LeadQuerySet.as_manager()

    class Meta:
        ordering = ["-received_at", "-id"]
        indexes = [
            models.Index(fields=["agency", "status", "-received_at"]),
            models.Index(fields=["status", "deadline"]),
            models.Index(fields=["-received_at", "-id"]),
        ]
        permissions = [
            ("triage_lead", "Can triage lead"),
            # Reporter identity (条例 Art.35): intake clerks and reward handlers of the owning agency only.
            ("view_reporter_identity", "Can see the reporter's identity"),
        ]
        verbose_name = _("lead")
        verbose_name_plural = _("leads")

    def __str__(self) -> str:
        return f"#{self.pk} {self.title}"

    @property
    def is_pending(self) -> bool:
        return self.status == self.Status.PENDING

    @property
    def is_overdue(self) -> bool:
        return self.status == self.Status.PENDING and self.deadline < timezone.localdate()


class LeadUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(Lead, on_delete=models.CASCADE)


class LeadGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Lead, on_delete=models.CASCADE)
