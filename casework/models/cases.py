from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from casework.models.pipeline import PipelineMixin
from organisation.visibility import with_group_grant


class CaseQuerySet(models.QuerySet):
    def visible_to(self, user):
        return with_group_grant(self, user, "view_case")

    def open(self):
        return self.exclude(status__in=Case.ENDED)

    def for_agency(self, agency):
        return self.filter(agency=agency)

    def sharing_subject_with(self, lead):
        return self.filter(subjects__in=lead.subjects.all()).distinct()

    def overdue(self, today=None):
        late = Deadline.objects.filter(case=OuterRef("pk")).open().filter(due__lt=today or timezone.localdate())
        return self.filter(Exists(late))

    def with_track(self, kind):
        return self.filter(Exists(CaseTrack.objects.filter(case=OuterRef("pk"), kind=kind)))

    def with_related(self):
        return self.select_related("agency").prefetch_related("subjects")


class Case(PipelineMixin, models.Model):
    """A case (案件) opened by 立案 from one or more leads."""

    class Status(models.TextChoices):
        OPENED = "opened", _("Opened")
        INVESTIGATING = "investigating", _("Under investigation")
        HANDLING = "handling", _("Outcome tracks running")
        CLOSED = "closed", _("Closed")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    # investigating → handling (the outcome decision chose tracks) → closed (all tracks done, 结案报告);
    # investigating → closed when the decision finds nothing to pursue.
    PIPELINE = {
        Status.OPENED: {Status.INVESTIGATING, Status.WITHDRAWN},
        Status.INVESTIGATING: {Status.HANDLING, Status.CLOSED, Status.WITHDRAWN},
        Status.HANDLING: {Status.CLOSED},
    }
    ENDED = (Status.WITHDRAWN, Status.CLOSED)

    agency = models.ForeignKey(
        "organisation.Agency", verbose_name=_("owning agency"), on_delete=models.PROTECT, related_name="cases"
    )
    number = models.CharField(_("case number"), max_length=60, unique=True)
    year = models.PositiveSmallIntegerField(_("year"))
    sequence = models.PositiveIntegerField(_("sequence"))
    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(_("summary"), blank=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.OPENED)
    subjects = models.ManyToManyField("casework.Subject", verbose_name=_("subjects"), related_name="cases")
    opened_at = models.DateTimeField(_("opened at"), default=timezone.now)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("opened by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    status_reason = models.TextField(_("reason for the last status change"), blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    objects = CaseQuerySet.as_manager()

    class Meta:
        ordering = ["-opened_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["agency", "year", "sequence"], name="one_case_number_per_agency_year")
        ]
        indexes = [
            models.Index(fields=["agency", "status", "-opened_at"]),
            models.Index(fields=["-opened_at", "-id"]),
        ]
        permissions = [("decide_case", "Can decide on case")]
        verbose_name = _("case")
        verbose_name_plural = _("cases")

    def __str__(self) -> str:
        return self.number

    @property
    def is_open(self) -> bool:
        return self.status not in self.ENDED


class CaseTrack(models.Model):
    """An outcome track a case runs (协议处理, 行政处罚, 移送, 信用); the case closes when all are done."""

    class Kind(models.TextChoices):
        AGREEMENT = "agreement", _("Agreement sanctions")
        PENALTY = "penalty", _("Administrative penalty")
        REFERRAL = "referral", _("Referral")
        CREDIT = "credit", _("Credit points")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="tracks")
    kind = models.CharField(_("track"), max_length=16, choices=Kind.choices)
    started_at = models.DateTimeField(_("started at"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["case", "kind"], name="one_track_kind_per_case")]
        verbose_name = _("case track")
        verbose_name_plural = _("case tracks")

    def __str__(self) -> str:
        return self.get_kind_display()


class DeadlineQuerySet(models.QuerySet):
    def open(self):
        return self.filter(closed_on__isnull=True)


class Deadline(models.Model):
    """A legal deadline of one step of a case, computed from the rules and stored as a date."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="deadlines")
    step = models.CharField(_("step"), max_length=40)
    # Which record of the case the deadline belongs to when a step repeats (e.g. "penalty:12"), else "".
    ref = models.CharField(_("reference"), max_length=40, blank=True, default="")
    due = models.DateField(_("due"))
    basis = models.CharField(_("legal basis"), max_length=200)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)

    objects = DeadlineQuerySet.as_manager()

    class Meta:
        ordering = ["due"]
        constraints = [models.UniqueConstraint(fields=["case", "step", "ref"], name="one_deadline_per_case_step_ref")]
        indexes = [models.Index(fields=["due"], condition=models.Q(closed_on__isnull=True), name="open_deadline_due")]
        verbose_name = _("deadline")
        verbose_name_plural = _("deadlines")

    def __str__(self) -> str:
        return f"{self.get_step_display()} {self.due}"

    @property
    def is_open(self) -> bool:
        return self.closed_on is None

    @property
    def is_overdue(self) -> bool:
        return self.closed_on is None and self.due < timezone.localdate()

    def get_step_display(self) -> str:
        from casework.rules import DEADLINE_STEPS

        return str(DEADLINE_STEPS.get(self.step, self.step))


class CaseUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(Case, on_delete=models.CASCADE)


class CaseGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Case, on_delete=models.CASCADE)
