"""Who sees an assist request or a major-case report, and the only way views fetch one:
invisible → 404, visible but not allowed → 403.

Grants go to role groups (never single users), so a change of membership takes effect at once:
- assist request: the requesting bureau's investigators, section heads and head view + change it;
  the requested bureau's investigators, section heads and head view + answer it. No one else.
- major-case report: the reporting bureau's investigators, section heads and head view it; the
  superior bureau's section heads and head view + comment on it, its auditors (read-only, domain.md §1)
  view it.
"""

from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied
from django.http import Http404

from assists.models import (
    AssistRequest,
    AssistRequestGroupObjectPermission,
    MajorCaseReport,
    MajorCaseReportGroupObjectPermission,
)
from casework.access import parse_id
from organisation.models import Agency, User
from organisation.roles import Role

STAFF_ROLES = (Role.INVESTIGATOR, Role.SECTION_HEAD, Role.DIRECTOR)
SUPERIOR_ROLES = (Role.SECTION_HEAD, Role.DIRECTOR)

VIEW_ASSIST = "assists.view_assistrequest"
CHANGE_ASSIST = "assists.change_assistrequest"
ANSWER_ASSIST = "assists.answer_assistrequest"
VIEW_REPORT = "assists.view_majorcasereport"
COMMENT_REPORT = "assists.comment_majorcasereport"


def _group_ids(agency: Agency, roles) -> list[int]:
    from organisation.services import role_group_ensure

    return [role_group_ensure(agency=agency, role=role).group_id for role in roles]


def _grant(perm_model, obj, agency: Agency, roles, codenames) -> None:
    perms = list(Permission.objects.filter(content_type__app_label="assists", codename__in=codenames))
    perm_model.objects.bulk_create(
        [
            perm_model(group_id=group_id, permission=perm, content_object=obj)
            for group_id in _group_ids(agency, roles)
            for perm in perms
        ],
        ignore_conflicts=True,
    )


def grant_assist_access(request: AssistRequest) -> None:
    _grant(
        AssistRequestGroupObjectPermission,
        request,
        request.from_agency,
        STAFF_ROLES,
        ("view_assistrequest", "change_assistrequest"),
    )
    _grant(
        AssistRequestGroupObjectPermission,
        request,
        request.to_agency,
        STAFF_ROLES,
        ("view_assistrequest", "answer_assistrequest"),
    )


def grant_report_access(report: MajorCaseReport) -> None:
    _grant(MajorCaseReportGroupObjectPermission, report, report.from_agency, STAFF_ROLES, ("view_majorcasereport",))
    _grant(
        MajorCaseReportGroupObjectPermission,
        report,
        report.to_agency,
        SUPERIOR_ROLES,
        ("view_majorcasereport", "comment_majorcasereport"),
    )
    _grant(MajorCaseReportGroupObjectPermission, report, report.to_agency, (Role.AUDITOR,), ("view_majorcasereport",))


def may_send_assist(user: User) -> bool:
    """Investigators, section heads and heads of a bureau send assist requests."""
    return (
        user.is_authenticated
        and user.agency_id is not None
        and user.agency.kind == Agency.Kind.BUREAU
        and any(user.has_role(role) for role in STAFF_ROLES)
    )


def access_assist_by_id(user: User, request_id, *, perm: str = VIEW_ASSIST) -> AssistRequest:
    request = AssistRequest.objects.visible_to(user).with_related().filter(pk=parse_id(request_id)).first()
    if request is None:
        raise Http404
    if perm != VIEW_ASSIST and not user.has_perm(perm, request):
        raise PermissionDenied
    return request


def access_report_by_id(user: User, report_id, *, perm: str = VIEW_REPORT) -> MajorCaseReport:
    report = MajorCaseReport.objects.visible_to(user).with_related().filter(pk=parse_id(report_id)).first()
    if report is None:
        raise Http404
    if perm != VIEW_REPORT and not user.has_perm(perm, report):
        raise PermissionDenied
    return report


def is_sender(user: User, request: AssistRequest) -> bool:
    return user.has_perm(CHANGE_ASSIST, request)


def is_receiver(user: User, request: AssistRequest) -> bool:
    return user.has_perm(ANSWER_ASSIST, request)
