"""举报奖励 (domain.md §9, 医保办发〔2022〕22号): one reward per case, for its first valid reporter.

The reporter's identity stays with the report (intake, encrypted); a reward adds what a claim needs —
the claimant's identity when an anonymous reporter comes forward, and the payee's bank details — each
encrypted at rest (intake.crypto) and read only by the reward handlers (identity) and finance (payment).
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase
from viewflow.workflow.models import Process

from casework.models.pipeline import PipelineMixin
from organisation.visibility import with_group_grant

MONEY = {"max_digits": 14, "decimal_places": 2}


class RewardRule(models.Model):
    """A region's reward figures (local rules); regions without one use the nearest superior region's,
    then the national defaults of rewards.rules."""

    region = models.OneToOneField("organisation.Region", verbose_name=_("region"), on_delete=models.CASCADE)
    # [{"up_to": "100000.00" | null, "rate": "0.05"}, ...] in ascending order; the last has no limit.
    tiers = models.JSONField(_("percentage tiers"))
    minimum = models.DecimalField(_("minimum reward"), **MONEY)
    maximum = models.DecimalField(_("maximum reward"), **MONEY)
    fixed_minimum = models.DecimalField(_("fixed sum without money: from"), **MONEY)
    fixed_maximum = models.DecimalField(_("fixed sum without money: to"), **MONEY)
    collective_threshold = models.DecimalField(_("collective decision above"), **MONEY)
    claim_months = models.PositiveSmallIntegerField(_("months to claim"))
    basis = models.CharField(_("local rule"), max_length=200)

    class Meta:
        verbose_name = _("reward rule")
        verbose_name_plural = _("reward rules")

    def __str__(self) -> str:
        return f"{self.region} {self.basis}"


class RewardQuerySet(models.QuerySet):
    def visible_to(self, user):
        return with_group_grant(self, user, "view_reward")

    def with_related(self):
        return self.select_related("case", "report", "agency", "decision", "notice")

    def claim_expired(self, today=None):
        return self.filter(status=Reward.Status.CLAIMING, claim_deadline__lt=today or timezone.localdate())


class Reward(PipelineMixin, models.Model):
    class Status(models.TextChoices):
        REVIEWING = "reviewing", _("Eligibility review")
        INELIGIBLE = "ineligible", _("Not eligible")
        PROPOSING = "proposing", _("Amount proposal")
        APPROVING = "approving", _("Awaiting approval")
        COLLECTIVE = "collective", _("Awaiting collective decision")
        REJECTED = "rejected", _("Not approved")
        NOTIFYING = "notifying", _("Approved: to notify the reporter")
        CLAIMING = "claiming", _("Notified: awaiting the claim")
        FORFEITED = "forfeited", _("Forfeited (not claimed in time)")
        PAYING = "paying", _("Claimed: awaiting payment")
        PAID = "paid", _("Reward paid out")

    PIPELINE = {
        Status.REVIEWING: {Status.PROPOSING, Status.INELIGIBLE},
        Status.PROPOSING: {Status.APPROVING},
        Status.APPROVING: {Status.NOTIFYING, Status.COLLECTIVE, Status.REJECTED, Status.PROPOSING},
        Status.COLLECTIVE: {Status.NOTIFYING, Status.REJECTED, Status.PROPOSING},
        Status.NOTIFYING: {Status.CLAIMING},
        Status.CLAIMING: {Status.PAYING, Status.FORFEITED},
        Status.PAYING: {Status.PAID},
    }
    CLOSED = (Status.INELIGIBLE, Status.REJECTED, Status.FORFEITED, Status.PAID)

    class NoticeChannel(models.TextChoices):
        EMAIL = "email", _("E-mail")
        MAIL = "mail", _("Post")
        PHONE = "phone", _("Telephone")
        IN_PERSON = "in_person", _("In person")
        STATUS_PAGE = "status_page", _("Public status page (anonymous reporter)")

    case = models.OneToOneField(
        "casework.Case", verbose_name=_("case"), on_delete=models.PROTECT, related_name="reward"
    )
    # The first valid report of the facts: its reporter is the one rewarded.
    report = models.ForeignKey(
        "intake.Report", verbose_name=_("report"), on_delete=models.PROTECT, related_name="rewards"
    )
    agency = models.ForeignKey(
        "organisation.Agency", verbose_name=_("agency"), on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.REVIEWING)
    # Eligibility review (each criterion answered; the reasons when not eligible).
    checks = models.JSONField(_("eligibility checks"), default=dict, blank=True)
    ineligible_reason = models.TextField(_("why not eligible"), blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    # Amount proposal.
    verified_amount = models.DecimalField(_("verified amount (案值)"), null=True, blank=True, **MONEY)
    calculated_amount = models.DecimalField(_("amount by the rule"), null=True, blank=True, **MONEY)
    proposed_amount = models.DecimalField(_("proposed amount"), null=True, blank=True, **MONEY)
    working = models.JSONField(_("calculation"), default=list, blank=True)
    adjustment_reason = models.TextField(_("reason for changing the amount"), blank=True)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    proposed_at = models.DateTimeField(null=True, blank=True)
    # Approval (section head; collective decision above the rule's threshold).
    approved_amount = models.DecimalField(_("approved amount"), null=True, blank=True, **MONEY)
    approval_note = models.TextField(_("approval opinion"), blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    collective_note = models.TextField(_("collective decision"), blank=True)
    decision = models.ForeignKey(
        "documents.Document", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Notice to the reporter.
    notice = models.ForeignKey("documents.Document", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    notice_channel = models.CharField(_("notified by"), max_length=12, choices=NoticeChannel.choices, blank=True)
    notified_on = models.DateField(_("notified on"), null=True, blank=True)
    claim_deadline = models.DateField(_("claim by"), null=True, blank=True)
    # Claim.
    claimed_on = models.DateField(_("claimed on"), null=True, blank=True)
    identity_check = models.TextField(_("identity check"), blank=True)
    claim_checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Fernet tokens (intake.crypto): who claimed (an anonymous reporter identifies themselves here) and
    # the payee's bank details.
    claimant_token = models.TextField(blank=True, editable=False)
    payment_token = models.TextField(blank=True, editable=False)
    forfeited_on = models.DateField(_("forfeited on"), null=True, blank=True)
    # Payment by finance.
    paid_on = models.DateField(_("paid on"), null=True, blank=True)
    voucher_no = models.CharField(_("voucher number"), max_length=60, blank=True)
    paid_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = RewardQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        permissions = [
            ("approve_reward", "Approve a reward (section head)"),
            ("decide_reward_collectively", "Record the collective decision on a reward"),
            ("pay_reward", "Pay a reward (finance)"),
            ("view_reward_payment", "See the payee's bank details"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["report"], name="one_reward_per_report"),
            models.CheckConstraint(
                condition=~models.Q(status="paid") | ~models.Q(voucher_no=""), name="paid_reward_has_voucher"
            ),
        ]
        verbose_name = _("reward")
        verbose_name_plural = _("rewards")

    def __str__(self) -> str:
        return f"{self.case} {self.get_status_display()}"

    @property
    def amount(self) -> Decimal | None:
        return self.approved_amount if self.approved_amount is not None else self.proposed_amount

    @property
    def is_open(self) -> bool:
        return self.status not in self.CLOSED


class RewardProcess(Process):
    reward = models.OneToOneField(Reward, on_delete=models.CASCADE, related_name="process")

    class Meta:
        verbose_name = _("reward process")
        verbose_name_plural = _("reward processes")


class RewardUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(Reward, on_delete=models.CASCADE)


class RewardGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Reward, on_delete=models.CASCADE)
