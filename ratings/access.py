"""The only way views fetch a pharmacy's ratings: invisible → 404, visible but not allowed to write → 403.

Ratings are not owned by one agency: they belong to the pharmacy's region. Bureau and handling-agency
staff and auditors of that region or a region above read them (as the subject registry); agreement managers,
section heads and heads of such an agency of the pharmacy's region — or of the city above a county
(市级统筹) — record deductions and repairs. The province reads only.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from casework.access import parse_id
from casework.models import Subject
from organisation.models import Region, User
from ratings.models import Deduction
from ratings.rules import WRITER_AGENCY_KINDS, WRITER_ROLES
from ratings.selectors import pharmacies_for


def access_pharmacy_by_id(user: User, subject_id, *, write: bool = False) -> Subject:
    """Return the pharmacy if the user may read its ratings (and, with write, record them)."""
    subject = pharmacies_for(user=user).filter(pk=parse_id(subject_id)).select_related("region__parent").first()
    if subject is None:
        raise Http404
    if write and not may_record(user, subject):
        raise PermissionDenied
    return subject


def access_deduction_by_id(user: User, deduction_id, *, subject: Subject, year: int) -> Deduction:
    deduction = (
        Deduction.objects.filter(pk=parse_id(deduction_id), evaluation__subject=subject, evaluation__year=year)
        .select_related("evaluation__subject__region", "indicator")
        .first()
    )
    if deduction is None:
        raise Http404
    return deduction


def may_record(user: User, subject: Subject) -> bool:
    if not user.is_authenticated or user.agency_id is None:
        return False
    if user.agency.kind not in WRITER_AGENCY_KINDS or not any(user.has_role(role) for role in WRITER_ROLES):
        return False
    return user.agency.region_id in acting_region_ids(subject.region)


def acting_region_ids(region: Region) -> set[int]:
    """The pharmacy's region and, for a county, the city above it; never the province."""
    return {node.pk for node in region.ancestors_and_self() if node.level != Region.Level.PROVINCE}
