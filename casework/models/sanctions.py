"""Sanctions that outlive their case: suspensions of a subject and credit points.

Both tracks write suspensions (协议处理 under the agreement, 行政处罚 under 条例 Arts.38, 40, 41), so
they live here, where subject pages read them, rather than in either track.
"""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class SuspensionQuerySet(models.QuerySet):
    def in_force(self, day: datetime.date | None = None):
        """Suspensions running on day (today by default): started, and not yet ended (or open-ended)."""
        day = day or timezone.localdate()
        return self.filter(starts_on__lte=day).filter(Q(ends_on__isnull=True) | Q(ends_on__gte=day))


class Suspension(models.Model):
    """暂停医保服务 / 暂停科室 / 中止人员 / 暂停联网结算 for a period, or 解除协议 from a date on."""

    class Scope(models.TextChoices):
        SERVICES = "services", _("Medical-insurance services suspended")
        DEPARTMENT = "department", _("Department suspended")
        PERSONS = "persons", _("Responsible persons suspended")
        DIRECT_SETTLEMENT = "direct_settlement", _("Direct settlement suspended")
        TERMINATED = "terminated", _("Service agreement terminated")

    class Source(models.TextChoices):
        AGREEMENT = "agreement", _("Agreement sanctions")
        PENALTY = "penalty", _("Administrative penalty")

    subject = models.ForeignKey(
        "casework.Subject", verbose_name=_("subject"), on_delete=models.PROTECT, related_name="suspensions"
    )
    case = models.ForeignKey(
        "casework.Case", verbose_name=_("case"), on_delete=models.PROTECT, related_name="suspensions"
    )
    scope = models.CharField(_("measure"), max_length=20, choices=Scope.choices)
    source = models.CharField(_("imposed under"), max_length=12, choices=Source.choices)
    # Departments or persons concerned, for the partial measures.
    detail = models.CharField(_("departments or persons"), max_length=200, blank=True)
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("to (inclusive)"), null=True, blank=True)
    basis = models.CharField(_("basis"), max_length=200)
    created_at = models.DateTimeField(_("recorded at"), default=timezone.now)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    objects = SuspensionQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="suspension_ends_after_start",
            ),
            models.CheckConstraint(
                condition=Q(scope="terminated") | Q(ends_on__isnull=False), name="only_termination_is_open_ended"
            ),
        ]
        indexes = [models.Index(fields=["subject", "ends_on"])]
        verbose_name = _("suspension")
        verbose_name_plural = _("suspensions")

    def __str__(self) -> str:
        return f"{self.get_scope_display()} {self.starts_on}–{self.ends_on or ''}"

    @property
    def in_force_today(self) -> bool:
        today = timezone.localdate()
        return self.starts_on <= today and (self.ends_on is None or self.ends_on >= today)


class CreditPoint(models.Model):
    """信用记分 decided with a case's outcome; the credit issue adds scoring rules and blacklists."""

    case = models.ForeignKey(
        "casework.Case", verbose_name=_("case"), on_delete=models.PROTECT, related_name="credit_points"
    )
    subject = models.ForeignKey(
        "casework.Subject", verbose_name=_("subject"), on_delete=models.PROTECT, related_name="credit_points"
    )
    points = models.PositiveSmallIntegerField(_("points"))
    reason = models.CharField(_("reason"), max_length=300)
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-recorded_at", "-pk"]
        constraints = [models.CheckConstraint(condition=Q(points__gt=0), name="credit_points_positive")]
        verbose_name = _("credit points")
        verbose_name_plural = _("credit points")

    def __str__(self) -> str:
        return f"{self.subject} {self.points}"
