"""The only way views fetch protected leads and cases: invisible → 404, visible but not allowed → 403."""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from casework.models import Case, Evidence, Lead, Preservation
from organisation.models import User


def access_lead_by_id(user: User, lead_id, *, perm: str = "casework.view_lead") -> Lead:
    """Return the lead if the user may see it and holds perm on it."""
    lead = Lead.objects.visible_to(user).filter(pk=parse_id(lead_id)).select_related("agency").first()
    if lead is None:
        raise Http404
    if perm != "casework.view_lead" and not user.has_perm(perm, lead):
        raise PermissionDenied
    return lead


def access_case_by_id(user: User, case_id, *, perm: str = "casework.view_case") -> Case:
    """Return the case if the user may see it and holds perm on it."""
    case = Case.objects.visible_to(user).filter(pk=parse_id(case_id)).select_related("agency").first()
    if case is None:
        raise Http404
    if perm != "casework.view_case" and not user.has_perm(perm, case):
        raise PermissionDenied
    return case


def access_evidence_by_id(user: User, evidence_id, *, perm: str = "casework.view_case") -> Evidence:
    """Return the evidence item if the user may see its case and holds perm on the case."""
    evidence = (
        Evidence.objects.visible_to(user)
        .filter(pk=parse_id(evidence_id))
        .select_related("case__agency", "holder")
        .first()
    )
    if evidence is None:
        raise Http404
    if perm != "casework.view_case" and not user.has_perm(perm, evidence.case):
        raise PermissionDenied
    return evidence


def access_preservation_by_id(user: User, preservation_id, *, perm: str = "casework.view_case") -> Preservation:
    """Return the preservation if the user may see its case and holds perm on the case."""
    preservation = (
        Preservation.objects.filter(pk=parse_id(preservation_id), case__in=Case.objects.visible_to(user).values("pk"))
        .select_related("case__agency")
        .first()
    )
    if preservation is None:
        raise Http404
    if perm != "casework.view_case" and not user.has_perm(perm, preservation.case):
        raise PermissionDenied
    return preservation


MAX_ID = 2**63 - 1


def parse_id(value) -> int:
    """An id from a URL or request body; anything that cannot be a row id is a 404."""
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        raise Http404 from None
    if not 0 < number <= MAX_ID:
        raise Http404
    return number
