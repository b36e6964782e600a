"""协议处理: one handling agency's sanctions against one subject of a case, under the service agreement.

The case belongs to the bureau; the action belongs to the handling agency (医保经办机构) of the case's
region, whose agreement managers draft the measures, issue the 违约处理通知书, hear the subject's
statement and decide. The bureau's staff read the action; they do not act on it.
"""

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q, Value
from django.db.models.functions import Cast, Concat
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase
from viewflow.workflow.models import Process

from casework.models.pipeline import PipelineMixin
from organisation.visibility import with_group_grant

DEADLINE_REF_PREFIX = "agreement:"
# The notices' PDF bytes and frozen context are not loaded with the actions that point to them.
NOTICE_BYTES = ("notice__pdf", "notice__context", "final_notice__pdf", "final_notice__context")


def deadline_ref_expression(outer: str = "pk"):
    """The Deadline.ref of an action in a query: "agreement:<id>"."""
    return Concat(Value(DEADLINE_REF_PREFIX), Cast(OuterRef(outer), models.CharField()))


class AgreementActionQuerySet(models.QuerySet):
    def visible_to(self, user):
        return with_group_grant(self, user, "view_agreementaction")

    def actionable_by(self, user):
        return with_group_grant(self, user, "change_agreementaction")

    def open(self):
        return self.exclude(status=AgreementAction.Status.DONE)

    def with_overdue(self, today=None):
        """Annotate `overdue`: one of the action's deadlines is open and past its due date."""
        from casework.models import Deadline

        late = Deadline.objects.filter(
            case=OuterRef("case"),
            ref=deadline_ref_expression(),
            closed_on__isnull=True,
            due__lt=today or timezone.localdate(),
        )
        return self.annotate(overdue=Exists(late))

    def overdue(self, today=None):
        return self.with_overdue(today).filter(overdue=True)

    def with_related(self):
        return self.select_related("case", "subject", "agency", "notice", "final_notice").defer(*NOTICE_BYTES)


class AgreementAction(PipelineMixin, models.Model):
    class Status(models.TextChoices):
        DRAFTING = "drafting", _("Drafting the measures")
        STATEMENT = "statement", _("Notice issued: statement window")
        RECTIFYING = "rectifying", _("Rectification check pending")
        DONE = "done", _("Done")

    PIPELINE = {
        Status.DRAFTING: {Status.STATEMENT},
        Status.STATEMENT: {Status.RECTIFYING, Status.DONE},
        Status.RECTIFYING: {Status.DONE},
    }

    class Decision(models.TextChoices):
        CONFIRM = "confirm", _("Confirm the measures notified")
        REVISE = "revise", _("Revise the measures")

    class CheckResult(models.TextChoices):
        PASSED = "passed", _("Rectified")
        FAILED = "failed", _("Not rectified")

    case = models.ForeignKey(
        "casework.Case", verbose_name=_("case"), on_delete=models.PROTECT, related_name="agreement_actions"
    )
    subject = models.ForeignKey(
        "casework.Subject", verbose_name=_("subject"), on_delete=models.PROTECT, related_name="agreement_actions"
    )
    agency = models.ForeignKey(
        "organisation.Agency",
        verbose_name=_("handling agency"),
        on_delete=models.PROTECT,
        related_name="agreement_actions",
    )
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.DRAFTING)
    started_at = models.DateTimeField(_("started at"), default=timezone.now)
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    # The notice: the agreement clauses breached, its date, and the statement window it opens.
    clauses = models.TextField(_("agreement clauses breached"), blank=True)
    notice = models.OneToOneField(
        "documents.Document", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    notice_issued_on = models.DateField(_("notice served on"), null=True, blank=True)
    notice_issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    statement_due = models.DateField(_("statement due by"), null=True, blank=True)
    # 陈述申辩 by the subject.
    statement_received_on = models.DateField(_("statement received on"), null=True, blank=True)
    statement_text = models.TextField(_("statement"), blank=True)
    # The final decision.
    decision = models.CharField(_("decision"), max_length=10, choices=Decision.choices, blank=True)
    decision_reason = models.TextField(_("reasons"), blank=True)
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # A revision is notified in a new 违约处理通知书 that supersedes the first.
    final_notice = models.OneToOneField(
        "documents.Document", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # 限期整改: the follow-up check.
    check_due = models.DateField(_("check due on"), null=True, blank=True)
    check_result = models.CharField(_("check result"), max_length=10, choices=CheckResult.choices, blank=True)
    check_note = models.TextField(_("check notes"), blank=True)
    checked_on = models.DateField(_("checked on"), null=True, blank=True)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)

    objects = AgreementActionQuerySet.as_manager()

    class Meta:
        ordering = ["-started_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["case", "subject"], name="one_agreement_action_per_subject")]
        indexes = [models.Index(fields=["agency", "status"])]
        verbose_name = _("agreement action")
        verbose_name_plural = _("agreement actions")

    def __str__(self) -> str:
        return f"{self.subject.name} · {self.case.number}"

    @property
    def deadline_ref(self) -> str:
        return f"{DEADLINE_REF_PREFIX}{self.pk}"

    @property
    def statement_recorded(self) -> bool:
        return self.statement_received_on is not None

    @property
    def statement_open(self) -> bool:
        """The subject may still be heard: the notice is out and no statement or decision recorded."""
        return self.status == self.Status.STATEMENT and not self.statement_recorded

    @property
    def badge_class(self) -> str:
        return {
            self.Status.DRAFTING: "status-pending",
            self.Status.STATEMENT: "status-investigating",
            self.Status.RECTIFYING: "status-handling",
            self.Status.DONE: "status-closed",
        }[self.status]

    @property
    def current_notice(self):
        return self.final_notice or self.notice


class AgreementMeasure(models.Model):
    """One measure (domain.md §5) with its data; the kind says which fields it uses."""

    class Kind(models.TextChoices):
        INTERVIEW = "interview", _("Interview (约谈)")
        RECTIFICATION = "rectification", _("Rectification by a date (限期整改)")
        CRITICISM = "criticism", _("Public criticism (通报批评)")
        REFUSAL = "refusal", _("Payment refused (拒付)")
        RECOVERY = "recovery", _("Recovery to the fund (追回)")
        LIQUIDATED_DAMAGES = "liquidated_damages", _("Liquidated damages (违约金)")
        SUSPENSION = "suspension", _("Medical-insurance services suspended (暂停医保服务)")
        PARTIAL_SUSPENSION = "partial_suspension", _("Responsible persons or departments suspended (中止)")
        TERMINATION = "termination", _("Service agreement terminated (解除定点协议)")

    class Scope(models.TextChoices):
        PERSONS = "persons", _("Responsible persons")
        DEPARTMENT = "department", _("Department")

    # Which fields each kind takes (required ones first); forms and the notice follow this.
    FIELDS = {
        Kind.INTERVIEW: ("interview_on", "interviewees", "summary"),
        Kind.RECTIFICATION: ("due_on", "summary"),
        Kind.CRITICISM: ("summary",),
        Kind.REFUSAL: ("amount",),
        Kind.RECOVERY: ("amount",),
        Kind.LIQUIDATED_DAMAGES: ("amount",),
        Kind.SUSPENSION: ("months", "starts_on"),
        Kind.PARTIAL_SUSPENSION: ("scope", "detail", "months", "starts_on"),
        Kind.TERMINATION: ("starts_on",),
    }
    # Kinds an action holds at most once; persons and departments may be suspended several times over.
    SINGLE = frozenset(Kind.values) - {Kind.PARTIAL_SUSPENSION.value}
    MONEY = (Kind.REFUSAL, Kind.RECOVERY, Kind.LIQUIDATED_DAMAGES)

    action = models.ForeignKey(AgreementAction, on_delete=models.CASCADE, related_name="measures")
    kind = models.CharField(_("measure"), max_length=20, choices=Kind.choices)
    amount = models.DecimalField(_("amount (yuan)"), max_digits=14, decimal_places=2, null=True, blank=True)
    months = models.PositiveSmallIntegerField(_("months"), null=True, blank=True)
    starts_on = models.DateField(_("from"), null=True, blank=True)
    ends_on = models.DateField(_("to (inclusive)"), null=True, blank=True)
    due_on = models.DateField(_("rectify by"), null=True, blank=True)
    interview_on = models.DateField(_("interviewed on"), null=True, blank=True)
    interviewees = models.CharField(_("persons interviewed"), max_length=200, blank=True)
    summary = models.TextField(_("record or requirements"), blank=True)
    scope = models.CharField(_("suspended"), max_length=12, choices=Scope.choices, blank=True)
    detail = models.CharField(_("persons or departments"), max_length=200, blank=True)
    # The clause applied (违约金, suspensions), as cited in the notice.
    basis = models.CharField(_("basis"), max_length=200, blank=True)
    # Part of the notice served; measures added afterwards are a revision.
    notified = models.BooleanField(_("notified"), default=False)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    created_at = models.DateTimeField(_("recorded at"), default=timezone.now)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["action", "kind"],
                condition=Q(withdrawn_at__isnull=True) & ~Q(kind="partial_suspension"),
                name="one_current_measure_of_a_kind",
            ),
            models.CheckConstraint(condition=Q(amount__isnull=True) | Q(amount__gt=0), name="measure_amount_positive"),
        ]
        verbose_name = _("agreement measure")
        verbose_name_plural = _("agreement measures")

    def __str__(self) -> str:
        return str(self.get_kind_display())

    @property
    def is_current(self) -> bool:
        return self.withdrawn_at is None


class AgreementProcess(Process):
    """The flow of one agreement action: measures → notice → statement and decision → rectification check."""

    action = models.OneToOneField(AgreementAction, on_delete=models.CASCADE, related_name="process")

    class Meta:
        verbose_name = _("agreement process")
        verbose_name_plural = _("agreement processes")


class AgreementActionUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(AgreementAction, on_delete=models.CASCADE)


class AgreementActionGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(AgreementAction, on_delete=models.CASCADE)
