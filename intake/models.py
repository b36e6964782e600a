"""Intake: whistleblower reports (举报) with their reporter channel, and screening hits (智能监控疑点).

A report or a group of screening hits always hangs off a casework Lead, which carries the
agency, the subjects, the 15-working-day decision deadline and the object permissions.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from casework.models import Lead, Subject


class ReportQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(lead__in=Lead.objects.visible_to(user).values("pk"))

    def named(self):
        return self.filter(anonymous=False)

    def result_notice_open(self):
        """Named reports whose reporter still has to be told the 立案 decision."""
        return self.filter(result_notice_due__isnull=False, result_notified_on__isnull=True)

    def result_notice_overdue(self, today=None):
        return self.result_notice_open().filter(result_notice_due__lt=today or timezone.localdate())

    def in_receipt_order(self):
        return self.order_by("lead__received_at", "pk")


class Report(models.Model):
    """A whistleblower report: the reporter's side of a lead (receipt code, identity, messages)."""

    class Channel(models.TextChoices):
        WEB = "web", _("Public web page")
        HOTLINE_12393 = "hotline_12393", _("12393 hotline")
        HOTLINE_LOCAL = "hotline_local", _("Local hotline")
        LETTER = "letter", _("Letter")
        VISIT = "visit", _("Visit in person")
        EMAIL = "email", _("By e-mail")
        SUPERIOR = "superior", _("Assigned by superior")
        ASSIST_REQUEST = "assist_request", _("Cross-region assist request")

    lead = models.OneToOneField(Lead, verbose_name=_("lead"), on_delete=models.PROTECT, related_name="report")
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    # 16 digits, the last a Luhn check digit so a mistyped code is caught before any look-up.
    receipt_code = models.CharField(_("receipt code"), max_length=16, unique=True)
    secret_hash = models.CharField(max_length=128, editable=False)
    anonymous = models.BooleanField(_("anonymous"), default=True)
    # Fernet token (intake.crypto) of {"name", "id_number", "phone", "email", "address"}; empty when anonymous.
    identity_token = models.TextField(blank=True, editable=False)
    subject_kind = models.CharField(_("kind of subject"), max_length=16, choices=Subject.Kind.choices)
    subject_name = models.CharField(_("name of subject"), max_length=120)
    subject_code = models.CharField(_("code of subject"), max_length=40, blank=True)
    occurred_from = models.DateField(_("from"), null=True, blank=True)
    occurred_to = models.DateField(_("to"), null=True, blank=True)
    # 上级交办 / 协查: the assigning or requesting body and its reference.
    origin = models.CharField(_("assigned or requested by"), max_length=200, blank=True)
    acknowledged_on = models.DateField(_("acknowledged on"), null=True, blank=True)
    # Order 5: a named reporter is told the 立案 decision within 5 working days of it.
    result_notice_due = models.DateField(_("result notice due"), null=True, blank=True)
    result_notified_on = models.DateField(_("reporter told on"), null=True, blank=True)
    last_reporter_message_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = ReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(anonymous=True) | ~models.Q(identity_token=""), name="named_report_has_identity"
            )
        ]

    def __str__(self) -> str:
        return f"{self.receipt_code} {self.subject_name}"

    @property
    def receipt_code_display(self) -> str:
        return " ".join(self.receipt_code[i : i + 4] for i in range(0, 16, 4))

    @property
    def is_result_notice_overdue(self) -> bool:
        return (
            self.result_notice_due is not None
            and self.result_notified_on is None
            and self.result_notice_due < timezone.localdate()
        )


class ReportMessage(models.Model):
    """A message between the reporter and the agency, shown on the public status page."""

    class Sender(models.TextChoices):
        REPORTER = "reporter", _("Reporter")
        AGENCY = "agency", _("Agency")

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="messages")
    sender = models.CharField(_("from"), max_length=10, choices=Sender.choices)
    body = models.TextField(_("message"))
    sent_at = models.DateTimeField(_("sent at"), default=timezone.now)
    # Staff author of an agency message; never shown to the reporter.
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # When staff first opened a reporter's message.
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["sent_at", "pk"]
        indexes = [models.Index(fields=["report", "sender", "read_at"])]
        verbose_name = _("report message")
        verbose_name_plural = _("report messages")

    def __str__(self) -> str:
        return f"{self.get_sender_display()} {self.sent_at:%Y-%m-%d %H:%M}"


class ReportNote(models.Model):
    """An internal note on a report: staff only, never shown to the reporter."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="notes")
    body = models.TextField(_("note"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("written at"), default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("internal note")
        verbose_name_plural = _("internal notes")

    def __str__(self) -> str:
        return f"{self.report_id} {self.created_at:%Y-%m-%d %H:%M}"


class Attachment(models.Model):
    """A file sent with a report, stored outside the web root under its SHA-256."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="attachments")
    message = models.ForeignKey(
        ReportMessage, null=True, blank=True, on_delete=models.SET_NULL, related_name="attachments"
    )
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    # Detected from the content, never taken from the name or the client's header.
    content_type = models.CharField(_("type"), max_length=100)
    extension = models.CharField(max_length=10)
    # The sender's file name, cleaned; shown to staff only, never used for storage.
    original_name = models.CharField(_("file name"), max_length=120, blank=True)
    from_reporter = models.BooleanField(default=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now)

    class Meta:
        ordering = ["uploaded_at", "pk"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.download_name

    @property
    def download_name(self) -> str:
        return f"附件{self.pk}.{self.extension}"


class ScreenBatch(models.Model):
    """One submission of screening hits (API call or file import): who sent it and what came of it."""

    class Channel(models.TextChoices):
        API = "api", _("API")
        FILE = "file", _("File import")

    agency = models.ForeignKey("organisation.Agency", on_delete=models.PROTECT, related_name="+")
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    channel = models.CharField(max_length=8, choices=Channel.choices, default=Channel.API)
    file_name = models.CharField(max_length=120, blank=True)
    received_at = models.DateTimeField(default=timezone.now)
    received = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)
    duplicates = models.PositiveIntegerField(default=0)
    rejected = models.PositiveIntegerField(default=0)
    leads_created = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-received_at", "-pk"]
        verbose_name = _("screening batch")
        verbose_name_plural = _("screening batches")

    def __str__(self) -> str:
        return f"{self.received_at:%Y-%m-%d %H:%M} {self.received}"


class ScreenHit(models.Model):
    """A hit from the rule-based screening system; idempotent on (source, external_id)."""

    source = models.CharField(_("source system"), max_length=40)
    external_id = models.CharField(_("external id"), max_length=80)
    rule_code = models.CharField(_("rule code"), max_length=40)
    rule_name = models.CharField(_("rule"), max_length=120)
    subject = models.ForeignKey(Subject, verbose_name=_("subject"), on_delete=models.PROTECT, related_name="+")
    period_from = models.DateField(_("from"), null=True, blank=True)
    period_to = models.DateField(_("to"), null=True, blank=True)
    amount = models.DecimalField(_("amount (yuan)"), max_digits=14, decimal_places=2, null=True, blank=True)
    details = models.JSONField(_("details"), default=dict, blank=True)
    lead = models.ForeignKey(Lead, verbose_name=_("lead"), on_delete=models.PROTECT, related_name="screen_hits")
    batch = models.ForeignKey(ScreenBatch, on_delete=models.PROTECT, related_name="hits")
    received_at = models.DateTimeField(_("received at"), default=timezone.now)

    class Meta:
        ordering = ["pk"]
        constraints = [models.UniqueConstraint(fields=["source", "external_id"], name="one_hit_per_source_id")]
        permissions = [("submit_screen_hits", "Can submit screening hits")]
        verbose_name = _("screening hit")
        verbose_name_plural = _("screening hits")

    def __str__(self) -> str:
        return f"{self.source}:{self.external_id}"
