"""Credit (domain.md §10): the blacklist of insured persons with its measures, practitioners' suspensions and
terminations, and the rules per region. The points themselves are casework.CreditPoint rows, recorded with a
case's outcome decision; everything here is derived from them (credit.services.credit_evaluate) or recorded
by the bureau."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from credit import rules


class CreditRule(models.Model):
    """A region's own credit rules for one kind of subject; settings not given keep the defaults (credit.rules)."""

    class SubjectKind(models.TextChoices):
        INSURED = rules.INSURED, _("Insured person")
        PRACTITIONER = rules.PRACTITIONER, _("Medical-insurance practitioner")

    region = models.ForeignKey(
        "organisation.Region", verbose_name=_("region"), on_delete=models.PROTECT, related_name="credit_rules"
    )
    subject_kind = models.CharField(_("subject kind"), max_length=16, choices=SubjectKind.choices)
    params = models.JSONField(
        _("settings"), default=dict, blank=True, help_text=_("Only the settings that differ from the defaults.")
    )
    basis = models.CharField(_("basis"), max_length=200, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["region", "subject_kind"], name="one_credit_rule_per_kind")]
        verbose_name = _("credit rule")
        verbose_name_plural = _("credit rules")

    def __str__(self) -> str:
        return f"{self.region} · {self.get_subject_kind_display()}"

    def clean(self) -> None:
        try:
            built = rules.build(self.subject_kind, self.params or {})
        except (TypeError, ValueError) as error:
            raise ValidationError({"params": str(error)}) from error
        if isinstance(built, rules.InsuredRules) and 12 % built.period_months:
            raise ValidationError({"params": _("A scoring period is 1, 2, 3, 4, 6 or 12 months.")})


class BlacklistingQuerySet(models.QuerySet):
    def active(self):
        return self.filter(removed_on__isnull=True)

    def in_regions(self, region_ids):
        return self.filter(subject__region_id__in=region_ids)

    def listed_between(self, date_from=None, date_to=None):
        queryset = self
        if date_from is not None:
            queryset = queryset.filter(listed_on__gte=date_from)
        if date_to is not None:
            queryset = queryset.filter(listed_on__lte=date_to)
        return queryset


class Blacklisting(models.Model):
    """An insured person on the 医保信用"黑名单", from listed_on until removed (never, when permanent)."""

    class Reason(models.TextChoices):
        POINTS_ONE_PERIOD = "points_one_period", _("Points reached in one scoring period")
        POINTS_TWO_PERIODS = "points_two_periods", _("Points reached in two consecutive scoring periods")
        UNREFUNDED_LOSS = "unrefunded_loss", _("Fund loss not refunded by its due date")
        CONVICTION = "conviction", _("Convicted of defrauding the medical insurance fund")

    subject = models.ForeignKey(
        "casework.Subject", verbose_name=_("subject"), on_delete=models.PROTECT, related_name="blacklistings"
    )
    reason = models.CharField(_("reason"), max_length=24, choices=Reason.choices)
    permanent = models.BooleanField(_("permanent"), default=False)
    listed_on = models.DateField(_("listed on"))
    # The scoring period whose points led to the listing (points reasons only).
    period_start = models.DateField(_("scoring period from"), null=True, blank=True)
    points = models.PositiveSmallIntegerField(_("points"), null=True, blank=True)
    case = models.ForeignKey(
        "casework.Case", verbose_name=_("case"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    obligation = models.ForeignKey(
        "ledgers.Obligation",
        verbose_name=_("unrefunded amount"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    referral_outcome = models.ForeignKey(
        "referrals.ReferralOutcome",
        verbose_name=_("judgment"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    basis = models.CharField(_("basis"), max_length=300)
    removed_on = models.DateField(_("removed on"), null=True, blank=True)
    removal_reason = models.TextField(_("reason for removal"), blank=True)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("recorded at"), default=timezone.now)
    # None: listed by the rules (credit_evaluate).
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    objects = BlacklistingQuerySet.as_manager()

    class Meta:
        ordering = ["-listed_on", "-pk"]
        constraints = [
            # The rules list once per reason and cause, even after a removal: evaluation is idempotent.
            models.UniqueConstraint(
                fields=["subject", "reason", "period_start"],
                condition=Q(period_start__isnull=False),
                name="one_listing_per_period",
            ),
            models.UniqueConstraint(
                fields=["subject", "obligation"], condition=Q(obligation__isnull=False), name="one_listing_per_loss"
            ),
            models.UniqueConstraint(
                fields=["subject", "referral_outcome"],
                condition=Q(referral_outcome__isnull=False),
                name="one_listing_per_judgment",
            ),
            models.CheckConstraint(
                condition=Q(permanent=False) | Q(removed_on__isnull=True), name="permanent_listing_never_removed"
            ),
            models.CheckConstraint(
                condition=Q(removed_on__isnull=True) | Q(removed_on__gte=models.F("listed_on")),
                name="listing_removed_after_listed",
            ),
        ]
        indexes = [
            models.Index(fields=["subject", "removed_on"]),
            models.Index(fields=["listed_on"]),
        ]
        verbose_name = _("blacklisting")
        verbose_name_plural = _("blacklistings")

    def __str__(self) -> str:
        return f"{self.subject} {self.get_reason_display()} {self.listed_on}"

    @property
    def is_active(self) -> bool:
        return self.removed_on is None


class Measure(models.Model):
    """A 惩戒措施 applied to a blacklisted person, with its dates."""

    class Kind(models.TextChoices):
        RESTRICTED_PROVIDERS = "restricted_providers", _("Restricted choice of providers")
        PAY_FIRST = "pay_first", _("Pay first, claim afterwards")
        DESIGNATED_PROVIDER = "designated_provider", _("Registered designated provider")
        PUBLICATION = "publication", _("Publication")
        CREDIT_SHARING = "credit_sharing", _("Shared with the social credit system")

    subject = models.ForeignKey(
        "casework.Subject", verbose_name=_("subject"), on_delete=models.PROTECT, related_name="credit_measures"
    )
    blacklisting = models.ForeignKey(
        Blacklisting,
        verbose_name=_("listing"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="measures",
    )
    kind = models.CharField(_("measure"), max_length=24, choices=Kind.choices)
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("to (inclusive)"), null=True, blank=True)
    note = models.CharField(_("details"), max_length=300, blank=True)
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-starts_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="credit_measure_ends_after_start",
            )
        ]
        verbose_name = _("credit measure")
        verbose_name_plural = _("credit measures")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.starts_on}–{self.ends_on or ''}"

    def in_force_on(self, day) -> bool:
        return self.starts_on <= day and (self.ends_on is None or self.ends_on >= day)


class PractitionerSanctionQuerySet(models.QuerySet):
    def in_force(self, day):
        """Suspensions running on day, and terminations from their date on."""
        return self.filter(starts_on__lte=day).filter(Q(ends_on__isnull=True) | Q(ends_on__gte=day))

    def in_regions(self, region_ids):
        return self.filter(subject__region_id__in=region_ids)


class PractitionerSanction(models.Model):
    """A practitioner's payment qualification (医保支付资格) suspended or terminated for a year's points."""

    class Kind(models.TextChoices):
        SUSPENSION = "suspension", _("Payment qualification suspended")
        TERMINATION = "termination", _("Payment qualification terminated")

    subject = models.ForeignKey(
        "casework.Subject", verbose_name=_("practitioner"), on_delete=models.PROTECT, related_name="credit_sanctions"
    )
    kind = models.CharField(_("measure"), max_length=12, choices=Kind.choices)
    year = models.PositiveSmallIntegerField(_("scoring year"))
    # The year's points that led to it (a suspension is lengthened when more points follow).
    points = models.PositiveSmallIntegerField(_("points"))
    case = models.ForeignKey(
        "casework.Case", verbose_name=_("case"), on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("to (inclusive)"), null=True, blank=True)
    # Terminations: 12 points in one event bar re-registration longer than points accumulated.
    single_event = models.BooleanField(_("in one event"), default=False)
    reregistration_from = models.DateField(_("may re-register from"), null=True, blank=True)
    basis = models.CharField(_("basis"), max_length=300)
    created_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    objects = PractitionerSanctionQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_on", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["subject", "year", "kind"], name="one_practitioner_sanction_per_year"),
            models.CheckConstraint(
                condition=Q(kind="termination", ends_on__isnull=True, reregistration_from__isnull=False)
                | Q(kind="suspension", ends_on__isnull=False),
                name="practitioner_sanction_dates",
            ),
        ]
        indexes = [models.Index(fields=["subject", "starts_on"])]
        verbose_name = _("practitioner sanction")
        verbose_name_plural = _("practitioner sanctions")

    def __str__(self) -> str:
        return f"{self.subject} {self.get_kind_display()} {self.starts_on}"
