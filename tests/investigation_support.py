"""Drive a case through the investigation as its users do (shared by outcome and referral tests)."""

import datetime

from django.utils import timezone

from casework import evidence as evidence_services
from casework.findings import violation_add
from casework.models import Evidence, ViolationItem
from workflows.investigation import investigation_assign, investigation_close, investigation_findings_done


def investigate(case, head, officers, subject, checked_file=None):
    """Drive a case through the investigation flow as its users do; returns it awaiting the outcome.
    checked_file (from intake.attachments.check_uploads) attaches a file to the evidence."""
    investigation_assign(case=case, by=head, investigators=officers)
    evidence_services.evidence_register(
        case=case,
        by=officers[0],
        collected_by=officers,
        kind=Evidence.Kind.DOCUMENTARY,
        title="住院病历复印件",
        collected_at=timezone.now() - datetime.timedelta(hours=2),
        place="病案室",
        checked_file=checked_file,
    )
    item = ViolationItem.objects.get_or_create(subject_kind="institution", number=5, defaults={"name": "条目5"})[0]
    violation_add(
        case=case,
        by=officers[0],
        subject=subject,
        item=item,
        period_from=datetime.date(2025, 1, 1),
        period_to=datetime.date(2025, 6, 30),
        amount="12000.50",
        fund_loss="9000.00",
        patient_money="0",
        description="虚记检查费用",
    )
    investigation_findings_done(case=case, by=officers[0], summary="查实虚记检查费用。")
    investigation_close(case=case, by=head, conclusion="事实清楚，证据确凿。")
    case.refresh_from_db()
    return case
