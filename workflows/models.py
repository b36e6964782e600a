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
