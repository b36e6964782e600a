"""协查 (assist requests between bureaus of different regions) and 要情报送 (major-case reports upward).

Access is by guardian object permissions granted to role groups, as for referrals: the services grant
the sending bureau's and the receiving bureau's groups when a request is sent (assists.access), and
the reporting bureau's and the superior bureau's groups when a major case is reported.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from organisation.visibility import with_group_grant

MONEY = {"max_digits": 14, "decimal_places": 2}


class AssistRequestQuerySet(models.QuerySet):
    def visible_to(self, user):
        return with_group_grant(self, user, "view_assistrequest")

    def with_related(self):
        return self.select_related("from_agency", "to_agency", "case")

    def sent_by_agency_of(self, user):
        return self.visible_to(user).filter(from_agency_id=user.agency_id)

    def received_by_agency_of(self, user):
        return self.visible_to(user).filter(to_agency_id=user.agency_id)

    def open(self):
        return self.filter(status=AssistRequest.Status.SENT)


class AssistRequest(models.Model):
    class Status(models.TextChoices):
        SENT = "sent", _("Awaiting the answer")
        ANSWERED = "answered", _("Answered")
        DECLINED = "declined", _("Declined")

    from_agency = models.ForeignKey(
        "organisation.Agency", verbose_name=_("requesting bureau"), on_delete=models.PROTECT, related_name="+"
    )
    to_agency = models.ForeignKey(
        "organisation.Agency",
        verbose_name=_("requested bureau"),
        on_delete=models.PROTECT,
        related_name="assist_requests_received",
    )
    # The sender's case; the receiver never sees it, only the request.
    case = models.ForeignKey(
        "casework.Case",
        verbose_name=_("case"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assist_requests",
    )
    # Free text: the subject may not be in the receiver's registry.
    subject_name = models.CharField(_("subject name"), max_length=200)
    subject_code = models.CharField(_("subject code"), max_length=60, blank=True)
    subject_kind = models.CharField(_("subject kind"), max_length=100, blank=True)
    question = models.TextField(_("what is to be checked"))
    evidence_wanted = models.TextField(_("evidence wanted"), blank=True)
    due_on = models.DateField(_("answer due by"))
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.SENT)
    answer = models.TextField(_("findings"), blank=True)
    decline_reason = models.TextField(_("reason for declining"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(_("answered or declined at"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("sent at"), default=timezone.now)

    objects = AssistRequestQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        permissions = [("answer_assistrequest", "Answer or decline an assist request (requested bureau)")]
        indexes = [models.Index(fields=["-created_at", "-id"], name="assist_newest")]
        verbose_name = _("assist request")
        verbose_name_plural = _("assist requests")

    def __str__(self) -> str:
        return f"{self.from_agency} → {self.to_agency}: {self.subject_name}"

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.SENT

    @property
    def is_overdue(self) -> bool:
        return self.is_open and self.due_on < timezone.localdate()


class AssistFile(models.Model):
    """A file the requested bureau sends with its findings (stored by intake.attachments)."""

    request = models.ForeignKey(AssistRequest, on_delete=models.CASCADE, related_name="files")
    filename = models.CharField(_("file name"), max_length=255)
    sha256 = models.CharField(max_length=64)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("assist file")
        verbose_name_plural = _("assist files")

    def __str__(self) -> str:
        return self.filename


class MajorCaseReportQuerySet(models.QuerySet):
    def visible_to(self, user):
        return with_group_grant(self, user, "view_majorcasereport")

    def with_related(self):
        return self.select_related("case", "from_agency", "to_agency")


class MajorCaseReport(models.Model):
    """要情报送: a case above the amount threshold, or sent to the police, reported to the superior bureau."""

    case = models.OneToOneField(
        "casework.Case", verbose_name=_("case"), on_delete=models.PROTECT, related_name="major_case_report"
    )
    from_agency = models.ForeignKey(
        "organisation.Agency", verbose_name=_("reporting bureau"), on_delete=models.PROTECT, related_name="+"
    )
    to_agency = models.ForeignKey(
        "organisation.Agency", verbose_name=_("superior bureau"), on_delete=models.PROTECT, related_name="+"
    )
    over_amount = models.BooleanField(_("amount above the threshold"), default=False)
    criminal_referral = models.BooleanField(_("referred to the police"), default=False)
    amount = models.DecimalField(_("amount involved"), **MONEY)
    summary = models.TextField(_("summary"))
    created_at = models.DateTimeField(_("reported at"), default=timezone.now)

    objects = MajorCaseReportQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        permissions = [("comment_majorcasereport", "Comment on a major-case report (superior bureau)")]
        indexes = [models.Index(fields=["-created_at", "-id"], name="major_case_newest")]
        verbose_name = _("major-case report")
        verbose_name_plural = _("major-case reports")

    def __str__(self) -> str:
        return str(self.case)


class MajorCaseComment(models.Model):
    report = models.ForeignKey(MajorCaseReport, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("comment"))
    created_at = models.DateTimeField(_("at"), default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("comment")
        verbose_name_plural = _("comments")

    def __str__(self) -> str:
        return f"{self.author} {self.created_at:%Y-%m-%d}"


class AssistRequestUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(AssistRequest, on_delete=models.CASCADE)


class AssistRequestGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(AssistRequest, on_delete=models.CASCADE)


class MajorCaseReportUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(MajorCaseReport, on_delete=models.CASCADE)


class MajorCaseReportGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(MajorCaseReport, on_delete=models.CASCADE)
