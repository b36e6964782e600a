"""退赔 / 追缴 (domain.md §8): restitution to the fund ordered by a judgment or decision, followed per debtor
until paid — instalment plans, payments, enforcement applications and 追缴会 (recovery meetings) with the
promises made there.

Balances are never stored: a debtor's balance is the amount ordered minus the payments recorded, computed by
query (Debtor.objects.with_balance(), Recovery.objects.with_money()). "Overdue" is a query too.
"""

import datetime
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Case as When_
from django.db.models import Exists, ExpressionWrapper, F, Func, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from organisation.visibility import with_group_grant

MONEY = models.DecimalField(max_digits=14, decimal_places=2)
ZERO = Value(Decimal("0.00"), output_field=MONEY)


def money_field(verbose_name):
    return models.DecimalField(verbose_name, max_digits=14, decimal_places=2)


def _sum(queryset, field: str = "amount"):
    """A correlated SUM(field) over queryset as a Decimal expression, 0.00 when there are no rows."""
    # SUM as a plain function, not an aggregate: no GROUP BY, one row whatever the filter.
    total = queryset.order_by().annotate(total=Func(F(field), function="SUM", output_field=MONEY)).values("total")
    return Coalesce(Subquery(total, output_field=MONEY), ZERO)


def _paid_by_debtor(debtor_ref: str = "pk"):
    return _sum(RecoveryPayment.objects.filter(debtor_id=OuterRef(debtor_ref)))


class Status(models.TextChoices):
    """Derived (Recovery.objects.with_status()), never stored."""

    FOLLOWING = "following", _("Following up")
    ENFORCING = "enforcing", _("Court enforcement")
    CLOSED = "closed", _("Closed")


class RecoveryQuerySet(models.QuerySet):
    def visible_to(self, user):
        return with_group_grant(self, user, "view_recovery")

    def recordable_by(self, user):
        return with_group_grant(self, user, "record_recovery")

    def with_money(self):
        """Annotate `ordered`, `paid` and `balance` (= ordered − paid), one subquery each per row."""
        if "balance" in self.query.annotations:
            return self
        ordered = _sum(Debtor.objects.filter(recovery_id=OuterRef("pk")), "amount_ordered")
        paid = _sum(RecoveryPayment.objects.filter(debtor__recovery_id=OuterRef("pk")))
        return self.annotate(ordered=ordered, paid=paid).annotate(
            balance=ExpressionWrapper(F("ordered") - F("paid"), output_field=MONEY)
        )

    def with_status(self):
        """Annotate `status`: closed once closed, enforcing while an enforcement application is open."""
        if "status" in self.query.annotations:
            return self
        enforcing = EnforcementApplication.objects.filter(recovery_id=OuterRef("pk")).open()
        return self.annotate(
            status=When_(
                When(closed_on__isnull=False, then=Value(Status.CLOSED.value)),
                When(Exists(enforcing), then=Value(Status.ENFORCING.value)),
                default=Value(Status.FOLLOWING.value),
                output_field=models.CharField(),
            )
        )

    def with_overdue(self, today: datetime.date | None = None):
        """Annotate `overdue`: an instalment or a promise of a debtor is past due and not paid."""
        today = today or timezone.localdate()
        late_instalments = Instalment.objects.overdue(today).filter(debtor__recovery_id=OuterRef("pk"))
        late_promises = Promise.objects.overdue(today).filter(debtor__recovery_id=OuterRef("pk"))
        return self.annotate(overdue=Exists(late_instalments) | Exists(late_promises))

    def open(self):
        return self.filter(closed_on__isnull=True)

    def in_region(self, region):
        """Recoveries of the owning agencies of the region and the regions below it."""
        return self.filter(agency__region_id__in=region.descendant_ids())

    def judged_between(self, date_from=None, date_to=None):
        queryset = self
        if date_from is not None:
            queryset = queryset.filter(judged_on__gte=date_from)
        if date_to is not None:
            queryset = queryset.filter(judged_on__lte=date_to)
        return queryset

    def with_debtor_named(self, text: str):
        return self.filter(Exists(Debtor.objects.filter(recovery_id=OuterRef("pk"), name__contains=text)))

    def with_related(self):
        return self.select_related("case", "agency", "court")


class Recovery(models.Model):
    """Restitution ordered by one judgment, decision or mediation in a case, owned by the case's bureau."""

    class Kind(models.TextChoices):
        JUDGMENT = "judgment", _("Judgment (判决)")
        RULING = "ruling", _("Ruling (裁定)")
        MEDIATION = "mediation", _("Mediation agreement (调解)")
        DECISION = "decision", _("Administrative decision (决定)")

    case = models.ForeignKey(
        "casework.Case", verbose_name=_("case"), on_delete=models.PROTECT, related_name="recoveries"
    )
    # The case's bureau: its asset-recovery officers follow the money.
    agency = models.ForeignKey(
        "organisation.Agency", verbose_name=_("owning agency"), on_delete=models.PROTECT, related_name="+"
    )
    court = models.ForeignKey(
        "organisation.Agency", verbose_name=_("court"), on_delete=models.PROTECT, related_name="court_recoveries"
    )
    reference = models.CharField(_("judgment reference"), max_length=100)
    judged_on = models.DateField(_("judged on"))
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.JUDGMENT)
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(_("recorded at"), default=timezone.now)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    objects = RecoveryQuerySet.as_manager()

    class Meta:
        ordering = ["-judged_on", "-id"]
        constraints = [models.UniqueConstraint(fields=["case", "reference"], name="one_recovery_per_judgment")]
        indexes = [models.Index(fields=["agency", "closed_on"]), models.Index(fields=["court", "closed_on"])]
        permissions = [("record_recovery", "Can record payments and enforcement steps")]
        verbose_name = _("recovery")
        verbose_name_plural = _("recoveries")

    def __str__(self) -> str:
        return self.reference

    def get_status_display(self) -> str:
        """Needs with_status()."""
        return str(Status(self.status).label)

    @property
    def badge_class(self) -> str:
        """Needs with_status()."""
        return {
            Status.FOLLOWING: "status-handling",
            Status.ENFORCING: "status-investigating",
            Status.CLOSED: "status-closed",
        }[self.status]


class DebtorQuerySet(models.QuerySet):
    def with_balance(self):
        """Annotate `paid` (sum of payments) and `balance` (amount ordered − paid)."""
        if "balance" in self.query.annotations:
            return self
        return self.annotate(paid=_paid_by_debtor()).annotate(
            balance=ExpressionWrapper(F("amount_ordered") - F("paid"), output_field=MONEY)
        )


class Debtor(models.Model):
    """One person or organisation ordered to pay back, with the amount ordered."""

    recovery = models.ForeignKey(Recovery, verbose_name=_("recovery"), on_delete=models.CASCADE, related_name="debtors")
    name = models.CharField(_("name"), max_length=100)
    subject = models.ForeignKey(
        "casework.Subject",
        verbose_name=_("subject"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="recovery_debts",
    )
    amount_ordered = money_field(_("amount ordered (yuan)"))

    objects = DebtorQuerySet.as_manager()

    class Meta:
        ordering = ["pk"]
        constraints = [models.CheckConstraint(condition=Q(amount_ordered__gt=0), name="debtor_amount_positive")]
        verbose_name = _("debtor")
        verbose_name_plural = _("debtors")

    def __str__(self) -> str:
        return self.name


class InstalmentQuerySet(models.QuerySet):
    def with_cover(self):
        """Annotate `scheduled` (this and the debtor's earlier instalments, summed) and `paid` (the debtor's
        payments so far): payments settle a plan's instalments in date order."""
        if "scheduled" in self.query.annotations:
            return self
        up_to_here = Instalment.objects.filter(debtor_id=OuterRef("debtor_id")).filter(
            Q(due_on__lt=OuterRef("due_on")) | Q(due_on=OuterRef("due_on"), pk__lte=OuterRef("pk"))
        )
        return self.annotate(scheduled=_sum(up_to_here), paid=_paid_by_debtor("debtor_id"))

    def unpaid(self):
        return self.with_cover().filter(paid__lt=F("scheduled"))

    def overdue(self, today: datetime.date | None = None):
        """Unpaid instalments of open recoveries whose due date has passed."""
        return self.unpaid().filter(due_on__lt=today or timezone.localdate(), debtor__recovery__closed_on__isnull=True)


class Instalment(models.Model):
    """One instalment of a debtor's payment plan; overdue is computed (InstalmentQuerySet.overdue)."""

    debtor = models.ForeignKey(Debtor, verbose_name=_("debtor"), on_delete=models.CASCADE, related_name="instalments")
    due_on = models.DateField(_("due on"))
    amount = money_field(_("amount (yuan)"))
    created_at = models.DateTimeField(_("recorded at"), default=timezone.now)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    objects = InstalmentQuerySet.as_manager()

    class Meta:
        ordering = ["due_on", "pk"]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="instalment_amount_positive")]
        indexes = [models.Index(fields=["debtor", "due_on"])]
        verbose_name = _("instalment")
        verbose_name_plural = _("instalments")

    def __str__(self) -> str:
        return f"{self.due_on} {self.amount}"

    @property
    def outstanding(self) -> Decimal:
        """What of this instalment is still unpaid (needs with_cover())."""
        return min(self.amount, max(self.scheduled - self.paid, Decimal("0.00")))

    def is_overdue(self, today: datetime.date | None = None) -> bool:
        return self.outstanding > 0 and self.due_on < (today or timezone.localdate())


class RecoveryMeeting(models.Model):
    """追缴会: court and bureau meet debtors; payments made on the spot point here, and so do promises."""

    recovery = models.ForeignKey(
        Recovery, verbose_name=_("recovery"), on_delete=models.CASCADE, related_name="meetings"
    )
    court = models.ForeignKey(
        "organisation.Agency", verbose_name=_("court"), on_delete=models.PROTECT, related_name="+"
    )
    held_on = models.DateField(_("held on"))
    place = models.CharField(_("place"), max_length=200, blank=True)
    attending = models.ManyToManyField(Debtor, verbose_name=_("debtors attending"), related_name="meetings")
    note = models.TextField(_("note"), blank=True)
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["held_on", "pk"]
        verbose_name = _("recovery meeting")
        verbose_name_plural = _("recovery meetings")

    def __str__(self) -> str:
        return f"{self.held_on} {self.place}"


class RecoveryPayment(models.Model):
    class Channel(models.TextChoices):
        BANK_TRANSFER = "bank_transfer", _("Bank transfer to the fund account")
        COURT_ACCOUNT = "court_account", _("Paid into the court's enforcement account")
        AT_MEETING = "at_meeting", _("Paid at a recovery meeting")
        DEDUCTION = "deduction", _("Deducted or seized by the court")
        CASH = "cash", _("Cash")
        OTHER = "other", _("Other")

    debtor = models.ForeignKey(Debtor, verbose_name=_("debtor"), on_delete=models.PROTECT, related_name="payments")
    paid_on = models.DateField(_("paid on"))
    amount = money_field(_("amount (yuan)"))
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    receipt_no = models.CharField(_("receipt number"), max_length=60)
    meeting = models.ForeignKey(
        RecoveryMeeting,
        verbose_name=_("paid at meeting"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="payments",
    )
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["paid_on", "pk"]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="recovery_payment_amount_positive")]
        indexes = [models.Index(fields=["debtor", "paid_on"])]
        verbose_name = _("recovery payment")
        verbose_name_plural = _("recovery payments")

    def __str__(self) -> str:
        return f"{self.paid_on} {self.amount}"


class PromiseQuerySet(models.QuerySet):
    def with_progress(self):
        """Annotate `paid_towards` (the debtor's payments after the day of the promise, up to its deadline),
        `debtor_balance` and `kept` (paid_towards reached the amount, or the debtor owes nothing more)."""
        if "kept" in self.query.annotations:
            return self
        towards = _sum(
            RecoveryPayment.objects.filter(
                debtor_id=OuterRef("debtor_id"), paid_on__gt=OuterRef("made_on"), paid_on__lte=OuterRef("deadline")
            )
        )
        return (
            self.annotate(paid_towards=towards, debtor_paid=_paid_by_debtor("debtor_id"))
            .annotate(
                debtor_balance=ExpressionWrapper(F("debtor__amount_ordered") - F("debtor_paid"), output_field=MONEY)
            )
            .annotate(
                kept=When_(
                    When(Q(paid_towards__gte=F("amount")) | Q(debtor_balance__lte=0), then=Value(True)),
                    default=Value(False),
                    output_field=models.BooleanField(),
                )
            )
        )

    def pending(self):
        return self.with_progress().filter(kept=False)

    def overdue(self, today: datetime.date | None = None):
        """Promises of open recoveries not kept by their deadline."""
        return self.pending().filter(
            deadline__lt=today or timezone.localdate(), debtor__recovery__closed_on__isnull=True
        )


class Promise(models.Model):
    """A debtor's promise to pay an amount by a deadline (made at a 追缴会, or otherwise)."""

    debtor = models.ForeignKey(Debtor, verbose_name=_("debtor"), on_delete=models.CASCADE, related_name="promises")
    meeting = models.ForeignKey(
        RecoveryMeeting,
        verbose_name=_("made at meeting"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="promises",
    )
    made_on = models.DateField(_("made on"))
    amount = money_field(_("amount promised (yuan)"))
    deadline = models.DateField(_("deadline"))
    note = models.CharField(_("note"), max_length=200, blank=True)
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    objects = PromiseQuerySet.as_manager()

    class Meta:
        ordering = ["deadline", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="promise_amount_positive"),
            models.CheckConstraint(condition=Q(deadline__gte=F("made_on")), name="promise_deadline_after_made"),
        ]
        verbose_name = _("promise")
        verbose_name_plural = _("promises")

    def __str__(self) -> str:
        return f"{self.amount} by {self.deadline}"

    def is_overdue(self, today: datetime.date | None = None) -> bool:
        """Needs with_progress()."""
        return not self.kept and self.deadline < (today or timezone.localdate())


class EnforcementQuerySet(models.QuerySet):
    def open(self):
        """Applications with no concluding step yet."""
        ended = EnforcementStep.objects.filter(application_id=OuterRef("pk"), kind__in=EnforcementStep.CONCLUDING)
        return self.exclude(Exists(ended))


class EnforcementApplication(models.Model):
    """申请强制执行: the application to the court to enforce the restitution, and its steps."""

    recovery = models.ForeignKey(
        Recovery, verbose_name=_("recovery"), on_delete=models.CASCADE, related_name="enforcement_applications"
    )
    # Empty means all the recovery's debtors.
    debtors = models.ManyToManyField(Debtor, verbose_name=_("debtors"), blank=True, related_name="+")
    applied_on = models.DateField(_("applied on"))
    court_reference = models.CharField(_("enforcement case number"), max_length=100, blank=True)
    note = models.TextField(_("note"), blank=True)
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    objects = EnforcementQuerySet.as_manager()

    class Meta:
        ordering = ["applied_on", "pk"]
        verbose_name = _("enforcement application")
        verbose_name_plural = _("enforcement applications")

    def __str__(self) -> str:
        return self.court_reference or str(self.applied_on)


class EnforcementStep(models.Model):
    class Kind(models.TextChoices):
        FILED = "filed", _("Enforcement case filed by the court (立案执行)")
        NOTICE = "notice", _("Enforcement notice served (执行通知)")
        ASSETS = "assets", _("Assets frozen, seized or deducted (查封冻结扣划)")
        DETENTION = "detention", _("Detention or fine decided (拘留罚款)")
        DEFAULTER = "defaulter", _("Listed as a defaulter (失信被执行人)")
        COMPLETED = "completed", _("Enforcement completed (执行完毕)")
        TERMINATED = "terminated", _("Enforcement ended for now (终结本次执行)")

    CONCLUDING = (Kind.COMPLETED, Kind.TERMINATED)

    application = models.ForeignKey(
        EnforcementApplication, verbose_name=_("application"), on_delete=models.CASCADE, related_name="steps"
    )
    kind = models.CharField(_("step"), max_length=12, choices=Kind.choices)
    happened_on = models.DateField(_("on"))
    note = models.CharField(_("note"), max_length=300, blank=True)
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["happened_on", "pk"]
        verbose_name = _("enforcement step")
        verbose_name_plural = _("enforcement steps")

    def __str__(self) -> str:
        return str(self.get_kind_display())


class RecoveryUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(Recovery, on_delete=models.CASCADE)


class RecoveryGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Recovery, on_delete=models.CASCADE)
