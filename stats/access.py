"""Who may read the statistics tables, of which regions, and the request's region and period.

Staff of a medical-security bureau or a handling agency read the tables of their agency's region and of
every region below it; auditors likewise, whatever their agency. A region outside the caller's reach is
a 404 (as if it did not exist); a caller of another kind of agency is refused (403).
"""

import datetime
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _

from casework.errors import InvalidInput
from organisation.models import Agency, Region, User
from organisation.roles import Role

STATS_AGENCY_KINDS = frozenset({Agency.Kind.BUREAU, Agency.Kind.INSURANCE_AGENCY})
# Who issues the numbered tables (出具正式报表): the heads of a bureau or handling agency, not auditors.
ISSUING_ROLES = frozenset({Role.SECTION_HEAD, Role.DIRECTOR})


def may_read_statistics(user: User) -> bool:
    if not user.is_authenticated or user.agency_id is None:
        return False
    return user.has_role(Role.AUDITOR) or user.agency.kind in STATS_AGENCY_KINDS


def may_issue_statistics(user: User) -> bool:
    return may_read_statistics(user) and user.agency.kind in STATS_AGENCY_KINDS and bool(user.roles & ISSUING_ROLES)


def check_may_read(user: User) -> None:
    if not may_read_statistics(user):
        raise PermissionDenied


def reachable_regions(user: User) -> list[Region]:
    """The caller's agency's region and every region below it, by code (parents first)."""
    return list(Region.objects.filter(pk__in=user.agency.region.descendant_ids()).order_by("code"))


def access_region_by_code(user: User, code: str | None) -> Region:
    """The region of that code if the caller reaches it (their own when no code is given); 404 otherwise."""
    check_may_read(user)
    own = user.agency.region
    code = (code or "").strip()
    if not code or code == own.code:
        return own
    region = Region.objects.filter(code=code[:12]).first()
    if region is None or region.pk not in own.descendant_ids():
        raise Http404
    return region


@dataclass(frozen=True)
class Period:
    date_from: datetime.date
    date_to: datetime.date


def default_period(today: datetime.date | None = None) -> Period:
    """From 1 January of this year to today."""
    today = today or timezone.localdate()
    return Period(today.replace(month=1, day=1), today)


def parse_period(raw_from: str | None, raw_to: str | None) -> Period:
    """The period of `from` and `to` (YYYY-MM-DD, inclusive); missing ends default to this year so far."""
    default = default_period()
    errors: dict[str, list[str]] = {}
    values = {}
    for name, raw, fallback in (("from", raw_from, default.date_from), ("to", raw_to, default.date_to)):
        raw = (raw or "").strip()
        if not raw:
            values[name] = fallback
            continue
        try:
            values[name] = parse_date(raw)
        except ValueError:
            values[name] = None
        if values[name] is None:
            errors[name] = [_("Enter a valid date (YYYY-MM-DD).")]
    if not errors and values["from"] > values["to"]:
        errors["to"] = [_("The period ends before it starts.")]
    if errors:
        raise InvalidInput(errors=errors)
    return Period(values["from"], values["to"])
