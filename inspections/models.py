"""Inspection plans (双随机一公开, 飞行检查, 专项检查, 全覆盖) and their reproducible random draw.

A plan belongs to one bureau and a period. Its draw stores everything needed to re-run it — the seed,
the algorithm version, the population snapshot (each subject with its stratum and credit weight), the
inspector pool and the conflicts of interest (回避) then declared — so anyone holding the record can
recompute the same targets and pairs (inspections.sampling.draw) and check the published list.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from organisation.models import Agency, User


class PlanQuerySet(models.QuerySet):
    def visible_to(self, user: User):
        """The owning bureau's staff; bureaus of a superior region; auditors of the region or above."""
        if not user.is_authenticated:
            return self.none()
        if user.is_superuser:
            return self
        if user.agency_id is None:
            return self.none()
        below = user.agency.region.descendant_ids()
        condition = Q(agency_id=user.agency_id)
        if user.agency.kind == Agency.Kind.BUREAU:
            condition |= Q(agency__region_id__in=below - {user.agency.region_id})
        if user.has_role("auditor"):
            condition |= Q(agency__region_id__in=below)
        return self.filter(condition)


class Plan(models.Model):
    class Kind(models.TextChoices):
        RANDOM = "random", _("Double-random check")
        UNANNOUNCED = "unannounced", _("Unannounced (flying) inspection")
        THEMATIC = "thematic", _("Thematic inspection")
        FULL = "full", _("Full coverage")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        DRAWN = "drawn", _("Drawn")
        IN_PROGRESS = "in_progress", _("In progress")
        DONE = "done", _("Done")

    agency = models.ForeignKey(
        "organisation.Agency", verbose_name=_("bureau"), on_delete=models.PROTECT, related_name="inspection_plans"
    )
    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    period_from = models.DateField(_("from"))
    period_to = models.DateField(_("to"))
    # Scope: subject kinds (institution, pharmacy) and regions (the bureau's region and below).
    subject_kinds = models.JSONField(_("subject kinds"), default=list)
    regions = models.ManyToManyField("organisation.Region", verbose_name=_("regions"), related_name="+")
    # Sample rule: percent of the population, at least `sample_minimum`, never more than the population.
    sample_percent = models.DecimalField(_("sample percent"), max_digits=5, decimal_places=2)
    sample_minimum = models.PositiveIntegerField(_("minimum count"), default=0)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.DRAFT)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    # The draw record.
    seed = models.CharField(_("seed"), max_length=64, blank=True)
    algorithm_version = models.CharField(_("algorithm version"), max_length=20, blank=True)
    draw_record = models.JSONField(_("draw record"), default=dict, blank=True)
    drawn_at = models.DateTimeField(_("drawn at"), null=True, blank=True)
    drawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    objects = PlanQuerySet.as_manager()

    class Meta:
        ordering = ["-period_from", "-pk"]
        verbose_name = _("inspection plan")
        verbose_name_plural = _("inspection plans")

    def __str__(self) -> str:
        return self.title

    @property
    def subject_kind_labels(self) -> list[str]:
        from casework.models import Subject

        return [str(Subject.Kind(kind).label) for kind in self.subject_kinds]

    @property
    def population_size(self) -> int:
        return len(self.draw_record.get("population", []))


class Target(models.Model):
    class Result(models.TextChoices):
        PENDING = "", _("Not visited")
        NOTHING_FOUND = "nothing_found", _("Nothing found")
        FOUND = "found", _("Irregularities found")

    plan = models.ForeignKey(Plan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="targets")
    subject = models.ForeignKey(
        "casework.Subject", verbose_name=_("subject"), on_delete=models.PROTECT, related_name="inspection_targets"
    )
    stratum = models.CharField(_("stratum"), max_length=200)
    position = models.PositiveIntegerField(_("position in the draw"))
    inspectors = models.ManyToManyField(settings.AUTH_USER_MODEL, verbose_name=_("inspectors"), related_name="+")
    visited_on = models.DateField(_("visited on"), null=True, blank=True)
    findings = models.TextField(_("findings"), blank=True)
    result = models.CharField(_("result"), max_length=16, choices=Result.choices, blank=True, default="")
    record = models.OneToOneField(
        "documents.Document", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    lead = models.ForeignKey(
        "casework.Lead", null=True, blank=True, on_delete=models.PROTECT, related_name="inspection_targets"
    )

    class Meta:
        ordering = ["plan", "position"]
        constraints = [models.UniqueConstraint(fields=["plan", "subject"], name="one_target_per_plan_subject")]
        verbose_name = _("inspection target")
        verbose_name_plural = _("inspection targets")

    def __str__(self) -> str:
        return f"{self.plan} – {self.subject}"


class Conflict(models.Model):
    """A declared conflict of interest (回避): the inspector may not check the subject (in one plan, or any)."""

    plan = models.ForeignKey(
        Plan, null=True, blank=True, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="conflicts"
    )
    inspector = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    subject = models.ForeignKey("casework.Subject", on_delete=models.CASCADE, related_name="+")
    reason = models.CharField(_("reason"), max_length=200)
    declared_at = models.DateTimeField(_("declared at"), default=timezone.now)

    class Meta:
        verbose_name = _("conflict of interest")
        verbose_name_plural = _("conflicts of interest")

    def __str__(self) -> str:
        return f"{self.inspector} / {self.subject}"
