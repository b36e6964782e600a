"""Who manages a bureau's disclosures: its section heads and head. Views fetch disclosures only through here:
another agency's disclosure → 404; the owning bureau's staff without a managing role → 403."""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from casework.access import parse_id
from disclosure.models import Disclosure
from organisation.models import Agency, User
from organisation.roles import Role

MANAGER_ROLES = frozenset({Role.SECTION_HEAD, Role.DIRECTOR})


def is_bureau_staff(user: User) -> bool:
    return bool(user.is_authenticated and user.agency_id and user.agency.kind == Agency.Kind.BUREAU)


def may_manage(user: User, agency: Agency | None = None) -> bool:
    """A section head or head of a bureau (of agency, if given)."""
    if not is_bureau_staff(user):
        return False
    if agency is not None and user.agency_id != agency.pk:
        return False
    return bool(user.roles & MANAGER_ROLES)


def require_manager(user: User) -> Agency:
    """The bureau the user manages disclosures for; 404 outside a bureau, 403 without a managing role."""
    if not is_bureau_staff(user):
        raise Http404
    if not may_manage(user):
        raise PermissionDenied
    return user.agency


def access_disclosure_by_id(user: User, disclosure_id) -> Disclosure:
    """A disclosure of the user's own bureau, which the user manages."""
    agency = require_manager(user)
    disclosure = (
        Disclosure.objects.of_agency(agency.pk)
        .select_related("agency__region", "case", "created_by", "published_by", "withdrawn_by")
        .filter(pk=parse_id(disclosure_id))
        .first()
    )
    if disclosure is None:
        raise Http404
    return disclosure


def public_disclosure_by_id(disclosure_id) -> Disclosure:
    """A published disclosure; anything else is unknown to the public."""
    disclosure = (
        Disclosure.objects.published().select_related("agency__region").filter(pk=parse_id(disclosure_id)).first()
    )
    if disclosure is None:
        raise Http404
    return disclosure
