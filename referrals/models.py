"""移送 (domain.md §7): a case's transfer to the police, 纪委监委, 卫健 or 市场监管, tracked on both sides.

The bureau prepares the package, its head approves and it is sent; from then on the referral also
belongs to the receiving agency, whose liaisons sign the 回执 and accept, refuse or forward it, and
later report the outcome. Access is by object permissions on the referral (django-guardian): the
receiving agency's liaisons hold them only while the referral is addressed to their agency.
"""

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase
from viewflow.workflow.models import Process

from casework.models.pipeline import PipelineMixin
from organisation.visibility import with_group_grant

MONEY = {"max_digits": 14, "decimal_places": 2}
DEADLINE_REF_PREFIX = "referral:"


class ReferralGround(models.Model):
    """移送情形 (医保发〔2021〕49号), kept as data (referrals/data/grounds.json) and editable in the admin."""

    code = models.CharField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    # The kind of agency the ground sends a case to (organisation.Agency.Kind).
    agency_kind = models.CharField(_("receiving agency kind"), max_length=32)
    basis = models.CharField(_("legal basis"), max_length=200, blank=True)
    position = models.PositiveSmallIntegerField(default=0)
    active = models.BooleanField(_("in use"), default=True)

    class Meta:
        ordering = ["position", "code"]
        verbose_name = _("referral ground")
        verbose_name_plural = _("referral grounds")

    def __str__(self) -> str:
        return self.name


class ReferralQuerySet(models.QuerySet):
    def visible_to(self, user):
        return with_group_grant(self, user, "view_referral")

    def handled_by(self, user):
        """Referrals addressed to the user's agency, which its liaisons act on."""
        return with_group_grant(self, user, "handle_referral")

    def with_related(self):
        return self.select_related("case", "agency", "to_agency", "letter")

    def with_overdue(self, today=None):
        from casework.models import Deadline

        late = Deadline.objects.filter(
            case=OuterRef("case"),
            ref=referral_ref_expression(),
            closed_on__isnull=True,
            due__lt=today or timezone.localdate(),
        )
        return self.annotate(overdue=Exists(late))

    def open(self):
        return self.exclude(status__in=Referral.CLOSED_STATUSES)


def referral_ref_expression(outer: str = "pk"):
    from django.db.models import Value
    from django.db.models.functions import Cast, Concat

    return Concat(Value(DEADLINE_REF_PREFIX), Cast(OuterRef(outer), models.CharField()))


class Referral(PipelineMixin, models.Model):
    class Kind(models.TextChoices):
        CRIMINAL = "criminal", _("Suspected crime (to the police)")
        DISCIPLINE = "discipline", _("Public officials (to 纪委监委)")
        HEALTH = "health", _("Medical staff conduct (to 卫健)")
        MARKET = "market", _("Drug quality or pricing (to 市场监管)")

    class Status(models.TextChoices):
        PREPARING = "preparing", _("Officers preparing the package")
        APPROVING = "approving", _("Awaiting the head's decision")
        SENDING = "sending", _("Approved: to be sent")
        DECLINED = "declined", _("Not transferred")
        AWAITING_RECEIPT = "awaiting_receipt", _("Sent: awaiting receipt")
        RECEIVED = "received", _("Received: awaiting decision")
        ACCEPTED = "accepted", _("Accepted")
        REJECTED = "rejected", _("Refused")
        RECONSIDERATION = "reconsideration", _("Reconsideration requested")
        SUPERVISION = "supervision", _("Procuratorate supervising")
        RETURNED = "returned", _("Back to administrative penalty")
        CONCLUDED = "concluded", _("Concluded")

    PIPELINE = {
        Status.PREPARING: {Status.APPROVING},
        Status.APPROVING: {Status.SENDING, Status.DECLINED},
        Status.SENDING: {Status.AWAITING_RECEIPT},
        Status.AWAITING_RECEIPT: {Status.RECEIVED},
        Status.RECEIVED: {Status.ACCEPTED, Status.REJECTED, Status.AWAITING_RECEIPT},
        Status.REJECTED: {Status.RECONSIDERATION, Status.SUPERVISION, Status.RETURNED, Status.CONCLUDED},
        Status.RECONSIDERATION: {Status.ACCEPTED, Status.REJECTED},
        Status.SUPERVISION: {Status.RECEIVED, Status.REJECTED},
        Status.ACCEPTED: {Status.CONCLUDED},
        Status.RETURNED: {Status.CONCLUDED},
    }
    CLOSED_STATUSES = (Status.DECLINED, Status.CONCLUDED)
    # What the receiving agency's inbox lists as waiting for it.
    RECEIVER_WAITING = (Status.AWAITING_RECEIPT, Status.RECEIVED, Status.RECONSIDERATION, Status.ACCEPTED)

    case = models.ForeignKey(
        "casework.Case", verbose_name=_("case"), on_delete=models.PROTECT, related_name="referrals"
    )
    # The sending bureau (the case's agency).
    agency = models.ForeignKey(
        "organisation.Agency", verbose_name=_("sending agency"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    # Where the referral is addressed now; forwarding changes it.
    to_agency = models.ForeignKey(
        "organisation.Agency",
        verbose_name=_("receiving agency"),
        on_delete=models.PROTECT,
        related_name="referrals_received",
    )
    # Police referrals: the procuratorate gets a copy of the 移送书 and supervises a refusal.
    procuratorate = models.ForeignKey(
        "organisation.Agency",
        verbose_name=_("procuratorate (copy)"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PREPARING)
    grounds = models.ManyToManyField(ReferralGround, verbose_name=_("grounds (移送情形)"), blank=True)
    decision_grounds = models.TextField(_("grounds given in the outcome decision"), blank=True)
    facts = models.TextField(_("facts of the suspected offence"), blank=True)
    evidence = models.ManyToManyField(
        "casework.Evidence", verbose_name=_("evidence transferred"), blank=True, related_name="referrals"
    )
    documents = models.ManyToManyField(
        "documents.Document", verbose_name=_("package documents"), blank=True, related_name="referrals"
    )
    letter = models.ForeignKey(
        "documents.Document",
        verbose_name=_("referral letter"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reported_at = models.DateTimeField(_("officers' report at"), null=True, blank=True)
    approval_note = models.TextField(_("head's opinion"), blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    received_at = models.DateTimeField(_("received at"), null=True, blank=True)
    receipt = models.ForeignKey(
        "documents.Document",
        verbose_name=_("receipt (回执)"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(_("receiver decided at"), null=True, blank=True)
    reference = models.CharField(_("receiving agency's case number"), max_length=100, blank=True)
    decision_note = models.TextField(_("receiver's note"), blank=True)
    reject_reason = models.TextField(_("reasons for refusing"), blank=True)
    # After a refusal: the sender's requests and the answers.
    reconsideration_reason = models.TextField(_("reasons for reconsideration"), blank=True)
    reconsideration_requested_at = models.DateTimeField(_("reconsideration requested at"), null=True, blank=True)
    reconsideration_answer = models.TextField(_("answer to the reconsideration"), blank=True)
    reconsideration_answered_at = models.DateTimeField(_("reconsideration answered at"), null=True, blank=True)
    supervision_reason = models.TextField(_("reasons for supervision"), blank=True)
    supervision_requested_at = models.DateTimeField(_("supervision requested at"), null=True, blank=True)
    supervision_filing_ordered = models.BooleanField(_("procuratorate ordered filing"), null=True, blank=True)
    supervision_note = models.TextField(_("procuratorate's decision"), blank=True)
    supervision_decided_at = models.DateTimeField(_("procuratorate decided at"), null=True, blank=True)
    # Art.12: fines and evidence handed over within 3 days of acceptance.
    handed_over_on = models.DateField(_("fines and evidence handed over on"), null=True, blank=True)
    conclusion = models.TextField(_("conclusion"), blank=True)
    concluded_at = models.DateTimeField(_("concluded at"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    objects = ReferralQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        permissions = [
            ("approve_referral", "Approve a referral (agency head)"),
            ("handle_referral", "Receive and decide a referral (receiving agency)"),
            ("supervise_referral", "Supervise a refused referral (procuratorate)"),
        ]
        indexes = [
            models.Index(fields=["to_agency", "status"], name="referral_inbox"),
            # Lists show the newest first: walking this index pages without sorting every visible row.
            models.Index(fields=["-created_at", "-id"], name="referral_newest"),
        ]
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")

    def __str__(self) -> str:
        return self.letter.number if self.letter_id else f"{self.get_kind_display()} #{self.pk}"

    @property
    def number(self) -> str:
        return self.letter.number if self.letter_id else ""

    @property
    def deadline_ref(self) -> str:
        return f"{DEADLINE_REF_PREFIX}{self.pk}"

    @property
    def is_open(self) -> bool:
        return self.status not in self.CLOSED_STATUSES


class ReferralEvent(models.Model):
    """The referral's history as both sides see it: sent, received, forwarded, decided, outcomes."""

    class Kind(models.TextChoices):
        REPORTED = "reported", _("Officers' report submitted")
        APPROVED = "approved", _("Transfer approved")
        DECLINED = "declined", _("Transfer not approved")
        SENT = "sent", _("Sent")
        RECEIVED = "received", _("Receipt signed")
        ACCEPTED = "accepted", _("Accepted")
        REJECTED = "rejected", _("Refused")
        FORWARDED = "forwarded", _("Forwarded to the competent agency")
        RECONSIDERATION = "reconsideration", _("Reconsideration requested")
        RECONSIDERED = "reconsidered", _("Reconsideration answered")
        SUPERVISION = "supervision", _("Supervision requested")
        SUPERVISED = "supervised", _("Procuratorate decided")
        HANDED_OVER = "handed_over", _("Fines and evidence handed over")
        OUTCOME = "outcome", _("Outcome reported")
        RETURNED = "returned", _("Back to administrative penalty")
        CONCLUDED = "concluded", _("Concluded")

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("event"), max_length=20, choices=Kind.choices)
    agency = models.ForeignKey("organisation.Agency", on_delete=models.PROTECT, related_name="+")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)
    note = models.TextField(blank=True)
    # Forwarding: the agency it came from (agency is where it went).
    from_agency = models.ForeignKey(
        "organisation.Agency", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("referral event")
        verbose_name_plural = _("referral events")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.at:%Y-%m-%d}"


class ReferralOutcome(models.Model):
    """What the receiving agency did with the case (立案侦查, 起诉, 判决, 不起诉, 处分, ...)."""

    class Kind(models.TextChoices):
        INVESTIGATION = "investigation", _("Criminal investigation opened (立案侦查)")
        DETENTION = "detention", _("Compulsory measures taken")
        PROSECUTION = "prosecution", _("Transferred for prosecution (移送起诉)")
        INDICTMENT = "indictment", _("Indicted (提起公诉)")
        JUDGMENT = "judgment", _("Judgment (判决)")
        NON_PROSECUTION = "non_prosecution", _("Not prosecuted (不起诉)")
        DROPPED = "dropped", _("Case dropped (撤销案件)")
        DISCIPLINE = "discipline", _("Party or administrative sanction (党纪政务处分)")
        ADMINISTRATIVE = "administrative", _("Administrative handling by the receiving agency")
        OTHER = "other", _("Other")

    # Outcomes that end the receiving agency's handling.
    FINAL = (Kind.JUDGMENT, Kind.NON_PROSECUTION, Kind.DROPPED, Kind.DISCIPLINE, Kind.ADMINISTRATIVE)

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="outcomes")
    kind = models.CharField(_("outcome"), max_length=20, choices=Kind.choices)
    summary = models.TextField(_("summary"))
    decided_on = models.DateField(_("decided on"))
    sentence = models.TextField(_("sentence"), blank=True)
    restitution_ordered = models.DecimalField(_("restitution ordered"), null=True, blank=True, **MONEY)
    # Art.11: a fine the bureau has collected is offset against a criminal fine.
    fine_offset = models.DecimalField(_("administrative fine offset"), null=True, blank=True, **MONEY)
    agency = models.ForeignKey("organisation.Agency", on_delete=models.PROTECT, related_name="+")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["decided_on", "pk"]
        verbose_name = _("referral outcome")
        verbose_name_plural = _("referral outcomes")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.decided_on}"

    @property
    def is_final(self) -> bool:
        return self.kind in self.FINAL


class CounterReferral(models.Model):
    """A lead a partner agency sends to the bureau (反向移送), e.g. for administrative handling after
    the police refused a case; it arrives as a lead in the bureau's triage."""

    lead = models.OneToOneField("casework.Lead", on_delete=models.CASCADE, related_name="counter_referral")
    from_agency = models.ForeignKey(
        "organisation.Agency", verbose_name=_("from"), on_delete=models.PROTECT, related_name="counter_referrals"
    )
    referral = models.ForeignKey(
        Referral,
        verbose_name=_("related referral"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="counter_referrals",
    )
    reference = models.CharField(_("sender's reference"), max_length=100, blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-submitted_at", "-pk"]
        verbose_name = _("counter-referral")
        verbose_name_plural = _("counter-referrals")

    def __str__(self) -> str:
        return f"{self.from_agency} → {self.lead_id}"


class ReferralProcess(Process):
    """The referral's way through both agencies (workflows.referral.ReferralFlow)."""

    referral = models.OneToOneField(Referral, on_delete=models.CASCADE, related_name="process")

    class Meta:
        verbose_name = _("referral process")
        verbose_name_plural = _("referral processes")


class ReferralUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(Referral, on_delete=models.CASCADE)


class ReferralGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Referral, on_delete=models.CASCADE)
