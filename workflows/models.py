from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from viewflow.workflow.models import Process


class TriageProcess(Process):
    """One lead's way from registration to its 立案 decision."""

    class Decision(models.TextChoices):
        DISMISS = "dismiss", _("Do not open a case")
        MERGE = "merge", _("Merge into an open case or lead")
        OPEN = "open", _("Open a case")

    lead = models.OneToOneField("casework.Lead", on_delete=models.CASCADE, related_name="triage_process")
    decision = models.CharField(_("decision"), max_length=10, choices=Decision.choices, blank=True)
    decision_reason = models.TextField(_("reason"), blank=True)
    merge_case = models.ForeignKey(
        "casework.Case", verbose_name=_("case"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    merge_lead = models.ForeignKey(
        "casework.Lead", verbose_name=_("lead"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Set only when a decision taken earlier (on paper) is recorded later; otherwise "now".
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta:
        verbose_name = _("triage process")
        verbose_name_plural = _("triage processes")


class InvestigationProcess(Process):
    """One case's investigation (调查取证): assigned officers, findings, the 调查终结报告."""

    case = models.OneToOneField("casework.Case", on_delete=models.CASCADE, related_name="investigation")
    investigators = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("investigators"), related_name="investigations"
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    report_summary = models.TextField(_("findings summary"), blank=True)
    findings_done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    findings_done_at = models.DateTimeField(_("findings recorded at"), null=True, blank=True)
    conclusion = models.TextField(_("conclusion"), blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    closed_at = models.DateTimeField(_("investigation closed at"), null=True, blank=True)
    report = models.ForeignKey("documents.Document", null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("investigation process")
        verbose_name_plural = _("investigation processes")


class Reminder(models.Model):
    """One "deadline near" reminder sent to one user; the unique key makes it fire once.

    The due date is part of the key: an extended deadline is reminded again.
    """

    class Kind(models.TextChoices):
        LEAD_DECISION = "lead_decision", _("Decide whether to open a case")
        REPORTER_NOTICE = "reporter_notice", _("Tell the reporter the result")
        CASE_DEADLINE = "case_deadline", _("Case deadline")
        RECOVERY_DUE = "recovery_due", _("Instalment or promise due (asset recovery)")
        ASSIST_DUE = "assist_due", _("Assist request to answer")

    kind = models.CharField(max_length=20, choices=Kind.choices)
    object_id = models.BigIntegerField()
    due = models.DateField()
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "object_id", "due", "user"], name="one_reminder_per_deadline_user")
        ]
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")

    def __str__(self) -> str:
        return f"{self.kind} {self.object_id} {self.due}"


class OutcomeProcess(Process):
    """What a case leads to after its investigation: the section head's decision on the tracks, the
    tracks running in parallel (BPMN split/join), and the 结案 once all are done."""

    case = models.OneToOneField("casework.Case", on_delete=models.CASCADE, related_name="outcome")
    # The chosen tracks; the split activates one branch per true flag.
    agreement = models.BooleanField(_("agreement sanctions"), default=False)
    penalty = models.BooleanField(_("administrative penalty"), default=False)
    referral = models.BooleanField(_("referral"), default=False)
    credit = models.BooleanField(_("credit points"), default=False)
    agreement_subjects = models.ManyToManyField(
        "casework.Subject", verbose_name=_("subjects for agreement sanctions"), blank=True, related_name="+"
    )
    penalty_subjects = models.ManyToManyField(
        "casework.Subject", verbose_name=_("subjects for a penalty"), blank=True, related_name="+"
    )
    # One referral per agency (e.g. the police for the fraud and 卫健 for the doctors' conduct).
    referral_agencies = models.ManyToManyField(
        "organisation.Agency", verbose_name=_("refer to"), blank=True, related_name="+"
    )
    referral_grounds = models.TextField(_("grounds for the referral"), blank=True)
    reasoning = models.TextField(_("reasons for the decision"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    closing_summary = models.TextField(_("closing summary"), blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closing_report = models.ForeignKey(
        "documents.Document", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("outcome process")
        verbose_name_plural = _("outcome processes")

    @property
    def has_tracks(self) -> bool:
        return self.agreement or self.penalty or self.referral or self.credit
