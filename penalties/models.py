"""行政处罚 (domain.md §6): one penalty proceeding against one subject of a case, its hearing, and the
case's one extension of the 90-day decision deadline.

The steps are driven by PenaltyFlow (workflows/penalty.py); each human task of the
flow sets the penalty's status when it is created, so the status always names the step under way.
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Exists, ExpressionWrapper, OuterRef, Q, Value
from django.db.models.functions import Cast, Concat
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase
from viewflow.workflow.models import Process

from casework.models.pipeline import PipelineMixin
from organisation.visibility import with_group_grant

MONEY = {"max_digits": 14, "decimal_places": 2, "null": True, "blank": True}


def _doc(verbose_name):
    return models.ForeignKey(
        "documents.Document",
        verbose_name=verbose_name,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )


def _user():
    return models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )


def _obligation(verbose_name):
    return models.ForeignKey(
        "ledgers.Obligation",
        verbose_name=verbose_name,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )


class ServiceMethod(models.TextChoices):
    """送达方式 (处罚法 Art.61; 民事诉讼法 on service)."""

    DIRECT = "direct", _("Delivered in person")
    MAIL = "mail", _("By registered mail")
    AGENT = "agent", _("To an authorised agent")
    ANNOUNCEMENT = "announcement", _("By public announcement")
    ELECTRONIC = "electronic", _("Electronically, with the subject's consent")


class PenaltyQuerySet(models.QuerySet):
    def visible_to(self, user):
        return with_group_grant(self, user, "view_penalty")

    def for_case(self, case):
        return self.filter(case=case)

    def open(self):
        return self.exclude(status=Penalty.Status.FINISHED)

    @staticmethod
    def _late(today=None):
        """Open deadlines of the penalty's own past their due date, or, while undecided, the case's 90-day
        decision deadline passed."""
        from casework.models import Deadline

        today = today or timezone.localdate()
        late = Deadline.objects.open().filter(case=OuterRef("case"), due__lt=today)
        own = late.filter(ref=Concat(Value("penalty:"), Cast(OuterRef("pk"), models.CharField())))
        decision = late.filter(step="penalty_decision", ref="")
        return Q(Exists(own)) | (Q(decided_on__isnull=True) & Q(Exists(decision)))

    def overdue(self, today=None):
        return self.filter(self._late(today))

    def not_overdue(self, today=None):
        return self.exclude(self._late(today))

    def with_overdue(self, today=None):
        return self.annotate(is_overdue=ExpressionWrapper(self._late(today), output_field=models.BooleanField()))

    def with_related(self):
        return self.select_related("case", "subject", "agency")


class Penalty(PipelineMixin, models.Model):
    """A 行政处罚 proceeding: the intended penalty of the 事先告知书, the steps, the decision and its execution."""

    class Procedure(models.TextChoices):
        GENERAL = "general", _("General procedure")
        SUMMARY = "summary", _("Summary procedure (on the spot)")

    class Status(models.TextChoices):
        DRAFTING = "drafting", _("Drafting the prior notice")
        STATEMENT = "statement", _("Statement window open")
        HEARING_SCHEDULING = "hearing_scheduling", _("Hearing requested, to be scheduled")
        HEARING = "hearing", _("Hearing scheduled")
        LEGAL_REVIEW = "legal_review", _("Awaiting legal review")
        REVISING = "revising", _("Returned by the legal review")
        DISCUSSION = "discussion", _("Awaiting collective discussion")
        DECIDING = "deciding", _("Awaiting the decision")
        ON_THE_SPOT = "on_the_spot", _("To be decided on the spot")
        SERVING = "serving", _("Decided, awaiting service")
        EXECUTION = "execution", _("Served, awaiting payment")
        FINISHED = "finished", _("Finished")

    # The flow moves the status as each task is created (workflows.penalty); anything else is refused.
    PIPELINE = {
        Status.DRAFTING: {Status.STATEMENT},
        Status.STATEMENT: {Status.HEARING_SCHEDULING, Status.LEGAL_REVIEW, Status.DISCUSSION, Status.DECIDING},
        Status.HEARING_SCHEDULING: {Status.HEARING},
        Status.HEARING: {Status.LEGAL_REVIEW, Status.DISCUSSION, Status.DECIDING},
        Status.LEGAL_REVIEW: {Status.REVISING, Status.DISCUSSION, Status.DECIDING},
        Status.REVISING: {Status.LEGAL_REVIEW},
        Status.DISCUSSION: {Status.DECIDING},
        Status.DECIDING: {Status.SERVING},
        Status.ON_THE_SPOT: {Status.EXECUTION, Status.FINISHED},
        Status.SERVING: {Status.EXECUTION, Status.FINISHED},
        Status.EXECUTION: {Status.FINISHED},
    }

    class StatementKind(models.TextChoices):
        STATEMENT = "statement", _("The subject made a statement or defence")
        WAIVED = "waived", _("The subject waived the right in writing")
        NONE = "none", _("No statement within the window")

    class Outcome(models.TextChoices):
        PAID = "paid", _("Paid in full")
        ENFORCEMENT = "enforcement", _("Court enforcement applied for")
        NO_MONEY = "no_money", _("No money to collect")

    agency = models.ForeignKey(
        "organisation.Agency", verbose_name=_("deciding agency"), on_delete=models.PROTECT, related_name="+"
    )
    case = models.ForeignKey(
        "casework.Case", verbose_name=_("case"), on_delete=models.PROTECT, related_name="penalties"
    )
    subject = models.ForeignKey(
        "casework.Subject", verbose_name=_("subject"), on_delete=models.PROTECT, related_name="penalties"
    )
    procedure = models.CharField(_("procedure"), max_length=10, choices=Procedure.choices, default=Procedure.GENERAL)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFTING)
    created_at = models.DateTimeField(_("started at"), default=timezone.now)
    created_by = _user()

    # The intended penalty (事先告知书); the decision may lighten it, never make it heavier.
    article = models.CharField(_("article"), max_length=4, blank=True)
    facts = models.TextField(_("facts"), blank=True)
    grounds = models.TextField(_("grounds"), blank=True)
    warning = models.BooleanField(_("warning"), default=False)
    refund = models.DecimalField(_("refund to the fund (yuan)"), **MONEY)
    fine = models.DecimalField(_("fine (yuan)"), **MONEY)
    confiscation = models.DecimalField(_("confiscation of illegal gains (yuan)"), **MONEY)
    suspension_months = models.PositiveSmallIntegerField(_("suspension (months)"), null=True, blank=True)
    suspension_detail = models.CharField(_("departments concerned"), max_length=200, blank=True)
    terminates = models.BooleanField(_("terminate the service agreement"), default=False)
    complex_case = models.BooleanField(_("complex or serious case"), default=False)
    # What the notice announced (strings, as issued), to hold the decision to it.
    notified = models.JSONField(_("terms of the prior notice"), default=dict, blank=True)
    hearing_offered = models.BooleanField(_("hearing offered"), default=False)
    legal_review_required = models.BooleanField(_("legal review required"), default=False)
    discussion_required = models.BooleanField(_("collective discussion required"), default=False)

    notice = _doc(_("prior notice"))
    notice_method = models.CharField(_("notice served by"), max_length=16, choices=ServiceMethod.choices, blank=True)
    notice_served_on = models.DateField(_("notice served on"), null=True, blank=True)

    statement_kind = models.CharField(_("statement"), max_length=10, choices=StatementKind.choices, blank=True)
    statement = models.TextField(_("statement and defence"), blank=True)
    statement_on = models.DateField(_("statement received on"), null=True, blank=True)
    hearing_requested = models.BooleanField(_("hearing requested"), default=False)

    review_passed = models.BooleanField(_("legal review passed"), null=True, blank=True)
    review_opinion = models.TextField(_("legal review opinion"), blank=True)
    review_document = _doc(_("legal review opinion"))
    reviewed_by = _user()
    revision_note = models.TextField(_("revision after the legal review"), blank=True)

    discussed_on = models.DateField(_("discussed on"), null=True, blank=True)
    discussion_participants = models.TextField(_("participants"), blank=True)
    discussion_opinions = models.TextField(_("opinions"), blank=True)
    discussion_conclusion = models.TextField(_("conclusion"), blank=True)
    discussion_document = _doc(_("collective discussion record"))

    decision = _doc(_("penalty decision"))
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    decided_by = _user()

    service_method = models.CharField(_("served by"), max_length=16, choices=ServiceMethod.choices, blank=True)
    served_on = models.DateField(_("served on"), null=True, blank=True)
    service_recipient = models.CharField(_("received by"), max_length=100, blank=True)
    service_receipt = _doc(_("service receipt"))

    fine_obligation = _obligation(_("fine due"))
    refund_obligation = _obligation(_("refund due"))
    confiscation_obligation = _obligation(_("confiscation due"))
    late_fee_obligation = _obligation(_("late-payment fine due"))
    reminder = _doc(_("payment reminder"))
    reminded_on = models.DateField(_("reminder served on"), null=True, blank=True)
    enforcement = _doc(_("enforcement application"))
    enforcement_applied_on = models.DateField(_("enforcement applied for on"), null=True, blank=True)
    court = models.CharField(_("court"), max_length=100, blank=True)

    outcome = models.CharField(_("outcome"), max_length=12, choices=Outcome.choices, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    objects = PenaltyQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["case", "subject"], name="one_penalty_per_case_subject"),
            models.CheckConstraint(condition=Q(fine__isnull=True) | Q(fine__gt=0), name="penalty_fine_positive"),
        ]
        indexes = [models.Index(fields=["agency", "status"])]
        permissions = [
            ("decide_penalty", "Can decide on a penalty"),
            ("review_penalty", "Can review a penalty (法制审核)"),
            ("discuss_penalty", "Can decide a penalty collectively (集体讨论)"),
        ]
        verbose_name = _("administrative penalty")
        verbose_name_plural = _("administrative penalties")

    def __str__(self) -> str:
        return f"{self.case.number} {self.subject.name}"

    @property
    def ref(self) -> str:
        """The Deadline.ref of this penalty's own deadlines."""
        return f"penalty:{self.pk}"

    @property
    def citation(self) -> str:
        from casework import penalty_rules

        rule = penalty_rules.FINE_RULES.get(self.article) or penalty_rules.SUSPENSION_RULES.get(self.article)
        return rule.citation if rule else self.article

    @property
    def is_finished(self) -> bool:
        return self.status == self.Status.FINISHED

    @property
    def is_person(self) -> bool:
        return self.subject.kind in ("insured", "practitioner")

    @property
    def money_total(self) -> Decimal:
        return sum((amount or Decimal(0) for amount in (self.refund, self.fine, self.confiscation)), Decimal(0))

    @property
    def has_money(self) -> bool:
        return self.money_total > 0

    @property
    def suspends(self) -> bool:
        return bool(self.suspension_months)


class PenaltyUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(Penalty, on_delete=models.CASCADE)


class PenaltyGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Penalty, on_delete=models.CASCADE)


class PenaltyStep(models.Model):
    """One step done, with its date and document: the penalty's own record of the procedure."""

    class Kind(models.TextChoices):
        STARTED = "started", _("Penalty track started")
        NOTICE = "notice", _("Prior notice issued")
        STATEMENT = "statement", _("Statement recorded")
        HEARING_NOTICE = "hearing_notice", _("Hearing notice issued")
        HEARING = "hearing", _("Hearing held")
        LEGAL_REVIEW = "legal_review", _("Legal review")
        REVISION = "revision", _("Revised after the legal review")
        DISCUSSION = "discussion", _("Collective discussion")
        DECISION = "decision", _("Decision issued")
        SERVICE = "service", _("Decision served")
        PAYMENT = "payment", _("Payment recorded")
        LATE_FEE = "late_fee", _("Late-payment fine imposed")
        REMINDER = "reminder", _("Payment reminder issued")
        ENFORCEMENT = "enforcement", _("Court enforcement applied for")
        EXTENSION = "extension", _("Decision deadline extended")
        FINISHED = "finished", _("Finished")

    penalty = models.ForeignKey(Penalty, on_delete=models.CASCADE, related_name="steps")
    kind = models.CharField(_("step"), max_length=16, choices=Kind.choices)
    done_on = models.DateField(_("done on"))
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)
    by = _user()
    document = _doc(_("document"))
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        ordering = ["recorded_at", "pk"]
        verbose_name = _("penalty step")
        verbose_name_plural = _("penalty steps")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.done_on}"


class Hearing(models.Model):
    """听证 (处罚法 Arts.63–65): requested within 5 days of the notice, notified 7 days ahead, chaired by
    someone who did not investigate the case, recorded in a 听证笔录."""

    penalty = models.OneToOneField(Penalty, on_delete=models.CASCADE, related_name="hearing")
    requested_on = models.DateField(_("requested on"))
    scheduled_at = models.DateTimeField(_("hearing at"), null=True, blank=True)
    place = models.CharField(_("place"), max_length=200, blank=True)
    public = models.BooleanField(_("held in public"), default=True)
    chair = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("chair"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    notice = _doc(_("hearing notice"))
    notice_sent_on = models.DateField(_("notice sent on"), null=True, blank=True)
    held_on = models.DateField(_("held on"), null=True, blank=True)
    participants = models.TextField(_("participants"), blank=True)
    investigators_case = models.TextField(_("investigators' case"), blank=True)
    subject_statement = models.TextField(_("the subject's statement"), blank=True)
    record = _doc(_("hearing record"))

    class Meta:
        verbose_name = _("hearing")
        verbose_name_plural = _("hearings")

    def __str__(self) -> str:
        return f"{self.penalty} {self.scheduled_at or ''}"


class DecisionExtension(models.Model):
    """The one approved extension of a case's 90-day penalty decision deadline (延长办案期限)."""

    case = models.OneToOneField("casework.Case", on_delete=models.CASCADE, related_name="decision_extension")
    days = models.PositiveSmallIntegerField(_("days"))
    reason = models.TextField(_("reason"))
    previous_due = models.DateField(_("previous due date"))
    new_due = models.DateField(_("new due date"))
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    approved_at = models.DateTimeField(_("approved at"), default=timezone.now)
    document = _doc(_("extension approval form"))

    class Meta:
        verbose_name = _("decision deadline extension")
        verbose_name_plural = _("decision deadline extensions")

    def __str__(self) -> str:
        return f"{self.case} +{self.days}"


class PenaltyProcess(Process):
    """The viewflow process of one penalty (PenaltyFlow)."""

    penalty = models.OneToOneField(Penalty, on_delete=models.CASCADE, related_name="process")

    class Meta:
        verbose_name = _("penalty process")
        verbose_name_plural = _("penalty processes")
