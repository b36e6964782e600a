"""Evidence of a case (调查取证), its chain of custody, and 先行登记保存 (evidence preservation)."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class EvidenceQuerySet(models.QuerySet):
    def visible_to(self, user):
        from casework.models import Case

        return self.filter(case__in=Case.objects.visible_to(user).values("pk"))

    def with_related(self):
        return self.select_related("holder", "document").prefetch_related("collected_by")


class Evidence(models.Model):
    """One item of evidence: who collected it, when and where, its file (by SHA-256) and who holds it now."""

    class Kind(models.TextChoices):
        INTERVIEW_RECORD = "interview_record", _("Interview record")
        INSPECTION_RECORD = "inspection_record", _("On-site inspection record")
        DOCUMENTARY = "documentary", _("Documentary evidence")
        ELECTRONIC = "electronic", _("Electronic data")
        AUDIOVISUAL = "audiovisual", _("Audio-visual material")
        EXPERT_OPINION = "expert_opinion", _("Expert opinion")

    # Kinds the system can also generate as numbered documents (询问笔录, 现场检查笔录).
    RECORD_KINDS = (Kind.INTERVIEW_RECORD, Kind.INSPECTION_RECORD)

    case = models.ForeignKey("casework.Case", verbose_name=_("case"), on_delete=models.PROTECT, related_name="evidence")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    collected_by = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("collected by"), related_name="collected_evidence"
    )
    collected_at = models.DateTimeField(_("collected at"))
    place = models.CharField(_("place"), max_length=200)
    # The file, stored by intake.attachments under its SHA-256; empty when the item has no file.
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    size = models.PositiveBigIntegerField(_("size (bytes)"), null=True, blank=True)
    content_type = models.CharField(_("type"), max_length=100, blank=True)
    extension = models.CharField(max_length=10, blank=True)
    original_name = models.CharField(_("file name"), max_length=120, blank=True)
    document = models.OneToOneField(
        "documents.Document",
        verbose_name=_("document"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="evidence",
    )
    holder = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("held by"), on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("registered by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("registered at"), default=timezone.now)

    objects = EvidenceQuerySet.as_manager()

    class Meta:
        ordering = ["collected_at", "pk"]
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.title}"

    @property
    def has_file(self) -> bool:
        return bool(self.sha256)

    @property
    def download_name(self) -> str:
        return f"证据{self.pk}.{self.extension}"


class CustodyTransfer(models.Model):
    """One link of an item's chain of custody; append-only. Position 1 is the collection itself."""

    evidence = models.ForeignKey(Evidence, on_delete=models.PROTECT, related_name="custody")
    position = models.PositiveIntegerField(_("No."))
    from_holder = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("handed over by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    to_holder = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("received by"), on_delete=models.PROTECT, related_name="+"
    )
    handed_at = models.DateTimeField(_("handed over at"))
    place = models.CharField(_("place"), max_length=200, blank=True)
    note = models.CharField(_("note"), max_length=500, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    class Meta:
        ordering = ["evidence", "position"]
        constraints = [models.UniqueConstraint(fields=["evidence", "position"], name="one_custody_entry_per_position")]
        verbose_name = _("custody transfer")
        verbose_name_plural = _("custody transfers")

    def __str__(self) -> str:
        return f"{self.evidence_id}#{self.position}"

    @property
    def is_collection(self) -> bool:
        return self.from_holder_id is None


class PreservationQuerySet(models.QuerySet):
    def undecided(self):
        return self.filter(decided_on__isnull=True)

    def overdue(self, today=None):
        return self.undecided().filter(decision_due__lt=today or timezone.localdate())


class Preservation(models.Model):
    """先行登记保存: items registered and kept in place, to be decided on within 7 days."""

    class Decision(models.TextChoices):
        RELEASE = "release", _("Release and return")
        CONFISCATE = "confiscate", _("Confiscate")
        APPRAISE = "appraise", _("Send for testing or appraisal")
        TRANSFER = "transfer", _("Transfer to the competent authority")
        OTHER = "other", _("Other")

    case = models.ForeignKey(
        "casework.Case", verbose_name=_("case"), on_delete=models.PROTECT, related_name="preservations"
    )
    items = models.TextField(_("items"))
    place = models.CharField(_("place"), max_length=200, blank=True)
    registered_on = models.DateField(_("registered on"))
    decision_due = models.DateField(_("decision deadline"))
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("registered by"), on_delete=models.PROTECT, related_name="+"
    )
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    decision = models.CharField(_("decision on the items"), max_length=16, choices=Decision.choices, blank=True)
    decision_note = models.TextField(_("decision note"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # Decided after decision_due: still recorded, but the lateness stays visible.
    decided_late = models.BooleanField(_("decided late"), default=False)

    objects = PreservationQuerySet.as_manager()

    class Meta:
        ordering = ["registered_on", "pk"]
        indexes = [
            models.Index(
                fields=["decision_due"], condition=models.Q(decided_on__isnull=True), name="open_preservation_due"
            )
        ]
        verbose_name = _("evidence preservation")
        verbose_name_plural = _("evidence preservations")

    def __str__(self) -> str:
        return f"{self.case_id}: {self.items[:40]}"

    @property
    def is_open(self) -> bool:
        return self.decided_on is None

    @property
    def is_overdue(self) -> bool:
        return self.decided_on is None and self.decision_due < timezone.localdate()
