"""The only way staff views fetch reports and attachments: invisible → 404, visible but not allowed → 403."""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from casework.access import parse_id
from intake.models import Attachment, Report
from organisation.models import User


def access_report_by_id(user: User, report_id, *, perm: str = "casework.view_lead") -> Report:
    """Return the report if the user may see its lead and holds perm on that lead."""
    report = Report.objects.visible_to(user).filter(pk=parse_id(report_id)).select_related("lead").first()
    if report is None:
        raise Http404
    if perm != "casework.view_lead" and not user.has_perm(perm, report.lead):
        raise PermissionDenied
    return report


def access_attachment_by_id(user: User, attachment_id) -> Attachment:
    attachment = (
        Attachment.objects.filter(pk=parse_id(attachment_id), report__in=Report.objects.visible_to(user))
        .select_related("report__lead")
        .first()
    )
    if attachment is None:
        raise Http404
    return attachment
