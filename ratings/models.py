"""Pharmacy credit evaluation (定点零售药店医保信用千分制评定, Shangyu seed).

Indicators (6 categories, 58 indicators, 1,000 points) are data, loaded by a migration and editable in
the admin. An Evaluation is one pharmacy's score for one evaluation year (医保年度 = calendar year); its
score, grade and the three-poor-years flag are kept up to date by ratings.services under a row lock.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ratings.rules import DEFAULT_POOR_YEARS_FOR_TERMINATION, GRADES, TOTAL_POINTS

GRADE_CHOICES = [(grade, grade) for grade in GRADES]


class Indicator(models.Model):
    class Category(models.TextChoices):
        BASIC = "basic", _("Basic management")
        SELF_DISCIPLINE = "self_discipline", _("Self-discipline")
        AGREEMENT = "agreement", _("Agreement management")
        SUPERVISION = "supervision", _("Supervision")
        GUIDANCE = "guidance", _("Management guidance")
        PUBLIC = "public", _("Public credit information")

    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    code = models.CharField(_("code"), max_length=10, unique=True)
    name = models.CharField(_("name"), max_length=120)
    max_deduction = models.PositiveSmallIntegerField(
        _("maximum deduction"), validators=[MinValueValidator(1), MaxValueValidator(TOTAL_POINTS)]
    )
    repairable = models.BooleanField(_("repairable"), default=False)
    repair_months = models.PositiveSmallIntegerField(
        _("repair period (months)"),
        default=0,
        help_text=_("Months after the deduction within which it may be repaired."),
    )
    basis = models.CharField(_("basis"), max_length=200, blank=True)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(repairable=False) | Q(repair_months__gt=0), name="repairable_indicator_has_period"
            )
        ]
        verbose_name = _("credit indicator")
        verbose_name_plural = _("credit indicators")

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class RatingScheme(models.Model):
    """A region's grade bands and termination rule; regions without one use the nearest region above, else
    the defaults in ratings.rules."""

    region = models.OneToOneField(
        "organisation.Region", verbose_name=_("region"), on_delete=models.CASCADE, related_name="rating_scheme"
    )
    poor_years_for_termination = models.PositiveSmallIntegerField(
        _("consecutive poor years before termination"),
        default=DEFAULT_POOR_YEARS_FOR_TERMINATION,
        validators=[MinValueValidator(1), MaxValueValidator(10)],
    )

    class Meta:
        verbose_name = _("credit rating scheme")
        verbose_name_plural = _("credit rating schemes")

    def __str__(self) -> str:
        return str(self.region)


class GradeBand(models.Model):
    scheme = models.ForeignKey(RatingScheme, on_delete=models.CASCADE, related_name="bands")
    grade = models.CharField(_("grade"), max_length=1, choices=GRADE_CHOICES)
    min_score = models.PositiveSmallIntegerField(_("lowest score"), validators=[MaxValueValidator(TOTAL_POINTS)])
    poor = models.BooleanField(_("poor grade"), default=False, help_text=_("Counts towards agreement termination."))
    inspection_frequency = models.CharField(_("inspection frequency"), max_length=100)
    consequence = models.TextField(_("supervision consequence"))

    class Meta:
        ordering = ["scheme", "-min_score"]
        constraints = [models.UniqueConstraint(fields=["scheme", "grade"], name="one_band_per_grade")]
        verbose_name = _("grade band")
        verbose_name_plural = _("grade bands")

    def __str__(self) -> str:
        return f"{self.grade} ≥ {self.min_score}"


class EvaluationQuerySet(models.QuerySet):
    def for_subject(self, subject):
        return self.filter(subject=subject)

    def with_lapsed(self, today=None):
        """Annotate `lapsed`: a repairable deduction was not repaired within its period."""
        late = Deduction.objects.filter(evaluation=OuterRef("pk")).lapsed(today)
        return self.annotate(lapsed=Exists(late))


class Evaluation(models.Model):
    subject = models.ForeignKey(
        "casework.Subject",
        verbose_name=_("pharmacy"),
        on_delete=models.PROTECT,
        related_name="rating_evaluations",
        limit_choices_to={"kind": "pharmacy"},
    )
    year = models.PositiveSmallIntegerField(_("evaluation year"))
    score = models.PositiveSmallIntegerField(_("score"), default=TOTAL_POINTS)
    grade = models.CharField(_("grade"), max_length=1, choices=GRADE_CHOICES)
    poor = models.BooleanField(_("poor grade"), default=False)
    # Set when this year closes a run of poor years (e.g. [2024, 2025, 2026]): 解除定点协议 is due.
    termination_due = models.BooleanField(_("agreement to be terminated"), default=False)
    poor_years = models.JSONField(_("poor years"), default=list, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)

    objects = EvaluationQuerySet.as_manager()

    class Meta:
        ordering = ["subject", "-year"]
        constraints = [models.UniqueConstraint(fields=["subject", "year"], name="one_evaluation_per_pharmacy_year")]
        indexes = [models.Index(fields=["year", "grade"])]
        verbose_name = _("credit evaluation")
        verbose_name_plural = _("credit evaluations")

    def __str__(self) -> str:
        return f"{self.subject_id}:{self.year} {self.score} {self.grade}"


class DeductionQuerySet(models.QuerySet):
    def standing(self):
        """Deductions that still count (not repaired)."""
        return self.filter(repaired_on__isnull=True)

    def lapsed(self, today=None):
        return self.standing().filter(repair_due__lt=today or timezone.localdate())


class Deduction(models.Model):
    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="deductions")
    indicator = models.ForeignKey(
        Indicator, verbose_name=_("indicator"), on_delete=models.PROTECT, related_name="deductions"
    )
    points = models.PositiveSmallIntegerField(_("points deducted"), validators=[MinValueValidator(1)])
    reason = models.TextField(_("reason"))
    occurred_on = models.DateField(_("date"))
    case = models.ForeignKey(
        "casework.Case",
        verbose_name=_("case"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="rating_deductions",
    )
    # The repair deadline, fixed when recorded from the indicator's period (none: not repairable).
    repair_due = models.DateField(_("repairable until"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)
    repaired_on = models.DateField(_("repaired on"), null=True, blank=True)
    repair_reason = models.TextField(_("repair evidence"), blank=True)
    repaired_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("repaired by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    repaired_at = models.DateTimeField(_("repair recorded at"), null=True, blank=True)

    objects = DeductionQuerySet.as_manager()

    class Meta:
        ordering = ["occurred_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(repaired_on__isnull=True) | Q(repair_due__isnull=False), name="only_repairable_repaired"
            )
        ]
        verbose_name = _("credit deduction")
        verbose_name_plural = _("credit deductions")

    def __str__(self) -> str:
        return f"{self.indicator_id} −{self.points}"

    @property
    def repaired(self) -> bool:
        return self.repaired_on is not None

    def can_repair(self, today) -> bool:
        return not self.repaired and self.repair_due is not None and today <= self.repair_due
